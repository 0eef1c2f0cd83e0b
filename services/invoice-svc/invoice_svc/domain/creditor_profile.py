"""The tenant's creditor profile: who is owed, and how to pay or dispute.

Every message a debtor receives must identify the creditor and say how to pay and how to
dispute; notify-svc keeps a copy of this profile from ``creditor.profile_updated``. The
optional logo heads the statements invoice-svc prints; it is not part of the event (an image
has no place in every consumer's messages).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from debtflow_shared.aggregate import EventRecorder
from debtflow_shared.catalog.invoice import BankAccount, CreditorProfileUpdated, PostalAddress

LOGO_MAX_BYTES = 256 * 1024
LOGO_MAX_SIDE_PIXELS = 2000  # checked where the image is decoded (adapters/logo_image.py)
# The formats fpdf2 draws, by the signature their files start with.
LOGO_SIGNATURES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}


class InvalidLogo(ValueError):
    """A logo that is too large or not the PNG or JPEG it says it is."""


@dataclass(frozen=True)
class Logo:
    media_type: str
    data: bytes = field(repr=False)

    def __post_init__(self) -> None:
        signature = LOGO_SIGNATURES.get(self.media_type)
        if signature is None:
            raise InvalidLogo(f"a logo is one of {', '.join(LOGO_SIGNATURES)}")
        if len(self.data) > LOGO_MAX_BYTES:
            raise InvalidLogo(f"a logo is at most {LOGO_MAX_BYTES // 1024} KiB")
        if not self.data.startswith(signature):
            raise InvalidLogo(f"the logo is not an {self.media_type} file")


@dataclass(frozen=True)
class CreditorDetails:
    legal_name: str
    address: PostalAddress
    registration_numbers: dict[str, str] = field(default_factory=dict)
    bank_accounts: tuple[BankAccount, ...] = ()
    pay_link: str | None = None
    dispute_email: str | None = None
    dispute_phone: str | None = None
    logo: Logo | None = None


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
