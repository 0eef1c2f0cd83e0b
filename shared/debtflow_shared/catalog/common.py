"""Value types several payloads share."""

from __future__ import annotations

from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, Field


def _known_time_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{name!r} is not an IANA time zone") from None
    if name not in available_timezones() and name != "UTC":
        raise ValueError(f"{name!r} is not an IANA time zone")
    return name


TimeZoneName = Annotated[
    str, Field(min_length=1, examples=["Europe/London"]), AfterValidator(_known_time_zone)
]
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", examples=["GB", "DE"])]
LanguageTag = Annotated[str, Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", examples=["en"])]
EntityId = Annotated[str, Field(min_length=1, max_length=64)]
Version = Annotated[int, Field(ge=1, description="the aggregate's version after the change")]
