"""Debtor and credit events (invoice-svc owns debtors)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from debtflow_shared.catalog.common import (
    CountryCode,
    EntityId,
    LanguageTag,
    TimeZoneName,
    Version,
)
from debtflow_shared.catalog.money import CurrencyCode, Money
from debtflow_shared.catalog.registry import EventPayload, event


class ContactKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    POSTAL = "postal"


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"
    LETTER = "letter"
    PHONE = "phone"
    WEBHOOK = "webhook"


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: ContactKind
    value: str = Field(min_length=1, max_length=500)
    usable: bool = True
    label: str | None = Field(default=None, max_length=100)


class LateFeeKind(StrEnum):
    NONE = "none"
    FIXED = "fixed"
    PERCENT = "percent"


class LateFeeRule(BaseModel):
    """A late fee: none, a fixed amount, or a percent of the overdue amount up to a cap."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: LateFeeKind = LateFeeKind.NONE
    fixed: Money | None = None
    percent: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=4)
    cap: Money | None = None


class InterestKind(StrEnum):
    NONE = "none"
    CONTRACTUAL = "contractual"
    STATUTORY = "statutory"


class InterestRule(BaseModel):
    """Interest on overdue principal: none, a contractual annual rate, or statutory."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: InterestKind = InterestKind.NONE
    annual_rate_percent: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=4)
    jurisdiction: str | None = Field(
        default=None, description="statutory regime, e.g. GB (1998 Act) or an EU member state"
    )


class CreditPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    payment_terms_days: int = Field(default=30, ge=0, le=365)
    credit_limit: Money | None = None
    late_fee: LateFeeRule = LateFeeRule()
    interest: InterestRule = InterestRule()


@event("debtor.upserted", producer="invoice-svc")
class DebtorUpserted(EventPayload):
    """A debtor was created or changed (contacts, terms, credit limit, time zone, language)."""

    debtor_id: EntityId
    erp_id: str | None = None
    version: Version
    name: str = Field(min_length=1, max_length=300)
    contacts: tuple[Contact, ...] = ()
    preferred_channel: Channel | None = None
    language: LanguageTag = "en"
    time_zone: TimeZoneName = "UTC"
    country: CountryCode
    currency: CurrencyCode
    tags: tuple[str, ...] = ()
    credit_policy: CreditPolicy = CreditPolicy()
