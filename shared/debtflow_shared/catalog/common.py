"""Value types several payloads share."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated
from zoneinfo import available_timezones

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
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", examples=["GB", "DE"])]
LanguageTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", examples=["en"])]
EntityId = Annotated[str, Field(min_length=1, max_length=64)]
Version = Annotated[int, Field(ge=1, description="the aggregate's version after the change")]
