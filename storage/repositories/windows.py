"""Windows opened and closed by staff, as an order announces them (LOIRO 3.4)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import WindowOpening


class WindowRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._s = session

    def add(self, opening: WindowOpening) -> None:
        self._s.add(opening)

    async def latest(self, programme: str, window: str) -> WindowOpening | None:
        return await self._s.scalar(
            select(WindowOpening)
            .where(WindowOpening.programme == programme, WindowOpening.window == window)
            .order_by(WindowOpening.opened_on.desc(), WindowOpening.id.desc())
            .limit(1)
        )
