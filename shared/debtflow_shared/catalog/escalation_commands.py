"""Commands escalation-svc sends to invoice-svc (imperative: a request, not a fact)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from debtflow_shared.catalog.common import EntityId
from debtflow_shared.catalog.money import Money
from debtflow_shared.catalog.registry import EventPayload, event


class RequestedCharge(StrEnum):
    LATE_FEE = "late_fee"
    INTEREST = "interest"
    COMPENSATION = "compensation"


@event("charge.requested", producer="escalation-svc")
class ChargeRequested(EventPayload):
    """Apply a late fee, interest to date, or fixed compensation to an invoice, once."""

    request_id: str = Field(min_length=1, max_length=100, description="idempotency: once each")
    invoice_id: EntityId
    kind: RequestedCharge
    as_of: date = Field(description="interest runs to this day inclusive")


@event("credit_hold.requested", producer="escalation-svc")
class CreditHoldRequested(EventPayload):
    """Put the debtor on credit hold."""

    request_id: str = Field(min_length=1, max_length=100)
    debtor_id: EntityId
    reason: str


@event("credit_release.requested", producer="escalation-svc")
class CreditReleaseRequested(EventPayload):
    """Take the debtor off a requested credit hold."""

    request_id: str = Field(min_length=1, max_length=100)
    debtor_id: EntityId
    reason: str


@event("dispute.requested", producer="escalation-svc")
class DisputeRequested(EventPayload):
    """A collector recorded a dispute the debtor raised."""

    request_id: str = Field(min_length=1, max_length=100)
    invoice_id: EntityId
    reason: str = Field(min_length=1, max_length=1000)
    disputed_amount: Money | None = Field(default=None, description="default: the open balance")
    raised_by: str = Field(min_length=1, max_length=200)
