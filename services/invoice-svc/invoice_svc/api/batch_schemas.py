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
        description="up to 10,000 rows, each the body of the matching single-item POST; "
        "applied in this order",
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


def item_field(index: int, loc: tuple[int | str, ...] | str | None) -> str:
    """``(3, ("amount", "currency"))`` -> ``items[3].amount.currency``."""
    text = f"items[{index}]"
    parts: tuple[int | str, ...] = (loc,) if isinstance(loc, str) else loc or ()
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text
