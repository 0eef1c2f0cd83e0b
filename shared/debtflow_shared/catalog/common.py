"""Value types several payloads share, and the bounds every input is held to.

REST bodies and the ``erp.*`` topics use the same types, so both refuse the same input with
the same message: business dates from :data:`EARLIEST_DATE` to :data:`LATEST_DATE`, written
``YYYY-MM-DD``; text without control characters and never only whitespace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import available_timezones

from babel import Locale
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
"""Business dates (issue, due, received, as-of) lie in 1900-01-01..2199-12-31: far beyond
any real invoice, and far inside what date arithmetic handles (a due date a year of terms
later, local midnight in any time zone, interest periods), so no accepted date overflows.
The controlled clock stops at 2200-01-01 for the same reason."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    # pydantic alone reads 0 (or "0") as 1970-01-01 and a datetime string as its date.
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    if not isinstance(value, str | date):
        raise ValueError("a date is written YYYY-MM-DD")
    return value


def _in_business_range(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(f"a date must be from {EARLIEST_DATE} to {LATEST_DATE}")
    return value


IsoDate = Annotated[
    date,
    BeforeValidator(_iso_date),
    Field(description="YYYY-MM-DD", json_schema_extra={"pattern": r"^\d{4}-\d{2}-\d{2}$"}),
]
"""A date written YYYY-MM-DD, in any range (a filter: nothing is computed from it)."""
BusinessDate = Annotated[
    IsoDate,
    AfterValidator(_in_business_range),
    Field(description=f"YYYY-MM-DD, from {EARLIEST_DATE} to {LATEST_DATE}"),
]
"""A date something is computed from (issue, due, received, as of), in the business range."""

# Control characters (Unicode category Cc: U+0000-U+001F, U+007F-U+009F) and lone surrogates
# (Cs) are refused in text: PostgreSQL refuses NUL (SQLite would store it), no encoder takes a
# lone surrogate, and neither belongs in a name or a number. Multi-line text (reasons, notes)
# may still contain tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_BUT_LINE_BREAKS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _checked_text(value: str, *, multiline: bool) -> str:
    found = (_CONTROL_BUT_LINE_BREAKS if multiline else _CONTROL).search(value)
    if found:
        raise ValueError(
            f"control character U+{ord(found.group()):04X} at position {found.start()} "
            "is not allowed"
        )
    if value and value.isspace():
        raise ValueError("must not be only whitespace")
    return value


@dataclass(frozen=True)
class TextRule:
    """Annotation refusing control characters and blank text (use :data:`ONE_LINE` or
    :data:`SEVERAL_LINES` after the length bounds: ``Annotated[str, Field(...), ONE_LINE]``)."""

    multiline: bool

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(
            lambda value: _checked_text(value, multiline=self.multiline), handler(source)
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # For clients and fuzzers: no C0/C1 control characters, something besides whitespace.
        # (A lone surrogate cannot be written in a pattern; the validator refuses it.)
        refused = (
            r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f" if self.multiline else r"\x00-\x1f\x7f-\x9f"
        )
        json_schema = handler(schema)
        # Empty passes here as in the validator: ``min_length`` decides whether it may be.
        json_schema["pattern"] = rf"^([^{refused}]*[^\s\x00-\x1f\x7f-\x9f][^{refused}]*)?$"
        return json_schema


ONE_LINE = TextRule(multiline=False)
"""Names, ids, numbers, references: no control characters at all, not blank."""
SEVERAL_LINES = TextRule(multiline=True)
"""Reasons, notes, descriptions: as :data:`ONE_LINE`, but tab and line breaks pass."""

ErpId = Annotated[str, Field(min_length=1, max_length=100, examples=["CUST-1001"]), ONE_LINE]
"""The ERP's own id of a debtor, invoice or payment."""
Name = Annotated[str, Field(min_length=1, max_length=300), ONE_LINE]
"""A person's or company's name."""
DocumentNumber = Annotated[str, Field(min_length=1, max_length=100), ONE_LINE]
"""An invoice's number as printed."""
Reason = Annotated[str, Field(min_length=1, max_length=1000), SEVERAL_LINES]
"""Why something was done (a credit note, a write-off, a dispute, a reversal)."""
Tag = Annotated[str, Field(min_length=1, max_length=100), ONE_LINE]
MAX_TAGS = 50
MAX_CONTACTS = 20
MAX_NAMED_INVOICES = 1000
"""The most invoices one payment may name (a remittance listing what it pays)."""


@lru_cache(maxsize=1)
def iana_time_zones() -> frozenset[str]:
    """Every IANA zone name the machine knows (read once: it walks the zone database)."""
    return frozenset(available_timezones()) | {"UTC"}


def _known_time_zone(name: str) -> str:
    if name not in iana_time_zones():
        raise ValueError(f"{name!r} is not an IANA time zone")
    return name


TimeZoneName = Annotated[
    str,
    Field(min_length=1, max_length=64, examples=["Europe/London"]),
    AfterValidator(_known_time_zone),
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
LanguageTag = Annotated[
    str, Field(max_length=35, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", examples=["en"])
]
EntityId = Annotated[str, Field(min_length=1, max_length=64), ONE_LINE]
Version = Annotated[int, Field(ge=1, description="the aggregate's version after the change")]
