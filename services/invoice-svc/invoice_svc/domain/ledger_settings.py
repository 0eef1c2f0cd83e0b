"""The tenant's ledger rules: how a payment is split between principal and charges.

Principal before charges is the default: it keeps the debt that statutory interest runs on
as small as possible. Some creditors' terms (and some jurisdictions' custom) take charges
first, so it is a tenant setting rather than a constant.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum


class AllocationOrder(StrEnum):
    PRINCIPAL_FIRST = "principal_first"
    CHARGES_FIRST = "charges_first"


@dataclass(frozen=True)
class LedgerRules:
    allocation_order: AllocationOrder = AllocationOrder.PRINCIPAL_FIRST

    @property
    def charges_first(self) -> bool:
        return self.allocation_order is AllocationOrder.CHARGES_FIRST


@dataclass(frozen=True)
class LedgerSettings:
    """The rules plus their version; a tenant that never set them has the defaults, version 0."""

    tenant_id: str
    rules: LedgerRules = LedgerRules()
    version: int = 0
    updated_at: datetime | None = None

    def change(self, rules: LedgerRules, now: datetime) -> LedgerSettings | None:
        """The next version, or ``None`` when nothing changes."""
        if rules == self.rules:
            return None
        return replace(self, rules=rules, version=self.version + 1, updated_at=now)
