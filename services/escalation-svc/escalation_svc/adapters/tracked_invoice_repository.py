"""escalation-svc's copy of invoices: newest version wins; the case an invoice is in."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.invoice import InvoiceStatus
from debtflow_shared.db import insert_if_absent
from debtflow_shared.value_lists import one_of
from escalation_svc.adapters.bulk_update import update_each
from escalation_svc.adapters.tables import tracked_invoices
from escalation_svc.domain.tracked_invoice import TrackedInvoice


def _invoice(row: Any) -> TrackedInvoice:
    return TrackedInvoice(
        tenant_id=row["tenant_id"],
        invoice_id=row["invoice_id"],
        debtor_id=row["debtor_id"],
        number=row["number"],
        currency=row["currency"],
        due_date=row["due_date"],
        open_minor=row["open_minor"],
        status=InvoiceStatus(row["status"]),
        version=row["version"],
        case_id=row["case_id"],
        closed_by=row["closed_by"],
    )


def _values(invoice: TrackedInvoice) -> dict[str, Any]:
    return {
        "debtor_id": invoice.debtor_id,
        "number": invoice.number,
        "currency": invoice.currency,
        "due_date": invoice.due_date,
        "open_minor": invoice.open_minor,
        "status": invoice.status.value,
        "version": invoice.version,
        "case_id": invoice.case_id,
        "closed_by": invoice.closed_by,
    }


class TrackedInvoiceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str, invoice_id: str) -> TrackedInvoice | None:
        row = (
            (
                await self._session.execute(
                    select(tracked_invoices).where(
                        tracked_invoices.c.tenant_id == tenant_id,
                        tracked_invoices.c.invoice_id == invoice_id,
                    )
                )
            )
            .mappings()
            .first()
        )
        return _invoice(row) if row else None

    async def of_debtor(self, tenant_id: str, debtor_id: str) -> list[TrackedInvoice]:
        rows = await self._session.execute(
            select(tracked_invoices)
            .where(
                tracked_invoices.c.tenant_id == tenant_id,
                tracked_invoices.c.debtor_id == debtor_id,
            )
            .order_by(tracked_invoices.c.due_date, tracked_invoices.c.invoice_id)
        )
        return [_invoice(r) for r in rows.mappings()]

    async def of_debtors(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[str, list[TrackedInvoice]]:
        rows = await self._session.execute(
            select(tracked_invoices)
            .where(
                tracked_invoices.c.tenant_id == tenant_id,
                one_of(self._session, tracked_invoices.c.debtor_id, debtor_ids),
            )
            .order_by(tracked_invoices.c.due_date, tracked_invoices.c.invoice_id)
        )
        found: dict[str, list[TrackedInvoice]] = {}
        for row in rows.mappings():
            found.setdefault(row["debtor_id"], []).append(_invoice(row))
        return found

    async def join_cases(self, tenant_id: str, joined: Collection[tuple[str, str]]) -> None:
        """Put each ``(invoice id, case id)`` pair's invoice in its case, in one statement."""
        await update_each(
            self._session,
            tracked_invoices,
            ("tenant_id", "invoice_id"),
            [{"tenant_id": tenant_id, "invoice_id": i, "case_id": c} for i, c in joined],
        )

    async def of_case(self, tenant_id: str, case_id: str) -> list[TrackedInvoice]:
        rows = await self._session.execute(
            select(tracked_invoices)
            .where(tracked_invoices.c.tenant_id == tenant_id, tracked_invoices.c.case_id == case_id)
            .order_by(tracked_invoices.c.due_date, tracked_invoices.c.invoice_id)
        )
        return [_invoice(r) for r in rows.mappings()]

    async def debtors_with_invoices(self, tenant_id: str, debtor_ids: Collection[str]) -> set[str]:
        rows = await self._session.execute(
            select(tracked_invoices.c.debtor_id)
            .where(
                tracked_invoices.c.tenant_id == tenant_id,
                one_of(self._session, tracked_invoices.c.debtor_id, debtor_ids),
            )
            .distinct()
        )
        return set(rows.scalars())

    async def put(self, invoice: TrackedInvoice) -> None:
        inserted = await insert_if_absent(
            self._session,
            tracked_invoices,
            {"tenant_id": invoice.tenant_id, "invoice_id": invoice.invoice_id} | _values(invoice),
        )
        if not inserted:
            await self._session.execute(
                update(tracked_invoices)
                .where(
                    tracked_invoices.c.tenant_id == invoice.tenant_id,
                    tracked_invoices.c.invoice_id == invoice.invoice_id,
                )
                .values(_values(invoice))
            )

    async def join_case(self, tenant_id: str, invoice_ids: Collection[str], case_id: str) -> None:
        if invoice_ids:
            await self._session.execute(
                update(tracked_invoices)
                .where(
                    tracked_invoices.c.tenant_id == tenant_id,
                    one_of(self._session, tracked_invoices.c.invoice_id, invoice_ids),
                )
                .values(case_id=case_id)
            )

    async def leave_case(self, tenant_id: str, case_id: str) -> None:
        """A closed case lets its invoices go: one reopened later joins a new case."""
        await self._session.execute(
            update(tracked_invoices)
            .where(tracked_invoices.c.tenant_id == tenant_id, tracked_invoices.c.case_id == case_id)
            .values(case_id=None)
        )
