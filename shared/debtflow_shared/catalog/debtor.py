"""Debtor and credit events (invoice-svc owns debtors).

``debtor.upserted`` has two payload versions on one topic. v2 (:class:`DebtorUpsertedV2`,
what invoice-svc publishes) adds a structured postal address for letters, phones in E.164
with an ``sms_capable`` flag, and types each contact by its ``kind``; it keeps the tags and
the credit policy. v1 (:class:`DebtorUpserted`) stays parseable for the messages still on
the topic: :meth:`DebtorUpsertedV2.from_v1` reads one as v2.

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

import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator
from pydantic.config import JsonDict

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

ContactText = Annotated[str, Field(min_length=1, max_length=500), SEVERAL_LINES]
ContactLabel = Annotated[str, Field(max_length=100), ONE_LINE]

E164_PATTERN = r"^\+[1-9][0-9]{1,14}$"
PhoneNumber = Annotated[
    str,
    Field(
        pattern=E164_PATTERN,
        examples=["+447700900123"],
        description="E.164: '+', the country code and the number, digits only, at most 15",
    ),
]
r"""A phone number in E.164 (ASCII digits: ``\d`` would take any script's). Checked by its
form only, not whether the number is assigned: the form is what an SMS or call provider
needs, and the same pattern is in the schema."""


class EmailContact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal[ContactKind.EMAIL]
    value: ContactText
    usable: bool = True
    label: ContactLabel | None = None


class PhoneContact(BaseModel):
    """A phone number; ``sms_capable`` says text messages reach it (a mobile, not a desk)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal[ContactKind.PHONE]
    value: PhoneNumber
    sms_capable: bool = False
    usable: bool = True
    label: ContactLabel | None = None


class PostalContact(BaseModel):
    """An address as free text, kept from v1: letters go to the debtor's ``postal_address``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal[ContactKind.POSTAL]
    value: ContactText
    usable: bool = True
    label: ContactLabel | None = None


ContactV2 = Annotated[EmailContact | PhoneContact | PostalContact, Field(discriminator="kind")]
ContactsV2 = Annotated[
    tuple[ContactV2, ...], Field(max_length=MAX_CONTACTS, description=f"at most {MAX_CONTACTS}")
]

MAX_ADDRESS_LINES = 6
AddressLine = Annotated[str, Field(min_length=1, max_length=200), ONE_LINE]


class DebtorAddress(BaseModel):
    """Where letters go: street lines, then town, region and postcode, in a country.

    Field names follow the creditor's :class:`~debtflow_shared.catalog.invoice.PostalAddress`
    (``city`` is the town), so one renderer prints both; ``region`` (a state, province or
    county) is for the countries whose addresses need one, and the country is checked.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    lines: tuple[AddressLine, ...] = Field(
        min_length=1,
        max_length=MAX_ADDRESS_LINES,
        description=f"street, building, c/o: 1 to {MAX_ADDRESS_LINES} lines",
    )
    city: Annotated[str, Field(min_length=1, max_length=100), ONE_LINE]
    region: Annotated[str, Field(min_length=1, max_length=100), ONE_LINE] | None = None
    postcode: Annotated[str, Field(min_length=1, max_length=20), ONE_LINE] | None = None
    country: CountryCode


_PHONE_PUNCTUATION = re.compile(r"[\s().\-/]")


def e164_or_none(number: str) -> str | None:
    """``number`` in E.164 if it is written internationally (``+44 20 7946 0000``,
    ``0044-20-...``), else None: a national number's country code is not guessed."""
    compact = _PHONE_PUNCTUATION.sub("", number)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    return compact if re.fullmatch(E164_PATTERN, compact) else None


def contact_v2(contact: Contact) -> ContactV2 | None:
    """A v1 contact as v2; None for a phone not written internationally (see
    :func:`e164_or_none`). A v1 phone is not known to take text messages."""
    common = {"usable": contact.usable, "label": contact.label}
    if contact.kind is ContactKind.EMAIL:
        return EmailContact(kind=ContactKind.EMAIL, value=contact.value, **common)
    if contact.kind is ContactKind.POSTAL:
        return PostalContact(kind=ContactKind.POSTAL, value=contact.value, **common)
    number = e164_or_none(contact.value)
    if number is None:
        return None
    return PhoneContact(kind=ContactKind.PHONE, value=number, **common)


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


_V2_EXAMPLE: JsonDict = {
    "debtor_id": "0190f3a2-7c1e-7d3a-9b5e-2f4c6a8e1b3d",
    "erp_id": "CUST-1001",
    "version": 3,
    "name": "Acme Widgets Ltd",
    "postal_address": {
        "lines": ["Accounts Payable", "1 High Street"],
        "city": "London",
        "region": None,
        "postcode": "EC1A 1BB",
        "country": "GB",
    },
    "contacts": [
        {"kind": "email", "value": "ap@acme.example", "usable": True, "label": None},
        {
            "kind": "phone",
            "value": "+447700900123",
            "sms_capable": True,
            "usable": True,
            "label": "accounts mobile",
        },
    ],
    "preferred_channel": "email",
    "language": "en",
    "time_zone": "Europe/London",
    "country": "GB",
    "currency": "GBP",
    "tags": ["key-account", "construction"],
    "credit_policy": {
        "payment_terms_days": 30,
        "credit_limit": {"amount_minor": 5000000, "currency": "GBP"},
        "late_fee": {"kind": "none", "fixed": None, "percent": None, "cap": None},
        "interest": {"kind": "statutory", "annual_rate_percent": None, "jurisdiction": "GB"},
    },
}


@event("debtor.upserted", version="v2", producer="invoice-svc")
class DebtorUpsertedV2(EventPayload):
    """A debtor was created or changed: postal address, contacts (E.164 phones, SMS or not),
    terms, credit policy, tags, time zone, language."""

    model_config = ConfigDict(json_schema_extra={"examples": [_V2_EXAMPLE]})

    debtor_id: EntityId
    erp_id: ErpId | None = None
    version: Version
    name: Name
    postal_address: DebtorAddress | None = Field(
        default=None, description="where letters go; null when none is known"
    )
    contacts: ContactsV2 = ()
    preferred_channel: Channel | None = None
    language: LanguageTag = "en"
    time_zone: TimeZoneName = "UTC"
    country: CountryCode
    currency: CurrencyCode
    tags: Tags = ()
    credit_policy: CreditPolicy = CreditPolicy()

    @classmethod
    def from_v1(cls, v1: DebtorUpserted) -> DebtorUpsertedV2:
        """A v1 message read as v2: no postal address (v1 had only free-text postal
        contacts, kept as such), phones as :func:`contact_v2` reads them."""
        fields = v1.model_dump(exclude={"contacts"})
        contacts = (contact_v2(c) for c in v1.contacts)
        return cls(**fields, contacts=tuple(c for c in contacts if c is not None))
