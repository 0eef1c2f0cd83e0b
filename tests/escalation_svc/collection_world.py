"""escalation-svc running on a backend, fed invoice-svc's and notify-svc's facts by hand.

The scheduler is driven by the test (``world.run_timers()``, or ``world.follow_timers()``
to jump the controlled clock from one due timer to the next), so every step's instant is
exact; one test runs the real background scheduler. What escalation decided is read from
its outbox (every event written, duplicates included) and from its API.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.envelope import Envelope
from debtflow_shared.service import ServiceRuntime
from escalation_svc.adapters.tables import platform, timers
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from escalation_svc.service_layer.timer_scheduler import run_due_timers_once
from escalation_svc.settings import EscalationSettings
from tests.support.api import api_client, bearer
from tests.support.harness import Backend, eventually
from tests.support.outbox import written

TENANT = "tenant-a"
SCOPES = ("cases:read", "cases:write", "admin")
# The scheduler is the test's: each test says when timers run.
DRIVEN = dataclasses.replace(ESCALATION, background=())


def state(
    invoice_id: str,
    debtor_id: str,
    *,
    due: date,
    open_minor: int = 100_000,
    status: str = "open",
    version: int = 1,
    currency: str = "GBP",
) -> dict[str, Any]:
    zero = {"amount_minor": 0, "currency": currency}
    return {
        "invoice_id": invoice_id,
        "number": f"INV-{invoice_id}",
        "debtor_id": debtor_id,
        "issue_date": (due - timedelta(days=30)).isoformat(),
        "due_date": due.isoformat(),
        "amount": {"amount_minor": max(open_minor, 1), "currency": currency},
        "principal_open": {"amount_minor": open_minor, "currency": currency},
        "charges_open": zero,
        "open_balance": {"amount_minor": open_minor, "currency": currency},
        "status": status,
        "version": version,
    }


@dataclass
class World:
    backend: Backend
    runtime: ServiceRuntime
    client: httpx.AsyncClient
    headers: dict[str, str]

    # -- publishing facts -----------------------------------------------------------------
    async def publish(
        self,
        topic: str,
        data: dict[str, Any],
        debtor_id: str,
        *,
        tenant: str = TENANT,
        dataschema: str = "v1",
        source: str = "invoice-svc",
        wait: bool = True,
    ) -> Envelope:
        envelope = Envelope(
            type=topic,
            source=source,
            subject=debtor_id,
            time=self.backend.clock.now(),
            tenantid=tenant,
            correlationid="test",
            causationid="test",
            dataschema=dataschema,
            data=data,
        )
        await self.backend.raw_publish([OutboundMessage(topic, envelope.key, envelope.to_bytes())])
        if wait:  # a dead-lettered message never reaches the inbox
            await self.handled(envelope)
        return envelope

    async def handled(self, envelope: Envelope) -> None:
        inbox = platform.inbox

        async def claimed() -> bool:
            async with self.runtime.engine.connect() as connection:
                found = await connection.scalar(
                    select(func.count())
                    .select_from(inbox)
                    .where(inbox.c.event_id == str(envelope.id))
                )
            return bool(found)

        await eventually(claimed, message=f"{envelope.type} {envelope.id} never handled")

    async def debtor(
        self,
        debtor_id: str,
        *,
        time_zone: str = "Europe/London",
        country: str = "GB",
        email: bool = True,
        sms: bool = True,
        letter: bool = True,
        version: int = 1,
        tenant: str = TENANT,
    ) -> None:
        contacts: list[dict[str, Any]] = []
        if email:
            contacts.append({"kind": "email", "value": f"ap@{debtor_id}.example"})
        if sms:
            contacts.append({"kind": "phone", "value": "+447700900123", "sms_capable": True})
        data: dict[str, Any] = {
            "debtor_id": debtor_id,
            "version": version,
            "name": f"Debtor {debtor_id}",
            "contacts": contacts,
            "time_zone": time_zone,
            "country": country,
            "currency": "GBP",
            "language": "en-GB",
        }
        if letter:
            data["postal_address"] = {"lines": ["1 High Street"], "city": "York", "country": "GB"}
        await self.publish("debtor.upserted", data, debtor_id, dataschema="v2", tenant=tenant)

    async def issued(self, invoice_id: str, debtor_id: str, due: date, **kw: Any) -> None:
        tenant = kw.pop("tenant", TENANT)
        await self.publish(
            "invoice.issued",
            {"invoice": state(invoice_id, debtor_id, due=due, **kw)},
            debtor_id,
            tenant=tenant,
        )

    async def overdue(self, invoice_id: str, debtor_id: str, due: date, **kw: Any) -> None:
        await self.publish(
            "invoice.overdue",
            {
                "invoice": state(invoice_id, debtor_id, due=due, **kw),
                "overdue_since": (due + timedelta(days=1)).isoformat(),
            },
            debtor_id,
        )

    async def paid(
        self, invoice_id: str, debtor_id: str, due: date, *, version: int, amount: int = 100_000
    ) -> None:
        after = state(invoice_id, debtor_id, due=due, open_minor=0, status="paid", version=version)
        zero = {"amount_minor": 0, "currency": "GBP"}
        await self.publish(
            "payment.received",
            {
                "payment_id": f"pay-{invoice_id}-{version}",
                "debtor_id": debtor_id,
                "amount": {"amount_minor": amount, "currency": "GBP"},
                "received_on": self.today().isoformat(),
                "allocations": [
                    {
                        "invoice_id": invoice_id,
                        "principal": {"amount_minor": amount, "currency": "GBP"},
                        "charges": zero,
                        "invoice": after,
                    }
                ],
                "unapplied": zero,
                "version": 1,
            },
            debtor_id,
        )

    async def part_paid(
        self,
        invoice_id: str,
        debtor_id: str,
        due: date,
        *,
        version: int,
        amount: int,
        open_after: int,
        payment_id: str | None = None,
    ) -> None:
        """A payment of ``amount`` to the invoice, leaving ``open_after`` open."""
        after = state(
            invoice_id,
            debtor_id,
            due=due,
            open_minor=open_after,
            status="partially_paid" if open_after else "paid",
            version=version,
        )
        zero = {"amount_minor": 0, "currency": "GBP"}
        await self.publish(
            "payment.received",
            {
                "payment_id": payment_id or f"pay-{invoice_id}-{version}",
                "debtor_id": debtor_id,
                "amount": {"amount_minor": amount, "currency": "GBP"},
                "received_on": self.today().isoformat(),
                "allocations": [
                    {
                        "invoice_id": invoice_id,
                        "principal": {"amount_minor": amount, "currency": "GBP"},
                        "charges": zero,
                        "invoice": after,
                    }
                ],
                "unapplied": zero,
                "version": 1,
            },
            debtor_id,
        )

    async def post(self, path: str, body: dict[str, Any], *, status: int = 200) -> Any:
        response = await self.client.post(f"/v1{path}", json=body, headers=self.headers)
        assert response.status_code == status, response.text
        return response.json()

    async def get(self, path: str, **params: Any) -> Any:
        response = await self.client.get(f"/v1{path}", params=params, headers=self.headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def reversed(
        self, invoice_id: str, debtor_id: str, due: date, *, version: int, amount: int = 100_000
    ) -> None:
        after = state(invoice_id, debtor_id, due=due, version=version)
        zero = {"amount_minor": 0, "currency": "GBP"}
        await self.publish(
            "payment.reversed",
            {
                "payment_id": f"pay-{invoice_id}-{version - 1}",
                "debtor_id": debtor_id,
                "amount": {"amount_minor": amount, "currency": "GBP"},
                "reason": "bounced",
                "reopened": [
                    {
                        "invoice_id": invoice_id,
                        "principal": {"amount_minor": amount, "currency": "GBP"},
                        "charges": zero,
                        "invoice": after,
                    }
                ],
                "version": 2,
            },
            debtor_id,
        )

    async def disputed(self, invoice_id: str, debtor_id: str, due: date, *, version: int) -> None:
        await self.publish(
            "invoice.disputed",
            {
                "invoice": state(
                    invoice_id, debtor_id, due=due, status="disputed", version=version
                ),
                "dispute_id": f"dsp-{invoice_id}",
                "reason": "goods damaged",
                "disputed_amount": {"amount_minor": 100_000, "currency": "GBP"},
                "raised_by": "ap@example.com",
            },
            debtor_id,
        )

    async def dispute_rejected(
        self, invoice_id: str, debtor_id: str, due: date, *, version: int
    ) -> None:
        await self.publish(
            "invoice.dispute_resolved",
            {
                "invoice": state(invoice_id, debtor_id, due=due, version=version),
                "dispute_id": f"dsp-{invoice_id}",
                "outcome": "rejected",
            },
            debtor_id,
        )

    async def charge_applied(
        self, request_id: str, invoice_id: str, debtor_id: str, due: date, *, version: int
    ) -> None:
        await self.publish(
            "invoice.charge_applied",
            {
                "invoice": state(
                    invoice_id, debtor_id, due=due, open_minor=107_000, version=version
                ),
                "charge_id": f"chg-{version}",
                "kind": "compensation",
                "amount": {"amount_minor": 7000, "currency": "GBP"},
                "request_id": request_id,
                "description": "Fixed compensation",
            },
            debtor_id,
        )

    async def sent(self, requested: Envelope, *, at: datetime | None = None) -> None:
        data = requested.data
        await self.publish(
            "notification.sent",
            {
                "dedup_key": data["dedup_key"],
                "case_id": data["case_id"],
                "debtor_id": data["debtor_id"],
                "channel": data["channel"],
                "address": "ap@example.com",
                "subject": "Reminder",
                "template_key": data["template_key"],
                "template_version": 1,
                "locale": "en-GB",
                "invoices": [
                    {
                        "invoice_id": i,
                        "number": f"INV-{i}",
                        "due_date": "2026-03-12",
                        "amount_shown": {"amount_minor": 100_000, "currency": "GBP"},
                    }
                    for i in data["invoice_ids"]
                ],
                "provider": "smtp",
                "provider_message_id": f"<{data['dedup_key']}@mail>",
                "sent_at": (at or self.backend.clock.now()).isoformat(),
            },
            data["debtor_id"],
            source="notify-svc",
        )

    async def failed_for_good(self, requested: Envelope) -> None:
        data = requested.data
        await self.publish(
            "notification.failed",
            {
                "dedup_key": data["dedup_key"],
                "case_id": data["case_id"],
                "debtor_id": data["debtor_id"],
                "channel": data["channel"],
                "failure": "permanent",
                "reason_code": "provider_rejected",
                "reason": "550 mailbox unknown",
                "address": f"ap@{data['debtor_id']}.example",
                "attempts": 1,
                "failed_at": self.backend.clock.now().isoformat(),
            },
            data["debtor_id"],
            source="notify-svc",
        )

    # -- time -----------------------------------------------------------------------------
    def today(self) -> date:
        return self.backend.clock.now().date()

    async def run_timers(self) -> int:
        return await run_due_timers_once(self.runtime)

    async def next_timer(self) -> datetime | None:
        async with self.runtime.engine.connect() as connection:
            found: datetime | None = await connection.scalar(
                select(func.min(timers.c.due_at)).where(timers.c.due_at.is_not(None))
            )
        return found

    async def follow_timers(self, until: datetime) -> None:
        """Jump the clock to each due timer up to ``until`` and run it; then to ``until``."""
        for _ in range(500):
            due = await self.next_timer()
            if due is None or due > until:
                break
            if due > self.backend.clock.now():
                self.backend.clock.set(due)
            await self.run_timers()
        if until > self.backend.clock.now():
            self.backend.clock.set(until)
        await self.run_timers()

    # -- what escalation decided ----------------------------------------------------------
    async def emitted(self, *types: str) -> list[Envelope]:
        return [e for e in await written(self.runtime, platform) if not types or e.type in types]

    async def steps(self) -> list[str]:
        return [e.data["step"] for e in await self.emitted("escalation.step_executed")]

    async def case_of(self, debtor_id: str) -> dict[str, Any]:
        response = await self.client.get(
            "/v1/cases", params={"debtor_id": debtor_id}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        items = response.json()["items"]
        assert items, f"no case for {debtor_id}"
        return dict(items[-1])

    async def timeline(self, case_id: str) -> list[dict[str, Any]]:
        response = await self.client.get(
            f"/v1/cases/{case_id}/timeline", params={"limit": 500}, headers=self.headers
        )
        assert response.status_code == 200, response.text
        return list(response.json()["items"])


@contextlib.asynccontextmanager
async def escalation_world(
    backend: Backend, *, definition: Any = DRIVEN, **overrides: Any
) -> AsyncIterator[World]:
    async with (
        backend.service(definition, EscalationSettings, **overrides) as runtime,
        api_client(runtime) as client,
    ):
        yield World(backend, runtime, client, bearer(backend.token(TENANT, *SCOPES)))
