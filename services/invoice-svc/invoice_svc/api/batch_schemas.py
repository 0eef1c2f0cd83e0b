"""Request and response bodies for /v1/batches."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

MAX_ITEMS = 10_000


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Items are validated one by one (not here), so one malformed row does not sink the rest.
    items: list[Any] = Field(
        min_length=1,
        max_length=MAX_ITEMS,
        description="up to 10,000 rows, each the body of the matching single-item POST "
        "(invoices and payments may name the debtor by `debtor_erp_id`); applied in this order",
    )


class ItemError(BaseModel):
    field: str = Field(examples=["items[3].amount.currency"])
    message: str


class ItemResult(BaseModel):
    index: int = Field(description="position of the row in `items`")
    status: Literal["created", "updated", "unchanged", "error"]
    id: str | None = Field(default=None, description="what the row created or matched")
    errors: list[ItemError] | None = None


class BatchOut(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {"index": 0, "status": "created", "id": "0b7e5d2c-8f43-4c55-a2b1"},
                        {
                            "index": 1,
                            "status": "error",
                            "errors": [
                                {"field": "items[1].currency", "message": "unknown currency"}
                            ],
                        },
                    ],
                    "created": 1,
                    "updated": 0,
                    "unchanged": 0,
                    "failed": 1,
                }
            ]
        }
    )

    items: list[ItemResult]
    created: int
    updated: int
    unchanged: int
    failed: int


# Per-endpoint request examples (``BatchIn`` serves all three, so they live on the routes).
DEBTOR_BATCH_EXAMPLES: dict[str, Any] = {
    "two_debtors": {
        "summary": "two debtors, upserted by the ERP's ids",
        "value": {
            "items": [
                {
                    "erp_id": "CUST-1001",
                    "name": "Acme Trading Ltd",
                    "country": "GB",
                    "currency": "GBP",
                    "time_zone": "Europe/London",
                },
                {
                    "erp_id": "CUST-1002",
                    "name": "Brauhaus Nord GmbH",
                    "country": "DE",
                    "currency": "EUR",
                    "language": "de",
                    "time_zone": "Europe/Berlin",
                    "credit_policy": {"payment_terms_days": 14},
                },
            ]
        },
    }
}
INVOICE_BATCH_EXAMPLES: dict[str, Any] = {
    "by_erp_ids": {
        "summary": "debtors named by the ERP's ids",
        "value": {
            "items": [
                {
                    "erp_id": "INV-2026-0042",
                    "debtor_erp_id": "CUST-1001",
                    "number": "2026-0042",
                    "issue_date": "2026-02-01",
                    "due_date": "2026-03-03",
                    "amount": {"amount_minor": 125000, "currency": "GBP"},
                },
                {
                    "erp_id": "INV-2026-0043",
                    "debtor_id": "5f0c6a1e-4d4b-4f3e-9a57-0d6f0a0d9c11",
                    "number": "2026-0043",
                    "issue_date": "2026-02-01",
                    "amount": {"amount_minor": 48000, "currency": "GBP"},
                },
            ]
        },
    }
}
PAYMENT_BATCH_EXAMPLES: dict[str, Any] = {
    "by_erp_ids": {
        "summary": "debtors named by the ERP's ids",
        "value": {
            "items": [
                {
                    "erp_id": "PAY-88120",
                    "debtor_erp_id": "CUST-1001",
                    "amount": {"amount_minor": 50000, "currency": "GBP"},
                    "received_on": "2026-03-02",
                    "reference": "BACS 2026-0042",
                }
            ]
        },
    }
}


def item_field(index: int, loc: tuple[int | str, ...] | str | None) -> str:
    """``(3, ("amount", "currency"))`` -> ``items[3].amount.currency``."""
    text = f"items[{index}]"
    parts: tuple[int | str, ...] = (loc,) if isinstance(loc, str) else loc or ()
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
