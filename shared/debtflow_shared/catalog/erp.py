"""Inbound topics from ERP systems, validated by invoice-svc.

The envelope's ``subject`` is the ERP's own customer id. Re-sending the same ``erp_id``
updates, never duplicates.

Invoice lines are what the invoice shows, and they must account for it: each line's
``amount_minor`` is the line's total (not a unit price; ``quantity`` is shown as sent and
never multiplied), and when lines are given they add up to the invoice amount exactly. Tax,
shipping and discounts (negative amounts) are therefore lines of their own. At most
:data:`MAX_INVOICE_LINES` lines; an invoice may also have none.

Rows are held to the same input bounds as invoice-svc's REST bodies (amounts up to
:data:`~debtflow_shared.catalog.money.MAX_AMOUNT_MINOR`, business dates, text without control
characters): a row beyond them goes to the DLQ as invalid, naming the field.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from debtflow_shared.catalog.common import (
    MAX_NAMED_INVOICES,
    ONE_LINE,
    SEVERAL_LINES,
    BusinessDate,
    CountryCode,
    DocumentNumber,
    ErpId,
    LanguageTag,
    Name,
    TimeZoneName,
)
from debtflow_shared.catalog.debtor import Channel, ContactsV2, CreditPolicy, DebtorAddress, Tags
from debtflow_shared.catalog.money import (
    AmountMinor,
    CurrencyCode,
    NonNegativeMinor,
    NonNegativeMoney,
)
from debtflow_shared.catalog.registry import EventPayload, event


@event("erp.debtor", producer="erp")
class ErpDebtor(EventPayload):
    """Customer master data from the ERP (upsert by ``erp_id``).

    Contacts are typed by ``kind`` as in ``debtor.upserted`` v2: a phone is in E.164
    (``+447700900123``, a nationally written number goes to the DLQ naming the field) and says
    whether it is ``sms_capable``; ``postal_address`` is where letters go (omitted: none).
    """

    erp_id: ErpId
    name: Name
    country: CountryCode
    currency: CurrencyCode
    language: LanguageTag = "en"
    time_zone: TimeZoneName = "UTC"
    postal_address: DebtorAddress | None = None
    contacts: ContactsV2 = ()
    preferred_channel: Channel | None = None
    tags: Tags = ()
    credit_policy: CreditPolicy = CreditPolicy()


MAX_INVOICE_LINES = 500
# A decimal as text, shown as sent (negative on a returned or credited line).
LineQuantity = Annotated[str, Field(max_length=20, pattern=r"^-?\d+(\.\d+)?$", examples=["2"])]
LineDescription = Annotated[str, Field(min_length=1, max_length=500), SEVERAL_LINES]


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

    description: LineDescription
    quantity: LineQuantity = "1"
    amount_minor: AmountMinor


@event("erp.invoice", producer="erp")
class ErpInvoice(EventPayload):
    """An invoice from the ERP (upsert by ``erp_id``); the due date defaults from the terms."""

    erp_id: ErpId
    debtor_erp_id: ErpId
    number: DocumentNumber
    issue_date: BusinessDate
    due_date: BusinessDate | None = None
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


PaymentReference = Annotated[str, Field(max_length=200), ONE_LINE]
PaymentMethod = Annotated[str, Field(max_length=50), ONE_LINE]


@event("erp.payment", producer="erp")
class ErpPayment(EventPayload):
    """A payment received in the ERP's books (upsert by ``erp_id``)."""

    erp_id: ErpId
    debtor_erp_id: ErpId
    amount: NonNegativeMoney
    received_on: BusinessDate
    reference: PaymentReference | None = None
    method: PaymentMethod | None = None
    invoice_erp_ids: tuple[ErpId, ...] = Field(
        default=(),
        max_length=MAX_NAMED_INVOICES,
        description=f"invoices the payer named (at most {MAX_NAMED_INVOICES}); "
        "else oldest due first",
    )
