"""/v1/forecast: expected collections for 30/60/90 days in weekly buckets, and a back-test
of the same forecast made as of past days, reported as WAPE."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from analytics_svc.api.analytics_problems import AnalyticsRoute
from analytics_svc.api.forecast_schemas import BacktestOut, ForecastOut
from analytics_svc.api.report_params import RESPONSES, AsOf, Currency, Reader, today
from analytics_svc.service_layer.forecasts import cash_backtest, cash_forecast
from debtflow_shared.catalog.common import BusinessDate
from debtflow_shared.http.dependencies import UnitOfWorkDep

router = APIRouter(prefix="/forecast", tags=["forecast"], route_class=AnalyticsRoute)
ERRORS: dict[int | str, dict[str, Any]] = {422: RESPONSES[422]}

From = Annotated[BusinessDate, Query(alias="from", description="the first forecast day")]
To = Annotated[
    BusinessDate,
    Query(alias="to", description="the last forecast day (its 13 weeks must have passed)"),
]
EveryDays = Annotated[int, Query(ge=1, le=366, description="days between forecast days")]


@router.get(
    "",
    summary="Expected collections for the next 30/60/90 days, in weekly buckets",
    response_model=ForecastOut,
    responses=ERRORS,
)
async def read_forecast(
    principal: Reader, uow: UnitOfWorkDep, currency: Currency, as_of: AsOf = None
) -> ForecastOut:
    day = today(as_of, uow.clock.now().date())
    return ForecastOut.of(currency, await cash_forecast(uow, principal.tenant_id, currency, day))


@router.get(
    "/backtest",
    summary="Forecasts made as of past days against what came in: WAPE",
    response_model=BacktestOut,
    responses=ERRORS,
)
async def read_backtest(
    principal: Reader,
    uow: UnitOfWorkDep,
    currency: Currency,
    start: From,
    end: To,
    every_days: EveryDays = 28,
) -> BacktestOut:
    result = await cash_backtest(
        uow, principal.tenant_id, currency, start, end, every_days, uow.clock.now().date()
    )
    return BacktestOut.of(currency, result)
