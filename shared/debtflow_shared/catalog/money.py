"""Money on the wire: integer minor units plus an ISO 4217 currency. Never floats.

Money that comes *in* (REST bodies, ``erp.*`` topics, credit policies) is bounded by
:data:`MAX_AMOUNT_MINOR`; money going out (balances, totals, events reporting state) is not,
since it is computed from bounded input.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from babel.numbers import get_currency_precision, list_currencies
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt, model_validator

# Currencies withdrawn long ago that CLDR still lists; nobody invoices in them today.
_RETIRED = frozenset(
    {
        "ADP",
        "AFA",
        "ALK",
        "AOK",
        "AON",
        "AOR",
        "ARA",
        "ARL",
        "ARM",
        "ARP",
        "ATS",
        "AZM",
        "BEC",
        "BEF",
        "BEL",
        "BGL",
        "BGM",
        "BGO",
        "DEM",
        "ESP",
        "FIM",
        "FRF",
        "GRD",
        "IEP",
        "ITL",
        "LUF",
        "NLG",
        "PTE",
        "XEU",
    }
)


# ISO 4217 codes that are not money anyone invoices in: precious metals (XAU, XAG, XPT, XPD),
# units of account and bond-market units (XDR, XBA..XBD, XSU, XUA, and the withdrawn XFO, XFU,
# XRE), the testing code XTS and "no currency", XXX.
NOT_CURRENCIES = frozenset(
    {
        "XAG",
        "XAU",
        "XBA",
        "XBB",
        "XBC",
        "XBD",
        "XDR",
        "XFO",
        "XFU",
        "XPD",
        "XPT",
        "XRE",
        "XSU",
        "XTS",
        "XUA",
        "XXX",
    }
)


@lru_cache(maxsize=1)
def iso_currencies() -> frozenset[str]:
    """ISO 4217 codes debtflow accepts: current currencies, not metals, units or XXX."""
    return frozenset(
        code for code in list_currencies() if code not in _RETIRED and code not in NOT_CURRENCIES
    )


def minor_unit_digits(currency: str) -> int:
    """How many decimal places the currency's minor unit has (EUR 2, JPY 0, BHD 3)."""
    return int(get_currency_precision(currency))


def _known_currency(code: str) -> str:
    if code not in iso_currencies():
        if code in NOT_CURRENCIES:
            raise ValueError(f"{code!r} is an ISO 4217 code but not a currency one invoices in")
        raise ValueError(f"{code!r} is not an ISO 4217 currency code")
    return code


CurrencyCode = Annotated[
    str,
    Field(
        min_length=3,
        max_length=3,
        pattern=r"^[A-Z]{3}$",
        examples=["EUR", "GBP"],
        description="a current ISO 4217 currency (not XXX, XTS, metals or units of account)",
        # Listed, so a client (or a fuzzer) reading the schema knows which codes are accepted.
        json_schema_extra={"enum": sorted(iso_currencies())},
    ),
    AfterValidator(_known_currency),
]


class Money(BaseModel):
    """An amount in integer minor units (cents, pence) of an ISO 4217 currency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount_minor: StrictInt = Field(examples=[125000])
    currency: CurrencyCode


MAX_AMOUNT_MINOR = 10**15
"""The largest amount (in minor units) any one money field accepts: 10^15, ten trillion
pounds or euros, a quadrillion yen. Sums are stored in 64-bit integers (at most 2^63 - 1,
about 9.2 x 10^18), so a debtor's balance still fits with over 9,000 invoices at the maximum,
and an amount is far from any overflow wherever it is added, charged or multiplied by a rate."""

_AMOUNT_HELP = f"in minor units, at most {MAX_AMOUNT_MINOR:,} in magnitude"

AmountMinor = Annotated[
    StrictInt,
    Field(
        ge=-MAX_AMOUNT_MINOR, le=MAX_AMOUNT_MINOR, description=f"{_AMOUNT_HELP}; may be negative"
    ),
]
NonNegativeMinor = Annotated[
    StrictInt, Field(ge=0, le=MAX_AMOUNT_MINOR, description=f"{_AMOUNT_HELP}; zero or more")
]
PositiveMinor = Annotated[
    StrictInt, Field(gt=0, le=MAX_AMOUNT_MINOR, description=f"{_AMOUNT_HELP}; more than zero")
]


class _BoundedMoney(Money):
    @model_validator(mode="before")
    @classmethod
    def _checked_again(cls, value: Any) -> Any:
        # Code may hand in plain Money (``CreditPolicy(credit_limit=Money(...))``): check it.
        if isinstance(value, Money) and not isinstance(value, cls):
            return {"amount_minor": value.amount_minor, "currency": value.currency}
        return value


class PositiveMoney(_BoundedMoney):
    """Money that must be more than zero and at most :data:`MAX_AMOUNT_MINOR` (invoices,
    payments, credit notes, disputed amounts)."""

    amount_minor: PositiveMinor = Field(examples=[125000])


class NonNegativeMoney(_BoundedMoney):
    """Money from zero to :data:`MAX_AMOUNT_MINOR` (credit limits, fee caps)."""

    amount_minor: NonNegativeMinor = Field(examples=[5000000])
