"""invoice-svc's events as analytics-svc receives them, built by hand for its tests.

:class:`InvoiceStory` keeps one invoice's state and version as invoice-svc would, and each
call returns the message that change publishes, so a test can send them in any order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.envelope import Envelope

TENANT = "tenant-a"


def money(minor: int, currency: str = "GBP") -> dict[str, Any]:
    return {"amount_minor": minor, "currency": currency}


def message(
    topic: str,
    data: dict[str, Any],
    *,
    debtor_id: str,
    at: date | datetime,
    tenant: str = TENANT,
    dataschema: str = "v1",
) -> OutboundMessage:
    when = at if isinstance(at, datetime) else datetime.combine(at, time(12), tzinfo=UTC)
    envelope = Envelope(
        type=topic,
        source="invoice-svc",
        subject=debtor_id,
        time=when,
        tenantid=tenant,
        correlationid="c",
        causationid="c",
        dataschema=dataschema,
        data=data,
    )
    return OutboundMessage(envelope.type, envelope.key, envelope.to_bytes())


def debtor_upserted(
    debtor_id: str, name: str, *, version: int = 1, tenant: str = TENANT, currency: str = "GBP"
) -> OutboundMessage:
    data = {
        "debtor_id": debtor_id,
        "version": version,
        "name": name,
        "country": "GB",
        "currency": currency,
    }
    return message(
        "debtor.upserted",
        data,
        debtor_id=debtor_id,
        at=date(2026, 1, 1),
        tenant=tenant,
        dataschema="v2",
    )


@dataclass
class InvoiceStory:
    invoice_id: str
    debtor_id: str
    amount: int
    issue_date: date
    due_date: date
    currency: str = "GBP"
    tenant: str = TENANT
    principal_open: int = field(init=False)
    charges_open: int = 0
    version: int = 1
    status: str = "open"

    def __post_init__(self) -> None:
        self.principal_open = self.amount

    def state(self) -> dict[str, Any]:
        return {
            "invoice_id": self.invoice_id,
            "number": self.invoice_id.upper(),
            "debtor_id": self.debtor_id,
            "issue_date": self.issue_date.isoformat(),
            "due_date": self.due_date.isoformat(),
            "amount": money(self.amount, self.currency),
            "principal_open": money(self.principal_open, self.currency),
            "charges_open": money(self.charges_open, self.currency),
            "open_balance": money(self.principal_open + self.charges_open, self.currency),
            "status": self.status,
            "version": self.version,
        }

    def _msg(self, topic: str, data: dict[str, Any], at: date) -> OutboundMessage:
        return message(topic, data, debtor_id=self.debtor_id, at=at, tenant=self.tenant)

    def issued(self) -> OutboundMessage:
        return self._msg("invoice.issued", {"invoice": self.state()}, self.issue_date)

    def _settle(self) -> None:
        if self.principal_open + self.charges_open == 0:
            self.status = "paid"
        elif self.principal_open < self.amount:
            self.status = "partially_paid"

    def paid(
        self, minor: int, on: date, payment_id: str, version: int = 1
    ) -> list[OutboundMessage]:
        """payment.received allocating ``minor`` to principal (then invoice.paid if settled)."""
        principal = min(minor, self.principal_open)
        self.principal_open -= principal
        self.charges_open -= minor - principal
        self.version += 1
        self._settle()
        allocation = {
            "invoice_id": self.invoice_id,
            "principal": money(principal, self.currency),
            "charges": money(minor - principal, self.currency),
            "invoice": self.state(),
        }
        received = {
            "payment_id": payment_id,
            "debtor_id": self.debtor_id,
            "amount": money(minor, self.currency),
            "received_on": on.isoformat(),
            "allocations": [allocation],
            "unapplied": money(0, self.currency),
            "version": version,
        }
        messages = [self._msg("payment.received", received, on)]
        if self.status == "paid":
            paid = {"invoice": self.state(), "paid_on": on.isoformat()}
            messages.append(self._msg("invoice.paid", paid, on))
        return messages

    def credited(self, minor: int, on: date, note: str = "cn-1") -> OutboundMessage:
        self.amount -= minor
        self.principal_open -= minor
        self.version += 1
        self._settle()
        data = {
            "invoice": self.state(),
            "credit_note_id": note,
            "amount": money(minor, self.currency),
            "reason": "damaged goods",
        }
        return self._msg("invoice.credited", data, on)

    def charged(self, minor: int, on: date, charge_id: str = "ch-1") -> OutboundMessage:
        self.charges_open += minor
        self.version += 1
        data = {
            "invoice": self.state(),
            "charge_id": charge_id,
            "kind": "late_fee",
            "amount": money(minor, self.currency),
            "description": "late fee",
        }
        return self._msg("invoice.charge_applied", data, on)

    def amended(self, amount: int, on: date) -> OutboundMessage:
        self.principal_open += amount - self.amount
        self.amount = amount
        self.version += 1
        data = {"invoice": self.state(), "changed": ["amount"]}
        return self._msg("invoice.updated", data, on)

    def credit_spent(self, minor: int, payment_id: str, recorded: date) -> OutboundMessage:
        """Account credit a payment left, spent on this invoice (invoice.updated)."""
        self.principal_open -= minor
        self.version += 1
        self._settle()
        spent = {
            "payment_id": payment_id,
            "principal": money(minor, self.currency),
            "charges": money(0, self.currency),
        }
        data = {"invoice": self.state(), "changed": ["principal_open"], "credit_spent": spent}
        return self._msg("invoice.updated", data, recorded)

    def overdue(self, on: date) -> OutboundMessage:
        data = {"invoice": self.state(), "overdue_since": on.isoformat()}
        return self._msg("invoice.overdue", data, on)

    def disputed(self, on: date, dispute_id: str) -> OutboundMessage:
        self.status = "disputed"
        self.version += 1
        data = {
            "invoice": self.state(),
            "dispute_id": dispute_id,
            "reason": "not delivered",
            "disputed_amount": money(self.principal_open, self.currency),
            "raised_by": "ap@debtor.example",
        }
        return self._msg("invoice.disputed", data, on)

    def dispute_rejected(self, on: date, dispute_id: str) -> OutboundMessage:
        self.status = "open"
        self.version += 1
        data = {"invoice": self.state(), "dispute_id": dispute_id, "outcome": "rejected"}
        return self._msg("invoice.dispute_resolved", data, on)

    def cancelled(self, on: date) -> OutboundMessage:
        self.principal_open = self.charges_open = 0
        self.status = "cancelled"
        self.version += 1
        return self._msg("invoice.cancelled", {"invoice": self.state(), "reason": "wrong"}, on)

    def written_off(self, on: date) -> OutboundMessage:
        written = self.principal_open + self.charges_open
        self.principal_open = self.charges_open = 0
        self.status = "written_off"
        self.version += 1
        data = {"invoice": self.state(), "amount": money(written, self.currency), "reason": "x"}
        return self._msg("invoice.written_off", data, on)
