"""Loading and saving invoices; every query is scoped to one tenant.

Writers that look at several of a debtor's invoices at once (allocation, credit-limit
checks) first lock the debtor's row, so two of them for one debtor run one after the other.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, insert, not_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.invoice import InvoiceStatus
from debtflow_shared.db import insert_if_absent, insert_unless_present
from debtflow_shared.optimistic_lock import ConcurrentUpdate
from debtflow_shared.value_lists import one_of
from invoice_svc.adapters.tables import credit_notes, debtors, invoices, principal_changes
from invoice_svc.domain.invoice import CHASED, COLLECTIBLE, Invoice, InvoiceLine, InvoiceTerms
from invoice_svc.domain.invoice_filter import InvoiceFilter
from invoice_svc.domain.principal_history import ChangeKind, PrincipalChange


@dataclass
class _Staged:
    """An invoice's change as :meth:`InvoiceRepository.save` would write it when staged."""

    tenant_id: str
    loaded_version: int  # what the database holds until the change is written
    columns: dict[str, Any]


class InvoiceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._stored_versions: dict[str, int] = {}  # what the database holds, per invoice
        self._loaded_flags: dict[str, dict[str, bool]] = {}  # sweeper flags as loaded
        self._staged: dict[str, _Staged] = {}  # changes kept for write_staged, by invoice id
        self._staged_changes: list[dict[str, Any]] = []  # their principal changes

    async def lock_debtor(self, tenant_id: str, debtor_id: str) -> bool:
        """Serialise ledger writers of one debtor; False when the tenant has no such debtor."""
        query = (
            select(debtors.c.id)
            .where(debtors.c.tenant_id == tenant_id, debtors.c.id == debtor_id)
            .with_for_update()
        )
        return (await self._session.execute(query)).first() is not None

    async def get(self, tenant_id: str, invoice_id: str, *, lock: bool = False) -> Invoice | None:
        found = await self._fetch(_mine(tenant_id).where(invoices.c.id == invoice_id), lock=lock)
        return found[0] if found else None

    async def get_by_erp_id(self, tenant_id: str, erp_id: str) -> Invoice | None:
        found = await self._fetch(_mine(tenant_id).where(invoices.c.erp_id == erp_id))
        return found[0] if found else None

    async def get_many_by_erp_id(
        self, tenant_id: str, erp_ids: Collection[str]
    ) -> dict[str, Invoice]:
        """The invoices with these ERP ids, by ERP id (those not found are absent)."""
        if not erp_ids:
            return {}
        found = await self._fetch(
            _mine(tenant_id).where(one_of(self._session, invoices.c.erp_id, erp_ids))
        )
        return {i.erp_id: i for i in found if i.erp_id is not None}

    async def get_many(
        self, tenant_id: str, invoice_ids: Sequence[str], *, lock: bool = False
    ) -> dict[str, Invoice]:
        query = _mine(tenant_id).where(invoices.c.id.in_(list(invoice_ids)))
        return {i.id: i for i in await self._fetch(query.order_by(invoices.c.id), lock=lock)}

    async def collectible_for_debtor(self, tenant_id: str, debtor_id: str) -> list[Invoice]:
        """The debtor's invoices still being collected, locked for the caller's transaction."""
        query = _mine(tenant_id).where(
            invoices.c.debtor_id == debtor_id,
            invoices.c.status.in_([s.value for s in COLLECTIBLE]),
        )
        return await self._fetch(query.order_by(invoices.c.due_date, invoices.c.id), lock=True)

    async def chased_covering(
        self, tenant_id: str, needs: Mapping[tuple[str, str], int]
    ) -> dict[str, list[Invoice]]:
        """By debtor: the chased invoices that payments of ``needs[(debtor, currency)]`` in
        all would pay, oldest due first as allocation takes them, plus the oldest one of
        every other currency the debtor owes in (locked). A chunk of payments reads these,
        not every open invoice of its debtors."""
        debtor_ids = sorted({debtor_id for debtor_id, _ in needs})
        if not debtor_ids:
            return {}
        open_minor = invoices.c.principal_open_minor + invoices.c.charges_open_minor
        light = (
            select(invoices.c.id, invoices.c.debtor_id, invoices.c.currency, open_minor)
            .where(
                invoices.c.tenant_id == tenant_id,
                one_of(self._session, invoices.c.debtor_id, debtor_ids),
                invoices.c.status.in_([s.value for s in CHASED]),
            )
            .order_by(
                invoices.c.debtor_id,
                invoices.c.currency,
                invoices.c.due_date,
                invoices.c.issue_date,
                invoices.c.id,
            )
        )
        wanted: list[str] = []
        covered: dict[tuple[str, str], int] = {}
        for invoice_id, debtor_id, currency, owed in await self._session.execute(light):
            key = (debtor_id, currency)
            if key not in covered or covered[key] < needs.get(key, 0):
                wanted.append(invoice_id)
                covered[key] = covered.get(key, 0) + owed
        found: dict[str, list[Invoice]] = {debtor_id: [] for debtor_id in debtor_ids}
        for invoice in (await self.get_many(tenant_id, wanted, lock=True)).values():
            found[invoice.debtor_id].append(invoice)
        return found

    async def collectible_for_debtors(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[str, list[Invoice]]:
        """:meth:`collectible_for_debtor` of many debtors at once, by debtor id (locked)."""
        if not debtor_ids:
            return {}
        query = _mine(tenant_id).where(
            one_of(self._session, invoices.c.debtor_id, debtor_ids),
            invoices.c.status.in_([s.value for s in COLLECTIBLE]),
        )
        order = (invoices.c.debtor_id, invoices.c.due_date, invoices.c.id)
        found: dict[str, list[Invoice]] = {debtor_id: [] for debtor_id in debtor_ids}
        for invoice in await self._fetch(query.order_by(*order), lock=True):
            found[invoice.debtor_id].append(invoice)
        return found

    async def open_balance(self, tenant_id: str, debtor_id: str, currency: str) -> int:
        query = select(
            func.coalesce(
                func.sum(invoices.c.principal_open_minor + invoices.c.charges_open_minor), 0
            )
        ).where(
            invoices.c.tenant_id == tenant_id,
            invoices.c.debtor_id == debtor_id,
            invoices.c.currency == currency,
            invoices.c.status.in_([s.value for s in COLLECTIBLE]),
        )
        return int((await self._session.execute(query)).scalar_one())

    async def open_balances(
        self, tenant_id: str, debtor_ids: Collection[str]
    ) -> dict[tuple[str, str], int]:
        """:meth:`open_balance` of many debtors at once, by ``(debtor id, currency)``."""
        if not debtor_ids:
            return {}
        open_minor = func.sum(invoices.c.principal_open_minor + invoices.c.charges_open_minor)
        query = (
            select(invoices.c.debtor_id, invoices.c.currency, open_minor)
            .where(
                invoices.c.tenant_id == tenant_id,
                one_of(self._session, invoices.c.debtor_id, debtor_ids),
                invoices.c.status.in_([s.value for s in COLLECTIBLE]),
            )
            .group_by(invoices.c.debtor_id, invoices.c.currency)
        )
        rows = await self._session.execute(query)
        return {(debtor_id, currency): int(total) for debtor_id, currency, total in rows}

    async def search(
        self,
        tenant_id: str,
        filters: InvoiceFilter,
        *,
        now: datetime,
        after: tuple[date, str] | None,
        limit: int,
    ) -> list[Invoice]:
        query = _mine(tenant_id)
        if filters.status is not None:
            query = query.where(invoices.c.status == filters.status.value)
        if filters.debtor_id is not None:
            query = query.where(invoices.c.debtor_id == filters.debtor_id)
        if filters.due_from is not None:
            query = query.where(invoices.c.due_date >= filters.due_from)
        if filters.due_to is not None:
            query = query.where(invoices.c.due_date <= filters.due_to)
        if filters.overdue is not None:
            overdue = and_(
                invoices.c.status.in_([s.value for s in CHASED]), invoices.c.overdue_at <= now
            )
            query = query.where(overdue if filters.overdue else not_(overdue))
        if after is not None:
            due, last_id = after
            query = query.where(
                or_(
                    invoices.c.due_date > due,
                    and_(invoices.c.due_date == due, invoices.c.id > last_id),
                )
            )
        return await self._fetch(query.order_by(invoices.c.due_date, invoices.c.id).limit(limit))

    async def add(self, invoice: Invoice) -> bool:
        """Insert a new invoice; False when a concurrent request took its ERP id first."""
        if not await insert_if_absent(self._session, invoices, _new_row(invoice)):
            return False
        self._stored_versions[invoice.id] = invoice.version
        await self._write_principal_changes([invoice])
        return True

    async def add_many(self, new: Sequence[Invoice]) -> int:
        """:meth:`add` for many invoices in one statement; how many went in (fewer: a
        concurrent request took an ERP id)."""
        if not new:
            return 0
        dialect = self._session.get_bind().dialect.name
        statement = insert_unless_present(invoices, dialect).returning(invoices.c.id)
        inserted = set(
            (await self._session.execute(statement, [_new_row(i) for i in new])).scalars()
        )
        self._stored_versions.update((i.id, i.version) for i in new if i.id in inserted)
        await self._write_principal_changes([i for i in new if i.id in inserted])
        return len(inserted)

    async def save(self, invoice: Invoice) -> None:
        """Write a changed invoice; optimistic: fails if the stored version moved meanwhile."""
        loaded_version = self._stored_versions[invoice.id]
        if invoice.version == loaded_version:
            return
        result = await self._session.execute(
            update(invoices)
            .where(
                invoices.c.tenant_id == invoice.tenant_id,
                invoices.c.id == invoice.id,
                invoices.c.version == loaded_version,
            )
            .values(**self._changed_columns(invoice))
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate(invoice.id)
        self._stored_versions[invoice.id] = invoice.version
        await self._write_principal_changes([invoice])

    def stage(self, invoice: Invoice) -> None:
        """Keep the write :meth:`save` would make now, for :meth:`write_staged` to make with
        every other staged one (a later stage of the same invoice replaces it)."""
        staged = self._staged.get(invoice.id)
        loaded_version = staged.loaded_version if staged else self._stored_versions[invoice.id]
        if invoice.version == loaded_version:
            return
        self._staged[invoice.id] = _Staged(
            invoice.tenant_id, loaded_version, self._changed_columns(invoice)
        )
        self._staged_changes += _principal_change_rows([invoice])
        invoice.principal_changes_written()

    def is_stored_or_staged(self, invoice: Invoice) -> bool:
        """Whether ``invoice`` is as loaded or last staged: nothing changed it since."""
        staged = self._staged.get(invoice.id)
        version = staged.columns["version"] if staged else self._stored_versions.get(invoice.id)
        return invoice.version == version and not invoice.principal_changes_to_write()

    async def write_staged(self) -> None:
        """Write what :meth:`stage` kept, a statement per kind of change (optimistic too)."""
        staged, self._staged = self._staged, {}
        changes, self._staged_changes = self._staged_changes, []
        by_columns: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for invoice_id, change in staged.items():
            params = {f"new_{k}": v for k, v in change.columns.items()}
            params |= {"key_id": invoice_id, "key_version": change.loaded_version}
            params["key_tenant"] = change.tenant_id
            by_columns.setdefault(tuple(sorted(change.columns)), []).append(params)
        for columns, rows in by_columns.items():
            statement = (
                update(invoices)
                .where(
                    invoices.c.tenant_id == bindparam("key_tenant"),
                    invoices.c.id == bindparam("key_id"),
                    invoices.c.version == bindparam("key_version"),
                )
                .values({c: bindparam(f"new_{c}") for c in columns})
            )
            result = await self._session.execute(statement, rows)
            # Where counts are unreliable the rows are locked (loaded FOR UPDATE) anyway.
            counted = self._session.get_bind().dialect.supports_sane_multi_rowcount
            if counted and result.rowcount != len(rows):  # type: ignore[attr-defined]
                raise ConcurrentUpdate(", ".join(r["key_id"] for r in rows))
        if changes:
            await self._session.execute(insert(principal_changes), changes)
        self._stored_versions.update((i, s.columns["version"]) for i, s in staged.items())

    def drop_staged(self) -> None:
        """Forget what :meth:`stage` kept (its writes failed, or are made another way)."""
        self._staged, self._staged_changes = {}, []

    async def principal_changes(self, tenant_id: str, invoice_id: str) -> list[PrincipalChange]:
        """Every change of the invoice's open principal, in the order they were recorded."""
        query = (
            select(principal_changes)
            .where(
                principal_changes.c.tenant_id == tenant_id,
                principal_changes.c.invoice_id == invoice_id,
            )
            .order_by(principal_changes.c.id)
        )
        return [
            PrincipalChange(
                ChangeKind(row["kind"]),
                row["delta_minor"],
                row["on_date"],
                payment_id=row["payment_id"],
                reference=row["reference"],
            )
            for row in (await self._session.execute(query)).mappings()
        ]

    async def _write_principal_changes(self, changed: Sequence[Invoice]) -> None:
        rows = _principal_change_rows(changed)
        if rows:
            await self._session.execute(insert(principal_changes), rows)
        for invoice in changed:
            invoice.principal_changes_written()

    def _changed_columns(self, invoice: Invoice) -> dict[str, Any]:
        columns = _columns(invoice)
        # The overdue sweeper sets these flags without bumping the version: write one only
        # when this change reset it, never the value as loaded (that could undo a sweep and
        # announce the same overdue transition twice).
        for flag, loaded in self._loaded_flags.get(invoice.id, {}).items():
            if columns[flag] == loaded:
                del columns[flag]
        return columns

    async def add_credit_note(
        self, invoice: Invoice, *, credit_note_id: str, amount_minor: int, reason: str
    ) -> None:
        await self._session.execute(
            insert(credit_notes).values(
                id=credit_note_id,
                tenant_id=invoice.tenant_id,
                invoice_id=invoice.id,
                amount_minor=amount_minor,
                currency=invoice.currency,
                reason=reason,
                created_at=invoice.updated_at,
            )
        )

    async def _fetch(self, query: Select[Any], *, lock: bool = False) -> list[Invoice]:
        if lock:
            query = query.with_for_update()
        rows = (await self._session.execute(query)).mappings()
        found = [_to_invoice(row) for row in rows]
        for invoice in found:
            self._stored_versions[invoice.id] = invoice.version
            self._loaded_flags[invoice.id] = {
                "overdue_announced": invoice.overdue_announced,
                "due_soon_announced": invoice.due_soon_announced,
            }
        return found


def _mine(tenant_id: str) -> Select[Any]:
    return select(invoices).where(invoices.c.tenant_id == tenant_id)


def _principal_change_rows(changed: Sequence[Invoice]) -> list[dict[str, Any]]:
    return [
        {
            "tenant_id": invoice.tenant_id,
            "invoice_id": invoice.id,
            "kind": change.kind.value,
            "delta_minor": change.delta_minor,
            "on_date": change.on,
            "payment_id": change.payment_id,
            "reference": change.reference,
            "recorded_at": invoice.updated_at,
        }
        for invoice in changed
        for change in invoice.principal_changes_to_write()
    ]


def _new_row(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.id,
        "tenant_id": invoice.tenant_id,
        "debtor_id": invoice.debtor_id,
        "created_at": invoice.created_at,
        **_columns(invoice),
    }


def _columns(invoice: Invoice) -> dict[str, Any]:
    t = invoice.terms
    return {
        "erp_id": invoice.erp_id,
        "number": t.number,
        "currency": t.currency,
        "issue_date": t.issue_date,
        "due_date": t.due_date,
        "amount_minor": t.amount_minor,
        "principal_open_minor": invoice.principal_open_minor,
        "charges_open_minor": invoice.charges_open_minor,
        "status": invoice.status.value,
        "lines": json.dumps(
            [
                {
                    "description": x.description,
                    "amount_minor": x.amount_minor,
                    "quantity": x.quantity,
                }
                for x in t.lines
            ]
        ),
        "version": invoice.version,
        "overdue_at": invoice.overdue_at,
        "due_soon_at": invoice.due_soon_at,
        "overdue_announced": invoice.overdue_announced,
        "due_soon_announced": invoice.due_soon_announced,
        "interest_charged_to": invoice.interest_charged_to,
        "updated_at": invoice.updated_at,
    }


def _to_invoice(row: Any) -> Invoice:
    terms = InvoiceTerms(
        number=row["number"],
        currency=row["currency"],
        issue_date=row["issue_date"],
        due_date=row["due_date"],
        amount_minor=row["amount_minor"],
        lines=tuple(
            InvoiceLine(x["description"], x["amount_minor"], x.get("quantity"))
            for x in json.loads(row["lines"])
        ),
    )
    return Invoice(
        id=row["id"],
        tenant_id=row["tenant_id"],
        debtor_id=row["debtor_id"],
        erp_id=row["erp_id"],
        terms=terms,
        principal_open_minor=row["principal_open_minor"],
        charges_open_minor=row["charges_open_minor"],
        status=InvoiceStatus(row["status"]),
        version=row["version"],
        overdue_at=row["overdue_at"],
        due_soon_at=row["due_soon_at"],
        overdue_announced=row["overdue_announced"],
        due_soon_announced=row["due_soon_announced"],
        interest_charged_to=row["interest_charged_to"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )
