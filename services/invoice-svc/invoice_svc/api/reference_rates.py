"""/v1/reference-rates: the dated central-bank rates statutory interest is built on."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.common import SEVERAL_LINES, BusinessDate
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.security import require
from invoice_svc.api.ledger_problems import LedgerRoute
from invoice_svc.domain.reference_rates import ReferenceRate
from invoice_svc.service_layer import reference_rates as use_cases

router = APIRouter(prefix="/reference-rates", tags=["interest"], route_class=LedgerRoute)

Series = Literal["GB", "EA", "DE"]


class ReferenceRateIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "series": "GB",
                    "effective_from": "2026-02-05",
                    "rate_percent": "3.50",
                    "source": "Bank of England MPC announcement, 5 February 2026",
                }
            ]
        },
    )

    series: Series = Field(description="GB: Bank of England; EA: ECB MRO; DE: Bundesbank")
    # Bounded like every business date: a rate from year 1 made each later read a 500.
    effective_from: BusinessDate
    rate_percent: Decimal = Field(ge=-10, le=100, max_digits=9, decimal_places=4)
    source: Annotated[str, Field(min_length=3, max_length=500), SEVERAL_LINES]


class ReferenceRateOut(ReferenceRateIn):
    @classmethod
    def of(cls, rate: ReferenceRate) -> ReferenceRateOut:
        return cls(
            series=rate.jurisdiction,
            effective_from=rate.effective_from,
            rate_percent=rate.rate_percent,
            source=rate.source,
        )


@router.get("/{series}", summary="The rate history of a series, as this tenant sees it")
async def rate_history(
    series: Series,
    uow: UnitOfWorkDep,
    principal: Annotated[Principal, Depends(require("invoices:read"))],
) -> list[ReferenceRateOut]:
    table = await use_cases.reference_rate_table(uow, principal.tenant_id)
    return [ReferenceRateOut.of(rate) for rate in table.history(series)]


@router.post(
    "",
    status_code=201,
    summary="Add or correct a dated rate (tenant admins)",
    description="The rate applies from `effective_from`, which may be ahead (a change announced "
    "before it takes effect). Adding it checks the series through its effective day, or through "
    "today (UTC) if that comes first: the days until a rate posted ahead applies still need a "
    "confirmation (`PUT .../checked-through`) as they come.",
)
async def add_rate(
    body: ReferenceRateIn,
    uow: UnitOfWorkDep,
    principal: Annotated[Principal, Depends(require("admin"))],
) -> ReferenceRateOut:
    rate = ReferenceRate(body.series, body.effective_from, body.rate_percent, body.source)
    await use_cases.add_reference_rate(uow, principal.tenant_id, rate)
    return ReferenceRateOut.of(rate)


class CheckedThroughIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "checked_through": "2026-03-19",
                    "source": "Bank of England MPC, 19 March 2026: Bank Rate held at 3.75%",
                }
            ]
        },
    )

    checked_through: BusinessDate = Field(
        description="the last day the series' latest rate is known"
    )
    source: Annotated[
        str,
        Field(min_length=3, max_length=500, description="who or what confirmed it"),
        SEVERAL_LINES,
    ]


class CheckedThroughOut(BaseModel):
    series: Series
    checked_through: date | None = Field(
        description="interest for a day after this is refused until the series is checked again"
    )


@router.get(
    "/{series}/checked-through",
    summary="How far the series is checked against the central bank, as this tenant sees it",
)
async def read_checked_through(
    series: Series,
    uow: UnitOfWorkDep,
    principal: Annotated[Principal, Depends(require("invoices:read"))],
) -> CheckedThroughOut:
    table = await use_cases.reference_rate_table(uow, principal.tenant_id)
    return CheckedThroughOut(series=series, checked_through=table.checked_through(series))


@router.put(
    "/{series}/checked-through",
    summary="Confirm the series' latest rate still held through a day (tenant admins)",
    description="Interest is priced only for days the rate table is checked through, so a "
    "central-bank change the table has not heard of can never misprice a charge. After each "
    "policy meeting, add the new rate (POST) or confirm here that the rate was held. A day "
    "earlier than the one already confirmed changes nothing; a day after today (UTC) is "
    "refused: nobody has checked it yet (a rate posted ahead is bound by the same rule).",
)
async def confirm_checked_through(
    series: Series,
    body: CheckedThroughIn,
    uow: UnitOfWorkDep,
    principal: Annotated[Principal, Depends(require("admin"))],
) -> CheckedThroughOut:
    checked_through = await use_cases.confirm_checked_through(
        uow, principal.tenant_id, series, body.checked_through, source=body.source
    )
    return CheckedThroughOut(series=series, checked_through=checked_through)
