"""Request and response bodies for /v1/debtors."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from debtflow_shared.catalog.common import CountryCode, ErpId, LanguageTag, Name, TimeZoneName
from debtflow_shared.catalog.debtor import Channel, ContactsV2, CreditPolicy, DebtorAddress, Tags
from debtflow_shared.catalog.money import CurrencyCode
from debtflow_shared.http.pagination import Page
from invoice_svc.domain.debtor import Debtor, DebtorProfile


class DebtorIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "erp_id": "CUST-1001",
                    "name": "Acme Widgets Ltd",
                    "country": "GB",
                    "currency": "GBP",
                    "time_zone": "Europe/London",
                    "language": "en",
                    "postal_address": {
                        "lines": ["Accounts Payable", "1 High Street"],
                        "city": "London",
                        "postcode": "EC1A 1BB",
                        "country": "GB",
                    },
                    "contacts": [
                        {"kind": "email", "value": "ap@acme.example", "usable": True},
                        {"kind": "phone", "value": "+447700900123", "sms_capable": True},
                    ],
                    "preferred_channel": "email",
                    "credit_policy": {
                        "payment_terms_days": 30,
                        "credit_limit": {"amount_minor": 5000000, "currency": "GBP"},
                        "interest": {"kind": "statutory", "jurisdiction": "GB"},
                    },
                }
            ]
        },
    )

    erp_id: ErpId | None = None
    name: Name
    country: CountryCode
    currency: CurrencyCode
    language: LanguageTag = "en"
    time_zone: TimeZoneName = "UTC"
    postal_address: DebtorAddress | None = Field(
        default=None, description="where letters go (lines, city, region, postcode, country)"
    )
    contacts: ContactsV2 = Field(
        default=(), description="email, phone (E.164, `sms_capable`) or free-text postal"
    )
    preferred_channel: Channel | None = None
    tags: Tags = ()
    credit_policy: CreditPolicy = CreditPolicy()

    def to_profile(self) -> DebtorProfile:
        return DebtorProfile(
            name=self.name,
            country=self.country,
            currency=self.currency,
            erp_id=self.erp_id,
            postal_address=self.postal_address,
            contacts=self.contacts,
            preferred_channel=self.preferred_channel,
            language=self.language,
            time_zone=self.time_zone,
            tags=self.tags,
            credit_policy=self.credit_policy,
        )


class DebtorOut(DebtorIn):
    model_config = ConfigDict(extra="forbid")

    id: str
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, debtor: Debtor) -> DebtorOut:
        p = debtor.profile
        return cls(
            id=debtor.id,
            version=debtor.version,
            created_at=debtor.created_at,
            updated_at=debtor.updated_at,
            erp_id=p.erp_id,
            name=p.name,
            country=p.country,
            currency=p.currency,
            language=p.language,
            time_zone=p.time_zone,
            postal_address=p.postal_address,
            contacts=p.contacts,
            preferred_channel=p.preferred_channel,
            tags=p.tags,
            credit_policy=p.credit_policy,
        )


class DebtorPage(Page[DebtorOut]):
    pass
