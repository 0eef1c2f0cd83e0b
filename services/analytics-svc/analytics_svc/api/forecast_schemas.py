"""The JSON shapes of the cash forecast and its back-test."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from analytics_svc.domain.cash_forecast import Backtest, Forecast


class WeekOut(BaseModel):
    start: date
    end: date
    expected_minor: int = Field(description="expected collections that week, minor units")


class ForecastOut(BaseModel):
    """Expected collections on what is open, by week for 13 weeks, and for 30/60/90 days."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "currency": "GBP",
                    "as_of": "2026-03-25",
                    "open_minor": 69289598,
                    "next_30_days_minor": 24237713,
                    "next_60_days_minor": 41560608,
                    "next_90_days_minor": 50167152,
                    "weeks": [
                        {"start": "2026-03-26", "end": "2026-04-01", "expected_minor": 3473794}
                    ],
                }
            ]
        }
    )

    currency: str
    as_of: date = Field(description="the forecast is made at the end of this day")
    open_minor: int = Field(description="what is open then, principal and charges")
    next_30_days_minor: int
    next_60_days_minor: int
    next_90_days_minor: int
    weeks: list[WeekOut] = Field(description="13 weeks, the first starting the day after as_of")

    @classmethod
    def of(cls, currency: str, f: Forecast) -> ForecastOut:
        return cls(
            currency=currency,
            as_of=f.as_of,
            open_minor=f.open_minor,
            next_30_days_minor=f.totals[30],
            next_60_days_minor=f.totals[60],
            next_90_days_minor=f.totals[90],
            weeks=[
                WeekOut(start=w.start, end=w.end, expected_minor=w.expected_minor) for w in f.weeks
            ],
        )


class BacktestPointOut(BaseModel):
    as_of: date = Field(description="the day the past forecast was made as of")
    forecast_minor: int = Field(description="expected over its 13 weeks")
    actual_minor: int = Field(description="what came in over them on the invoices open then")
    absolute_error_minor: int = Field(description="sum over the weeks of |actual - forecast|")
    weekly_forecast_minor: list[int]
    weekly_actual_minor: list[int]


class BacktestOut(BaseModel):
    """Past forecasts against what came in, and the WAPE over all their weeks."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "currency": "GBP",
                    "wape": "0.2757",
                    "forecasts": 15,
                    "actual_minor": 692624582,
                    "absolute_error_minor": 190956598,
                    "points": [],
                }
            ]
        }
    )

    currency: str
    wape: Decimal | None = Field(
        description="sum |actual - forecast| / sum actual over every week, four places; "
        "null when nothing came in"
    )
    forecasts: int
    actual_minor: int
    absolute_error_minor: int
    points: list[BacktestPointOut]

    @classmethod
    def of(cls, currency: str, b: Backtest) -> BacktestOut:
        return cls(
            currency=currency,
            wape=b.wape,
            forecasts=len(b.points),
            actual_minor=b.actual_minor,
            absolute_error_minor=b.absolute_error_minor,
            points=[
                BacktestPointOut(
                    as_of=p.as_of,
                    forecast_minor=sum(p.forecast),
                    actual_minor=sum(p.actual),
                    absolute_error_minor=p.absolute_error,
                    weekly_forecast_minor=list(p.forecast),
                    weekly_actual_minor=list(p.actual),
                )
                for p in b.points
            ],
        )
