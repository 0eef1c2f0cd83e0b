"""Ledger errors as problem documents: the one place domain errors meet HTTP.

Routers built with ``route_class=LedgerRoute`` turn a :class:`LedgerError` (and an
optimistic-lock failure) into the matching problem, naming the offending field.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

from debtflow_shared.http.problems import Conflict, NotFound, Problem, Unprocessable, field_error
from invoice_svc.adapters.invoice_repository import StaleInvoice
from invoice_svc.adapters.payment_repository import StalePayment
from invoice_svc.domain.invoice import (
    AmountBelowPaid,
    CreditExceedsBalance,
    CurrencyIsFixed,
    CurrencyMismatch,
    DisputeAlreadyOpen,
    DisputeNotOpen,
    InvoiceHasPayments,
    InvoiceNotCollectible,
    LedgerError,
)
from invoice_svc.domain.payment import PaymentAlreadyReversed
from invoice_svc.service_layer.charges import ChargeNotComputable
from invoice_svc.service_layer.disputes import DisputeNotFound
from invoice_svc.service_layer.invoices import ErpIdConflict, InvoiceNotFound, UnknownDebtor
from invoice_svc.service_layer.payments import PaymentNotFound


class CurrencyMismatchProblem(Unprocessable):
    title, type_suffix = "Currency mismatch", "currency-mismatch"


class AmountBelowPaidProblem(Unprocessable):
    title, type_suffix = "Amount below what was paid", "amount-below-paid"


class CreditExceedsBalanceProblem(Unprocessable):
    title, type_suffix = "Credit exceeds the open balance", "credit-exceeds-balance"


class UnknownDebtorProblem(Unprocessable):
    title, type_suffix = "Unknown debtor", "unknown-debtor"


class LedgerRuleProblem(Unprocessable):
    title, type_suffix = "Ledger rule violated", "ledger-rule"


class InvoiceStateConflict(Conflict):
    title, type_suffix = "Invoice state does not allow this", "invoice-state"


class PaymentStateConflict(Conflict):
    title, type_suffix = "Payment state does not allow this", "payment-state"


class CurrencyIsFixedProblem(Conflict):
    # 409, not 422: the body is valid, the invoice's history (issued in one currency) refuses it.
    title, type_suffix = "An issued invoice's currency is fixed", "currency-fixed"


class ErpIdConflictProblem(Conflict):
    title, type_suffix = "ERP id already used", "erp-id-conflict"


class DisputeStateConflict(Conflict):
    title, type_suffix = "Dispute state does not allow this", "dispute-state"


class ChargeNotComputableProblem(Unprocessable):
    title, type_suffix = "Charge cannot be priced", "charge-not-computable"


class ConcurrentChange(Conflict):
    title, type_suffix = "Changed concurrently", "concurrent-change"


_PROBLEMS: dict[type[Exception], type[Problem]] = {
    CurrencyMismatch: CurrencyMismatchProblem,
    AmountBelowPaid: AmountBelowPaidProblem,
    CreditExceedsBalance: CreditExceedsBalanceProblem,
    UnknownDebtor: UnknownDebtorProblem,
    InvoiceNotCollectible: InvoiceStateConflict,
    InvoiceHasPayments: InvoiceStateConflict,
    CurrencyIsFixed: CurrencyIsFixedProblem,
    PaymentAlreadyReversed: PaymentStateConflict,
    ErpIdConflict: ErpIdConflictProblem,
    InvoiceNotFound: NotFound,
    PaymentNotFound: NotFound,
    DisputeAlreadyOpen: DisputeStateConflict,
    DisputeNotOpen: DisputeStateConflict,
    DisputeNotFound: NotFound,
    ChargeNotComputable: ChargeNotComputableProblem,
    LedgerError: LedgerRuleProblem,
    StaleInvoice: ConcurrentChange,
    StalePayment: ConcurrentChange,
}


def as_problem(error: Exception) -> Problem:
    problem = next(_PROBLEMS[c] for c in type(error).__mro__ if c in _PROBLEMS)
    if isinstance(error, StaleInvoice | StalePayment):
        return problem(f"{error} was changed by another request; retry")
    field = error.field if isinstance(error, LedgerError) else None
    return problem(str(error), errors=[field_error(field, str(error))] if field else None)


class LedgerRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def translated(request: Request) -> Response:
            try:
                return await handle(request)
            except (LedgerError, StaleInvoice, StalePayment) as error:
                raise as_problem(error) from None

        return translated
