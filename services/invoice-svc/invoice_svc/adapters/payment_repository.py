"""Loading and saving payments, their allocations and the account credit they leave.

``account_credits`` holds, per debtor and currency, the sum of the unapplied amounts of
the debtor's payments: it moves whenever one of those amounts does, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, delete, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.db import insert_if_absent, insert_unless_present
from debtflow_shared.optimistic_lock import ConcurrentUpdate
from debtflow_shared.value_lists import one_of
from invoice_svc.adapters.tables import account_credits, allocations, payments
from invoice_svc.domain.payment import AllocationLine, Payment, PaymentDetails, PaymentStatus


class PaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._stored_versions: dict[str, int] = {}

    async def get(self, tenant_id: str, payment_id: str, *, lock: bool = False) -> Payment | None:
        found = await self._fetch(_mine(tenant_id).where(payments.c.id == payment_id), lock=lock)
        return found[0] if found else None

    async def get_by_erp_id(self, tenant_id: str, erp_id: str) -> Payment | None:
        found = await self._fetch(_mine(tenant_id).where(payments.c.erp_id == erp_id))
        return found[0] if found else None

    async def get_many_by_erp_id(
        self, tenant_id: str, erp_ids: Collection[str]
    ) -> dict[str, Payment]:
        """The payments with these ERP ids, by ERP id (those not found are absent)."""
        if not erp_ids:
            return {}
        found = await self._fetch(
            _mine(tenant_id).where(one_of(self._session, payments.c.erp_id, erp_ids))
        )
        return {p.details.erp_id: p for p in found if p.details.erp_id is not None}

    async def with_credit(self, tenant_id: str, debtor_id: str, currency: str) -> list[Payment]:
        """The debtor's payments with unspent credit in ``currency``, oldest first, locked."""
        query = _mine(tenant_id).where(
            payments.c.debtor_id == debtor_id,
            payments.c.currency == currency,
            payments.c.status == PaymentStatus.RECEIVED.value,
            payments.c.unapplied_minor > 0,
        )
        order = (payments.c.received_on, payments.c.created_at, payments.c.id)
        return await self._fetch(query.order_by(*order), lock=True)

    async def list_for_debtor(
        self, tenant_id: str, debtor_id: str, *, after: tuple[date, str] | None, limit: int
    ) -> list[Payment]:
        query = _mine(tenant_id).where(payments.c.debtor_id == debtor_id)
        if after is not None:
            received_on, last_id = after
            query = query.where(
                (payments.c.received_on > received_on)
                | ((payments.c.received_on == received_on) & (payments.c.id > last_id))
            )
        return await self._fetch(query.order_by(payments.c.received_on, payments.c.id).limit(limit))

    async def add(self, payment: Payment) -> bool:
        """Insert a new payment; False when a concurrent request took its ERP id first."""
        if not await insert_if_absent(self._session, payments, _new_row(payment)):
            return False
        await self._write_allocations([payment])
        self._stored_versions[payment.id] = payment.version
        return True

    async def add_many(self, new: Sequence[Payment]) -> set[str]:
        """:meth:`add` for many payments, a statement for them and one for their allocations;
        the ids that went in (not all: a concurrent request took an ERP id)."""
        if not new:
            return set()
        dialect = self._session.get_bind().dialect.name
        statement = insert_unless_present(payments, dialect).returning(payments.c.id)
        rows = [_new_row(p) for p in new]
        inserted = set((await self._session.execute(statement, rows)).scalars())
        added = [p for p in new if p.id in inserted]
        await self._write_allocations(added)
        self._stored_versions.update((p.id, p.version) for p in added)
        return inserted

    async def save(self, payment: Payment) -> None:
        """Write a changed payment; optimistic: fails if the stored version moved meanwhile."""
        loaded_version = self._stored_versions[payment.id]
        if payment.version == loaded_version:
            return
        result = await self._session.execute(
            update(payments)
            .where(
                payments.c.tenant_id == payment.tenant_id,
                payments.c.id == payment.id,
                payments.c.version == loaded_version,
            )
            .values(
                status=payment.status.value,
                unapplied_minor=payment.unapplied_minor,
                version=payment.version,
            )
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(payment.id)
        await self._session.execute(
            delete(allocations).where(allocations.c.payment_id == payment.id)
        )
        await self._write_allocations([payment])
        self._stored_versions[payment.id] = payment.version

    async def account_credit(self, tenant_id: str, debtor_id: str, currency: str) -> int:
        query = select(account_credits.c.amount_minor).where(
            account_credits.c.tenant_id == tenant_id,
            account_credits.c.debtor_id == debtor_id,
            account_credits.c.currency == currency,
        )
        return int((await self._session.execute(query)).scalar() or 0)

    async def all_account_credit(self, tenant_id: str, debtor_id: str) -> dict[str, int]:
        query = select(account_credits.c.currency, account_credits.c.amount_minor).where(
            account_credits.c.tenant_id == tenant_id, account_credits.c.debtor_id == debtor_id
        )
        return {row.currency: row.amount_minor for row in await self._session.execute(query)}

    async def account_credits_of(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[tuple[str, str], int]:
        """Every non-zero account credit of these debtors, by ``(debtor id, currency)``."""
        if not debtor_ids:
            return {}
        c = account_credits.c
        query = select(c.debtor_id, c.currency, c.amount_minor).where(
            c.tenant_id == tenant_id,
            one_of(self._session, c.debtor_id, debtor_ids),
            c.amount_minor != 0,
        )
        return {
            (row.debtor_id, row.currency): row.amount_minor
            for row in await self._session.execute(query)
        }

    async def change_account_credit(
        self, tenant_id: str, debtor_id: str, currency: str, delta_minor: int
    ) -> None:
        """Move the debtor's credit; callers hold the debtor's lock, so read-then-write is safe."""
        if delta_minor == 0:
            return
        key = (
            account_credits.c.tenant_id == tenant_id,
            account_credits.c.debtor_id == debtor_id,
            account_credits.c.currency == currency,
        )
        exists = (
            await self._session.execute(select(account_credits.c.amount_minor).where(*key))
        ).first()
        if exists is None:
            await self._session.execute(
                insert(account_credits).values(
                    tenant_id=tenant_id,
                    debtor_id=debtor_id,
                    currency=currency,
                    amount_minor=delta_minor,
                )
            )
        else:
            await self._session.execute(
                update(account_credits)
                .where(*key)
                .values(amount_minor=account_credits.c.amount_minor + delta_minor)
            )

    async def add_account_credits(
        self, tenant_id: str, deltas: Mapping[tuple[str, str], int]
    ) -> None:
        """:meth:`change_account_credit` for many ``(debtor id, currency)`` at once (callers
        hold those debtors' locks), one upsert."""
        rows = [
            {"tenant_id": tenant_id, "debtor_id": d, "currency": c, "amount_minor": delta}
            for (d, c), delta in deltas.items()
            if delta
        ]
        if not rows:
            return
        insert_ = (
            postgresql.insert
            if self._session.get_bind().dialect.name == "postgresql"
            else sqlite.insert
        )
        statement = insert_(account_credits)
        upsert = statement.on_conflict_do_update(
            index_elements=["tenant_id", "debtor_id", "currency"],
            set_={"amount_minor": account_credits.c.amount_minor + statement.excluded.amount_minor},
        )
        await self._session.execute(upsert, rows)

    async def _write_allocations(self, written: Sequence[Payment]) -> None:
        rows = [
            {
                "payment_id": payment.id,
                "invoice_id": line.invoice_id,
                "principal_minor": line.principal_minor,
                "charges_minor": line.charges_minor,
            }
            for payment in written
            for line in payment.allocations
        ]
        if rows:
            await self._session.execute(insert(allocations), rows)

    async def _fetch(self, query: Select[Any], *, lock: bool = False) -> list[Payment]:
        if lock:
            query = query.with_for_update()
        rows = list((await self._session.execute(query)).mappings())
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        lines: dict[str, list[AllocationLine]] = {i: [] for i in ids}
        allocated = await self._session.execute(
            select(allocations)
            .where(allocations.c.payment_id.in_(ids))
            .order_by(allocations.c.payment_id)
        )
        for a in allocated.mappings():
            lines[a["payment_id"]].append(
                AllocationLine(a["invoice_id"], a["principal_minor"], a["charges_minor"])
            )
        found = [_to_payment(row, lines[row["id"]]) for row in rows]
        for payment in found:
            self._stored_versions[payment.id] = payment.version
        return found


def _new_row(payment: Payment) -> dict[str, Any]:
    d = payment.details
    return {
        "id": payment.id,
        "tenant_id": payment.tenant_id,
        "debtor_id": payment.debtor_id,
        "erp_id": d.erp_id,
        "amount_minor": d.amount_minor,
        "currency": d.currency,
        "received_on": d.received_on,
        "reference": d.reference,
        "method": d.method,
        "status": payment.status.value,
        "unapplied_minor": payment.unapplied_minor,
        "version": payment.version,
        "created_at": payment.created_at,
    }


def _mine(tenant_id: str) -> Select[Any]:
    return select(payments).where(payments.c.tenant_id == tenant_id)


def _to_payment(row: Any, lines: list[AllocationLine]) -> Payment:
    return Payment(
        id=row["id"],
        tenant_id=row["tenant_id"],
        debtor_id=row["debtor_id"],
        details=PaymentDetails(
            amount_minor=row["amount_minor"],
            currency=row["currency"],
            received_on=row["received_on"],
            erp_id=row["erp_id"],
            reference=row["reference"],
            method=row["method"],
        ),
        status=PaymentStatus(row["status"]),
        unapplied_minor=row["unapplied_minor"],
        version=row["version"],
        created_at=row["created_at"],
        allocations=lines,
    )
