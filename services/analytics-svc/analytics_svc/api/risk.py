"""/v1/debtors/{id}/risk, /v1/risk/expected-recovery and /v1/risk/model: propensity-to-pay
scores with their reasons, debtors ranked by what they are expected to bring in, and the
model in force with its AUC on a later period beside the scorecard's."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from analytics_svc.api.analytics_problems import AnalyticsRoute
from analytics_svc.api.report_params import Currency, Reader
from analytics_svc.api.risk_schemas import RankedDebtorOut, RiskModelOut, RiskScoreOut
from analytics_svc.service_layer.risk_reports import (
    debtor_risk,
    expected_recovery_ranking,
    model_in_force,
)
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.pagination import CursorKey, Page, PageRequest, page_request

debtor_router = APIRouter(prefix="/debtors", tags=["risk"], route_class=AnalyticsRoute)
router = APIRouter(prefix="/risk", tags=["risk"], route_class=AnalyticsRoute)
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "no invoice of this debtor has been seen for your tenant"}
}

BY_RECOVERY_THEN_ID: CursorKey[tuple[int, str]] = CursorKey(
    2, lambda key: (str(key[0]), key[1]), lambda parts: (int(parts[0]), parts[1])
)
PagedByRecovery = Annotated[
    PageRequest[tuple[int, str]], Depends(page_request(BY_RECOVERY_THEN_ID))
]


class RankedDebtorPage(Page[RankedDebtorOut]):
    """Debtors scored in one currency, largest expected recovery first."""


@debtor_router.get(
    "/{debtor_id}/risk",
    summary="A debtor's propensity to pay within 30 days, segment and reasons",
    response_model=RiskScoreOut,
    responses=NOT_FOUND,
)
async def read_debtor_risk(debtor_id: str, principal: Reader, uow: UnitOfWorkDep) -> RiskScoreOut:
    return RiskScoreOut.of(await debtor_risk(uow, principal.tenant_id, debtor_id))


@router.get(
    "/expected-recovery",
    summary="Debtors ranked by expected recovery (open balance x score), largest first",
    response_model=RankedDebtorPage,
    responses={422: {"description": "an invalid parameter, named in the problem"}},
)
async def list_expected_recovery(
    principal: Reader, uow: UnitOfWorkDep, currency: Currency, paging: PagedByRecovery
) -> RankedDebtorPage:
    rows = await expected_recovery_ranking(
        uow, principal.tenant_id, currency, paging.after, paging.fetch
    )
    page, next_cursor = paging.page(
        rows, lambda r: (r.score.expected_recovery_minor, r.score.debtor_id)
    )
    return RankedDebtorPage(items=[RankedDebtorOut.of(r) for r in page], next_cursor=next_cursor)


@router.get(
    "/model",
    summary="The model scoring your debtors, and its AUC on a later period beside the scorecard's",
    response_model=RiskModelOut,
)
async def read_risk_model(principal: Reader, uow: UnitOfWorkDep) -> RiskModelOut:
    return RiskModelOut.of(await model_in_force(uow, principal.tenant_id))
