"""invoice-svc with the escalation command handlers registered, and commands to send it."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

from debtflow_shared.bus.base import OutboundMessage
from debtflow_shared.envelope import Envelope
from invoice_svc.adapters.tables import platform
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.invoice_svc.ledger_world import SCOPES, Ledger
from tests.support.api import api_client, bearer
from tests.support.harness import T0, Backend
from tests.support.outbox import written

# The real wiring (consumers.HANDLERS); the background sweeper is off: tests that need a
# sweep do it by hand.
WITH_COMMANDS = dataclasses.replace(INVOICE, background=())


def command(
    topic: str, data: dict[str, Any], debtor_id: str, tenant: str = "tenant-a"
) -> OutboundMessage:
    """A command as escalation-svc would publish it: a fresh event id each time, keyed by
    debtor, so one debtor's commands are handled in the order sent."""
    envelope = Envelope(
        type=topic,
        source="escalation-svc",
        subject=debtor_id,
        time=T0,
        tenantid=tenant,
        correlationid="case-1",
        causationid="case-1",
        data=data,
    )
    return OutboundMessage(topic, envelope.key, envelope.to_bytes())


@contextlib.asynccontextmanager
async def ledger_with_commands(backend: Backend) -> AsyncIterator[Ledger]:
    async with (
        backend.service(WITH_COMMANDS, InvoiceSettings) as runtime,
        api_client(runtime) as client,
    ):
        yield Ledger(runtime, client, bearer(backend.token("tenant-a", *SCOPES)), "tenant-a")


async def answers(ledger: Ledger, request_id: str) -> list[Envelope]:
    """Every event invoice-svc wrote to its outbox answering ``request_id``, oldest first
    (the outbox holds duplicates too, so "answered once" is counted here)."""
    return [
        e for e in await written(ledger.runtime, platform) if e.data.get("request_id") == request_id
    ]
