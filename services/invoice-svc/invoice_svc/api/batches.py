"""/v1/batches/{debtors,invoices,payments}: up to 10,000 rows per request, a result per row.

Each row is the body of the matching single-item POST and is validated on its own: a bad
row is reported (``items[3].amount.currency``) and the others are still applied. Rows are
applied in order, 500 per transaction (``service_layer/batches.py``); a row that needs an
earlier one (an invoice whose debtor is new) must come after it, or in an earlier batch.
Upsert by ERP id makes a re-sent row ``unchanged``; ``Idempotency-Key`` replays a whole
request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ValidationError

from debtflow_shared.auth import Principal
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.security import require
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.api.batch_schemas import BatchIn, BatchOut, ItemError, ItemResult, item_field
from invoice_svc.api.debtor_schemas import DebtorIn
from invoice_svc.api.invoice_schemas import InvoiceIn
from invoice_svc.api.payment_schemas import PaymentIn
from invoice_svc.service_layer.batches import Applied, RowOutcome, Status, apply_rows
from invoice_svc.service_layer.debtors import upsert_debtor_in
from invoice_svc.service_layer.invoices import issue_invoice_in
from invoice_svc.service_layer.payments import record_payment_in

router = APIRouter(prefix="/batches", tags=["batches"])

DebtorWriter = Annotated[Principal, Depends(require("debtors:write"))]
InvoiceWriter = Annotated[Principal, Depends(require("invoices:write"))]
PaymentWriter = Annotated[Principal, Depends(require("payments:write"))]
RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"description": "not a batch, or more than 10,000 items (`items`)"}
}

M = TypeVar("M", bound=BaseModel)


def _status(created: bool, changed: bool) -> Status:
    return "created" if created else "updated" if changed else "unchanged"


@router.post(
    "/debtors",
    summary="Register or update up to 10,000 debtors (upsert by ERP id)",
    response_model_exclude_none=True,
    responses=RESPONSES,
)
async def debtors_batch(body: BatchIn, principal: DebtorWriter, uow: UnitOfWorkDep) -> BatchOut:
    async def apply(uow: UnitOfWork, row: DebtorIn) -> Applied:
        result = await upsert_debtor_in(uow, principal.tenant_id, row.to_profile())
        return Applied(_status(result.created, result.changed), result.debtor.id)

    return await _run(uow, body, DebtorIn, apply)


@router.post(
    "/invoices",
    summary="Issue or amend up to 10,000 invoices (upsert by ERP id)",
    response_model_exclude_none=True,
    responses=RESPONSES,
)
async def invoices_batch(body: BatchIn, principal: InvoiceWriter, uow: UnitOfWorkDep) -> BatchOut:
    async def apply(uow: UnitOfWork, row: InvoiceIn) -> Applied:
        result = await issue_invoice_in(uow, principal.tenant_id, row.to_command())
        return Applied(_status(result.created, result.changed), result.invoice.id)

    return await _run(uow, body, InvoiceIn, apply)


@router.post(
    "/payments",
    summary="Record up to 10,000 payments (idempotent by ERP id)",
    response_model_exclude_none=True,
    responses=RESPONSES,
)
async def payments_batch(body: BatchIn, principal: PaymentWriter, uow: UnitOfWorkDep) -> BatchOut:
    async def apply(uow: UnitOfWork, row: PaymentIn) -> Applied:
        result = await record_payment_in(uow, principal.tenant_id, row.to_command())
        return Applied("created" if result.created else "unchanged", result.payment.id)

    return await _run(uow, body, PaymentIn, apply)


async def _run(
    uow: UnitOfWork,
    body: BatchIn,
    model: type[M],
    apply: Callable[[UnitOfWork, M], Awaitable[Applied]],
) -> BatchOut:
    results: dict[int, ItemResult] = {}
    valid: list[tuple[int, M]] = []
    for index, raw in enumerate(body.items):
        try:
            valid.append((index, model.model_validate(raw)))
        except ValidationError as error:
            errors = [
                ItemError(field=item_field(index, e["loc"]), message=e["msg"])
                for e in error.errors()
            ]
            results[index] = ItemResult(index=index, status="error", errors=errors)
    for outcome in await apply_rows(uow, valid, apply):
        results[outcome.index] = _result(outcome)
    items = [results[i] for i in range(len(body.items))]
    counts = {
        s: sum(1 for r in items if r.status == s)
        for s in ("created", "updated", "unchanged", "error")
    }
    return BatchOut(
        items=items,
        created=counts["created"],
        updated=counts["updated"],
        unchanged=counts["unchanged"],
        failed=counts["error"],
    )


def _result(outcome: RowOutcome) -> ItemResult:
    if outcome.status != "error":
        return ItemResult(index=outcome.index, status=outcome.status, id=outcome.id)
    error = ItemError(field=item_field(outcome.index, outcome.field), message=outcome.message or "")
    return ItemResult(index=outcome.index, status="error", errors=[error])
