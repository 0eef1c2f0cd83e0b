"""/v1/aging: what is open as of any day, by days past due, per debtor and in total."""

from __future__ import annotations

from fastapi import APIRouter, Response

from analytics_svc.api.aging_schemas import (
    AgingOut,
    BucketsOut,
    CurrencyAgingOut,
    DebtorAgingOut,
)
from analytics_svc.api.analytics_problems import AnalyticsRoute
from analytics_svc.api.report_params import (
    RESPONSES,
    AsOf,
    Currency,
    Format,
    FormatQuery,
    IncludeCharges,
    OptionalCurrency,
    Reader,
    csv_response,
    today,
)
from analytics_svc.service_layer.reports import aging_by_debtor, aging_report
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import Page, PagedById

router = APIRouter(prefix="/aging", tags=["aging"], route_class=AnalyticsRoute)

CSV_HEADER = (
    "currency",
    "row",
    "debtor_id",
    "name",
    "current",
    "1-30",
    "31-60",
    "61-90",
    "90+",
    "total",
)


def _row(
    currency: str, row: str, debtor_id: str | None, name: str | None, b: BucketsOut
) -> list[object]:
    buckets = [b.current, b.days_1_30, b.days_31_60, b.days_61_90, b.days_90_plus, b.total]
    return [currency, row, debtor_id, name, *buckets]


@router.get(
    "",
    summary="Aging as of a day: current, 1-30, 31-60, 61-90, 90+ days past due",
    response_model=AgingOut,
    response_model_by_alias=True,
    responses=RESPONSES,
)
async def read_aging(
    principal: Reader,
    uow: UnitOfWorkDep,
    as_of: AsOf = None,
    currency: OptionalCurrency = None,
    include_charges: IncludeCharges = True,
    format: FormatQuery = Format.JSON,
) -> AgingOut | Response:
    day = today(as_of, uow.clock.now().date())
    reports = await aging_report(
        uow, principal.tenant_id, day, currency, include_charges=include_charges
    )
    out = AgingOut(
        as_of=day,
        include_charges=include_charges,
        currencies=[CurrencyAgingOut.of(r) for r in reports],
    )
    if format is Format.JSON:
        return out
    rows = []
    for section in out.currencies:
        rows.append(_row(section.currency, "total", None, None, section.total))
        rows.extend(
            _row(section.currency, "debtor", d.debtor_id, d.name, d.buckets)
            for d in section.debtors
        )
    return csv_response(CSV_HEADER, rows, f"aging-{day.isoformat()}.csv")


class DebtorAgingPage(Page[DebtorAgingOut]):
    """Debtors owing in one currency, by id, a page at a time."""


@router.get(
    "/debtors",
    summary="Aging per debtor in one currency, a page at a time (cursor pagination)",
    response_model=DebtorAgingPage,
    responses={422: {"description": "an invalid parameter, named in the problem"}},
)
async def list_debtor_aging(
    principal: Reader,
    uow: UnitOfWorkDep,
    currency: Currency,
    paging: PagedById,
    as_of: AsOf = None,
    include_charges: IncludeCharges = True,
) -> DebtorAgingPage:
    day = today(as_of, uow.clock.now().date())
    rows = await aging_by_debtor(
        uow,
        principal.tenant_id,
        day,
        currency,
        include_charges=include_charges,
        after=paging.after,
        limit=paging.fetch,
    )
    page, next_cursor = paging.page(rows, lambda r: r.debtor_id)
    return DebtorAgingPage(
        items=[
            DebtorAgingOut(debtor_id=r.debtor_id, name=r.name, buckets=BucketsOut.of(r.buckets))
            for r in page
        ],
        next_cursor=next_cursor,
    )
