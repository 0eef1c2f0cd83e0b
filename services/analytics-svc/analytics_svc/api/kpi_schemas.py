"""The KPI reports' JSON shape (ratios as decimal strings, half-up to two places)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from analytics_svc.domain.kpis import Kpis, rounded

ROUNDING = (
    "exact decimal arithmetic on minor units, rounded once, half-up, to 2 places; "
    "add is dso - bpdso before rounding"
)
_EXAMPLE: JsonDict = {
    "currency": "GBP",
    "start": "2026-01-01",
    "end": "2026-03-31",
    "days": 90,
    "include_charges": True,
    "beginning_ar_minor": 25000000,
    "ending_ar_minor": 30000000,
    "ending_current_ar_minor": 20000000,
    "credit_sales_minor": 90000000,
    "dso_days": "30.00",
    "countback_dso_days": "30.33",
    "bpdso_days": "20.00",
    "add_days": "10.00",
    "cei_percent": "89.47",
    "notes": [],
    "rounding": ROUNDING,
}


class KpisOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    currency: str
    start: date
    end: date
    days: int = Field(description="days in the period, both ends included")
    include_charges: bool = Field(description="whether AR counts open charges")
    beginning_ar_minor: int = Field(description="AR at the end of the day before start")
    ending_ar_minor: int = Field(description="AR at the end of end")
    ending_current_ar_minor: int = Field(description="of ending AR, what was not yet due")
    credit_sales_minor: int = Field(description="invoiced in the period minus credit notes")
    dso_days: Decimal | None = Field(description="null without credit sales")
    countback_dso_days: Decimal | None = Field(
        description="null when ending AR exceeds every month's sales on record"
    )
    bpdso_days: Decimal | None
    add_days: Decimal | None
    cei_percent: Decimal | None
    notes: list[str] = Field(description="why a figure is null")
    rounding: str = ROUNDING

    @classmethod
    def of(cls, currency: str, result: Kpis, *, include_charges: bool) -> KpisOut:
        f = result.figures
        return cls(
            currency=currency,
            start=f.start,
            end=f.end,
            days=result.days,
            include_charges=include_charges,
            beginning_ar_minor=f.beginning_ar,
            ending_ar_minor=f.ending_ar,
            ending_current_ar_minor=f.ending_current_ar,
            credit_sales_minor=f.credit_sales,
            dso_days=rounded(result.dso),
            countback_dso_days=rounded(result.countback_dso),
            bpdso_days=rounded(result.bpdso),
            add_days=rounded(result.add),
            cei_percent=rounded(result.cei),
            notes=list(result.notes),
        )


class KpiTrendOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"currency": "GBP", "months": [_EXAMPLE]}]}
    )

    currency: str
    months: list[KpisOut] = Field(description="one calendar month each, oldest first")


CSV_HEADER = (
    "currency",
    "start",
    "end",
    "days",
    "include_charges",
    "beginning_ar_minor",
    "ending_ar_minor",
    "ending_current_ar_minor",
    "credit_sales_minor",
    "dso_days",
    "countback_dso_days",
    "bpdso_days",
    "add_days",
    "cei_percent",
)


def csv_row(k: KpisOut) -> list[object]:
    return [getattr(k, name) for name in CSV_HEADER]
