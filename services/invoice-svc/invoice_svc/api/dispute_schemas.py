"""Request and response bodies for disputes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from debtflow_shared.catalog.common import ONE_LINE, SEVERAL_LINES, Reason
from debtflow_shared.catalog.invoice import DisputeOutcome
from debtflow_shared.catalog.money import Money, PositiveMoney
from invoice_svc.domain.invoice import Dispute
from invoice_svc.service_layer.disputes import OpenDispute


class DisputeIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "reason": "two pallets arrived damaged",
                    "disputed_amount": {"amount_minor": 25000, "currency": "GBP"},
                    "raised_by": "accounts@acme.example",
                }
            ]
        },
    )

    reason: Reason
    disputed_amount: PositiveMoney | None = Field(default=None, description="default: open balance")
    raised_by: Annotated[str, Field(min_length=1, max_length=200), ONE_LINE]

    def to_command(self, invoice_id: str) -> OpenDispute:
        amount = self.disputed_amount
        return OpenDispute(
            invoice_id=invoice_id,
            reason=self.reason,
            raised_by=self.raised_by,
            amount_minor=amount.amount_minor if amount else None,
            currency=amount.currency if amount else None,
        )


class ResolutionIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"outcome": "upheld", "note": "photos confirm damage"}]},
    )

    outcome: DisputeOutcome = Field(
        description="upheld: credit the disputed amount; rejected: back into collection"
    )
    note: Annotated[str, Field(max_length=1000), SEVERAL_LINES] | None = None


class DisputeOut(BaseModel):
    id: str
    invoice_id: str
    debtor_id: str
    reason: str
    disputed_amount: Money
    raised_by: str
    status: str = Field(description="open, upheld or rejected")
    request_id: str | None
    resolution_note: str | None
    opened_at: datetime
    resolved_at: datetime | None

    @classmethod
    def of(cls, d: Dispute) -> DisputeOut:
        return cls(
            id=d.id,
            invoice_id=d.invoice_id,
            debtor_id=d.debtor_id,
            reason=d.reason,
            disputed_amount=Money(amount_minor=d.amount_minor, currency=d.currency),
            raised_by=d.raised_by,
            status=d.status,
            request_id=d.request_id,
            resolution_note=d.resolution_note,
            opened_at=d.opened_at,
            resolved_at=d.resolved_at,
        )


class DisputeList(BaseModel):
    items: list[DisputeOut]
