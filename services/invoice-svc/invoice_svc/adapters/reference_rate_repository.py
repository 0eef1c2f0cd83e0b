"""The reference-rate table a tenant sees: the shipped history plus its own entries."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.db import insert_if_absent
from invoice_svc.adapters.tables import reference_rate_checks, reference_rates
from invoice_svc.domain.reference_rates import ReferenceRate, ReferenceRateTable


class ReferenceRateRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def table_for(self, tenant_id: str) -> ReferenceRateTable:
        checks = reference_rate_checks.c
        checked = (
            await self._session.execute(
                select(checks.series, checks.checked_through).where(checks.tenant_id == tenant_id)
            )
        ).all()
        rows = (
            await self._session.execute(
                select(reference_rates).where(reference_rates.c.tenant_id == tenant_id)
            )
        ).mappings()
        own = [
            ReferenceRate(
                row["series"], row["effective_from"], _plain(row["rate_percent"]), row["source"]
            )
            for row in rows
        ]
        # A tenant's own entries vouch only through the check recorded when each was posted
        # (``vouched_by_posting``): one posted ahead must not vouch for the days until it applies.
        return ReferenceRateTable.shipped().with_rates(
            own, checked_through={series: day for series, day in checked}, entries_vouch=False
        )

    async def confirm(
        self, tenant_id: str, series: str, through: date, *, source: str, now: datetime
    ) -> None:
        """Record that ``series`` was checked through ``through`` (a later day wins)."""
        values = {"checked_through": through, "source": source, "checked_at": now}
        row = {"tenant_id": tenant_id, "series": series, **values}
        if await insert_if_absent(self._session, reference_rate_checks, row):
            return
        checks = reference_rate_checks.c
        await self._session.execute(
            update(reference_rate_checks)
            .where(
                checks.tenant_id == tenant_id,
                checks.series == series,
                checks.checked_through < through,
            )
            .values(**values)
        )

    async def put(self, tenant_id: str, rate: ReferenceRate) -> None:
        """Add the tenant's entry, replacing its own earlier entry for the same series and day."""
        await self._session.execute(
            delete(reference_rates).where(
                reference_rates.c.tenant_id == tenant_id,
                reference_rates.c.series == rate.jurisdiction,
                reference_rates.c.effective_from == rate.effective_from,
            )
        )
        await self._session.execute(
            insert(reference_rates).values(
                tenant_id=tenant_id,
                series=rate.jurisdiction,
                effective_from=rate.effective_from,
                rate_percent=rate.rate_percent,
                source=rate.source,
            )
        )


def _plain(value: Decimal) -> Decimal:
    """Drop the column's trailing zeros (3.5000 -> 3.5) without exponent notation."""
    return Decimal(f"{value.normalize():f}")
