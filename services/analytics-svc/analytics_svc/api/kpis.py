"""/v1/kpis: DSO (standard and countback), BPDSO, ADD and CEI over a period or by month."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from analytics_svc.api.analytics_problems import AnalyticsRoute
from analytics_svc.api.kpi_schemas import CSV_HEADER, KpisOut, KpiTrendOut, csv_row
from analytics_svc.api.report_params import (
    RESPONSES,
    Currency,
    Format,
    FormatQuery,
    IncludeCharges,
    Reader,
    csv_response,
)
from analytics_svc.service_layer.reports import monthly_kpis, period_kpis
from debtflow_shared.catalog.common import BusinessDate
from debtflow_shared.http.dependencies import UnitOfWorkDep

router = APIRouter(prefix="/kpis", tags=["kpis"], route_class=AnalyticsRoute)

Start = Annotated[BusinessDate, Query(description="the period's first day, YYYY-MM-DD")]
End = Annotated[BusinessDate, Query(description="the period's last day, YYYY-MM-DD")]
FirstMonth = Annotated[
    BusinessDate, Query(alias="from", description="a day in the trend's first month")
]
LastMonth = Annotated[BusinessDate, Query(alias="to", description="a day in its last month")]


@router.get(
    "",
    summary="DSO, countback DSO, BPDSO, ADD and CEI of a period",
    response_model=KpisOut,
    responses=RESPONSES,
)
async def read_kpis(
    principal: Reader,
    uow: UnitOfWorkDep,
    currency: Currency,
    start: Start,
    end: End,
    include_charges: IncludeCharges = True,
    format: FormatQuery = Format.JSON,
) -> KpisOut | Response:
    result = await period_kpis(
        uow, principal.tenant_id, currency, start, end, include_charges=include_charges
    )
    out = KpisOut.of(currency, result, include_charges=include_charges)
    if format is Format.JSON:
        return out
    return csv_response(CSV_HEADER, [csv_row(out)], f"kpis-{start}-{end}.csv")


@router.get(
    "/monthly",
    summary="The same KPIs for each calendar month: a trend",
    response_model=KpiTrendOut,
    responses=RESPONSES,
)
async def read_monthly_kpis(
    principal: Reader,
    uow: UnitOfWorkDep,
    currency: Currency,
    first: FirstMonth,
    last: LastMonth,
    include_charges: IncludeCharges = True,
    format: FormatQuery = Format.JSON,
) -> KpiTrendOut | Response:
    results = await monthly_kpis(
        uow, principal.tenant_id, currency, first, last, include_charges=include_charges
    )
    months = [KpisOut.of(currency, r, include_charges=include_charges) for r in results]
    if format is Format.JSON:
        return KpiTrendOut(currency=currency, months=months)
    return csv_response(CSV_HEADER, [csv_row(m) for m in months], f"kpis-monthly-{currency}.csv")
