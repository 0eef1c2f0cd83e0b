"""What invoice-svc does with the events it consumes (each behind the inbox).

ERP topics arrive in no particular order across topics: an invoice whose debtor has not
arrived yet is parked and applied, in the same transaction, when the debtor arrives.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from debtflow_shared.catalog import CATALOG
from debtflow_shared.catalog.erp import ErpDebtor
from debtflow_shared.event_consumer import EventHandler, ReceivedEvent
from debtflow_shared.service import HandlerMap, ServiceRuntime
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.parking_lot import ParkingLot, waiting_for_debtor
from invoice_svc.domain.debtor import DebtorProfile
from invoice_svc.service_layer.debtors import upsert_debtor_in

# How long a message may wait for its prerequisite before it is dead-lettered.
PARKING_LIMIT = timedelta(hours=24)


async def on_erp_debtor(event: ReceivedEvent[ErpDebtor], uow: UnitOfWork) -> None:
    data = event.payload
    await upsert_debtor_in(
        uow,
        event.tenant_id,
        DebtorProfile(
            erp_id=data.erp_id,
            name=data.name,
            country=data.country,
            currency=data.currency,
            language=data.language,
            time_zone=data.time_zone,
            contacts=data.contacts,
            preferred_channel=data.preferred_channel,
            tags=data.tags,
            credit_policy=data.credit_policy,
        ),
    )
    await apply_parked(uow, event.tenant_id, waiting_for_debtor(data.erp_id))


async def apply_parked(uow: UnitOfWork, tenant_id: str, waiting_for: str) -> None:
    """Handle, in this transaction, every message that waited for ``waiting_for``."""
    for parked in await ParkingLot(uow.session).release(tenant_id, waiting_for):
        handler = HANDLERS[parked.envelope.type]
        payload = CATALOG.parse(parked.envelope)
        await handler(ReceivedEvent(parked.envelope, payload), uow)


async def park_until(event: ReceivedEvent[Any], uow: UnitOfWork, waiting_for: str) -> None:
    now = uow.clock.now()
    await ParkingLot(uow.session).park(event.envelope, waiting_for, now, now + PARKING_LIMIT)


HANDLERS: dict[str, Callable[[ReceivedEvent[Any], UnitOfWork], Awaitable[None]]] = {
    ErpDebtor.event_type: on_erp_debtor,
}


def handlers(_runtime: ServiceRuntime) -> HandlerMap:
    table: dict[str, EventHandler] = dict(HANDLERS)
    return table
