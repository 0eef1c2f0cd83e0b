"""Announcing invoices that fall due soon or become overdue, set-based and replica-safe.

A sweep claims a batch of rows whose ``due_soon_at`` / ``overdue_at`` instant has passed
and whose flag is still unset, in one statement (``WITH claimed AS MATERIALIZED (SELECT
... LIMIT n FOR UPDATE SKIP LOCKED) UPDATE ... WHERE id IN claimed AND <flag> = false
RETURNING ...``), and writes one event per returned row to the outbox in the same
transaction. A row another replica claimed is skipped or not returned; a transaction that
does not commit leaves its rows unclaimed for the next sweep. Catch-up after downtime is
the same query with more rows, a batch per transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Column, Update, false, literal_column, select, true, update

from debtflow_shared.catalog.invoice import InvoiceDueSoon, InvoiceOverdue
from debtflow_shared.logging import get_logger
from debtflow_shared.periodic import run_periodically
from debtflow_shared.service import ServiceRuntime
from invoice_svc.adapters.invoice_rows import invoice_state_from_row
from invoice_svc.adapters.tables import debtors, invoices
from invoice_svc.domain.due_dates import local_today
from invoice_svc.settings import InvoiceSettings

log = get_logger(__name__)


# Literals, not bind parameters, so the planners can prove the partial sweep indexes apply.
_COLLECTIBLE = invoices.c.status.in_([literal_column("'open'"), literal_column("'partially_paid'")])
_RETURNED = [
    invoices.c.id,
    invoices.c.tenant_id,
    invoices.c.debtor_id,
    invoices.c.erp_id,
    invoices.c.number,
    invoices.c.currency,
    invoices.c.issue_date,
    invoices.c.due_date,
    invoices.c.amount_minor,
    invoices.c.principal_open_minor,
    invoices.c.charges_open_minor,
    invoices.c.status,
    invoices.c.version,
    invoices.c.overdue_at,
]


@dataclass(frozen=True)
class SweepResult:
    """How many ``invoice.due_soon`` and ``invoice.overdue`` events one sweep emitted."""

    due_soon: int = 0
    overdue: int = 0

    def __add__(self, other: SweepResult) -> SweepResult:
        return SweepResult(self.due_soon + other.due_soon, self.overdue + other.overdue)


async def sweep_once(
    runtime: ServiceRuntime, now: datetime | None = None, *, batch_size: int | None = None
) -> SweepResult:
    """Announce everything due soon or overdue at ``now`` (default: the clock), batch by batch."""
    now = now or runtime.clock.now()
    size = batch_size or _settings(runtime).overdue_sweep_batch_size
    # Due-soon first: an invoice crossing both marks in one sweep is then marked due-soon
    # silently (it is already overdue) before its overdue event is written.
    total = SweepResult()
    for claim in (_claim_due_soon, _claim_overdue):
        while True:
            found = await claim(runtime, now, size)
            total += found.emitted
            if found.selected < size:
                break
    if total.due_soon or total.overdue:
        log.info("overdue sweep", due_soon=total.due_soon, overdue=total.overdue)
    return total


@dataclass(frozen=True)
class _Batch:
    selected: int  # rows claimed (a short batch: nothing left, or another replica has it)
    emitted: SweepResult


def _claim(flag: Column[bool], instant: Column[datetime], now: datetime, size: int) -> Update:
    # MATERIALIZED, so the locking subquery runs once: as a plain ``IN (subquery)``,
    # PostgreSQL claimed every matching row in one UPDATE, ignoring the LIMIT.
    claimed = (
        select(invoices.c.id)
        .where(flag == false(), _COLLECTIBLE, instant <= now)
        .order_by(instant)
        .limit(size)
        .with_for_update(skip_locked=True)  # ignored on SQLite, which has one writer anyway
        .cte("claimed")
        .prefix_with("MATERIALIZED")
    )
    # Re-checking the flag: a row claimed by another replica meanwhile is simply not returned.
    return (
        update(invoices)
        .where(invoices.c.id.in_(select(claimed.c.id)), flag == false(), _COLLECTIBLE)
        .values({flag.key: true()})
    )


async def _claim_overdue(runtime: ServiceRuntime, now: datetime, size: int) -> _Batch:
    flag, instant = invoices.c.overdue_announced, invoices.c.overdue_at
    async with runtime.uow() as uow:
        rows = (
            (await uow.session.execute(_claim(flag, instant, now, size).returning(*_RETURNED)))
            .mappings()
            .all()
        )
        for row in rows:
            uow.emit(
                InvoiceOverdue(
                    invoice=invoice_state_from_row(row),
                    overdue_since=row["due_date"] + timedelta(days=1),
                ),
                tenant_id=row["tenant_id"],
                debtor_id=row["debtor_id"],
            )
        await uow.commit()
    return _Batch(len(rows), SweepResult(overdue=len(rows)))


async def _claim_due_soon(runtime: ServiceRuntime, now: datetime, size: int) -> _Batch:
    flag, instant = invoices.c.due_soon_announced, invoices.c.due_soon_at
    time_zone = (
        select(debtors.c.time_zone)
        .where(debtors.c.id == invoices.c.debtor_id, debtors.c.tenant_id == invoices.c.tenant_id)
        .scalar_subquery()
        .label("time_zone")
    )
    emitted = 0
    async with runtime.uow() as uow:
        statement = _claim(flag, instant, now, size).returning(*_RETURNED, time_zone)
        rows = (await uow.session.execute(statement)).mappings().all()
        for row in rows:
            if row["overdue_at"] <= now:
                continue  # first seen already overdue: a reminder "due in N days" would lie
            uow.emit(
                InvoiceDueSoon(
                    invoice=invoice_state_from_row(row), days_until_due=_days_until_due(row, now)
                ),
                tenant_id=row["tenant_id"],
                debtor_id=row["debtor_id"],
            )
            emitted += 1
        await uow.commit()
    return _Batch(len(rows), SweepResult(due_soon=emitted))


def _days_until_due(row: Any, now: datetime) -> int:
    # Never negative: overdue_at may predate a later change of the debtor's time zone.
    due: date = row["due_date"]
    return max(0, (due - local_today(now, row["time_zone"] or "UTC")).days)


async def run_overdue_sweeper(runtime: ServiceRuntime) -> None:
    """Sweep every ``overdue_sweep_seconds``, and at once whenever a controlled clock moves."""
    await run_periodically(
        lambda: sweep_once(runtime),
        name="overdue sweep",
        interval=_settings(runtime).overdue_sweep_seconds,
        clock=runtime.clock,
    )


def _settings(runtime: ServiceRuntime) -> InvoiceSettings:
    settings = runtime.settings
    if not isinstance(settings, InvoiceSettings):
        raise TypeError("invoice-svc runs on InvoiceSettings")
    return settings
