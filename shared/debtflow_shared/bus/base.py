"""What a message bus is to debtflow: publish durably, deliver to consumer groups.

A subscriber is a :data:`MessageHandler` (one message at a time). One that is also a
:class:`BatchConsumer` is handed *batches* instead: the messages ready on one partition, in
order, at most ``batch_limits.max_messages`` of them (Kafka: what one ``getmany`` fetched
for the partition; embedded: that subscription's messages of one ``publish`` call). The
bus commits a batch's offsets only after the batch handler has returned.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

Headers = tuple[tuple[str, bytes], ...]


@dataclass(frozen=True)
class OutboundMessage:
    topic: str
    key: str
    value: bytes
    headers: Headers = ()


@dataclass(frozen=True)
class InboundMessage:
    topic: str
    key: str | None
    value: bytes
    headers: Headers
    partition: int
    offset: int

    def header(self, name: str) -> bytes | None:
        return next((value for key, value in self.headers if key == name), None)


MessageHandler = Callable[[InboundMessage], Awaitable[None]]
"""Handles one message completely (effects committed, or dead-lettered) before returning.

It raises only when the message must be delivered again (e.g. the dead-letter topic is
unreachable, or the service is shutting down)."""

BatchHandler = Callable[[Sequence[InboundMessage]], Awaitable[None]]
"""Handles a batch of one partition's messages completely, in order, before returning.

It raises only when the whole batch must be delivered again (its effects were either not
committed, or are held by the inbox, so a redelivery repeats none of them)."""


@dataclass(frozen=True)
class BatchLimits:
    max_messages: int = 500
    # How long a poll waits for messages when none are ready (a batch is what is ready:
    # the bus never holds ready messages back to fill one, so latency at low load stays).
    wait_ms: int = 20


@runtime_checkable
class BatchConsumer(Protocol):
    """A message handler that can also take a partition's ready messages at once."""

    batch_limits: BatchLimits

    async def __call__(self, message: InboundMessage) -> None: ...

    async def handle_batch(self, messages: Sequence[InboundMessage]) -> None: ...


class MessageBus(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, messages: Sequence[OutboundMessage]) -> None:
        """Return once every message is durably accepted, in order per key."""
        ...

    def subscribe(self, group: str, topics: Sequence[str], handler: MessageHandler) -> None:
        """Deliver ``topics`` to ``handler`` as consumer group ``group`` (call before start)."""
        ...

    def unsubscribe(self, handler: MessageHandler) -> None:
        """Its service is stopping: deliver nothing more to ``handler`` once the bus's owner
        has stopped it too (at once on a bus that outlives the service, the embedded one)."""
        ...

    async def is_ready(self) -> bool: ...


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


class ConsumerStopping(Exception):
    """Raised by a batch handler when its service is stopping: the rest of the batch is left
    for redelivery (a bus leaves its offsets uncommitted, quietly: nothing failed)."""
