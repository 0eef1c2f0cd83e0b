"""Consuming an event: log it, then bring the read models it touches up to date.

The batch handler takes every fresh event of a batch at once (set-based: one insert into
the log, one per read model, and each touched invoice's entries derived again once); the
per-event handler is the same with one event. Both run inside the consumer's transaction,
with the inbox claim, so a redelivered event changes nothing. Payments, promises and
disputes then rescore their debtors in the same transaction (``scoring.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from typing import Any

from analytics_svc.domain.ledger import LedgerEntry, ledger_entries
from analytics_svc.domain.observations import Consumed, facts_of
from analytics_svc.domain.repositories import InvoiceKey, LoggedEvent, Repositories
from analytics_svc.service_layer.scoring import rescore_for
from debtflow_shared.event_consumer import ReceivedEvent
from debtflow_shared.unit_of_work import AbstractUnitOfWork, UnitOfWork

AnalyticsUnitOfWork = AbstractUnitOfWork[Repositories]


def logged(event: ReceivedEvent[Any]) -> LoggedEvent:
    envelope = event.envelope
    return LoggedEvent(
        seq=0,
        event_id=str(envelope.id),
        tenant_id=envelope.tenantid,
        topic=envelope.type,
        dataschema=envelope.dataschema,
        subject=envelope.subject,
        occurred_at=envelope.time,
        envelope_json=envelope.model_dump_json(),
    )


def consumed(event: ReceivedEvent[Any]) -> Consumed:
    envelope = event.envelope
    return Consumed(
        event_id=str(envelope.id),
        tenant_id=envelope.tenantid,
        topic=envelope.type,
        occurred_at=envelope.time,
        payload=event.payload,
    )


async def on_events(events: Sequence[ReceivedEvent[Any]], uow: UnitOfWork) -> None:
    """The batch handler of every topic analytics-svc consumes."""
    await uow.repos.events.append([logged(e) for e in events], recorded_at=uow.clock.now())
    fresh = [consumed(e) for e in events]
    await project(uow, fresh)
    # Scores move on payments, promises and disputes as they arrive (a rebuild's replay
    # projects without rescoring, then rescores once at the end).
    await rescore_for(uow, fresh)


async def on_event(event: ReceivedEvent[Any], uow: UnitOfWork) -> None:
    await on_events([event], uow)


async def project(uow: AnalyticsUnitOfWork, events: list[Consumed]) -> None:
    """Apply ``events`` to the read models (in any order, any number of times: the same)."""
    facts = facts_of(events)
    affected = await uow.repos.ledger.add(facts)
    await uow.repos.touches.add(facts.touches)
    await uow.repos.lifecycles.add(facts.lifecycles)
    if affected:
        await derive_entries(uow, affected)


async def derive_entries(uow: AnalyticsUnitOfWork, keys: Collection[InvoiceKey]) -> None:
    ledger = uow.repos.ledger
    await ledger.lock(keys)
    found = await ledger.observations(keys)
    paid_by: dict[str, set[str]] = defaultdict(set)
    for (tenant_id, _), seen in found.items():
        paid_by[tenant_id] |= {o.payment_id for o in seen if o.payment_id}
    received = {t: await ledger.received_on(t, ids) for t, ids in paid_by.items()}
    entries: list[LedgerEntry] = []
    for (tenant_id, _), seen in found.items():
        entries.extend(ledger_entries(seen, received.get(tenant_id, {})))
    await ledger.replace_entries(keys, entries)
