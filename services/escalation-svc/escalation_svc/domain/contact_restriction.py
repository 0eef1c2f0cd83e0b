"""A debtor's contact restrictions: opt-outs from notify, escalation's own decisions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

ALL_CHANNELS = "*"


class RestrictionKind(StrEnum):
    OPTED_OUT = "opted_out"
    """the debtor withdrew the channel (``contact.opted_out``)"""
    DO_NOT_CONTACT = "do_not_contact"
    CEASE_CONTACT = "cease_contact"


class RestrictionNotFound(LookupError):
    pass


@dataclass(frozen=True)
class Restriction:
    debtor_id: str
    channel: str  # "*": every channel
    kind: str  # opted_out, do_not_contact, cease_contact
    reason: str
    recorded_by: str
    effective_at: datetime
    until: datetime | None

    def in_force(self, now: datetime) -> bool:
        return self.effective_at <= now and (self.until is None or now < self.until)
