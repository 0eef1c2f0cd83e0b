"""Commands escalation-svc sends to invoice-svc, and how invoice-svc declines them.

A command is imperative (a request, not a fact) and carries a ``request_id``; invoice-svc
answers each request id exactly once, with the fact it caused or a ``*.declined`` outcome
naming why (a reason code from a fixed enum, and a message in words):

| command | answered by |
|---|---|
| ``charge.requested`` | ``invoice.charge_applied`` or ``charge.declined`` |
| ``write_off.requested`` | ``invoice.written_off`` or ``write_off.declined`` |
| ``credit_hold.requested`` | ``debtor.credit_hold`` or ``credit_hold.declined`` |
| ``credit_release.requested`` | ``debtor.credit_released`` or ``credit_release.declined`` |

The answer carries the request id. A copy of a request re-sent later (a new event id, the
same request id) is answered by nothing new, declined or not: to try again after the cause
is fixed (a reference rate checked, say), the requester sends a new request id. A message
that is not a valid command at all goes to ``<topic>.dlq``; a valid one that cannot be
carried out (an unknown invoice too) is declined, so the requester always hears back.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, JsonValue

from debtflow_shared.catalog.common import ONE_LINE, BusinessDate, EntityId, Reason
from debtflow_shared.catalog.examples import showing
from debtflow_shared.catalog.invoice import InvoiceStatus
from debtflow_shared.catalog.money import Money, PositiveMoney
from debtflow_shared.catalog.registry import EventPayload, event


class RequestedCharge(StrEnum):
    LATE_FEE = "late_fee"
    INTEREST = "interest"
    COMPENSATION = "compensation"


RequestId = Annotated[str, Field(min_length=1, max_length=100), ONE_LINE]
DeclineMessage = Annotated[
    str, Field(min_length=1, max_length=1000, description="why, in words (English)")
]


_GBP_70: JsonValue = {"amount_minor": 7000, "currency": "GBP"}


@event("charge.requested", producer="escalation-svc")
class ChargeRequested(EventPayload):
    """Apply a late fee, interest to date, or fixed compensation to an invoice, once.

    Consumed by invoice-svc; answered by ``invoice.charge_applied`` or ``charge.declined``.
    """

    model_config = showing(
        {
            "request_id": "case-7/step-3/interest",
            "invoice_id": "0192f0c4-5c1e-7a1b-9f0e-2d4c6b8a0e11",
            "kind": "interest",
            "as_of": "2026-02-28",
        }
    )

    request_id: RequestId = Field(description="idempotency: answered once each")
    invoice_id: EntityId
    kind: RequestedCharge
    as_of: BusinessDate = Field(description="interest runs to this day inclusive")


@event("credit_hold.requested", producer="escalation-svc")
class CreditHoldRequested(EventPayload):
    """Put the debtor on credit hold.

    Consumed by invoice-svc; answered by ``debtor.credit_hold`` or ``credit_hold.declined``.
    """

    model_config = showing(
        {
            "request_id": "case-7/step-5/hold",
            "debtor_id": "0192f0c4-5c1e-7a1b-9f0e-2d4c6b8a0e00",
            "reason": "60 days overdue",
        }
    )

    request_id: RequestId
    debtor_id: EntityId
    reason: Reason


@event("credit_release.requested", producer="escalation-svc")
class CreditReleaseRequested(EventPayload):
    """Take the debtor off a requested credit hold.

    Consumed by invoice-svc; answered by ``debtor.credit_released`` or
    ``credit_release.declined``.
    """

    model_config = showing(
        {
            "request_id": "case-7/resolved/release",
            "debtor_id": "0192f0c4-5c1e-7a1b-9f0e-2d4c6b8a0e00",
            "reason": "case resolved: paid in full",
        }
    )

    request_id: RequestId
    debtor_id: EntityId
    reason: Reason


@event("dispute.requested", producer="escalation-svc")
class DisputeRequested(EventPayload):
    """A collector recorded a dispute the debtor raised."""

    request_id: RequestId
    invoice_id: EntityId
    reason: Reason
    disputed_amount: PositiveMoney | None = Field(
        default=None, description="default: the open balance"
    )
    raised_by: Annotated[str, Field(min_length=1, max_length=200), ONE_LINE]


@event("write_off.requested", producer="escalation-svc")
class WriteOffRequested(EventPayload):
    """Write off what is open on an invoice, if it is at most ``max_amount`` (a settlement's
    remainder, say).

    Consumed by invoice-svc; answered by ``invoice.written_off`` (carrying the request id)
    or ``write_off.declined``. The whole open balance (principal and charges) is written
    off, never a part: an open balance above ``max_amount`` is declined, since more may have
    been charged, or less paid, than the requester knew.
    """

    model_config = showing(
        {
            "request_id": "settlement-12/remainder",
            "invoice_id": "0192f0c4-5c1e-7a1b-9f0e-2d4c6b8a0e11",
            "max_amount": _GBP_70,
            "reason": "settled at 90%: remainder forgiven",
        }
    )

    request_id: RequestId = Field(description="idempotency: answered once each")
    invoice_id: EntityId
    max_amount: PositiveMoney = Field(
        description="the most that may be written off, in the invoice's currency"
    )
    reason: Reason


# Outcomes: what invoice-svc answers when it does not do what was asked.


class ChargeDeclineReason(StrEnum):
    """Why ``charge.requested`` applied nothing."""

    UNKNOWN_INVOICE = "unknown_invoice"
    """The tenant has no such invoice."""
    INVOICE_NOT_CHASED = "invoice_not_chased"
    """Paid, disputed, cancelled or written off (``invoice_status`` says which)."""
    NOT_OVERDUE = "not_overdue"
    """Interest would not yet run on ``as_of`` (nor on yesterday, in the debtor's zone)."""
    NOTHING_DUE = "nothing_due"
    """The debtor's policy gives no such charge (no late fee, no interest, compensation not
    statutory or not applicable to the currency), or no interest accrued."""
    ALREADY_CHARGED = "already_charged"
    """Compensation was charged on this invoice before, or interest is charged to the day."""
    RATE_NOT_CHECKED = "rate_not_checked"
    """Statutory interest would run over a day whose reference rate nobody has checked yet;
    a new request succeeds once an admin adds the rate or confirms the old one held."""
    NOT_COMPUTABLE = "not_computable"
    """The policy cannot price the charge (a late-fee rule in another currency, no rate in
    force on a day)."""


@event("charge.declined", producer="invoice-svc")
class ChargeDeclined(EventPayload):
    """A ``charge.requested`` applied no charge; ``reason`` says why.

    Produced by invoice-svc for escalation-svc, once per request id.
    """

    model_config = showing(
        {
            "request_id": "case-7/step-3/interest",
            "invoice_id": "0192f0c4-5c1e-7a1b-9f0e-2d4c6b8a0e11",
            "kind": "interest",
            "reason": "invoice_not_chased",
            "message": "the invoice is paid",
            "invoice_status": "paid",
        }
    )

    request_id: RequestId
    invoice_id: EntityId
    kind: RequestedCharge
    reason: ChargeDeclineReason
    message: DeclineMessage
    invoice_status: InvoiceStatus | None = Field(
        default=None, description="the invoice's status when declined (none if unknown)"
    )


class WriteOffDeclineReason(StrEnum):
    """Why ``write_off.requested`` wrote nothing off."""

    UNKNOWN_INVOICE = "unknown_invoice"
    """The tenant has no such invoice."""
    INVOICE_NOT_COLLECTIBLE = "invoice_not_collectible"
    """Paid, cancelled or written off already (``invoice_status`` says which)."""
    CURRENCY_MISMATCH = "currency_mismatch"
    """``max_amount`` is not in the invoice's currency."""
    ABOVE_MAXIMUM = "above_maximum"
    """More is open than ``max_amount`` (``open_balance`` says how much)."""


@event("write_off.declined", producer="invoice-svc")
class WriteOffDeclined(EventPayload):
    """A ``write_off.requested`` wrote nothing off; ``reason`` says why.

    Produced by invoice-svc for escalation-svc, once per request id.
    """

    model_config = showing(
        {
            "request_id": "settlement-12/remainder",
            "invoice_id": "0192f0c4-5c1e-7a1b-9f0e-2d4c6b8a0e11",
            "reason": "above_maximum",
            "message": "70.00 GBP at most may be written off; 85.00 GBP is open",
            "invoice_status": "partially_paid",
            "open_balance": {"amount_minor": 8500, "currency": "GBP"},
        }
    )

    request_id: RequestId
    invoice_id: EntityId
    reason: WriteOffDeclineReason
    message: DeclineMessage
    invoice_status: InvoiceStatus | None = None
    open_balance: Money | None = Field(
        default=None, description="what is open on the invoice (none if unknown)"
    )


class CreditHoldDeclineReason(StrEnum):
    """Why ``credit_hold.requested`` announced no hold."""

    UNKNOWN_DEBTOR = "unknown_debtor"
    """The tenant has no such debtor."""
    ALREADY_ON_HOLD = "already_on_hold"
    """The debtor is on hold already (over its limit, or by an earlier request). The request
    is still recorded: the debtor stays held until a ``credit_release.requested``, even once
    its balance falls under the limit."""


@event("credit_hold.declined", producer="invoice-svc")
class CreditHoldDeclined(EventPayload):
    """A ``credit_hold.requested`` changed nothing the ERP is told; ``reason`` says why.

    Produced by invoice-svc for escalation-svc, once per request id.
    """

    model_config = showing(
        {
            "request_id": "case-7/step-5/hold",
            "debtor_id": "0192f0c4-5c1e-7a1b-9f0e-2d4c6b8a0e00",
            "reason": "already_on_hold",
            "message": "the debtor is on credit hold already (credit limit exceeded)",
        }
    )

    request_id: RequestId
    debtor_id: EntityId
    reason: CreditHoldDeclineReason
    message: DeclineMessage


class CreditReleaseDeclineReason(StrEnum):
    """Why ``credit_release.requested`` announced no release."""

    UNKNOWN_DEBTOR = "unknown_debtor"
    """The tenant has no such debtor."""
    NOT_HELD_ON_REQUEST = "not_held_on_request"
    """No requested hold is in force (never requested, or released already)."""
    OVER_CREDIT_LIMIT = "over_credit_limit"
    """The requested hold is lifted, but the debtor stays on hold while its open balance
    exceeds its credit limit (``debtor.credit_released`` follows when it no longer does)."""


@event("credit_release.declined", producer="invoice-svc")
class CreditReleaseDeclined(EventPayload):
    """A ``credit_release.requested`` released no hold; ``reason`` says why.

    Produced by invoice-svc for escalation-svc, once per request id.
    """

    model_config = showing(
        {
            "request_id": "case-7/resolved/release",
            "debtor_id": "0192f0c4-5c1e-7a1b-9f0e-2d4c6b8a0e00",
            "reason": "over_credit_limit",
            "message": (
                "the requested hold is lifted; the debtor stays on hold over its credit limit"
            ),
        }
    )

    request_id: RequestId
    debtor_id: EntityId
    reason: CreditReleaseDeclineReason
    message: DeclineMessage
