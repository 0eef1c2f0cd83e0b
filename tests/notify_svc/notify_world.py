"""notify-svc in a test: its runtime, a real SMTP server, and the events it learns from."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import httpx

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.catalog import EventPayload, payload_dict
from debtflow_shared.catalog.debtor import DebtorUpsertedV2
from debtflow_shared.catalog.invoice import (
    CreditorProfileUpdated,
    InvoiceIssued,
    InvoicePaid,
    InvoiceState,
    PaymentReceived,
)
from debtflow_shared.catalog.notification import (
    ContactRules,
    NotificationCancelled,
    NotificationRequested,
    notification_dedup_key,
)
from debtflow_shared.envelope import Envelope
from debtflow_shared.service import ServiceRuntime
from notify_svc.bootstrap import DEFINITION as NOTIFY
from notify_svc.settings import NotifySettings
from tests.notify_svc.smtp_server import MailServer
from tests.support.api import api_client, bearer
from tests.support.harness import T0, Backend

TENANT = "tenant-a"
SCOPES = ("notifications:read", "templates:write", "suppressions:write")
RULES = ContactRules(
    local_from=time(8),
    local_until=time(21),
    weekends=True,
    holidays_country=None,
    min_gap_minutes=0,
)


def envelope(
    payload: EventPayload, subject: str, tenant: str = TENANT, at: datetime | None = None
) -> OutboundMessage:
    env = Envelope(
        type=payload.event_type,
        source="test",
        subject=subject,
        time=at or T0,
        tenantid=tenant,
        correlationid="test",
        causationid="test",
        dataschema=payload.schema_version,
        data=payload_dict(payload),
    )
    return OutboundMessage(env.type, env.key, env.to_bytes())


def debtor(debtor_id: str = "d-1", version: int = 1, **changes: Any) -> DebtorUpsertedV2:
    fields: dict[str, Any] = {
        "debtor_id": debtor_id,
        "version": version,
        "name": "Acme Widgets Ltd",
        "contacts": [{"kind": "email", "value": "ap@acme.example"}],
        "language": "en",
        "time_zone": "Europe/London",
        "country": "GB",
        "currency": "GBP",
    }
    return DebtorUpsertedV2.model_validate(fields | changes)


def creditor(version: int = 1, **changes: Any) -> CreditorProfileUpdated:
    fields: dict[str, Any] = {
        "legal_name": "Northwind Supplies Ltd",
        "address": {
            "lines": ["10 Mill Lane"],
            "postcode": "M1 1AE",
            "city": "Manchester",
            "country": "GB",
        },
        "bank_accounts": [
            {
                "account_name": "Northwind Supplies Ltd",
                "sort_code": "12-34-56",
                "account_number": "12345678",
            }
        ],
        "pay_link": "https://pay.northwind.example/acme",
        "dispute_email": "disputes@northwind.example",
        "version": version,
    }
    return CreditorProfileUpdated.model_validate(fields | changes)


def invoice_state(
    invoice_id: str = "inv-1",
    *,
    debtor_id: str = "d-1",
    open_minor: int = 132_000,
    status: str = "open",
    version: int = 1,
    due: str = "2026-02-27",
) -> InvoiceState:
    return InvoiceState.model_validate(
        {
            "invoice_id": invoice_id,
            "number": invoice_id.upper(),
            "debtor_id": debtor_id,
            "issue_date": "2026-01-28",
            "due_date": due,
            "amount": {"amount_minor": 132_000, "currency": "GBP"},
            "principal_open": {"amount_minor": open_minor, "currency": "GBP"},
            "charges_open": {"amount_minor": 0, "currency": "GBP"},
            "open_balance": {"amount_minor": open_minor, "currency": "GBP"},
            "status": status,
            "version": version,
        }
    )


def issued(state: InvoiceState) -> InvoiceIssued:
    return InvoiceIssued(invoice=state)


def paid(invoice_id: str = "inv-1", version: int = 2) -> InvoicePaid:
    return InvoicePaid(
        invoice=invoice_state(invoice_id, open_minor=0, status="paid", version=version),
        paid_on="2026-03-02",
    )


def payment(invoice_id: str = "inv-1", version: int = 2) -> PaymentReceived:
    state = invoice_state(invoice_id, open_minor=0, status="paid", version=version)
    return PaymentReceived.model_validate(
        {
            "payment_id": "pay-1",
            "debtor_id": state.debtor_id,
            "amount": {"amount_minor": 132_000, "currency": "GBP"},
            "received_on": "2026-03-02",
            "allocations": [
                {
                    "invoice_id": invoice_id,
                    "principal": {"amount_minor": 132_000, "currency": "GBP"},
                    "charges": {"amount_minor": 0, "currency": "GBP"},
                    "invoice": state.model_dump(mode="json"),
                }
            ],
            "unapplied": {"amount_minor": 0, "currency": "GBP"},
            "version": 1,
        }
    )


def request(
    step: str = "plus-1-friendly-reminder",
    *,
    case_id: str = "case-1",
    debtor_id: str = "d-1",
    template_key: str = "reminder.friendly",
    tone: str = "friendly",
    invoice_ids: tuple[str, ...] = ("inv-1",),
    rules: ContactRules = RULES,
    requested_at: datetime | None = None,
    expires_at: datetime | None = None,
    variant: str | None = None,
    also_outstanding: tuple[str, ...] = (),
    channel: str = "email",
    locale: str = "en-GB",
) -> NotificationRequested:
    return NotificationRequested.model_validate(
        {
            "dedup_key": notification_dedup_key(case_id, step, channel),
            "case_id": case_id,
            "debtor_id": debtor_id,
            "step": step,
            "channel": channel,
            "template_key": template_key,
            "tone": tone,
            "locale": locale,
            "variant": variant,
            "invoice_ids": list(invoice_ids),
            "also_outstanding_invoice_ids": list(also_outstanding),
            "contact_rules": rules.model_dump(mode="json"),
            "requested_at": (requested_at or T0).isoformat(),
            "expires_at": expires_at.isoformat() if expires_at else None,
        }
    )


def cancel(req: NotificationRequested, reason: str = "paid") -> NotificationCancelled:
    return NotificationCancelled.model_validate(
        {
            "dedup_key": req.dedup_key,
            "case_id": req.case_id,
            "debtor_id": req.debtor_id,
            "reason": reason,
            "cancelled_at": req.requested_at.isoformat(),
        }
    )


@dataclass
class Notify:
    backend: Backend
    runtime: ServiceRuntime
    client: httpx.AsyncClient

    def headers(self, tenant: str = TENANT) -> dict[str, str]:
        return bearer(self.backend.token(tenant, *SCOPES))

    async def publish(self, *payloads: EventPayload, tenant: str = TENANT) -> None:
        messages = [envelope(p, _subject(p), tenant) for p in payloads]
        await self.backend.raw_publish(messages)

    async def get(self, path: str, tenant: str = TENANT, **params: Any) -> httpx.Response:
        return await self.client.get(path, params=params, headers=self.headers(tenant))

    async def post(self, path: str, body: Any, tenant: str = TENANT) -> httpx.Response:
        return await self.client.post(path, json=body, headers=self.headers(tenant))

    async def notifications(self, tenant: str = TENANT, **params: Any) -> list[dict[str, Any]]:
        response = await self.get("/v1/notifications", tenant, **params)
        assert response.status_code == 200, response.text
        items: list[dict[str, Any]] = response.json()["items"]
        return items


def _subject(payload: EventPayload) -> str:
    for name in ("debtor_id",):
        value = getattr(payload, name, None)
        if isinstance(value, str):
            return value
    invoice = getattr(payload, "invoice", None)
    if isinstance(invoice, InvoiceState):
        return invoice.debtor_id
    return "tenant"


MOBILE = "+447700900123"
SMS_SECRET = "test-sms-provider-secret"


def texting_debtor(debtor_id: str = "d-1", version: int = 1, **changes: Any) -> DebtorUpsertedV2:
    """A debtor with an email address and a mobile that takes text messages."""
    contacts = [
        {"kind": "email", "value": "ap@acme.example"},
        {"kind": "phone", "value": MOBILE, "sms_capable": True},
    ]
    return debtor(debtor_id, version, contacts=contacts, **changes)


def sms_request(**changes: Any) -> NotificationRequested:
    fields: dict[str, Any] = {
        "step": "plus-7-firmer-reminder",
        "template_key": "reminder.firm",
        "tone": "firm",
        "channel": "sms",
    }
    return request(**(fields | changes))


def postal_debtor(
    debtor_id: str, name: str, address: dict[str, Any], **changes: Any
) -> DebtorUpsertedV2:
    """A debtor letters can reach: ``address`` is its structured postal address."""
    return debtor(debtor_id, name=name, postal_address=address, **changes)


def letter_request(debtor_id: str = "d-1", **changes: Any) -> NotificationRequested:
    fields: dict[str, Any] = {
        "step": "plus-45-letter-before-action",
        "template_key": "letter.before_action",
        "tone": "formal",
        "channel": "letter",
        "case_id": f"case-{debtor_id}",
        "debtor_id": debtor_id,
        "invoice_ids": (f"inv-{debtor_id}",),
    }
    return request(**(fields | changes))


def provider_overrides(server_url: str, **more: Any) -> dict[str, Any]:
    """notify with its SMS provider at ``server_url``, dispatching every 0.1 s."""
    return {
        "sms_provider_url": server_url,
        "sms_provider_secret": SMS_SECRET,
        "provider_timeout_seconds": 2.0,
        "dispatch_seconds": 0.1,
        "retry_first_seconds": 60.0,
        "mail_from": "accounts@northwind.example",
        "public_base_url": "http://notify.test",
    } | more


def smtp_overrides(server: MailServer, **more: Any) -> dict[str, Any]:
    return {
        "smtp_host": server.host,
        "smtp_port": server.port,
        "smtp_security": "none",
        "smtp_timeout_seconds": 5.0,
        "dispatch_seconds": 0.1,
        "retry_first_seconds": 60.0,
        "mail_from": "accounts@northwind.example",
        "public_base_url": "http://notify.test",
    } | more


@contextlib.asynccontextmanager
async def running_notify(backend: Backend, **overrides: Any) -> AsyncIterator[Notify]:
    async with (
        backend.service(NOTIFY, NotifySettings, **overrides) as runtime,
        api_client(runtime) as client,
    ):
        yield Notify(backend, runtime, client)
