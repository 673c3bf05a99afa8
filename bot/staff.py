"""Who is staff: members of the staff group (asked with getChatMember, cached) and admins."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from aiogram import Bot
from aiogram.enums import ChatMemberStatus
from aiogram.exceptions import TelegramAPIError

log = logging.getLogger(__name__)

_MEMBER = {ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}


class StaffDirectory:
    def __init__(
        self,
        bot: Bot,
        staff_chat_id: int | None,
        admin_ids: frozenset[int],
        ttl_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._bot = bot
        self.chat_id = staff_chat_id
        self.admin_ids = admin_ids
        self._ttl = ttl_seconds
        self._clock = clock
        self._cache: dict[int, tuple[float, bool]] = {}

    def is_admin(self, user_id: int) -> bool:
        return user_id in self.admin_ids

    async def is_staff(self, user_id: int) -> bool:
        if self.is_admin(user_id):
            return True
        if self.chat_id is None:
            return False
        cached = self._cache.get(user_id)
        if cached is not None and cached[0] > self._clock():
            return cached[1]
        try:
            member = await self._bot.get_chat_member(self.chat_id, user_id)
        except TelegramAPIError as error:
            log.warning("staff check for %s failed: %s", user_id, error)
            return False
        is_member = member.status in _MEMBER or (
            member.status == ChatMemberStatus.RESTRICTED
            and bool(getattr(member, "is_member", False))
        )
        self._cache[user_id] = (self._clock() + self._ttl, is_member)
        return is_member
