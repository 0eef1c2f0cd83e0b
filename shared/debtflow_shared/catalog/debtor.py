"""Debtor and credit events (invoice-svc owns debtors).

A credit policy is checked when it is parsed (REST bodies and ``erp.debtor`` alike), so a
rule that could never be priced is refused when the debtor is saved, naming the field,
rather than at the first charge: each interest and late-fee kind takes exactly the fields it
uses, and a statutory rule names one of :data:`STATUTORY_JURISDICTIONS`.

A statutory rule applies to every invoice of the debtor, whatever its currency: interest
runs on the invoice's principal, in the invoice's currency, at the jurisdiction's reference
rate plus its margin (GB: Bank of England rate + 8 points, also on a EUR invoice). The fixed
compensation is a sum the law states in one currency (GB: GBP, EU members: EUR); an invoice
in another currency gets none (the quote says why) rather than a converted sum, since which
exchange rate and day would apply is a legal question debtflow does not answer.
"""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from debtflow_shared.catalog.common import (
    MAX_CONTACTS,
    MAX_TAGS,
    ONE_LINE,
    SEVERAL_LINES,
    CountryCode,
    EntityId,
    ErpId,
    LanguageTag,
    Name,
    Tag,
    TimeZoneName,
    Version,
)
from debtflow_shared.catalog.money import CurrencyCode, Money, NonNegativeMoney
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
    # A postal contact may be an address of several lines.
    value: Annotated[str, Field(min_length=1, max_length=500), SEVERAL_LINES]
    usable: bool = True
    label: Annotated[str, Field(max_length=100), ONE_LINE] | None = None


Contacts = Annotated[
    tuple[Contact, ...], Field(max_length=MAX_CONTACTS, description=f"at most {MAX_CONTACTS}")
]
Tags = Annotated[
    tuple[Tag, ...],
    Field(max_length=MAX_TAGS, description=f"at most {MAX_TAGS}, each 1-100 characters"),
]


class LateFeeKind(StrEnum):
    NONE = "none"
    FIXED = "fixed"
    PERCENT = "percent"


class LateFeeRule(BaseModel):
    """A late fee: none, a fixed amount, or a percent of the overdue amount (plus an optional
    fixed part) up to a cap. ``fixed`` needs ``fixed``, ``percent`` needs ``percent``; ``none``
    takes neither, and ``fixed`` takes no percent."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: LateFeeKind = LateFeeKind.NONE
    fixed: NonNegativeMoney | None = Field(default=None, validate_default=True)
    percent: Decimal | None = Field(
        default=None, ge=0, le=100, decimal_places=4, validate_default=True
    )
    cap: NonNegativeMoney | None = None

    @field_validator("fixed")
    @classmethod
    def _fixed_fits_the_kind(cls, value: Money | None, info: ValidationInfo) -> Money | None:
        kind = info.data.get("kind")
        if kind is LateFeeKind.FIXED and value is None:
            raise ValueError("a fixed late fee needs its amount")
        if kind is LateFeeKind.NONE and value is not None:
            raise ValueError("a late-fee rule of kind none takes no amount")
        if value is not None and value.amount_minor <= 0:
            raise ValueError("a late fee must be more than zero")
        return value

    @field_validator("percent")
    @classmethod
    def _percent_fits_the_kind(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        kind = info.data.get("kind")
        if kind is LateFeeKind.PERCENT and value is None:
            raise ValueError("a percent late fee needs its percent")
        if kind is not None and kind is not LateFeeKind.PERCENT and value is not None:
            raise ValueError(f"a late-fee rule of kind {kind.value} takes no percent")
        return value

    @field_validator("cap")
    @classmethod
    def _cap_fits_the_kind(cls, value: Money | None, info: ValidationInfo) -> Money | None:
        if info.data.get("kind") is LateFeeKind.NONE and value is not None:
            raise ValueError("a late-fee rule of kind none takes no cap")
        return value


class InterestKind(StrEnum):
    NONE = "none"
    CONTRACTUAL = "contractual"
    STATUTORY = "statutory"


# The statutory regimes invoice-svc can price (its ``late_payment.JURISDICTIONS``, which a
# test keeps equal to this list): GB is the 1998 Act, EU the Directive's minimum, the rest
# member states' transpositions.
StatutoryJurisdiction = Literal["GB", "EU", "DE", "FR", "NL", "IE", "ES", "IT"]
STATUTORY_JURISDICTIONS: frozenset[str] = frozenset(get_args(StatutoryJurisdiction))


class InterestRule(BaseModel):
    """Interest on overdue principal: none, a contractual annual rate, or statutory.

    ``contractual`` needs ``annual_rate_percent``; ``statutory`` needs ``jurisdiction`` (its
    rate is the law's: reference rate plus margin); neither takes the other's field, and
    ``none`` takes neither. Statutory interest runs on an invoice in any currency, in that
    currency (GB on a EUR invoice: Bank of England rate + 8 points, in EUR); the fixed
    compensation, which the law states in GBP (GB) or EUR (EU), is not applicable to an invoice
    in another currency (never converted).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: InterestKind = InterestKind.NONE
    annual_rate_percent: Decimal | None = Field(
        default=None, ge=0, le=100, decimal_places=4, validate_default=True
    )
    jurisdiction: StatutoryJurisdiction | None = Field(
        default=None,
        validate_default=True,
        description="statutory regime: GB (Late Payment Act 1998), EU (Directive 2011/7/EU "
        "minimum) or a member state's law (DE, FR, NL, IE, ES, IT)",
    )

    @field_validator("annual_rate_percent")
    @classmethod
    def _rate_fits_the_kind(cls, value: Decimal | None, info: ValidationInfo) -> Decimal | None:
        kind = info.data.get("kind")
        if kind is InterestKind.CONTRACTUAL and value is None:
            raise ValueError("contractual interest needs its annual rate")
        if kind is not None and kind is not InterestKind.CONTRACTUAL and value is not None:
            raise ValueError(
                f"an interest rule of kind {kind.value} takes no annual rate"
                + (" (the law sets it)" if kind is InterestKind.STATUTORY else "")
            )
        return value

    @field_validator("jurisdiction")
    @classmethod
    def _jurisdiction_fits_the_kind(cls, value: str | None, info: ValidationInfo) -> str | None:
        kind = info.data.get("kind")
        if kind is InterestKind.STATUTORY and value is None:
            raise ValueError("statutory interest needs its jurisdiction")
        if kind is not None and kind is not InterestKind.STATUTORY and value is not None:
            raise ValueError(
                f"an interest rule of kind {kind.value} takes no jurisdiction "
                "(fixed compensation comes only with statutory interest)"
            )
        return value


class CreditPolicy(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    payment_terms_days: int = Field(default=30, ge=0, le=365)
    credit_limit: NonNegativeMoney | None = None
    late_fee: LateFeeRule = LateFeeRule()
    interest: InterestRule = InterestRule()


@event("debtor.upserted", producer="invoice-svc")
class DebtorUpserted(EventPayload):
    """A debtor was created or changed (contacts, terms, credit limit, time zone, language)."""

    debtor_id: EntityId
    erp_id: ErpId | None = None
    version: Version
    name: Name
    contacts: Contacts = ()
    preferred_channel: Channel | None = None
    language: LanguageTag = "en"
    time_zone: TimeZoneName = "UTC"
    country: CountryCode
    currency: CurrencyCode
    tags: Tags = ()
    credit_policy: CreditPolicy = CreditPolicy()
