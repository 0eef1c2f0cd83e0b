"""Commands escalation-svc sends to invoice-svc (imperative: a request, not a fact)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from debtflow_shared.catalog.common import ONE_LINE, BusinessDate, EntityId, Reason
from debtflow_shared.catalog.money import PositiveMoney
from debtflow_shared.catalog.registry import EventPayload, event


class RequestedCharge(StrEnum):
    LATE_FEE = "late_fee"
    INTEREST = "interest"
    COMPENSATION = "compensation"


RequestId = Annotated[str, Field(min_length=1, max_length=100), ONE_LINE]


@event("charge.requested", producer="escalation-svc")
class ChargeRequested(EventPayload):
    """Apply a late fee, interest to date, or fixed compensation to an invoice, once."""

    request_id: RequestId = Field(description="idempotency: once each")
    invoice_id: EntityId
    kind: RequestedCharge
    as_of: BusinessDate = Field(description="interest runs to this day inclusive")


@event("credit_hold.requested", producer="escalation-svc")
class CreditHoldRequested(EventPayload):
    """Put the debtor on credit hold."""

    request_id: RequestId
    debtor_id: EntityId
    reason: Reason


@event("credit_release.requested", producer="escalation-svc")
class CreditReleaseRequested(EventPayload):
    """Take the debtor off a requested credit hold."""

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
