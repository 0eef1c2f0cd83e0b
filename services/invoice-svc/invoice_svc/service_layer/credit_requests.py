"""Credit hold and release on request (``credit_hold.requested`` / ``credit_release.requested``).

Each ``request_id`` is answered once (``credit_requests`` remembers them, also the declined
ones), so a request re-sent with a new event id, even after a later release, changes nothing
and publishes nothing. The answer is what the ERP was told, or why it was told nothing:

- ``debtor.credit_hold`` / ``debtor.credit_released`` carrying the request id: the request
  changed whether the debtor is held.
- ``credit_hold.declined``: an unknown debtor, or one on hold already (over its limit, or by
  an earlier request). A hold requested while the debtor is held for its limit is still
  recorded: it keeps the debtor held after the balance falls under the limit, until a release
  is requested.
- ``credit_release.declined``: an unknown debtor, no requested hold in force, or one lifted
  while the debtor stays held over its credit limit (the release is announced when the
  balance falls under it).
"""

from __future__ import annotations

from dataclasses import dataclass

from debtflow_shared.catalog.escalation_commands import (
    CreditHoldDeclined,
    CreditHoldDeclineReason,
    CreditHoldRequested,
    CreditReleaseDeclined,
    CreditReleaseDeclineReason,
    CreditReleaseRequested,
)
from debtflow_shared.catalog.money import Money
from debtflow_shared.event_consumer import ReceivedEvent
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.credit_state_repository import CreditStateRepository
from invoice_svc.adapters.invoice_repository import InvoiceRepository
from invoice_svc.domain.credit_limit import CreditState
from invoice_svc.domain.debtor import Debtor
from invoice_svc.service_layer.invoices import UnknownDebtor, lock_debtor_for_writing


async def on_credit_hold_requested(
    event: ReceivedEvent[CreditHoldRequested], uow: UnitOfWork
) -> None:
    data, tenant_id = event.payload, event.tenant_id
    request = await _RequestOnDebtor.remembered(
        uow, tenant_id, data.debtor_id, data.request_id, kind="hold"
    )
    if request is None:
        return
    code: CreditHoldDeclineReason | None = CreditHoldDeclineReason.UNKNOWN_DEBTOR
    message = f"debtor {data.debtor_id} not found"
    if request.debtor is not None:
        state = request.state
        if not state.on_hold:
            code = None
        else:
            code = CreditHoldDeclineReason.ALREADY_ON_HOLD
            why = "on request" if state.held_on_request else "credit limit exceeded"
            message = f"the debtor is on credit hold already ({why})"
        limit = request.debtor.profile.credit_policy.credit_limit
        balance = await _open_balance(uow, request.debtor)
        if state.hold_on_request(data.request_id, balance, limit, uow.clock.now()):
            await request.save()
    if code is not None:
        declined = CreditHoldDeclined(
            request_id=data.request_id, debtor_id=data.debtor_id, reason=code, message=message
        )
        uow.emit(declined, tenant_id=tenant_id, debtor_id=data.debtor_id)


async def on_credit_release_requested(
    event: ReceivedEvent[CreditReleaseRequested], uow: UnitOfWork
) -> None:
    data, tenant_id = event.payload, event.tenant_id
    request = await _RequestOnDebtor.remembered(
        uow, tenant_id, data.debtor_id, data.request_id, kind="release"
    )
    if request is None:
        return
    code: CreditReleaseDeclineReason | None = CreditReleaseDeclineReason.UNKNOWN_DEBTOR
    message = f"debtor {data.debtor_id} not found"
    if request.debtor is not None:
        state = request.state
        if not state.held_on_request:
            code = CreditReleaseDeclineReason.NOT_HELD_ON_REQUEST
            message = "no requested credit hold is in force"
        else:
            balance = await _open_balance(uow, request.debtor)
            state.release_on_request(data.request_id, balance, uow.clock.now())
            await request.save()
            code = CreditReleaseDeclineReason.OVER_CREDIT_LIMIT if state.on_hold else None
            message = "the requested hold is lifted; the debtor stays on hold over its limit"
    if code is not None:
        declined = CreditReleaseDeclined(
            request_id=data.request_id, debtor_id=data.debtor_id, reason=code, message=message
        )
        uow.emit(declined, tenant_id=tenant_id, debtor_id=data.debtor_id)


@dataclass
class _RequestOnDebtor:
    """A hold or release request, recorded, with its debtor (locked) and credit state."""

    uow: UnitOfWork
    states: CreditStateRepository
    debtor: Debtor | None  # None: the tenant has no such debtor
    state: CreditState

    @classmethod
    async def remembered(
        cls, uow: UnitOfWork, tenant_id: str, debtor_id: str, request_id: str, *, kind: str
    ) -> _RequestOnDebtor | None:
        """Lock the debtor and record the request; None if it was answered already.

        An unknown debtor has nothing to lock: the table's key keeps its answer single.
        """
        try:
            debtor: Debtor | None = await lock_debtor_for_writing(uow, tenant_id, debtor_id)
        except UnknownDebtor:
            debtor = None
        states = CreditStateRepository(uow.session)
        if not await states.remember_request(
            # An unknown debtor's id may be longer than ours (36): the record is by request.
            tenant_id,
            request_id,
            debtor_id=debtor_id[:36],
            kind=kind,
            now=uow.clock.now(),
        ):
            return None
        state = (
            await states.get(tenant_id, debtor_id) if debtor else CreditState(tenant_id, debtor_id)
        )
        return cls(uow, states, debtor, state)

    async def save(self) -> None:
        await self.states.save(self.state)
        self.uow.track(self.state)


async def _open_balance(uow: UnitOfWork, debtor: Debtor) -> Money:
    limit = debtor.profile.credit_policy.credit_limit
    currency = limit.currency if limit else debtor.profile.currency
    amount = await InvoiceRepository(uow.session).open_balance(
        debtor.tenant_id, debtor.id, currency
    )
    return Money(amount_minor=amount, currency=currency)
