"""Whose data an export may hold: staff see the region, a coordinator or a mentor their schools.

Every export takes a `Scope` made from the roles of whoever asked, on the server side, so a
file never holds a school the person does not coordinate or accompany.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.people.roles import Roles


@dataclass(frozen=True)
class Scope:
    school_ids: frozenset[int] | None = None
    """None: the whole region."""
    district: str | None = None
    """Only this municipal district (staff may narrow the region so)."""

    @property
    def region(self) -> bool:
        return self.school_ids is None

    def allows(self, school_id: int) -> bool:
        return self.school_ids is None or school_id in self.school_ids


REGION = Scope()


def of(roles: Roles) -> Scope | None:
    """Staff: the region; a coordinator or mentor: their schools; anyone else: None."""
    if roles.staff:
        return REGION
    ids = {school.id for school in roles.coordinator_of} | {school.id for school in roles.mentor_of}
    return Scope(frozenset(ids)) if ids else None
