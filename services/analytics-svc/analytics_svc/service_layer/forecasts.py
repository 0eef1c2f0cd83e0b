"""The cash forecast and its back-test (``domain/cash_forecast.py``), from the ledger read
model. Reads only."""

from __future__ import annotations

from datetime import date, timedelta

from analytics_svc.domain.cash_forecast import (
    HORIZON_DAYS,
    Backtest,
    Forecast,
    backtest,
    backtest_days,
    forecast,
)
from analytics_svc.domain.repositories import Repositories
from analytics_svc.service_layer.periods import PeriodRefused, check_period
from debtflow_shared.unit_of_work import AbstractUnitOfWork

UnitOfWork = AbstractUnitOfWork[Repositories]
MAX_BACKTEST_POINTS = 60
"""A back-test makes at most this many forecasts (each reads the whole history)."""


async def cash_forecast(uow: UnitOfWork, tenant_id: str, currency: str, as_of: date) -> Forecast:
    async with uow:
        return forecast(await uow.repos.risk.invoices(tenant_id, currency), as_of)


async def cash_backtest(
    uow: UnitOfWork,
    tenant_id: str,
    currency: str,
    start: date,
    end: date,
    every_days: int,
    today: date,
) -> Backtest:
    """Forecasts as of ``start``, every ``every_days`` up to ``end``, each against the 13
    weeks that followed it (which must all have passed by ``today``)."""
    check_period(start, end, start_field="from", end_field="to")
    if end + timedelta(days=HORIZON_DAYS) > today:
        latest = today - timedelta(days=HORIZON_DAYS)
        raise PeriodRefused(
            f"the 13 weeks after each forecast day must have passed: `to` is {latest} at the "
            "latest",
            field="to",
        )
    days = backtest_days(start, end, every_days)
    if len(days) > MAX_BACKTEST_POINTS:
        raise PeriodRefused(
            f"a back-test makes at most {MAX_BACKTEST_POINTS} forecasts: widen every_days",
            field="every_days",
        )
    async with uow:
        return backtest(await uow.repos.risk.invoices(tenant_id, currency), days)
