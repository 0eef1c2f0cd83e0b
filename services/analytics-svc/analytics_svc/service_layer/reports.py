"""Reports from the ledger read model: aging as of a day, KPIs of a period or by month, and
one debtor's ledger. Reads only: nothing here changes state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from analytics_svc.domain.aging import Aging, Buckets, age, current_ar, total_ar
from analytics_svc.domain.kpis import Kpis, PeriodFigures, kpis, months_back
from analytics_svc.domain.ledger import LedgerEntry
from analytics_svc.domain.observations import DebtorFact, PaymentFact
from analytics_svc.domain.repositories import Repositories
from analytics_svc.service_layer.periods import check_months, check_period
from debtflow_shared.unit_of_work import AbstractUnitOfWork

UnitOfWork = AbstractUnitOfWork[Repositories]


class DebtorNotFound(LookupError):
    """No event has told analytics-svc of this debtor (for this tenant)."""


@dataclass(frozen=True)
class CurrencyAging:
    currency: str
    aging: Aging
    names: dict[str, str]


async def aging_report(
    uow: UnitOfWork, tenant_id: str, as_of: date, currency: str | None, *, include_charges: bool
) -> list[CurrencyAging]:
    """Aging as of the end of ``as_of``, per currency (only ``currency`` if given)."""
    async with uow:
        ledger = uow.repos.ledger
        currencies = [currency] if currency else await ledger.currencies(tenant_id)
        reports = []
        for code in currencies:
            items = await ledger.open_items(tenant_id, code, as_of)
            aging = age(items, as_of, include_charges=include_charges)
            names = await ledger.debtor_names(tenant_id, list(aging.by_debtor))
            reports.append(CurrencyAging(code, aging, names))
        return reports


@dataclass(frozen=True)
class DebtorAging:
    debtor_id: str
    name: str | None
    buckets: Buckets


async def aging_by_debtor(
    uow: UnitOfWork,
    tenant_id: str,
    as_of: date,
    currency: str,
    *,
    include_charges: bool,
    after: str | None,
    limit: int,
) -> list[DebtorAging]:
    """Up to ``limit`` debtors owing in ``currency`` as of ``as_of``, after ``after`` by id."""
    async with uow:
        ledger = uow.repos.ledger
        items = await ledger.open_items(tenant_id, currency, as_of, after_debtor=after)
        aging = age(items, as_of, include_charges=include_charges)
        chosen = list(aging.by_debtor.items())[:limit]
        names = await ledger.debtor_names(tenant_id, [d for d, _ in chosen])
        return [DebtorAging(d, names.get(d), b) for d, b in chosen]


async def _figures(
    uow: UnitOfWork,
    tenant_id: str,
    currency: str,
    start: date,
    end: date,
    daily: dict[date, int],
    include_charges: bool,
) -> PeriodFigures:
    ledger = uow.repos.ledger
    before = await ledger.open_items(tenant_id, currency, start - timedelta(days=1))
    after = await ledger.open_items(tenant_id, currency, end)
    return PeriodFigures(
        start=start,
        end=end,
        beginning_ar=total_ar(before, include_charges=include_charges),
        ending_ar=total_ar(after, include_charges=include_charges),
        ending_current_ar=current_ar(after, end, include_charges=include_charges),
        credit_sales=sum(v for d, v in daily.items() if start <= d <= end),
        months=months_back(end, daily),
    )


async def period_kpis(
    uow: UnitOfWork,
    tenant_id: str,
    currency: str,
    start: date,
    end: date,
    *,
    include_charges: bool,
) -> Kpis:
    check_period(start, end, start_field="start", end_field="end")
    async with uow:
        daily = await uow.repos.ledger.daily_sales(tenant_id, currency, end)
        return kpis(await _figures(uow, tenant_id, currency, start, end, daily, include_charges))


def calendar_months(first: date, last: date) -> list[tuple[date, date]]:
    """(first day, last day) of each month from ``first``'s to ``last``'s."""
    months = []
    start = first.replace(day=1)
    while start <= last:
        following = (start + timedelta(days=32)).replace(day=1)
        months.append((start, following - timedelta(days=1)))
        start = following
    return months


async def monthly_kpis(
    uow: UnitOfWork,
    tenant_id: str,
    currency: str,
    first: date,
    last: date,
    *,
    include_charges: bool,
) -> list[Kpis]:
    """The KPIs of each calendar month from ``first``'s to ``last``'s."""
    check_months(first, last, first_field="from", last_field="to")
    months = calendar_months(first, last)
    async with uow:
        daily = await uow.repos.ledger.daily_sales(tenant_id, currency, months[-1][1])
        return [
            kpis(await _figures(uow, tenant_id, currency, start, end, daily, include_charges))
            for start, end in months
        ]


@dataclass(frozen=True)
class DebtorLedger:
    debtor: DebtorFact | None
    entries: list[LedgerEntry]
    payments: list[PaymentFact]


async def debtor_ledger(
    uow: UnitOfWork, tenant_id: str, debtor_id: str, as_of: date
) -> DebtorLedger:
    """What the events said of one debtor's invoices and payments up to ``as_of``."""
    async with uow:
        ledger = uow.repos.ledger
        debtor = await ledger.debtor(tenant_id, debtor_id)
        if debtor is None and not await ledger.has_debtor_entries(tenant_id, debtor_id):
            raise DebtorNotFound(f"debtor {debtor_id} not found")
        entries = await ledger.debtor_entries(tenant_id, debtor_id, as_of)
        payments = [
            p
            for p in await ledger.debtor_payments(tenant_id, debtor_id)
            if p.received_on is None or p.received_on <= as_of
        ]
        return DebtorLedger(debtor, entries, payments)
