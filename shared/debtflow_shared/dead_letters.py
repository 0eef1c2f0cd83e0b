"""What a dead letter carries: the one place that builds ``<topic>.dlq`` messages.

Both the consumer pipeline (a malformed message, a handler that kept failing) and the
parking lot's expiry (a prerequisite that never arrived) dead-letter through
:func:`dead_letter`, so ``debtflow dlq`` reads one set of headers whatever sent it. The
value is the original message, byte for byte: replaying it is publishing it again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from debtflow_shared.bus.base import Headers, OutboundMessage, dead_letter_topic

HEADER_PREFIX = "dlq."
ERROR_LIMIT = 4000


class DeadLetterReason(StrEnum):
    INVALID = "invalid"  # not an envelope, or a payload the catalog refuses
    HANDLER_FAILED = "handler_failed"  # refused for good, or failed on every retry
    PREREQUISITE_MISSING = "prerequisite_missing"  # parked, and what it waited for never came


def dead_letter(
    *,
    topic: str,
    key: str,
    value: bytes,
    reason: DeadLetterReason,
    error: str,
    group: str,
    headers: Headers = (),
    partition: int | None = None,
    offset: int | None = None,
    waiting_for: str | None = None,
    now: datetime | None = None,
) -> OutboundMessage:
    """The ``<topic>.dlq`` message for ``value``, keeping its own headers (minus old ``dlq.*``)."""
    added: list[tuple[str, str]] = [
        ("dlq.reason", reason.value),
        ("dlq.error", error[:ERROR_LIMIT]),
        ("dlq.topic", topic),
        ("dlq.group", group),
    ]
    if partition is not None:
        added.append(("dlq.partition", str(partition)))
    if offset is not None:
        added.append(("dlq.offset", str(offset)))
    if waiting_for is not None:
        added.append(("dlq.waiting_for", waiting_for))
    added.append(("dlq.time", (now or datetime.now(UTC)).isoformat()))
    return OutboundMessage(
        topic=dead_letter_topic(topic),
        key=key,
        value=value,
        headers=(
            *original_headers(headers),
            *((name, text.encode()) for name, text in added),
        ),
    )


def original_headers(headers: Headers) -> Headers:
    """The headers a message had before it was dead-lettered (what a replay sends again)."""
    return tuple((name, value) for name, value in headers if not name.startswith(HEADER_PREFIX))


def describe_error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"
