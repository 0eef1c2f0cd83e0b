"""escalation-svc's copy of a debtor: who to contact, how, and on what terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from debtflow_shared.catalog.debtor import CreditPolicy


@dataclass(frozen=True)
class DebtorProfile:
    tenant_id: str
    debtor_id: str
    version: int
    name: str
    country: str
    currency: str
    language: str
    time_zone: str
    preferred_channel: str | None
    contacts_json: str
    updated_at: datetime
    tags: tuple[str, ...] = ()
    credit_policy: CreditPolicy = field(default_factory=CreditPolicy)
    postal_address_json: str | None = None
    """where letters go (debtor.upserted v2 ``postal_address``), if known"""
