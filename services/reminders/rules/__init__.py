"""The registry of reminder rules, in the order a pass runs them (and so plans their rows).

A new rule is one function in its family's module and one line here: a `DeploymentRule`
(`async def rule(ctx: Context) -> list[Wanted]`) among `RULES`, or a `ProgrammeRule`
(`async def rule(ctx: Context, scope: Scope) -> list[Wanted]`) in `each_programme(...)`.
The order matters only to rows due at the same minute: the sender sends them in it.
"""

from __future__ import annotations

from services.reminders.rules import events, staff, stages, terms, windows
from services.reminders.rules.common import Context, DeploymentRule, ProgrammeRule
from services.reminders.wanted import Wanted


def each_programme(*rules: ProgrammeRule) -> DeploymentRule:
    """Rules run for every programme in turn, over the schools that follow it."""

    async def run(ctx: Context) -> list[Wanted]:
        found: list[Wanted] = []
        for programme in ctx.programmes:
            scope = ctx.scope(programme)
            for rule in rules:
                found += await rule(ctx, scope)
        return found

    return run


RULES: tuple[DeploymentRule, ...] = (
    events.news_for_mentors,
    events.eve_and_follow_up,
    each_programme(
        events.announce_planned,
        windows.report_window,
        windows.application_window,
        windows.application_by_order,
        terms.status_terms,
        terms.roadmaps_due,
        terms.certificates_due,
        stages.stage_reports_due,
    ),
    staff.changes_unanswered,
    staff.digest,
    staff.council_closing,
    staff.council_results,
)
