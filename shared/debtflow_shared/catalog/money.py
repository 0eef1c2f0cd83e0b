"""Money on the wire: integer minor units plus an ISO 4217 currency. Never floats."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated

from babel.numbers import get_currency_precision, list_currencies
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictInt

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
    Field(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$", examples=["EUR", "GBP"]),
    AfterValidator(_known_currency),
]


class Money(BaseModel):
    """An amount in integer minor units (cents, pence) of an ISO 4217 currency."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    amount_minor: StrictInt = Field(examples=[125000])
    currency: CurrencyCode


NonNegativeMinor = Annotated[StrictInt, Field(ge=0)]
