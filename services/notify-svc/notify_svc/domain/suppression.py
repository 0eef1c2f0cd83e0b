"""The suppression list: addresses notify never sends to again, whatever an ERP re-sends.

An opt-out (the unsubscribe link, a STOP reply, a complaint, a debtor's request) or a hard
bounce puts an address on it, per tenant and channel. ``debtor.upserted`` carries contacts,
not suppressions, so a debtor re-sent with the same address does not lift it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class SuppressionReason(StrEnum):
    OPTED_OUT = "opted_out"
    HARD_BOUNCE = "hard_bounce"
    PROVIDER_REJECTED = "provider_rejected"
    """the mail server refused the recipient for good (SMTP 5xx)"""


@dataclass(frozen=True)
class Suppression:
    tenant_id: str
    channel: str
    address: str
    reason: SuppressionReason
    detail: str
    debtor_id: str | None
    suppressed_at: datetime


def normalised_address(channel: str, address: str) -> str:
    """The form an address is suppressed under: email addresses compare case-insensitively."""
    value = address.strip()
    return value.lower() if channel == "email" else value
