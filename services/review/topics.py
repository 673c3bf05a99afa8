"""The staff group's forum topics: one per kind of submission, created with its first card."""

from __future__ import annotations

from storage.models import ForumTopic
from storage.uow import UnitOfWork


async def known(uow: UnitOfWork, chat_id: int, kind: str) -> int | None:
    topic = await uow.topics.get(chat_id, kind)
    return topic.thread_id if topic is not None else None


async def remember(uow: UnitOfWork, chat_id: int, kind: str, thread_id: int) -> None:
    uow.topics.add(ForumTopic(chat_id=chat_id, kind=kind, thread_id=thread_id))
    await uow.commit()


async def forget(uow: UnitOfWork, chat_id: int, kind: str) -> None:
    """Staff deleted the topic: the next card of the kind creates it again."""
    await uow.topics.forget(chat_id, kind)
    await uow.commit()
