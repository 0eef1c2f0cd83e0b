"""Consumers of one group come and go; every event still has its effect exactly once."""

from __future__ import annotations

from sqlalchemy import func, select

from debtflow_shared.service import ServiceRuntime
from escalation_svc.adapters.tables import debtor_profiles
from escalation_svc.bootstrap import DEFINITION as ESCALATION
from escalation_svc.settings import EscalationSettings
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.events import debtor_event, emit_committed
from tests.support.harness import Backend, eventually
from tests.support.probe_service import PROBE, times_handled


async def _emit_range(invoice: ServiceRuntime, start: int, stop: int) -> None:
    await emit_committed(invoice, "t", *(debtor_event(f"d-{n}") for n in range(start, stop)))


async def test_events_survive_consumers_joining_and_leaving_the_group(infra: Backend) -> None:
    async with (
        infra.service(INVOICE, InvoiceSettings) as invoice,
        infra.service(ESCALATION, EscalationSettings) as first,
    ):
        await _emit_range(invoice, 0, 60)
        async with infra.service(ESCALATION, EscalationSettings):
            await _emit_range(invoice, 60, 120)  # a rebalance happens meanwhile
            # `first` leaves the group at the end of this block, handing its partitions on
        await _emit_range(invoice, 120, 180)

        async def all_stored() -> bool:
            async with first.engine.connect() as connection:
                count = await connection.scalar(select(func.count()).select_from(debtor_profiles))
            return count == 180

        await eventually(all_stored, within=60, message="events were lost in the rebalance")


async def test_redelivery_after_a_rebalance_has_no_second_effect(infra: Backend) -> None:
    async with (
        infra.service(INVOICE, InvoiceSettings) as invoice,
        infra.service(PROBE) as probe_a,
    ):
        await _emit_range(invoice, 0, 40)
        async with infra.service(PROBE):
            await _emit_range(invoice, 40, 80)
        await eventually(lambda: _all_handled(probe_a, 80), within=60)
        for n in range(80):
            assert await times_handled(probe_a, f"d-{n}") == 1


async def _all_handled(probe: ServiceRuntime, count: int) -> bool:
    return all([await times_handled(probe, f"d-{n}") >= 1 for n in range(count)])
