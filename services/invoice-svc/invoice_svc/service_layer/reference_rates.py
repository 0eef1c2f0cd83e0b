"""The tenant's reference rates: reading the table, adding a rate, confirming a series.

Interest is priced only for days a series is checked through, so an admin either posts the
central bank's new rate or confirms the old one held; a day not yet come cannot be confirmed.
"""

from __future__ import annotations

from datetime import UTC, date

from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.reference_rate_repository import ReferenceRateRepository
from invoice_svc.domain.reference_rates import ReferenceRate, ReferenceRateTable, vouched_by_posting


class DayNotYetChecked(ValueError):
    """A confirmation for a day after today (UTC): nobody can have checked it yet."""

    field = "checked_through"

    def __init__(self) -> None:
        super().__init__("a rate cannot be confirmed for a day that has not come yet")


async def reference_rate_table(uow: UnitOfWork, tenant_id: str) -> ReferenceRateTable:
    """The shipped rates with the tenant's own entries and checks."""
    async with uow:
        return await ReferenceRateRepository(uow.session).table_for(tenant_id)


async def add_reference_rate(uow: UnitOfWork, tenant_id: str, rate: ReferenceRate) -> None:
    """Add (or correct) a dated rate; posting it checks its series as far as it vouches."""
    async with uow:
        repository = ReferenceRateRepository(uow.session)
        await repository.put(tenant_id, rate)
        now = uow.clock.now()
        await repository.confirm(
            tenant_id,
            rate.jurisdiction,
            vouched_by_posting(rate, now.astimezone(UTC).date()),
            source=rate.source,
            now=now,
        )
        await uow.commit()


async def confirm_checked_through(
    uow: UnitOfWork, tenant_id: str, series: str, through: date, *, source: str
) -> date | None:
    """Record that ``series`` still held through ``through``; how far it is checked now.

    An earlier day than the one already confirmed changes nothing.
    """
    async with uow:
        now = uow.clock.now()
        if through > now.astimezone(UTC).date():
            raise DayNotYetChecked()
        repository = ReferenceRateRepository(uow.session)
        await repository.confirm(tenant_id, series, through, source=source, now=now)
        table = await repository.table_for(tenant_id)
        await uow.commit()
    return table.checked_through(series)
