"""Unit of work: one session, its repositories, and the only place that commits."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType

from sqlalchemy import event
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, async_sessionmaker
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from storage.repositories.access_requests import AccessRequestRepository
from storage.repositories.audit import AuditRepository
from storage.repositories.chats import KnownGroupRepository, UserSettingsRepository
from storage.repositories.community import CommunityRepository
from storage.repositories.council import CouncilRepository, ForumTopicRepository
from storage.repositories.invitations import InvitationRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.people import PersonRepository
from storage.repositories.platforms import PlatformRepository
from storage.repositories.schedule import ScheduleRepository
from storage.repositories.schools import SchoolRepository
from storage.repositories.statuses import StatusRepository
from storage.repositories.submissions import SubmissionRepository
from storage.repositories.windows import WindowRepository

BeforeCommit = Callable[[], Awaitable[None]]

WROTE = "wrote"
"""`Session.info` key: an UPDATE, INSERT or DELETE statement ran, or a flush, in the open
transaction.

Neither leaves a trace in `session.new` or `session.dirty`, yet the write is uncommitted, and
on SQLite it holds the database's write lock until the commit: `finish` must commit it, and
before any call to Telegram.
"""


@event.listens_for(Session, "do_orm_execute")
def _note_writes(state: ORMExecuteState) -> None:
    if state.is_update or state.is_delete or state.is_insert:
        state.session.info[WROTE] = True


@event.listens_for(Session, "after_flush")
def _note_flush(session: Session, _context: object) -> None:
    """An autoflush before a query empties `session.new` and `dirty`: the write is still
    uncommitted and must be committed by `finish`."""
    session.info[WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_writes(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # the outermost one: committed or rolled back
        session.info.pop(WROTE, None)


class UnitOfWork:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.outbox_written = False
        """Rows were added to the outbox: the sender should look at it once this commits."""
        self._before_commit: list[BeforeCommit] = []
        self.schools = SchoolRepository(session)
        self.people = PersonRepository(session)
        self.invitations = InvitationRepository(session)
        self.access_requests = AccessRequestRepository(session)
        self.audit = AuditRepository(session)
        self.groups = KnownGroupRepository(session)
        self.settings = UserSettingsRepository(session)
        self.submissions = SubmissionRepository(session)
        self.council = CouncilRepository(session)
        self.topics = ForumTopicRepository(session)
        self.outbox = OutboxRepository(session)
        self.schedule = ScheduleRepository(session)
        self.platforms = PlatformRepository(session)
        self.windows = WindowRepository(session)
        self.statuses = StatusRepository(session)
        self.community = CommunityRepository(session)

    def before_commit(self, hook: BeforeCommit) -> None:
        """Run `hook` before every commit: the dialog state rides along with the change."""
        self._before_commit.append(hook)

    async def commit(self) -> None:
        for hook in self._before_commit:
            await hook()
        await self.session.commit()

    async def finish(self) -> None:
        """End of an update: commit what is still pending (the dialog state), if anything."""
        for hook in self._before_commit:
            await hook()
        session = self.session
        if session.new or session.dirty or session.deleted or session.info.get(WROTE):
            await session.commit()

    async def rollback(self) -> None:
        """Undo this transaction; what was loaded before it is read again.

        A rollback expires every loaded object, and the handler still holds some (the person
        of the update): touching one would then load lazily, which async SQLAlchemy refuses.
        """
        session = self.session
        loaded = list(session.identity_map.values())
        await session.rollback()
        for row in loaded:
            if row in session:
                try:
                    await session.refresh(row)
                except InvalidRequestError:  # deleted meanwhile by someone else
                    session.expunge(row)


class UnitOfWorkFactory:
    """Opens a fresh unit of work: `async with factory() as uow: ...`."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = session_factory

    def __call__(self, connection: AsyncConnection | None = None) -> _Scope:
        """On `connection` if given (an update's, holding its person's lock), else the pool's."""
        if connection is None:
            return _Scope(self._sessions())
        return _Scope(self._sessions(bind=connection))


class _Scope:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def __aenter__(self) -> UnitOfWork:
        return UnitOfWork(self._session)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._session.close()
