"""The tenant's creditor profile: who is owed, and how to pay or dispute.

Every message a debtor receives must identify the creditor and say how to pay and how to
dispute; notify-svc keeps a copy of this profile from ``creditor.profile_updated``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from debtflow_shared.aggregate import EventRecorder
from debtflow_shared.catalog.invoice import BankAccount, CreditorProfileUpdated, PostalAddress


@dataclass(frozen=True)
class CreditorDetails:
    legal_name: str
    address: PostalAddress
    registration_numbers: dict[str, str] = field(default_factory=dict)
    bank_accounts: tuple[BankAccount, ...] = ()
    pay_link: str | None = None
    dispute_email: str | None = None
    dispute_phone: str | None = None


@dataclass
class CreditorProfile(EventRecorder):
    tenant_id: str
    details: CreditorDetails
    version: int
    updated_at: datetime

    @classmethod
    def create(cls, tenant_id: str, details: CreditorDetails, now: datetime) -> CreditorProfile:
        profile = cls(tenant_id, details, 1, now)
        profile._announce()
        return profile

    def change(self, details: CreditorDetails, now: datetime) -> bool:
        if details == self.details:
            return False
        self.details, self.version, self.updated_at = details, self.version + 1, now
        self._announce()
        return True

    def _announce(self) -> None:
        d = self.details
        # Tenant-wide, not about one debtor: keyed by the tenant so all versions stay in order.
        self._events.append(
            (
                CreditorProfileUpdated(
                    legal_name=d.legal_name,
                    address=d.address,
                    registration_numbers=d.registration_numbers,
                    bank_accounts=d.bank_accounts,
                    pay_link=d.pay_link,
                    dispute_email=d.dispute_email,
                    dispute_phone=d.dispute_phone,
                    version=self.version,
                ),
                self.tenant_id,
                CREDITOR_SUBJECT,
            )
        )


CREDITOR_SUBJECT = "creditor"
