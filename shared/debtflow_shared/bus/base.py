"""What a message bus is to debtflow: publish durably, deliver to consumer groups."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

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
