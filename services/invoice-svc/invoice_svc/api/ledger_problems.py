"""invoice-svc's typed errors as problem documents: the one table where they meet HTTP.

Routers built with ``route_class=LedgerRoute`` answer each error below (and an optimistic
lock lost to another request) as the problem it maps to, naming the offending field.
"""

from __future__ import annotations

from debtflow_shared.http.problems import (
    CONCURRENT_CHANGE,
    NOT_FOUND,
    UNPROCESSABLE,
    ProblemTable,
    ProblemType,
)
from debtflow_shared.optimistic_lock import ConcurrentUpdate
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
from invoice_svc.service_layer.reference_rates import DayNotYetChecked

INVOICE_STATE = ProblemType(409, "Invoice state does not allow this", "invoice-state")
DISPUTE_STATE = ProblemType(409, "Dispute state does not allow this", "dispute-state")

LEDGER_PROBLEMS = ProblemTable(
    {
        CurrencyMismatch: ProblemType(422, "Currency mismatch", "currency-mismatch"),
        AmountBelowPaid: ProblemType(422, "Amount below what was paid", "amount-below-paid"),
        CreditExceedsBalance: ProblemType(
            422, "Credit exceeds the open balance", "credit-exceeds-balance"
        ),
        UnknownDebtor: ProblemType(422, "Unknown debtor", "unknown-debtor"),
        ChargeNotComputable: ProblemType(422, "Charge cannot be priced", "charge-not-computable"),
        InvoiceNotCollectible: INVOICE_STATE,
        InvoiceHasPayments: INVOICE_STATE,
        # 409, not 422: the body is valid, the invoice's history (issued in one currency)
        # refuses it.
        CurrencyIsFixed: ProblemType(
            409, "An issued invoice's currency is fixed", "currency-fixed"
        ),
        PaymentAlreadyReversed: ProblemType(
            409, "Payment state does not allow this", "payment-state"
        ),
        ErpIdConflict: ProblemType(409, "ERP id already used", "erp-id-conflict"),
        DisputeAlreadyOpen: DISPUTE_STATE,
        DisputeNotOpen: DISPUTE_STATE,
        InvoiceNotFound: NOT_FOUND,
        PaymentNotFound: NOT_FOUND,
        DisputeNotFound: NOT_FOUND,
        DayNotYetChecked: UNPROCESSABLE,
        LedgerError: ProblemType(422, "Ledger rule violated", "ledger-rule"),
        ConcurrentUpdate: CONCURRENT_CHANGE,
    }
)
LedgerRoute = LEDGER_PROBLEMS.route_class
