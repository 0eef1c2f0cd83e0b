"""The unit of work: one database transaction holding a state change and its events.

:class:`AbstractUnitOfWork` is what a use case sees: the clock, the repositories, ``emit``
and ``track`` for events, ``commit``, ``rollback`` and ``savepoint``. :class:`UnitOfWork`
is the SQL one a service runs on; a use case written against the abstract one (repositories
through ``uow.repos``, never ``uow.session``) can be tested with in-memory repositories and
no database (``tests/support/fake_unit_of_work.py``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Generic, Protocol, Self

from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker
from typing_extensions import TypeVar

from debtflow_shared.aggregate import EmitsEvents
from debtflow_shared.catalog import EventPayload, payload_dict
from debtflow_shared.clock import Clock
from debtflow_shared.context import TraceContext, current_trace
from debtflow_shared.envelope import Envelope, new_event_id
from debtflow_shared.outbox import OutboxWriter


class RequestTransaction(Protocol):
    """A transaction spanning a whole request, which its units of work join (savepoints).

    ``Idempotency-Key`` uses one so that the answer commits with the write it protects.
    """

    async def join(self, sessions: async_sessionmaker[AsyncSession]) -> AsyncSession | None:
        """The session to work in, or None to work in a transaction of one's own."""
        ...

    def unit_committed(self, after_commit: Callable[[], None] | None) -> None:
        """A unit of work's savepoint was released; run ``after_commit`` after the commit."""
        ...


request_transaction: ContextVar[RequestTransaction | None] = ContextVar(
    "request_transaction", default=None
)


R_co = TypeVar("R_co", covariant=True, default=Any)
"""A service's repositories as one object (``uow.repos.invoices``); Any when not said."""


class AbstractUnitOfWork(ABC, Generic[R_co]):
    """Rolls back unless told to commit; at commit, writes the events it collected.

    Events are staged with :meth:`emit`, or raised by aggregates handed to :meth:`track`
    and collected at commit, in order. Nothing publishes from a use case: the events are
    written with the change, and delivered after the commit.
    """

    def __init__(self, *, clock: Clock, source: str) -> None:
        self.clock = clock
        self.source = source
        self._pending: list[Envelope] = []
        # Each tracked aggregate, with the trace its events are stamped with (None: the
        # trace current when they are staged).
        self._tracked: list[tuple[EmitsEvents, TraceContext | None]] = []
        self.committed = False

    @property
    @abstractmethod
    def repos(self) -> R_co:
        """The repositories, valid inside ``async with``."""

    @abstractmethod
    async def _begin(self) -> None: ...

    @abstractmethod
    async def _end(self) -> None:
        """Leave the transaction: undone unless committed."""

    @abstractmethod
    async def _write(self, events: list[Envelope]) -> None:
        """Make the change and ``events`` durable together."""

    @abstractmethod
    async def _undo(self) -> None: ...

    @abstractmethod
    def _nested(self) -> AbstractAsyncContextManager[object]:
        """A nested transaction: undone (and the error re-raised) if its block fails."""

    async def __aenter__(self) -> Self:
        self._pending = []
        self._tracked = []
        self.committed = False
        await self._begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._end()

    def track(self, aggregate: EmitsEvents, *, trace: TraceContext | None = None) -> None:
        """Collect ``aggregate``'s events at commit.

        ``trace``: the correlation and causation ids its events carry, when the aggregate is
        tracked later, under another message's trace, than the work that changed it (a
        batch inserting many messages' new rows in one statement).
        """
        self._tracked.append((aggregate, trace))

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        """A nested transaction whose failure also undoes what this unit of work collected in
        it: events staged, aggregates tracked, and events that already-tracked aggregates
        raised inside. The exception propagates; the transaction stays usable.

        Aggregates changed inside keep their in-memory state: a caller that goes on after a
        failure reads them again instead of reusing them.
        """
        self._stage_tracked()  # what was raised before the savepoint survives its failure
        pending_mark, tracked_mark = len(self._pending), len(self._tracked)
        try:
            async with self._nested():
                yield
        except BaseException:
            for aggregate, _trace in self._tracked:
                aggregate.pull_events()  # raised inside the savepoint: discarded
            del self._tracked[tracked_mark:]
            del self._pending[pending_mark:]
            raise

    def emit(self, payload: EventPayload, *, tenant_id: str, debtor_id: str) -> Envelope:
        """Stage an event; it is written only if this unit of work commits."""
        return self._stage(payload, tenant_id, debtor_id, current_trace())

    def _stage(
        self, payload: EventPayload, tenant_id: str, debtor_id: str, trace: TraceContext | None
    ) -> Envelope:
        event_id = new_event_id()
        own = str(event_id)  # an event that starts a trace is its own correlation and cause
        envelope = Envelope(
            id=event_id,
            type=payload.event_type,
            source=self.source,
            subject=debtor_id,
            time=self.clock.now(),
            tenantid=tenant_id,
            correlationid=trace.correlation_id if trace else own,
            causationid=trace.causation_id if trace else own,
            dataschema=payload.schema_version,
            data=payload_dict(payload),
        )
        self._pending.append(envelope)
        return envelope

    def collect(self) -> None:
        """Stage the events tracked aggregates raised so far, stamped with the current trace.

        ``commit`` collects too; a consumer applying a batch calls this after each message,
        inside that message's trace context, so its events carry its correlation and
        causation ids instead of the last message's.
        """
        self._stage_tracked()

    async def commit(self) -> None:
        self._stage_tracked()
        await self._write(self._pending)
        self.committed = True
        self._pending = []

    async def rollback(self) -> None:
        await self._undo()
        self._pending = []

    def _stage_tracked(self) -> None:
        """Turn the events tracked aggregates raised so far into staged envelopes, in order."""
        for aggregate, trace in self._tracked:
            for payload, tenant_id, debtor_id in aggregate.pull_events():
                self._stage(payload, tenant_id, debtor_id, trace or current_trace())


class UnitOfWork(AbstractUnitOfWork[R_co]):
    """One SQL transaction; at commit its events become outbox rows in it.

    The relay publishes those rows after the commit. Inside a :data:`request_transaction`
    the unit of work is a savepoint of it, and its commit becomes durable when the
    request's transaction commits.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        outbox: OutboxWriter,
        clock: Clock,
        source: str,
        repositories: Callable[[AsyncSession], R_co] | None = None,
    ) -> None:
        super().__init__(clock=clock, source=source)
        self._sessions = sessions
        self._outbox = outbox
        self._repositories = repositories
        self._repos: R_co | None = None
        self._session: AsyncSession | None = None
        self._request: RequestTransaction | None = None
        self._savepoint: AsyncSessionTransaction | None = None

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("use the unit of work inside 'async with'")
        return self._session

    @property
    def repos(self) -> R_co:
        if self._repos is None:
            if self._repositories is None:
                raise RuntimeError("this service declares no repositories")
            self._repos = self._repositories(self.session)
        return self._repos

    async def _begin(self) -> None:
        request = request_transaction.get()
        shared = await request.join(self._sessions) if request is not None else None
        if shared is not None:
            self._request, self._session = request, shared
            self._savepoint = await shared.begin_nested()
        else:
            self._request, self._session = None, self._sessions()

    async def _end(self) -> None:
        session = self.session
        try:
            if self._request is not None:
                if self._savepoint is not None and self._savepoint.is_active:
                    await self._savepoint.rollback()
            elif not self.committed:
                await session.rollback()
        finally:
            if self._request is None:
                await session.close()  # a request transaction is closed by its request
            self._session, self._request, self._savepoint = None, None, None
            self._repos = None

    def _nested(self) -> AbstractAsyncContextManager[object]:
        return self.session.begin_nested()

    async def _write(self, events: list[Envelope]) -> None:
        # Row bookkeeping uses the machine's time; the events carry business time.
        await self._outbox.add(self.session, events, datetime.now(UTC))
        if self._request is not None and self._savepoint is not None:
            await self._savepoint.commit()
            self._request.unit_committed(self._outbox.after_commit if events else None)
            self._savepoint = await self.session.begin_nested()  # what follows is not committed
        else:
            await self.session.commit()
            if events:
                self._outbox.after_commit()

    async def _undo(self) -> None:
        if self._request is not None and self._savepoint is not None:
            await self._savepoint.rollback()
            self._savepoint = await self.session.begin_nested()
        else:
            await self.session.rollback()
