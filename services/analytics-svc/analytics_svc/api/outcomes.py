"""/v1/outcomes: promise-kept, plan completion, settlement acceptance, dispute and cure
rates, dispute resolution time and amounts handed off, over a period."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from analytics_svc.api.analytics_problems import AnalyticsRoute
from analytics_svc.api.report_params import (
    RESPONSES,
    Format,
    FormatQuery,
    Reader,
    csv_response,
)
from analytics_svc.domain.effectiveness import four_places
from analytics_svc.domain.kpis import rounded
from analytics_svc.domain.outcomes import Outcomes
from analytics_svc.service_layer.outcomes import period_outcomes
from debtflow_shared.catalog.common import BusinessDate
from debtflow_shared.http.dependencies import UnitOfWorkDep

router = APIRouter(prefix="/outcomes", tags=["outcomes"], route_class=AnalyticsRoute)

Start = Annotated[BusinessDate, Query(description="the period's first day, YYYY-MM-DD")]
End = Annotated[BusinessDate, Query(description="the period's last day, YYYY-MM-DD")]
RATE = "a fraction, half-up to 4 places; null until the events it counts have appeared"


class AmountOut(BaseModel):
    currency: str
    amount_minor: int


class OutcomesOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "start": "2026-03-01",
                    "end": "2026-03-31",
                    "promises_due": 20,
                    "promises_kept": 15,
                    "promises_broken": 4,
                    "promise_kept_rate": "0.7500",
                    "plans_created": 4,
                    "plans_completed": 1,
                    "plans_defaulted": 1,
                    "plan_completion_rate": "0.5000",
                    "settlements_offered": 5,
                    "settlements_accepted": 2,
                    "settlements_lapsed": 1,
                    "settlement_acceptance_rate": "0.4000",
                    "invoices_issued": 200,
                    "invoices_disputed": 6,
                    "dispute_rate": "0.0300",
                    "disputes_closed": 5,
                    "median_dispute_resolution_days": "8.00",
                    "cases_opened": 40,
                    "cases_resolved_by_payment": 22,
                    "cure_rate": "0.5500",
                    "cases_handed_off": 2,
                    "handed_off": [{"currency": "GBP", "amount_minor": 1250000}],
                }
            ]
        }
    )

    start: date
    end: date
    promises_due: int = Field(description="promises whose date fell in the period")
    promises_kept: int
    promises_broken: int
    promise_kept_rate: Decimal | None = Field(description="kept / due; " + RATE)
    plans_created: int
    plans_completed: int
    plans_defaulted: int
    plan_completion_rate: Decimal | None = Field(
        description="of the plans created in the period, completed / (completed + defaulted); "
        + RATE
    )
    settlements_offered: int
    settlements_accepted: int
    settlements_lapsed: int
    settlement_acceptance_rate: Decimal | None = Field(description="accepted / offered; " + RATE)
    invoices_issued: int
    invoices_disputed: int = Field(description="of the invoices issued in the period")
    dispute_rate: Decimal | None = Field(description="disputed / issued; " + RATE)
    disputes_closed: int = Field(description="disputes resolved in the period")
    median_dispute_resolution_days: Decimal | None = Field(description="half-up to 2 places")
    cases_opened: int
    cases_resolved_by_payment: int = Field(description="of the cases opened in the period")
    cure_rate: Decimal | None = Field(description="resolved by payment / opened; " + RATE)
    cases_handed_off: int
    handed_off: list[AmountOut] = Field(description="what those cases owed, per currency")

    @classmethod
    def of(cls, start: date, end: date, o: Outcomes) -> OutcomesOut:
        return cls(
            start=start,
            end=end,
            promises_due=o.promises_due,
            promises_kept=o.promises_kept,
            promises_broken=o.promises_broken,
            promise_kept_rate=four_places(o.promise_kept_rate),
            plans_created=o.plans_created,
            plans_completed=o.plans_completed,
            plans_defaulted=o.plans_defaulted,
            plan_completion_rate=four_places(o.plan_completion_rate),
            settlements_offered=o.settlements_offered,
            settlements_accepted=o.settlements_accepted,
            settlements_lapsed=o.settlements_lapsed,
            settlement_acceptance_rate=four_places(o.settlement_acceptance_rate),
            invoices_issued=o.invoices_issued,
            invoices_disputed=o.invoices_disputed,
            dispute_rate=four_places(o.dispute_rate),
            disputes_closed=o.disputes_closed,
            median_dispute_resolution_days=rounded(o.median_dispute_days),
            cases_opened=o.cases_opened,
            cases_resolved_by_payment=o.cases_paid,
            cure_rate=four_places(o.cure_rate),
            cases_handed_off=o.hand_offs,
            handed_off=[
                AmountOut(currency=c, amount_minor=a) for c, a in o.handed_off_minor.items()
            ],
        )


@router.get(
    "",
    summary="Promise-kept, plan completion, settlement, dispute and cure rates of a period",
    response_model=OutcomesOut,
    responses=RESPONSES,
)
async def read_outcomes(
    principal: Reader,
    uow: UnitOfWorkDep,
    start: Start,
    end: End,
    format: FormatQuery = Format.JSON,
) -> OutcomesOut | Response:
    out = OutcomesOut.of(start, end, await period_outcomes(uow, principal.tenant_id, start, end))
    if format is Format.JSON:
        return out
    # One row per figure: the handed-off amounts as one row per currency.
    figures = out.model_dump(exclude={"start", "end", "handed_off"})
    rows: list[list[object]] = [[start, end, name, value] for name, value in figures.items()]
    rows += [[start, end, f"handed_off_{a.currency}_minor", a.amount_minor] for a in out.handed_off]
    return csv_response(("start", "end", "figure", "value"), rows, f"outcomes-{start}-{end}.csv")
