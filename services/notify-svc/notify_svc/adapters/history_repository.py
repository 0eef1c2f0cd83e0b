"""The debtor's history as notify keeps it: paid invoices, payments, broken promises, and
its own sent messages (see ``domain/history.py``). Every write is idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.db import insert_unless_present
from notify_svc.adapters.tables import (
    broken_promises,
    invoices,
    notifications,
    paid_invoices,
    payments,
)
from notify_svc.domain.history import DebtorHistory, LastPayment


class HistoryRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    async def invoice_paid(
        self, tenant_id: str, invoice_id: str, debtor_id: str, due_date: date, paid_on: date
    ) -> None:
        row = {
            "tenant_id": tenant_id,
            "invoice_id": invoice_id,
            "debtor_id": debtor_id,
            "due_date": due_date,
            "paid_on": paid_on,
        }
        await self._session.execute(
            insert_unless_present(paid_invoices, self._dialect, row, on=["tenant_id", "invoice_id"])
        )

    async def payment_received(
        self,
        tenant_id: str,
        payment_id: str,
        debtor_id: str,
        received_on: date,
        amount_minor: int,
        currency: str,
    ) -> None:
        row = {
            "tenant_id": tenant_id,
            "payment_id": payment_id,
            "debtor_id": debtor_id,
            "received_on": received_on,
            "amount_minor": amount_minor,
            "currency": currency,
            "reversed": False,
        }
        await self._session.execute(
            insert_unless_present(payments, self._dialect, row, on=["tenant_id", "payment_id"])
        )

    async def payment_reversed(self, tenant_id: str, payment_id: str) -> None:
        await self._session.execute(
            update(payments)
            .where(payments.c.tenant_id == tenant_id, payments.c.payment_id == payment_id)
            .values(reversed=True)
        )

    async def promise_broken(
        self, tenant_id: str, promise_id: str, debtor_id: str, broken_on: date
    ) -> None:
        row = {
            "tenant_id": tenant_id,
            "promise_id": promise_id,
            "debtor_id": debtor_id,
            "broken_on": broken_on,
        }
        await self._session.execute(
            insert_unless_present(
                broken_promises, self._dialect, row, on=["tenant_id", "promise_id"]
            )
        )

    async def history(self, tenant_id: str, debtor_id: str) -> DebtorHistory:
        session = self._session
        sent = await session.scalar(
            select(func.count()).where(
                notifications.c.tenant_id == tenant_id,
                notifications.c.debtor_id == debtor_id,
                notifications.c.sent_at.is_not(None),
            )
        )
        broken = await session.scalar(
            select(func.count()).where(
                broken_promises.c.tenant_id == tenant_id, broken_promises.c.debtor_id == debtor_id
            )
        )
        # Only invoices still paid: a reversed payment reopened the others.
        paid = await session.execute(
            select(paid_invoices.c.due_date, paid_invoices.c.paid_on)
            .join(
                invoices,
                (invoices.c.tenant_id == paid_invoices.c.tenant_id)
                & (invoices.c.invoice_id == paid_invoices.c.invoice_id),
            )
            .where(
                paid_invoices.c.tenant_id == tenant_id,
                paid_invoices.c.debtor_id == debtor_id,
                invoices.c.status == "paid",
            )
        )
        last = (
            await session.execute(
                select(payments.c.received_on, payments.c.amount_minor, payments.c.currency)
                .where(
                    payments.c.tenant_id == tenant_id,
                    payments.c.debtor_id == debtor_id,
                    payments.c.reversed.is_(False),
                )
                .order_by(payments.c.received_on.desc(), payments.c.payment_id.desc())
                .limit(1)
            )
        ).first()
        return DebtorHistory(
            messages_sent=int(sent or 0),
            promises_broken=int(broken or 0),
            days_late=tuple((paid_on - due).days for due, paid_on in paid),
            last_payment=LastPayment(last[0], last[1], last[2]) if last else None,
        )
