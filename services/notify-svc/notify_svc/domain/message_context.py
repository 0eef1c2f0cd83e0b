"""The variables a template sees, built from notify's copies at the moment of sending.

Amounts and dates are already formatted for the debtor's locale (Babel, through
``debtflow_shared.documents.locale_format``), so a template writes ``{{ totals.open_balance
}}``; the raw minor units and ISO dates are there too, with the ``money`` and ``day``
filters, for templates that compute. Plain dicts and lists only: the sandbox has nothing
else to reach through.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from debtflow_shared.catalog.invoice import ChargeKind, InvoiceStatus
from debtflow_shared.documents.locale_format import LocaleFormat
from notify_svc.domain.copies import (
    BankDetails,
    ChargeCopy,
    CreditorCopy,
    DebtorCopy,
    EmailAddress,
    InvoiceCopy,
)
from notify_svc.domain.history import DebtorHistory, LastPayment

_CHARGE_NAMES = {
    ChargeKind.LATE_FEE: "Late fee",
    ChargeKind.INTEREST: "Interest",
    ChargeKind.COMPENSATION: "Fixed-sum compensation",
}


@dataclass(frozen=True)
class MessageFacts:
    debtor: DebtorCopy
    creditor: CreditorCopy
    invoices: Sequence[InvoiceCopy]
    charges: Sequence[ChargeCopy]
    today: date
    """the debtor's local date at sending"""
    step: str
    tone: str
    unsubscribe_url: str
    statement_attached: bool = False
    also_outstanding: Sequence[InvoiceCopy] = ()
    """the case's other open invoices, named but not asked for by this message"""
    history: DebtorHistory = field(default_factory=DebtorHistory)


def message_context(facts: MessageFacts, formatting: LocaleFormat) -> dict[str, Any]:
    money, day = formatting.money, formatting.day
    currency = facts.invoices[0].currency if facts.invoices else facts.debtor.currency
    numbers = {i.invoice_id: i.number for i in facts.invoices}

    def line(i: InvoiceCopy) -> dict[str, Any]:
        return {
            "id": i.invoice_id,
            "number": i.number,
            "issue_date": day(i.issue_date),
            "due_date": day(i.due_date),
            "due_date_iso": i.due_date.isoformat(),
            "days_overdue": max((facts.today - i.due_date).days, 0),
            "days_until_due": max((i.due_date - facts.today).days, 0),
            "amount": money(i.amount_minor, i.currency),
            "principal_open": money(i.principal_open_minor, i.currency),
            "charges_open": money(i.charges_open_minor, i.currency),
            "open_balance": money(i.open_balance_minor, i.currency),
            "open_balance_minor": i.open_balance_minor,
            "currency": i.currency,
        }

    invoices = [line(i) for i in facts.invoices]
    charges = [
        {
            "invoice_number": numbers.get(c.invoice_id, c.invoice_id),
            "kind": c.kind.value,
            "name": _CHARGE_NAMES[c.kind],
            "description": c.description,
            "amount": money(c.amount_minor, c.currency),
            "amount_minor": c.amount_minor,
        }
        for c in facts.charges
    ]
    principal = sum(i.principal_open_minor for i in facts.invoices)
    charged = sum(i.charges_open_minor for i in facts.invoices)
    by_kind = {
        kind: sum(c.amount_minor for c in facts.charges if c.kind is kind) for kind in ChargeKind
    }
    creditor = facts.creditor
    return {
        "creditor": {
            "legal_name": creditor.legal_name,
            "address_lines": formatting.postal_address(
                creditor.address_lines, creditor.postcode, creditor.city, creditor.country
            ),
            "registration_numbers": dict(creditor.registration_numbers),
        },
        "debtor": {
            "id": facts.debtor.debtor_id,
            "name": facts.debtor.name,
            "postal_lines": list(facts.debtor.postal_lines),
        },
        "invoices": invoices,
        "also_outstanding": [line(i) for i in facts.also_outstanding],
        "charges": charges,
        "totals": {
            "principal_open": money(principal, currency),
            "charges_open": money(charged, currency),
            "open_balance": money(principal + charged, currency),
            "open_balance_minor": principal + charged,
            "late_fees": money(by_kind[ChargeKind.LATE_FEE], currency),
            "interest": money(by_kind[ChargeKind.INTEREST], currency),
            "compensation": money(by_kind[ChargeKind.COMPENSATION], currency),
            "currency": currency,
            "invoice_count": len(invoices),
        },
        "how_to_pay": {
            "pay_link": creditor.pay_link,
            "bank_accounts": [_bank(b) for b in creditor.bank_accounts],
        },
        "how_to_dispute": {
            "email": creditor.dispute_email,
            "phone": creditor.dispute_phone,
        },
        "unsubscribe_url": facts.unsubscribe_url,
        "today": day(facts.today),
        "step": facts.step,
        "tone": facts.tone,
        "statement_attached": facts.statement_attached,
        "history": _history(facts.history, formatting),
    }


def _history(history: DebtorHistory, formatting: LocaleFormat) -> dict[str, Any]:
    last = history.last_payment
    return {
        "first_reminder": history.messages_sent == 0,
        "messages_sent": history.messages_sent,
        "promises_broken": history.promises_broken,
        "paid_invoices": len(history.days_late),
        "days_usually_late": history.days_usually_late,
        "usually_pays_on_time": history.usually_pays_on_time,
        "last_payment": {
            "date": formatting.day(last.received_on),
            "date_iso": last.received_on.isoformat(),
            "amount": formatting.money(last.amount_minor, last.currency),
            "amount_minor": last.amount_minor,
            "currency": last.currency,
        }
        if last
        else None,
    }


def _bank(account: BankDetails) -> dict[str, str | None]:
    return {
        "account_name": account.account_name,
        "iban": account.iban,
        "bic": account.bic,
        "sort_code": account.sort_code,
        "account_number": account.account_number,
    }


SAMPLE_TENANT = "sample"


def sample_facts(today: date, *, statement_attached: bool = False) -> MessageFacts:
    """A debtor with two overdue invoices and charges: what a template is checked and
    previewed against when no real debtor is named."""
    debtor = DebtorCopy(
        tenant_id=SAMPLE_TENANT,
        debtor_id="sample-debtor",
        version=1,
        name="Acme Widgets Ltd",
        language="en",
        time_zone="Europe/London",
        country="GB",
        currency="GBP",
        emails=(EmailAddress("accounts@acme.example", True),),
        postal_lines=("Accounts Payable", "1 High Street", "London EC1A 1BB"),
    )
    creditor = CreditorCopy(
        tenant_id=SAMPLE_TENANT,
        version=1,
        legal_name="Northwind Supplies Ltd",
        address_lines=("10 Downing Works", "Unit 4"),
        postcode="M1 1AE",
        city="Manchester",
        country="GB",
        registration_numbers={"Company number": "01234567", "VAT": "GB123456789"},
        bank_accounts=(
            BankDetails("Northwind Supplies Ltd", sort_code="12-34-56", account_number="12345678"),
        ),
        pay_link="https://pay.northwind.example/acme",
        dispute_email="disputes@northwind.example",
        dispute_phone="+44 161 496 0000",
    )
    invoices = (
        InvoiceCopy(
            SAMPLE_TENANT,
            "sample-1",
            "sample-debtor",
            "INV-2026-0042",
            date(2026, 1, 30),
            date(2026, 3, 1),
            "GBP",
            132_000,
            132_000,
            4_000,
            InvoiceStatus.OPEN,
            3,
        ),
        InvoiceCopy(
            SAMPLE_TENANT,
            "sample-2",
            "sample-debtor",
            "INV-2026-0057",
            date(2026, 2, 10),
            date(2026, 3, 12),
            "GBP",
            48_050,
            20_000,
            0,
            InvoiceStatus.PARTIALLY_PAID,
            2,
        ),
    )
    charges = (
        ChargeCopy(
            SAMPLE_TENANT,
            "sample-charge-1",
            "sample-1",
            ChargeKind.COMPENSATION,
            4_000,
            "GBP",
            "Fixed-sum compensation (Late Payment of Commercial Debts (Interest) Act 1998)",
        ),
    )
    also = (
        InvoiceCopy(
            SAMPLE_TENANT,
            "sample-3",
            "sample-debtor",
            "INV-2026-0071",
            date(2026, 3, 1),
            date(2026, 3, 31),
            "GBP",
            25_000,
            25_000,
            0,
            InvoiceStatus.OPEN,
            1,
        ),
    )
    return MessageFacts(
        debtor=debtor,
        creditor=creditor,
        invoices=invoices,
        charges=charges,
        also_outstanding=also,
        today=today,
        step="sample-step",
        tone="friendly",
        unsubscribe_url="https://notify.example/v1/unsubscribe?sample=1",
        statement_attached=statement_attached,
        history=DebtorHistory(
            messages_sent=1,
            promises_broken=0,
            days_late=(0, 2, -1, 5),
            last_payment=LastPayment(date(2026, 2, 20), 28_050, "GBP"),
        ),
    )
