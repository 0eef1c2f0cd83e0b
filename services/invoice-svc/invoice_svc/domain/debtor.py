"""The debtor aggregate: who owes, how to reach them, and on what credit terms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from debtflow_shared.aggregate import EventRecorder
from debtflow_shared.catalog.debtor import (
    Channel,
    ContactV2,
    CreditPolicy,
    DebtorAddress,
    DebtorUpsertedV2,
)


@dataclass(frozen=True)
class DebtorProfile:
    """Everything about a debtor that the ERP or a user may change."""

    name: str
    country: str
    currency: str
    erp_id: str | None = None
    postal_address: DebtorAddress | None = None
    contacts: tuple[ContactV2, ...] = ()
    preferred_channel: Channel | None = None
    language: str = "en"
    time_zone: str = "UTC"
    tags: tuple[str, ...] = ()
    credit_policy: CreditPolicy = field(default_factory=CreditPolicy)


@dataclass
class Debtor(EventRecorder):
    id: str
    tenant_id: str
    profile: DebtorProfile
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def register(
        cls, *, debtor_id: str, tenant_id: str, profile: DebtorProfile, now: datetime
    ) -> Debtor:
        debtor = cls(debtor_id, tenant_id, profile, 1, now, now)
        debtor._announce()
        return debtor

    def change(self, profile: DebtorProfile, now: datetime) -> bool:
        """Apply a new profile; returns False (and emits nothing) when nothing changed."""
        if profile == self.profile:
            return False
        self.profile = profile
        self.version += 1
        self.updated_at = now
        self._announce()
        return True

    def _announce(self) -> None:
        p = self.profile
        self._events.append(
            (
                DebtorUpsertedV2(
                    debtor_id=self.id,
                    erp_id=p.erp_id,
                    version=self.version,
                    name=p.name,
                    postal_address=p.postal_address,
                    contacts=p.contacts,
                    preferred_channel=p.preferred_channel,
                    language=p.language,
                    time_zone=p.time_zone,
                    country=p.country,
                    currency=p.currency,
                    tags=p.tags,
                    credit_policy=p.credit_policy,
                ),
                self.tenant_id,
                self.id,
            )
        )
