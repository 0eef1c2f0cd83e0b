"""``write_off.declined``: invoice-svc did not write off a settlement's remainder. The case
stays paused for the settlement (the debtor paid what was agreed) and a collector gets a
follow-up task saying why; ``invoice.written_off`` needs nothing here (the case resolves
when none of its invoices is open)."""

from __future__ import annotations

from debtflow_shared.catalog.escalation import TaskKind
from debtflow_shared.catalog.escalation_commands import WriteOffDeclined
from debtflow_shared.envelope import new_event_id
from debtflow_shared.event_consumer import ReceivedEvent
from escalation_svc.domain.compliance_guard import local_day
from escalation_svc.domain.task import Task
from escalation_svc.service_layer.collection import Note, UnitOfWork, advance_in


async def on_write_off_declined(event: ReceivedEvent[WriteOffDeclined], uow: UnitOfWork) -> None:
    declined, tenant_id = event.payload, event.tenant_id
    invoice = await uow.repos.invoices.get(tenant_id, declined.invoice_id)
    if invoice is None:
        return  # a write-off escalation never asked for, on an invoice it does not know
    await uow.repos.timers.lock(tenant_id, invoice.debtor_id)
    case = await uow.repos.cases.active_for(tenant_id, invoice.debtor_id)
    if case is None:
        return
    now = uow.clock.now()
    profile = await uow.repos.profiles.get(tenant_id, invoice.debtor_id)
    task = Task(
        tenant_id=tenant_id,
        task_id=str(new_event_id()),
        case_id=case.case_id,
        debtor_id=case.debtor_id,
        kind=TaskKind.FOLLOW_UP,
        due_on=local_day(now, profile.time_zone) if profile else now.date(),
        created_at=now,
        note=f"write-off of invoice {invoice.number} declined ({declined.reason.value}): "
        f"{declined.message}"[:1000],
    )
    case.add_task(task, now=now)
    await uow.repos.tasks.add_many([task])
    await uow.repos.cases.save(case)
    uow.track(case)
    note = Note(
        "write_off_declined",
        f"write-off of invoice {invoice.number} declined: {declined.message}",
        {"request_id": declined.request_id, "reason": declined.reason.value},
    )
    await advance_in(uow, tenant_id, invoice.debtor_id, notes=[note])
