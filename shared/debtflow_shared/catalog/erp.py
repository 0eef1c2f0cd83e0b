"""Inbound topics from ERP systems, validated by invoice-svc.

The envelope's ``subject`` is the ERP's own customer id. Re-sending the same ``erp_id``
updates, never duplicates.

Invoice lines are what the invoice shows, and they must account for it: each line's
``amount_minor`` is the line's total (not a unit price; ``quantity`` is shown as sent and
never multiplied), and when lines are given they add up to the invoice amount exactly. Tax,
shipping and discounts (negative amounts) are therefore lines of their own. At most
:data:`MAX_INVOICE_LINES` lines; an invoice may also have none.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationInfo, field_validator

from debtflow_shared.catalog.common import CountryCode, LanguageTag, TimeZoneName
from debtflow_shared.catalog.debtor import Channel, Contact, CreditPolicy
from debtflow_shared.catalog.money import CurrencyCode, Money, NonNegativeMinor
from debtflow_shared.catalog.registry import EventPayload, event

ErpId = Field(min_length=1, max_length=100)


@event("erp.debtor", producer="erp")
class ErpDebtor(EventPayload):
    """Customer master data from the ERP (upsert by ``erp_id``)."""

    erp_id: str = ErpId
    name: str = Field(min_length=1, max_length=300)
    country: CountryCode
    currency: CurrencyCode
    language: LanguageTag = "en"
    time_zone: TimeZoneName = "UTC"
    contacts: tuple[Contact, ...] = ()
    preferred_channel: Channel | None = None
    tags: tuple[str, ...] = ()
    credit_policy: CreditPolicy = CreditPolicy()


MAX_INVOICE_LINES = 500
# A decimal as text, shown as sent (negative on a returned or credited line).
LineQuantity = Annotated[str, Field(max_length=20, pattern=r"^-?\d+(\.\d+)?$", examples=["2"])]


def check_lines_add_up(line_amounts: Iterable[int], amount_minor: int) -> None:
    """Refuse (``ValueError``) line amounts that do not add up to the invoice amount."""
    total = sum(line_amounts)
    if total != amount_minor:
        raise ValueError(
            f"the lines add up to {total}, the invoice amount is {amount_minor}: "
            "lines must account for all of it (tax, shipping and discounts as lines)"
        )


class InvoiceLine(BaseModel):
    """One line of an invoice: its total in minor units (negative: a discount or credit)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(min_length=1, max_length=500)
    quantity: LineQuantity = "1"
    amount_minor: StrictInt


@event("erp.invoice", producer="erp")
class ErpInvoice(EventPayload):
    """An invoice from the ERP (upsert by ``erp_id``); the due date defaults from the terms."""

    erp_id: str = ErpId
    debtor_erp_id: str = ErpId
    number: str = Field(min_length=1, max_length=100)
    issue_date: date
    due_date: date | None = None
    currency: CurrencyCode
    amount_minor: NonNegativeMinor
    lines: tuple[InvoiceLine, ...] = Field(
        default=(), max_length=MAX_INVOICE_LINES, description="if given, they add up to the amount"
    )
    cancelled: bool = False

    @field_validator("lines")
    @classmethod
    def _lines_add_up(
        cls, lines: tuple[InvoiceLine, ...], info: ValidationInfo
    ) -> tuple[InvoiceLine, ...]:
        amount = info.data.get("amount_minor")
        if lines and amount is not None:
            check_lines_add_up((line.amount_minor for line in lines), amount)
        return lines


@event("erp.payment", producer="erp")
class ErpPayment(EventPayload):
    """A payment received in the ERP's books (upsert by ``erp_id``)."""

    erp_id: str = ErpId
    debtor_erp_id: str = ErpId
    amount: Money
    received_on: date
    reference: str | None = Field(default=None, max_length=200)
    method: str | None = Field(default=None, max_length=50)
    invoice_erp_ids: tuple[str, ...] = Field(
        default=(), description="invoices the payer named; else oldest due first"
    )
