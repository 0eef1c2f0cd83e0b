"""Turning a message into an effect exactly once: decode, validate, dedupe, handle.

A message that is not a valid envelope, or whose payload fails the catalog's validation,
goes to ``<topic>.dlq``. A handler that fails is retried with exponential backoff, a bounded
number of times, then its message goes to the DLQ too. Either way the partition keeps
flowing. Effects and the inbox claim commit in one transaction.

**Batches.** A bus hands the consumer the messages ready on one partition
(:meth:`EventConsumer.handle_batch`); they are applied in *one* transaction:

- every message is decoded first; invalid ones are dead-lettered only once the batch's
  outcome is known, so a batch that is rolled back and redelivered never sends one twice;
- all valid ids are claimed in the inbox with one statement (:func:`inbox.claim_many`);
- each fresh message's handler runs in order, in its own savepoint and its own trace
  context, and its tracked aggregates are collected there (``uow.collect()``), so what it
  emits carries its correlation and causation ids;
- a handler that fails has its savepoint undone and its claim deleted in the same
  transaction; it is retried *alone* after the commit, on the single-message path (backoff,
  then DLQ). Later messages with the same key are set aside with it (claims deleted too)
  and follow it on the single path, so per-key order holds; other keys stay in the batch.
  We chose savepoints over bisection: one failure costs one rolled-back savepoint, not
  log2(n) re-applied halves, and the batch keeps its one commit;
- on PostgreSQL the transaction first locks the batch's message keys (the debtors) in
  one stable order (:mod:`~debtflow_shared.advisory_locks`), so concurrent batches of different
  topics touching the same debtors queue instead of deadlocking;
- if the transaction fails as a whole (a PostgreSQL deadlock or serialization failure,
  SQLite busy, a lost connection), nothing of it was committed: the batch is applied again
  message by message on the single path, each in its own short transaction, which is what
  consumption was before batches, so a batch opens no deadlock the single path would not
  settle;
- on SQLite a batch holds the one write lock until it commits, so a transaction stops
  taking messages after ``max_transaction_seconds`` (``consumer_batch_seconds_sqlite``),
  commits, and the rest follow in a new one: the API's writes wait at most that long.

A topic may also have a *batch handler*, called once with all the batch's fresh events of
that topic (in one savepoint, at the position of the first; it stamps each event's ids by
emitting inside ``event.tracing()``). If it raises, the events go through the per-event
handler one savepoint each.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from pydantic import ValidationError
from tenacity import (
    AsyncRetrying,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential_jitter,
)

from debtflow_shared import inbox
from debtflow_shared.advisory_locks import lock_batch_keys
from debtflow_shared.bus.base import BatchLimits, ConsumerStopping, InboundMessage, MessageBus
from debtflow_shared.catalog import CATALOG, Catalog, EventPayload, UnknownEventType
from debtflow_shared.context import TraceContext, traced
from debtflow_shared.dead_letters import DeadLetterReason, dead_letter, describe_error
from debtflow_shared.envelope import Envelope
from debtflow_shared.logging import get_logger
from debtflow_shared.metrics import ServiceMetrics
from debtflow_shared.platform_tables import PlatformTables
from debtflow_shared.unit_of_work import UnitOfWork

log = get_logger(__name__)

P = TypeVar("P", bound=EventPayload)


@dataclass(frozen=True)
class ReceivedEvent(Generic[P]):
    envelope: Envelope
    payload: P

    @property
    def tenant_id(self) -> str:
        return self.envelope.tenantid

    def tracing(self) -> AbstractContextManager[TraceContext]:
        """This event's trace context: what is emitted inside it carries its ids."""
        return traced(
            self.envelope.correlationid,
            str(self.envelope.id),
            tenant_id=self.envelope.tenantid,
            event_type=self.envelope.type,
        )


EventHandler = Callable[[ReceivedEvent[Any], UnitOfWork], Awaitable[None]]
BatchEventHandler = Callable[[Sequence[ReceivedEvent[Any]], UnitOfWork], Awaitable[None]]


class PermanentFailure(Exception):
    """The handler will never succeed with this message: dead-letter it without retrying."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_seconds: float = 0.2
    backoff_max_seconds: float = 10.0


@dataclass(frozen=True)
class BatchPolicy:
    max_messages: int = 500
    wait_ms: int = 20
    # None: a batch's transaction takes all its messages (see the module docstring).
    max_transaction_seconds: float | None = None


@dataclass(frozen=True)
class _Delivery:
    message: InboundMessage
    event: ReceivedEvent[Any] | None
    error: Exception | None = None

    @property
    def received(self) -> ReceivedEvent[Any]:
        assert self.event is not None, "an invalid message has no event"
        return self.event

    @property
    def event_id(self) -> str:
        return str(self.received.envelope.id)


@dataclass
class _Round:
    """What one batch transaction did with its messages."""

    processed: list[_Delivery]
    duplicates: list[_Delivery]
    retry_alone: list[_Delivery]
    rest: list[_Delivery]


class EventConsumer:
    """One consumer group of one service: a handler per topic, behind the inbox.

    The bus hands it batches (:meth:`handle_batch`) or single messages (``__call__``).
    """

    def __init__(
        self,
        *,
        group: str,
        handlers: Mapping[str, EventHandler],
        uow_factory: Callable[[], UnitOfWork],
        tables: PlatformTables,
        bus: MessageBus,
        metrics: ServiceMetrics,
        retry: RetryPolicy = RetryPolicy(),
        batch: BatchPolicy = BatchPolicy(),
        batch_handlers: Mapping[str, BatchEventHandler] | None = None,
        catalog: Catalog = CATALOG,
    ) -> None:
        self.group = group
        self._handlers = dict(handlers)
        self._batch_handlers = dict(batch_handlers or {})
        if unknown := set(self._batch_handlers) - set(self._handlers):
            raise ValueError(f"batch handlers need a per-event handler too: {sorted(unknown)}")
        self._uow_factory = uow_factory
        self._tables = tables
        self._bus = bus
        self._metrics = metrics
        self._retry = retry
        self._batch = batch
        self._catalog = catalog
        self._stopping = False
        self.batch_limits = BatchLimits(batch.max_messages, batch.wait_ms)

    @property
    def topics(self) -> list[str]:
        return sorted(self._handlers)

    def register(self) -> None:
        self._stopping = False
        self._bus.subscribe(self.group, self.topics, self)

    def unregister(self) -> None:
        self._stopping = True  # a batch in hand stops at its next transaction boundary
        self._bus.unsubscribe(self)

    async def __call__(self, message: InboundMessage) -> None:
        delivery = self._decode(message)
        if delivery.event is None:
            assert delivery.error is not None
            await self._dead_letter(message, DeadLetterReason.INVALID, delivery.error)
            return
        await self._handle_single(delivery)

    async def handle_batch(self, messages: Sequence[InboundMessage]) -> None:
        """Apply one partition's ``messages`` (see the module docstring); raise only if the
        service is stopping, leaving what is not done to a redelivery."""
        deliveries = [self._decode(message) for message in messages]
        pending = [d for d in deliveries if d.event is not None]
        while pending:
            if self._stopping:
                raise ConsumerStopping(f"{self.group} is stopping")
            pending = await self._apply_batch(pending)
        for delivery in deliveries:
            if delivery.event is None:
                assert delivery.error is not None
                await self._dead_letter(delivery.message, DeadLetterReason.INVALID, delivery.error)

    def _decode(self, message: InboundMessage) -> _Delivery:
        try:
            envelope = Envelope.from_bytes(message.value)
            if envelope.type != message.topic:
                raise ValueError(f"envelope type {envelope.type!r} on topic {message.topic!r}")
            payload = self._catalog.parse(envelope)
        except (ValidationError, UnknownEventType, ValueError) as error:
            return _Delivery(message, None, error)
        return _Delivery(message, ReceivedEvent(envelope, payload))

    async def _apply_batch(self, pending: list[_Delivery]) -> list[_Delivery]:
        """One transaction over (a prefix of) ``pending``; what it did not take is returned."""
        try:
            done = await self._batch_transaction(pending)
        except Exception as error:
            # Nothing of it committed (or, if the commit's answer was lost, the inbox holds
            # it): apply every message in a short transaction of its own.
            self._fell_back("transaction")
            log.warning(
                "batch transaction failed; applying its messages one by one",
                error=describe_error(error),
                group=self.group,
                messages=len(pending),
            )
            for delivery in pending:
                await self._handle_single(delivery)
            return []
        for outcome, deliveries in (("processed", done.processed), ("duplicate", done.duplicates)):
            for delivery in deliveries:
                self._count(delivery.message.topic, outcome)
        for delivery in done.retry_alone:
            if self._stopping:
                raise ConsumerStopping(f"{self.group} is stopping")
            await self._handle_single(delivery)
        return done.rest

    async def _batch_transaction(self, pending: list[_Delivery]) -> _Round:
        started = time.monotonic()
        budget = self._batch.max_transaction_seconds
        first: dict[str, _Delivery] = {}
        for delivery in pending:
            first.setdefault(delivery.event_id, delivery)
        done = _Round([], [], [], [])
        finished: set[int] = set()  # positions applied, dropped or set aside
        blocked: set[str | None] = set()  # keys whose earlier message failed in this batch
        set_failed: set[str] = set()  # topics whose batch handler failed in this batch
        async with self._uow_factory() as uow:
            await lock_batch_keys(
                uow.session, self._metrics.service, (d.received.envelope.key for d in pending)
            )
            fresh = await inbox.claim_many(
                uow.session,
                self._tables,
                self.group,
                [d.received.envelope for d in first.values()],
                datetime.now(UTC),
            )
            for position, delivery in enumerate(pending):
                if position in finished:
                    continue
                if budget is not None and position and time.monotonic() - started > budget:
                    done.rest = [
                        d for p, d in enumerate(pending[position:], position) if p not in finished
                    ]
                    break
                finished.add(position)
                if delivery.event_id not in fresh or first[delivery.event_id] is not delivery:
                    done.duplicates.append(delivery)
                    continue
                if delivery.message.key in blocked:
                    done.retry_alone.append(delivery)
                    continue
                topic = delivery.message.topic
                if topic in self._batch_handlers and topic not in set_failed:
                    group = [
                        (p, d)
                        for p, d in enumerate(pending[position:], position)
                        if d.message.topic == topic
                        and (p == position or p not in finished)
                        and d.event_id in fresh
                        and first[d.event_id] is d
                        and d.message.key not in blocked
                    ]
                    if await self._apply_set(topic, [d for _, d in group], uow):
                        finished.update(p for p, _ in group)
                        done.processed.extend(d for _, d in group)
                        continue
                    set_failed.add(topic)
                if await self._apply_one(delivery, uow):
                    done.processed.append(delivery)
                else:
                    done.retry_alone.append(delivery)
                    blocked.add(delivery.message.key)
            unapplied = [d.event_id for d in (*done.retry_alone, *done.rest) if d.event_id in fresh]
            await inbox.release_many(uow.session, self._tables, self.group, unapplied)
            await uow.commit()
        return done

    async def _apply_one(self, delivery: _Delivery, uow: UnitOfWork) -> bool:
        event = delivery.received
        handler = self._handlers[event.envelope.type]
        started = time.perf_counter()
        with event.tracing():
            try:
                async with uow.savepoint():
                    await handler(event, uow)
                    uow.collect()  # in this message's trace context: its ids on its events
            except Exception as error:
                self._fell_back("message")
                log.warning(
                    "handler failed in a batch; retrying it alone",
                    error=describe_error(error),
                    group=self.group,
                    topic=delivery.message.topic,
                    partition=delivery.message.partition,
                    offset=delivery.message.offset,
                )
                return False
        self._metrics.handler_seconds.labels(
            self._metrics.service, self.group, delivery.message.topic
        ).observe(time.perf_counter() - started)
        return True

    async def _apply_set(self, topic: str, deliveries: list[_Delivery], uow: UnitOfWork) -> bool:
        try:
            async with uow.savepoint():
                await self._batch_handlers[topic]([d.received for d in deliveries], uow)
                uow.collect()
        except Exception as error:
            self._fell_back("set")
            log.warning(
                "batch handler failed; applying its events one by one",
                error=describe_error(error),
                group=self.group,
                topic=topic,
                events=len(deliveries),
            )
            return False
        return True

    def _fell_back(self, failed: str) -> None:
        self._metrics.batch_fallbacks.labels(self._metrics.service, self.group, failed).inc()

    async def _handle_single(self, delivery: _Delivery) -> None:
        """The single-message path: its own transaction, retried, then dead-lettered."""
        started = time.perf_counter()
        event = delivery.received
        with event.tracing():
            try:
                outcome = await self._handle_with_retries(event)
            except Exception as error:
                await self._dead_letter(delivery.message, DeadLetterReason.HANDLER_FAILED, error)
                return
        self._count(delivery.message.topic, outcome)
        self._metrics.handler_seconds.labels(
            self._metrics.service, self.group, delivery.message.topic
        ).observe(time.perf_counter() - started)

    def _count(self, topic: str, outcome: str) -> None:
        self._metrics.events_in.labels(self._metrics.service, self.group, topic, outcome).inc()

    async def _handle_with_retries(self, event: ReceivedEvent[Any]) -> str:
        handler = self._handlers[event.envelope.type]
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._retry.max_attempts),
            wait=wait_exponential_jitter(
                multiplier=self._retry.backoff_seconds,
                max=self._retry.backoff_max_seconds,
                jitter=self._retry.backoff_seconds,
            ),
            # Never a cancellation (a stop): retrying it would swallow the cancel.
            retry=retry_if_exception(
                lambda error: (
                    isinstance(error, Exception) and not isinstance(error, PermanentFailure)
                )
            ),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._handle_once(handler, event)
        raise AssertionError("unreachable: tenacity re-raises the last error")

    async def _handle_once(self, handler: EventHandler, event: ReceivedEvent[Any]) -> str:
        async with self._uow_factory() as uow:
            fresh = await inbox.claim(
                uow.session, self._tables, self.group, event.envelope, datetime.now(UTC)
            )
            if not fresh:
                return "duplicate"
            await handler(event, uow)
            await uow.commit()
        return "processed"

    async def _dead_letter(
        self, message: InboundMessage, reason: DeadLetterReason, error: Exception
    ) -> None:
        log.warning(
            "dead-lettering message",
            reason=reason,
            error=str(error),
            group=self.group,
            topic=message.topic,
            partition=message.partition,
            offset=message.offset,
        )
        await self._bus.publish(
            [
                dead_letter(
                    topic=message.topic,
                    key=message.key or "",
                    value=message.value,
                    reason=reason,
                    error=describe_error(error),
                    group=self.group,
                    headers=message.headers,
                    partition=message.partition,
                    offset=message.offset,
                )
            ]
        )
        self._metrics.dead_letters.labels(self._metrics.service, self.group, message.topic).inc()
        self._count(message.topic, "dead_lettered")
