"""Credit hold and release on request (``credit_hold.requested`` / ``credit_release.requested``).

Idempotent by request: each ``request_id`` acts once (``credit_requests`` remembers them),
so a request re-sent with a new event id, even after a later release, changes nothing. A
hold requested while one is already in force is remembered and changes nothing either.
"""

from __future__ import annotations

from debtflow_shared.catalog.escalation_commands import (
    CreditHoldRequested,
    CreditReleaseRequested,
)
from debtflow_shared.catalog.money import Money
from debtflow_shared.event_consumer import PermanentFailure, ReceivedEvent
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.credit_state_repository import CreditStateRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.domain.debtor import Debtor
from invoice_svc.service_layer.invoices import UnknownDebtor, lock_debtor_for_writing


async def on_credit_hold_requested(
    event: ReceivedEvent[CreditHoldRequested], uow: UnitOfWork
) -> None:
    data = event.payload
    await _change(uow, event.tenant_id, data.debtor_id, data.request_id, hold=True)


async def on_credit_release_requested(
    event: ReceivedEvent[CreditReleaseRequested], uow: UnitOfWork
) -> None:
    data = event.payload
    await _change(uow, event.tenant_id, data.debtor_id, data.request_id, hold=False)


async def _change(
    uow: UnitOfWork, tenant_id: str, debtor_id: str, request_id: str, *, hold: bool
) -> None:
    try:
        debtor = await lock_debtor_for_writing(uow, tenant_id, debtor_id)
    except UnknownDebtor as error:
        raise PermanentFailure(f"credit request {request_id}: {error}") from error
    states = CreditStateRepository(uow.session)
    now = uow.clock.now()
    kind = "hold" if hold else "release"
    if not await states.remember_request(
        tenant_id, request_id, debtor_id=debtor_id, kind=kind, now=now
    ):
        return
    state = await states.get(tenant_id, debtor_id)
    balance = await _open_balance(uow, debtor)
    if hold:
        changed = state.hold_on_request(
            request_id, balance, debtor.profile.credit_policy.credit_limit, now
        )
    else:
        changed = state.release_on_request(request_id, balance, now)
    if changed:
        await states.save(state)
        uow.track(state)


async def _open_balance(uow: UnitOfWork, debtor: Debtor) -> Money:
    limit = debtor.profile.credit_policy.credit_limit
    currency = limit.currency if limit else debtor.profile.currency
    amount = await InvoiceRepository(uow.session).open_balance(
        debtor.tenant_id, debtor.id, currency
    )
    return Money(amount_minor=amount, currency=currency)
