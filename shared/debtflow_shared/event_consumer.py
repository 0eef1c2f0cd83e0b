"""Turning a message into an effect exactly once: decode, validate, dedupe, handle.

A message that is not a valid envelope, or whose payload fails the catalog's validation,
goes straight to ``<topic>.dlq``. A handler that fails is retried with exponential backoff,
a bounded number of times, then its message goes to the DLQ too. Either way the partition
keeps flowing. Effects and the inbox claim commit in one transaction.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Mapping
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
from debtflow_shared.bus.base import InboundMessage, MessageBus
from debtflow_shared.catalog import CATALOG, Catalog, EventPayload, UnknownEventType
from debtflow_shared.context import traced
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


EventHandler = Callable[[ReceivedEvent[Any], UnitOfWork], Awaitable[None]]


class PermanentFailure(Exception):
    """The handler will never succeed with this message: dead-letter it without retrying."""


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 5
    backoff_seconds: float = 0.2
    backoff_max_seconds: float = 10.0


class EventConsumer:
    """One consumer group of one service: a handler per topic, behind the inbox."""

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
        catalog: Catalog = CATALOG,
    ) -> None:
        self.group = group
        self._handlers = dict(handlers)
        self._uow_factory = uow_factory
        self._tables = tables
        self._bus = bus
        self._metrics = metrics
        self._retry = retry
        self._catalog = catalog

    @property
    def topics(self) -> list[str]:
        return sorted(self._handlers)

    def register(self) -> None:
        self._bus.subscribe(self.group, self.topics, self)

    def unregister(self) -> None:
        self._bus.unsubscribe(self)

    async def __call__(self, message: InboundMessage) -> None:
        started = time.perf_counter()
        try:
            envelope = Envelope.from_bytes(message.value)
            if envelope.type != message.topic:
                raise ValueError(f"envelope type {envelope.type!r} on topic {message.topic!r}")
            payload = self._catalog.parse(envelope)
        except (ValidationError, UnknownEventType, ValueError) as error:
            await self._dead_letter(message, DeadLetterReason.INVALID, error)
            return
        with traced(
            envelope.correlationid,
            str(envelope.id),
            tenant_id=envelope.tenantid,
            event_type=envelope.type,
        ):
            try:
                outcome = await self._handle_with_retries(ReceivedEvent(envelope, payload))
            except Exception as error:
                await self._dead_letter(message, DeadLetterReason.HANDLER_FAILED, error)
                return
        self._metrics.events_in.labels(
            self._metrics.service, self.group, message.topic, outcome
        ).inc()
        self._metrics.handler_seconds.labels(
            self._metrics.service, self.group, message.topic
        ).observe(time.perf_counter() - started)

    async def _handle_with_retries(self, event: ReceivedEvent[Any]) -> str:
        handler = self._handlers[event.envelope.type]
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._retry.max_attempts),
            wait=wait_exponential_jitter(
                multiplier=self._retry.backoff_seconds,
                max=self._retry.backoff_max_seconds,
                jitter=self._retry.backoff_seconds,
            ),
            retry=retry_if_exception(lambda error: not isinstance(error, PermanentFailure)),
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
        self._metrics.events_in.labels(
            self._metrics.service, self.group, message.topic, "dead_lettered"
        ).inc()
