"""What every report route shares: its scope, query parameters and CSV answers.

Ratios are decimal strings rounded half-up to two places (computed exactly first); money is
integer minor units of the report's currency.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Query, Response

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.common import BusinessDate
from debtflow_shared.catalog.money import CurrencyCode
from debtflow_shared.http.security import require

Reader = Annotated[Principal, Depends(require("analytics:read"))]


class Format(StrEnum):
    JSON = "json"
    CSV = "csv"


CSV = "text/csv"
AsOf = Annotated[
    BusinessDate | None,
    Query(description="the day to report as of, at its end, YYYY-MM-DD (default: today, UTC)"),
]
OptionalCurrency = Annotated[
    CurrencyCode | None, Query(description="only this ISO 4217 currency (default: each one)")
]
Currency = Annotated[CurrencyCode, Query(description="the ISO 4217 currency to report in")]
IncludeCharges = Annotated[
    bool,
    Query(
        description="AR counts open charges (fees, interest, compensation) as well as open "
        "principal (true, the default), or open principal only (false)"
    ),
]
FormatQuery = Annotated[Format, Query(description="json (the default) or csv")]
RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "the report (CSV with format=csv)",
        "content": {CSV: {"schema": {"type": "string"}}},
    },
    422: {"description": "an invalid parameter, named in the problem"},
}


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting with these as a formula.
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _number(text) else text


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_response(
    header: Sequence[str], rows: Iterable[Sequence[object]], filename: str
) -> Response:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return Response(
        out.getvalue(),
        media_type=CSV,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def today(as_of: date | None, now: date) -> date:
    return as_of or now
