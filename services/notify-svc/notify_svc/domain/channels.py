"""The seam every channel plugs into: a message ready to go, and what its provider said.

Email is the one channel today (SMTP, or the local mailbox folder). SMS, webhooks and
letters implement the same :class:`Sender` protocol; the dispatcher asks it for the
notification's channel and fails the notification (``provider_unavailable``) if none is
configured, so escalation can fall back to another channel.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol


@dataclass(frozen=True)
class Attachment:
    filename: str
    media_type: str
    content: bytes


@dataclass(frozen=True)
class OutgoingMessage:
    message_id: str
    """fixed before the provider is called, the same on every attempt (providers dedupe)"""
    to: str
    subject: str
    html: str
    text: str
    sender_name: str
    reply_to: str | None
    unsubscribe_url: str
    attachments: tuple[Attachment, ...] = field(default=())


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    TRANSIENT = "transient"
    """worth retrying later: a 4xx reply, a timeout, a connection refused"""
    PERMANENT = "permanent"
    """retrying cannot help: a 5xx reply (the recipient or the message refused)"""


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    detail: str
    provider: str
    provider_message_id: str | None = None
    recipient_refused: bool = False
    """a permanent refusal of the address itself (SMTP 5xx to RCPT): notify suppresses it"""


class Sender(Protocol):
    provider: str

    async def send(self, message: OutgoingMessage) -> SendResult: ...
