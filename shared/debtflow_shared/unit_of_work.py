"""The unit of work: one database transaction holding a state change and its events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from debtflow_shared.aggregate import EmitsEvents
from debtflow_shared.catalog import EventPayload, payload_dict
from debtflow_shared.clock import Clock
from debtflow_shared.context import current_trace
from debtflow_shared.envelope import Envelope, new_event_id
from debtflow_shared.outbox import OutboxWriter


class UnitOfWork:
    """Rolls back unless told to commit; at commit, writes collected events to the outbox.

    Nothing publishes from a handler: events become outbox rows in the same transaction
    as the change, and the relay publishes them after the commit.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        outbox: OutboxWriter,
        clock: Clock,
        source: str,
    ) -> None:
        self._sessions = sessions
        self._outbox = outbox
        self.clock = clock
        self.source = source
        self._session: AsyncSession | None = None
        self._pending: list[Envelope] = []
        self._tracked: list[EmitsEvents] = []
        self.committed = False

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("use the unit of work inside 'async with'")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        self._pending = []
        self._tracked = []
        self.committed = False
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if not self.committed:
                await session.rollback()
        finally:
            await session.close()
            self._session = None

    def track(self, aggregate: EmitsEvents) -> None:
        """Collect ``aggregate``'s events at commit."""
        self._tracked.append(aggregate)

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
            async with self.session.begin_nested():
                yield
        except BaseException:
            for aggregate in self._tracked:
                aggregate.pull_events()  # raised inside the savepoint: discarded
            del self._tracked[tracked_mark:]
            del self._pending[pending_mark:]
            raise

    def emit(self, payload: EventPayload, *, tenant_id: str, debtor_id: str) -> Envelope:
        """Stage an event; it reaches the outbox only if this unit of work commits."""
        trace = current_trace()
        event_id = new_event_id()
        envelope = Envelope(
            id=event_id,
            type=payload.event_type,
            source=self.source,
            subject=debtor_id,
            time=self.clock.now(),
            tenantid=tenant_id,
            correlationid=trace.correlation_id if trace else str(event_id),
            causationid=trace.causation_id if trace else str(event_id),
            dataschema=payload.schema_version,
            data=payload_dict(payload),
        )
        self._pending.append(envelope)
        return envelope

    async def commit(self) -> None:
        self._stage_tracked()
        # Row bookkeeping uses the machine's time; the events carry business time.
        await self._outbox.add(self.session, self._pending, datetime.now(UTC))
        await self.session.commit()
        self.committed = True
        if self._pending:
            self._outbox.after_commit()
        self._pending = []

    async def rollback(self) -> None:
        await self.session.rollback()
        self._pending = []

    def _stage_tracked(self) -> None:
        """Turn the events tracked aggregates raised so far into staged envelopes, in order."""
        for aggregate in self._tracked:
            for payload, tenant_id, debtor_id in aggregate.pull_events():
                self.emit(payload, tenant_id=tenant_id, debtor_id=debtor_id)
