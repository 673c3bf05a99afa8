"""The Academic Council's dates and the staff group's forum topics. Repositories never commit; the unit of work does."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    CouncilMeeting,
    ForumTopic,
)


class CouncilRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, meeting: CouncilMeeting) -> None:
        self._s.add(meeting)

    async def latest(self) -> CouncilMeeting | None:
        return await self._s.scalar(
            select(CouncilMeeting).order_by(CouncilMeeting.id.desc()).limit(1)
        )

    async def previous(self, before: date, newer_than: int) -> CouncilMeeting | None:
        """The latest meeting set before meeting `newer_than` that met before `before` (a
        date corrected for the same council met later than that)."""
        return await self._s.scalar(
            select(CouncilMeeting)
            .where(CouncilMeeting.id < newer_than, CouncilMeeting.meets_on < before)
            .order_by(CouncilMeeting.id.desc())
            .limit(1)
        )


class ForumTopicRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    async def get(self, chat_id: int, kind: str) -> ForumTopic | None:
        return await self._s.get(ForumTopic, (chat_id, kind))

    def add(self, topic: ForumTopic) -> None:
        self._s.add(topic)

    async def forget(self, chat_id: int, kind: str) -> None:
        await self._s.execute(
            delete(ForumTopic).where(ForumTopic.chat_id == chat_id, ForumTopic.kind == kind)
        )
