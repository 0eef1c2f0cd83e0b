"""The seam every channel plugs into: a message ready to go, and what its provider said.

Email goes over SMTP (or into the local mailbox folder); SMS, webhooks and letters go to
HTTP providers over one signed contract (``adapters/http_provider.py``), letters also into
a local folder. Each implements the same :class:`Sender` protocol; the dispatcher asks for
the notification's channel and fails the notification (``provider_unavailable``) if none is
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
    channel: str = "email"
    tenant_id: str = ""
    debtor_id: str = ""
    postal_lines: tuple[str, ...] = ()
    """a letter's recipient: the debtor's name and address in its country's order"""


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    TRANSIENT = "transient"
    """worth retrying later: SMTP 4xx or HTTP 5xx/429, a timeout, a connection refused"""
    PERMANENT = "permanent"
    """retrying cannot help: SMTP 5xx or HTTP 4xx (the recipient or the message refused)"""


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
