"""What a statement reads besides the invoices: each open invoice's credit notes, charges and
payment allocations, as lines dated in the debtor's time zone. Read-only and unlocked (a
statement must not block writers), scoped to one tenant and one debtor.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.invoice import ChargeKind
from invoice_svc.adapters.tables import allocations, charges, credit_notes, invoices, payments
from invoice_svc.domain.invoice import COLLECTIBLE
from invoice_svc.domain.payment import PaymentStatus
from invoice_svc.domain.statement import InvoiceActivity, LineKind


class StatementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def activity(
        self, tenant_id: str, debtor_id: str, time_zone: str
    ) -> dict[str, tuple[InvoiceActivity, ...]]:
        """By invoice id, the activity on the debtor's invoices still collected."""
        zone = ZoneInfo(time_zone)

        def day(at: datetime) -> date:
            return at.astimezone(zone).date()

        found: dict[str, list[InvoiceActivity]] = {}
        for row in await self._session.execute(
            _on_open_invoices(
                select(
                    credit_notes.c.invoice_id,
                    credit_notes.c.amount_minor,
                    credit_notes.c.reason,
                    credit_notes.c.created_at,
                ),
                credit_notes.c.invoice_id,
                credit_notes.c.tenant_id,
                tenant_id,
                debtor_id,
            )
        ):
            found.setdefault(row.invoice_id, []).append(
                InvoiceActivity(
                    row.invoice_id,
                    LineKind.CREDIT_NOTE,
                    day(row.created_at),
                    -row.amount_minor,
                    row.created_at,
                    detail=row.reason,
                )
            )
        for row in await self._session.execute(
            _on_open_invoices(
                select(
                    charges.c.invoice_id,
                    charges.c.kind,
                    charges.c.amount_minor,
                    charges.c.period_from,
                    charges.c.period_to,
                    charges.c.created_at,
                ),
                charges.c.invoice_id,
                charges.c.tenant_id,
                tenant_id,
                debtor_id,
            )
        ):
            period = (row.period_from, row.period_to) if row.period_from and row.period_to else None
            found.setdefault(row.invoice_id, []).append(
                InvoiceActivity(
                    row.invoice_id,
                    LineKind.CHARGE,
                    day(row.created_at),
                    row.amount_minor,
                    row.created_at,
                    charge_kind=ChargeKind(row.kind),
                    period=period,
                )
            )
        paid = (
            select(
                allocations.c.invoice_id,
                allocations.c.principal_minor,
                allocations.c.charges_minor,
                payments.c.received_on,
                payments.c.reference,
                payments.c.created_at,
            )
            .join(payments, payments.c.id == allocations.c.payment_id)
            .where(
                payments.c.debtor_id == debtor_id, payments.c.status == PaymentStatus.RECEIVED.value
            )
        )
        for row in await self._session.execute(
            _on_open_invoices(
                paid, allocations.c.invoice_id, payments.c.tenant_id, tenant_id, debtor_id
            )
        ):
            found.setdefault(row.invoice_id, []).append(
                InvoiceActivity(
                    row.invoice_id,
                    LineKind.PAYMENT,
                    row.received_on,
                    -(row.principal_minor + row.charges_minor),
                    row.created_at,
                    detail=row.reference,
                )
            )
        return {invoice_id: tuple(lines) for invoice_id, lines in found.items()}


def _on_open_invoices(
    query: Select[tuple[object, ...]],
    invoice_id: ColumnElement[str],
    row_tenant: ColumnElement[str],
    tenant_id: str,
    debtor_id: str,
) -> Select[tuple[object, ...]]:
    return query.join(invoices, invoices.c.id == invoice_id).where(
        row_tenant == tenant_id,
        invoices.c.tenant_id == tenant_id,
        invoices.c.debtor_id == debtor_id,
        invoices.c.status.in_([s.value for s in COLLECTIBLE]),
    )
