"""Inbound topics from ERP systems, validated by invoice-svc.

The envelope's ``subject`` is the ERP's own customer id. Re-sending the same ``erp_id``
updates, never duplicates.
"""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

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


class InvoiceLine(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(min_length=1, max_length=500)
    quantity: str = Field(default="1", pattern=r"^\d+(\.\d+)?$")
    amount_minor: NonNegativeMinor


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
    lines: tuple[InvoiceLine, ...] = ()
    cancelled: bool = False


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
