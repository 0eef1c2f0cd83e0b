"""/v1/batches/{debtors,invoices,payments}: up to 10,000 rows per request, a result per row.

Each row is the body of the matching single-item POST and is validated on its own: a bad
row is reported (``items[3].amount.currency``) and the others are still applied. Rows are
applied in order, 500 per transaction (``service_layer/batches.py``); a row that needs an
earlier one (an invoice whose debtor is new) must come after it, or in an earlier batch.
Upsert by ERP id makes a re-sent row ``unchanged``; ``Idempotency-Key`` replays a whole
request. Invoice and payment rows may name their debtor by the ERP's id
(``debtor_erp_id``), so the ERP needs no lookup of ours.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Body, Depends
from pydantic import BaseModel, ValidationError

from debtflow_shared.auth import Principal
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.problems import Conflict
from debtflow_shared.http.security import require
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.api.batch_schemas import (
    DEBTOR_BATCH_EXAMPLES,
    INVOICE_BATCH_EXAMPLES,
    PAYMENT_BATCH_EXAMPLES,
    BatchIn,
    BatchOut,
    ItemError,
    ItemResult,
    item_field,
)
from invoice_svc.api.debtor_schemas import DebtorIn
from invoice_svc.api.invoice_schemas import InvoiceIn
from invoice_svc.api.payment_schemas import PaymentIn
from invoice_svc.service_layer.batches import ChunkRaced, RowOutcome, StartChunk, apply_rows
from invoice_svc.service_layer.debtor_batch import DebtorChunk
from invoice_svc.service_layer.invoice_batch import InvoiceChunk
from invoice_svc.service_layer.payment_batch import PaymentChunk

router = APIRouter(prefix="/batches", tags=["batches"])

DebtorWriter = Annotated[Principal, Depends(require("debtors:write"))]
InvoiceWriter = Annotated[Principal, Depends(require("invoices:write"))]
PaymentWriter = Annotated[Principal, Depends(require("payments:write"))]
RESPONSES: dict[int | str, dict[str, Any]] = {
    409: {"description": "concurrent requests raced for the same new ERP ids; send it again"},
    422: {"description": "not a batch, or more than 10,000 items (`items`)"},
}

M = TypeVar("M", bound=BaseModel)
R = TypeVar("R")  # a row as the service layer takes it


@router.post(
    "/debtors",
    summary="Register or update up to 10,000 debtors (upsert by ERP id)",
    response_model_exclude_none=True,
    responses=RESPONSES,
)
async def debtors_batch(
    body: Annotated[BatchIn, Body(openapi_examples=DEBTOR_BATCH_EXAMPLES)],
    principal: DebtorWriter,
    uow: UnitOfWorkDep,
) -> BatchOut:
    return await _run(uow, principal, body, DebtorIn, DebtorIn.to_profile, DebtorChunk.start)


@router.post(
    "/invoices",
    summary="Issue or amend up to 10,000 invoices (upsert by ERP id)",
    response_model_exclude_none=True,
    responses=RESPONSES,
)
async def invoices_batch(
    body: Annotated[BatchIn, Body(openapi_examples=INVOICE_BATCH_EXAMPLES)],
    principal: InvoiceWriter,
    uow: UnitOfWorkDep,
) -> BatchOut:
    return await _run(uow, principal, body, InvoiceIn, InvoiceIn.to_command, InvoiceChunk.start)


@router.post(
    "/payments",
    summary="Record up to 10,000 payments (idempotent by ERP id)",
    response_model_exclude_none=True,
    responses=RESPONSES,
)
async def payments_batch(
    body: Annotated[BatchIn, Body(openapi_examples=PAYMENT_BATCH_EXAMPLES)],
    principal: PaymentWriter,
    uow: UnitOfWorkDep,
) -> BatchOut:
    return await _run(uow, principal, body, PaymentIn, PaymentIn.to_command, PaymentChunk.start)


async def _run(
    uow: UnitOfWork,
    principal: Principal,
    body: BatchIn,
    model: type[M],
    to_row: Callable[[M], R],
    start_chunk: StartChunk[R],
) -> BatchOut:
    results: dict[int, ItemResult] = {}
    valid: list[tuple[int, R]] = []
    for index, raw in enumerate(body.items):
        try:
            valid.append((index, to_row(model.model_validate(raw))))
        except ValidationError as error:
            errors = [
                ItemError(field=item_field(index, e["loc"]), message=e["msg"])
                for e in error.errors()
            ]
            results[index] = ItemResult(index=index, status="error", errors=errors)
    try:
        outcomes = await apply_rows(uow, principal.tenant_id, valid, start_chunk)
    except ChunkRaced:
        raise Conflict(
            "concurrent requests kept creating the same ERP ids; send the batch again "
            "(rows already applied come back unchanged)"
        ) from None
    for outcome in outcomes:
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
