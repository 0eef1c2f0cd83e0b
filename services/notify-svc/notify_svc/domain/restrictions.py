"""Escalation's do-not-contact and cease-contact decisions, as notify applies them at send time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from debtflow_shared.catalog.notification import RestrictionKind, Tone


@dataclass(frozen=True)
class ContactRestriction:
    tenant_id: str
    debtor_id: str
    version: int
    restriction: RestrictionKind
    channel: str | None
    reason: str
    effective_at: datetime
    until: datetime | None

    def forbids(self, channel: str, tone: Tone, now: datetime) -> bool:
        """Whether this stops a message on ``channel`` in ``tone`` at ``now``.

        Cease-contact still lets a formal legal notice go (the law may require it); do-not-
        contact stops everything on its channels.
        """
        if self.channel is not None and self.channel != channel:
            return False
        if now < self.effective_at or (self.until is not None and now >= self.until):
            return False
        return not (self.restriction is RestrictionKind.CEASE_CONTACT and tone is Tone.FORMAL)
