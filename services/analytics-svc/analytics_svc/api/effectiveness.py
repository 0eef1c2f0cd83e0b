"""/v1/effectiveness: how often and how fast debtors paid after each kind of touch."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from analytics_svc.api.analytics_problems import AnalyticsRoute
from analytics_svc.api.report_params import (
    RESPONSES,
    Format,
    FormatQuery,
    Reader,
    csv_response,
)
from analytics_svc.domain.effectiveness import (
    Dimension,
    GroupResult,
    four_places,
    to_four_places,
)
from analytics_svc.domain.kpis import rounded
from analytics_svc.service_layer.effectiveness import compare_variants, what_works
from debtflow_shared.catalog.common import BusinessDate
from debtflow_shared.http.dependencies import UnitOfWorkDep

router = APIRouter(prefix="/effectiveness", tags=["effectiveness"], route_class=AnalyticsRoute)

Start = Annotated[BusinessDate, Query(description="touches from this day, YYYY-MM-DD")]
End = Annotated[BusinessDate, Query(description="touches up to this day, YYYY-MM-DD")]
WithinDays = Annotated[
    int, Query(ge=0, le=365, description="paid counts if money came within this many days")
]
VariantKey = Annotated[str, Query(min_length=1, max_length=100, pattern=r"^[a-z0-9][a-z0-9._-]*$")]
METHOD = "Newcombe's hybrid score interval (method 10, Wilson score intervals of each rate), 95 %"


class GroupOut(BaseModel):
    value: str | None = Field(description="the step, channel, template, tone or variant")
    touches: int
    paid_within: int = Field(description="touches followed by money within within_days")
    paid_rate: Decimal | None = Field(description="paid_within / touches, half-up to 4 places")
    median_days_to_pay: Decimal | None = Field(description="among those paid, half-up to 2")

    @classmethod
    def of(cls, g: GroupResult) -> GroupOut:
        return cls(
            value=g.value,
            touches=g.touches,
            paid_within=g.paid,
            paid_rate=four_places(g.rate),
            median_days_to_pay=rounded(g.median_days_to_pay),
        )


_GROUP: JsonDict = {
    "value": "plus-7-firmer-reminder",
    "touches": 120,
    "paid_within": 54,
    "paid_rate": "0.4500",
    "median_days_to_pay": "4.00",
}


class EffectivenessOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "dimension": "step",
                    "start": "2026-01-01",
                    "end": "2026-03-31",
                    "within_days": 14,
                    "groups": [_GROUP],
                }
            ]
        }
    )

    dimension: Dimension
    start: date
    end: date
    within_days: int
    groups: list[GroupOut]


class VariantsOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "a": _GROUP | {"value": "b"},
                    "b": _GROUP | {"value": "a", "paid_within": 30, "paid_rate": "0.2500"},
                    "step": None,
                    "within_days": 14,
                    "difference": "0.2000",
                    "interval_low": "0.0800",
                    "interval_high": "0.3100",
                    "significant": True,
                    "method": METHOD,
                }
            ]
        }
    )

    a: GroupOut
    b: GroupOut
    step: str | None
    within_days: int
    difference: Decimal = Field(description="a's paid_rate minus b's, half-up to 4 places")
    interval_low: Decimal
    interval_high: Decimal
    significant: bool = Field(description="whether the 95 % interval excludes zero")
    method: str = METHOD


@router.get(
    "",
    summary="Payment within N days after each step, channel, template, tone or variant",
    response_model=EffectivenessOut,
    responses=RESPONSES,
)
async def read_effectiveness(
    principal: Reader,
    uow: UnitOfWorkDep,
    dimension: Dimension,
    start: Start,
    end: End,
    within_days: WithinDays = 14,
    format: FormatQuery = Format.JSON,
) -> EffectivenessOut | Response:
    groups = await what_works(
        uow, principal.tenant_id, dimension, start, end, within_days=within_days
    )
    out = EffectivenessOut(
        dimension=dimension,
        start=start,
        end=end,
        within_days=within_days,
        groups=[GroupOut.of(g) for g in groups],
    )
    if format is Format.JSON:
        return out
    header = ("value", "touches", "paid_within", "paid_rate", "median_days_to_pay")
    rows = [[getattr(g, name) for name in header] for g in out.groups]
    return csv_response(header, rows, f"effectiveness-{dimension}-{start}-{end}.csv")


@router.get(
    "/variants",
    summary="Two A/B variants' payment rates and their difference with a 95 % interval",
    response_model=VariantsOut,
    responses=RESPONSES,
)
async def read_variant_comparison(
    principal: Reader,
    uow: UnitOfWorkDep,
    a: VariantKey,
    b: VariantKey,
    start: Start,
    end: End,
    step: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=100,
            pattern=r"^[a-z0-9][a-z0-9._-]*$",
            description="compare only at this step (one touch per case)",
        ),
    ] = None,
    within_days: WithinDays = 14,
    format: FormatQuery = Format.JSON,
) -> VariantsOut | Response:
    result = await compare_variants(
        uow, principal.tenant_id, a, b, start, end, within_days=within_days, step=step
    )
    d = result.difference
    out = VariantsOut(
        a=GroupOut.of(result.a),
        b=GroupOut.of(result.b),
        step=step,
        within_days=within_days,
        difference=to_four_places(d.difference),
        interval_low=to_four_places(d.interval.low),
        interval_high=to_four_places(d.interval.high),
        significant=d.significant,
    )
    if format is Format.JSON:
        return out
    header = ("variant", "touches", "paid_within", "paid_rate", "median_days_to_pay")
    rows: list[list[object]] = [
        [getattr(g, n) for n in ("value", *header[1:])] for g in (out.a, out.b)
    ]
    rows.append(["a-b", None, None, out.difference, None])
    rows.append(["interval_low", None, None, out.interval_low, None])
    rows.append(["interval_high", None, None, out.interval_high, None])
    return csv_response(header, rows, f"variants-{a}-{b}.csv")
