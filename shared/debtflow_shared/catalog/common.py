"""Value types several payloads share."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated
from zoneinfo import available_timezones

from babel import Locale
from pydantic import AfterValidator, Field


@lru_cache(maxsize=1)
def iana_time_zones() -> frozenset[str]:
    """Every IANA zone name the machine knows (read once: it walks the zone database)."""
    return frozenset(available_timezones()) | {"UTC"}


def _known_time_zone(name: str) -> str:
    if name not in iana_time_zones():
        raise ValueError(f"{name!r} is not an IANA time zone")
    return name


TimeZoneName = Annotated[
    str, Field(min_length=1, examples=["Europe/London"]), AfterValidator(_known_time_zone)
]
# Two-letter territories CLDR names that ISO 3166-1 does not assign: exceptionally reserved
# (AC, CP, CQ, DG, EA, EU, IC, TA, UN), CLDR's own (EZ, QO, XA, XB, ZZ) and the user-assigned
# XK (Kosovo, which ISO has not coded). Not a country a debtor can be registered in.
_NOT_ISO_3166 = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)


@lru_cache(maxsize=1)
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes debtflow accepts (the 249 assigned ones, from CLDR via Babel)."""
    codes = (code for code in Locale("en").territories if isinstance(code, str))
    return frozenset(
        code for code in codes if len(code) == 2 and code.isalpha() and code not in _NOT_ISO_3166
    )


def _known_country(code: str) -> str:
    if code not in iso_countries():
        raise ValueError(f"{code!r} is not an ISO 3166-1 alpha-2 country code")
    return code


CountryCode = Annotated[
    str,
    Field(pattern=r"^[A-Z]{2}$", examples=["GB", "DE"]),
    AfterValidator(_known_country),
]
LanguageTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", examples=["en"])]
EntityId = Annotated[str, Field(min_length=1, max_length=64)]
Version = Annotated[int, Field(ge=1, description="the aggregate's version after the change")]
