"""Stage-report rules: each programme stage's report, to the lead school and its mentors."""

from __future__ import annotations

import json
from datetime import timedelta

from services.reminders.rules.common import Context, Scope
from services.reminders.wanted import Moment, Wanted, remind, series
from services.submissions import passport, stage_reports
from services.submissions.stage_reports import StageReport
from storage.models import Platform


async def stage_reports_due(ctx: Context, scope: Scope) -> list[Wanted]:
    """Each stage's report, until given: to the lead school when the stage ends, days before
    the deadline and the day after it; its mentors on that day too."""
    programme = scope.programme
    if programme.reports.schedule != "stages":
        return []
    days_after = programme.reports.stage_report_days_after or 0
    founded = await ctx.uow.platforms.founding_applications(programme.id)
    given = stage_reports.given_by_platform(
        await ctx.uow.platforms.reports_given([platform.id for platform, _ in founded])
    )
    found = []
    for platform, application in founded:
        stages = passport.stages_of(json.loads(application.values))
        for report in stage_reports.reports_of(stages, days_after):
            if report.index in given.get(platform.id, set()):
                continue
            found += _about_report(ctx, scope, platform, report)
    return found


def _about_report(
    ctx: Context, scope: Scope, platform: Platform, report: StageReport
) -> list[Wanted]:
    """If a date of this report is near: the lead school's coordinators, then its mentors."""
    before = scope.programme.reminders.stage_report_days
    overdue = report.deadline + timedelta(days=1)
    due_days = [report.deadline - timedelta(days=d) for d in before]
    if not ctx.moment.any_wanted(report.opens, overdue, *due_days):
        return []
    lead = platform.lead_school_id
    found = []
    for person in scope.coordinators.get(lead, []):
        found += _to_lead(ctx.moment, scope, platform, report, person)
    for mentor in ctx.mentors.get(lead, []):
        found.append(
            remind(
                "stage_report_overdue_mentor",
                mentor,
                subject=_subject(platform, report),
                occurrence=report.deadline.isoformat(),
                due=ctx.moment.at(overdue),
                mandatory=False,
                payload={"school": platform.lead_school.name, **report.as_context()},
            )
        )
    return found


def _to_lead(
    moment: Moment, scope: Scope, platform: Platform, report: StageReport, person: int
) -> list[Wanted]:
    """The stage ended; the days before the report is due; the day after, if still missing."""
    subject, occurrence = _subject(platform, report), report.deadline.isoformat()
    info = report.as_context()
    found = [
        remind(
            "stage_report_open",
            person,
            subject=subject,
            occurrence=occurrence,
            due=moment.at(report.opens),
            mandatory=False,
            until=report.deadline,
            payload=info,
        )
    ]
    for days, until in series(scope.programme.reminders.stage_report_days, report.deadline).items():
        found.append(
            remind(
                f"stage_report_due_{days}",
                person,
                subject=subject,
                occurrence=occurrence,
                due=moment.at(report.deadline - timedelta(days=days)),
                mandatory=True,
                until=until,
                payload=info,
            )
        )
    found.append(
        remind(
            "stage_report_overdue",
            person,
            subject=subject,
            occurrence=occurrence,
            due=moment.at(report.deadline + timedelta(days=1)),
            mandatory=True,
            payload=info,
        )
    )
    return found


def _subject(platform: Platform, report: StageReport) -> str:
    return f"stage_report:{platform.id}:{report.index}"
