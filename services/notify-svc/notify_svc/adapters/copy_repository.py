"""notify's copies of debtors, the creditor profile, invoices and charges (newest version wins)."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.invoice import ChargeKind, InvoiceStatus
from debtflow_shared.db import insert_unless_present, upsert_if_newer
from notify_svc.adapters.tables import charges, creditor_profiles, debtors, invoices
from notify_svc.domain.copies import (
    COLLECTIBLE,
    BankDetails,
    ChargeCopy,
    CreditorCopy,
    DebtorCopy,
    EmailAddress,
    InvoiceCopy,
    PhoneNumber,
    PostalAddress,
)


class CopyRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    @property
    def _dialect(self) -> str:
        return self._session.get_bind().dialect.name

    async def _upsert(self, table: Any, on: list[str], rows: list[dict[str, Any]]) -> bool:
        """Store rows newer than what is stored; whether the one row given went in."""
        if not rows:
            return False
        statement = upsert_if_newer(table, self._dialect, on=on)
        if len(rows) == 1:
            result = await self._session.execute(statement.values(rows[0]))
            return bool(result.rowcount)  # type: ignore[attr-defined]
        await self._session.execute(statement, rows)
        return True

    async def debtor(self, tenant_id: str, debtor_id: str) -> DebtorCopy | None:
        row = (
            (
                await self._session.execute(
                    select(debtors).where(
                        debtors.c.tenant_id == tenant_id, debtors.c.debtor_id == debtor_id
                    )
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        return DebtorCopy(
            tenant_id=row["tenant_id"],
            debtor_id=row["debtor_id"],
            version=row["version"],
            name=row["name"],
            language=row["language"],
            time_zone=row["time_zone"],
            country=row["country"],
            currency=row["currency"],
            emails=tuple(EmailAddress(**e) for e in json.loads(row["emails"])),
            postal_lines=tuple(json.loads(row["postal_lines"])),
            phones=tuple(PhoneNumber(**p) for p in json.loads(row["phones"])),
            postal_address=_postal(row["postal_address"]),
        )

    async def put_debtor(self, debtor: DebtorCopy) -> bool:
        row = {
            "tenant_id": debtor.tenant_id,
            "debtor_id": debtor.debtor_id,
            "version": debtor.version,
            "name": debtor.name,
            "language": debtor.language,
            "time_zone": debtor.time_zone,
            "country": debtor.country,
            "currency": debtor.currency,
            "emails": json.dumps(
                [
                    {"address": e.address, "usable": e.usable, "label": e.label}
                    for e in debtor.emails
                ]
            ),
            "postal_lines": json.dumps(list(debtor.postal_lines)),
            "phones": json.dumps(
                [
                    {
                        "number": p.number,
                        "sms_capable": p.sms_capable,
                        "usable": p.usable,
                        "label": p.label,
                    }
                    for p in debtor.phones
                ]
            ),
            "postal_address": json.dumps(
                {
                    "lines": list(postal.lines),
                    "city": postal.city,
                    "country": postal.country,
                    "postcode": postal.postcode,
                    "region": postal.region,
                }
            )
            if (postal := debtor.postal_address)
            else None,
        }
        return await self._upsert(debtors, ["tenant_id", "debtor_id"], [row])

    async def creditor(self, tenant_id: str) -> CreditorCopy | None:
        row = (
            (
                await self._session.execute(
                    select(creditor_profiles).where(creditor_profiles.c.tenant_id == tenant_id)
                )
            )
            .mappings()
            .first()
        )
        if row is None:
            return None
        profile = json.loads(row["profile"])
        address = profile["address"]
        return CreditorCopy(
            tenant_id=tenant_id,
            version=row["version"],
            legal_name=profile["legal_name"],
            address_lines=tuple(address["lines"]),
            postcode=address.get("postcode"),
            city=address.get("city"),
            country=address["country"],
            registration_numbers=dict(profile.get("registration_numbers") or {}),
            bank_accounts=tuple(BankDetails(**b) for b in profile.get("bank_accounts") or ()),
            pay_link=profile.get("pay_link"),
            dispute_email=profile.get("dispute_email"),
            dispute_phone=profile.get("dispute_phone"),
        )

    async def put_creditor(self, creditor: CreditorCopy) -> bool:
        profile = {
            "legal_name": creditor.legal_name,
            "address": {
                "lines": list(creditor.address_lines),
                "postcode": creditor.postcode,
                "city": creditor.city,
                "country": creditor.country,
            },
            "registration_numbers": creditor.registration_numbers,
            "bank_accounts": [b.__dict__ for b in creditor.bank_accounts],
            "pay_link": creditor.pay_link,
            "dispute_email": creditor.dispute_email,
            "dispute_phone": creditor.dispute_phone,
        }
        row = {"tenant_id": creditor.tenant_id, "version": creditor.version}
        return await self._upsert(
            creditor_profiles, ["tenant_id"], [row | {"profile": json.dumps(profile)}]
        )

    async def invoices(
        self, tenant_id: str, invoice_ids: Collection[str]
    ) -> dict[str, InvoiceCopy]:
        if not invoice_ids:
            return {}
        rows = (
            await self._session.execute(
                select(invoices).where(
                    invoices.c.tenant_id == tenant_id, invoices.c.invoice_id.in_(list(invoice_ids))
                )
            )
        ).mappings()
        return {row["invoice_id"]: _invoice(row) for row in rows}

    async def open_invoices(self, tenant_id: str, debtor_id: str) -> list[InvoiceCopy]:
        rows = (
            await self._session.execute(
                select(invoices)
                .where(
                    invoices.c.tenant_id == tenant_id,
                    invoices.c.debtor_id == debtor_id,
                    invoices.c.status.in_([s.value for s in COLLECTIBLE]),
                )
                .order_by(invoices.c.due_date, invoices.c.invoice_id)
                .limit(50)
            )
        ).mappings()
        return [_invoice(row) for row in rows]

    async def put_invoices(self, copies: Sequence[InvoiceCopy]) -> None:
        newest: dict[tuple[str, str], InvoiceCopy] = {}
        for copy in copies:  # one row per key and call, its newest version
            key = (copy.tenant_id, copy.invoice_id)
            if key not in newest or newest[key].version < copy.version:
                newest[key] = copy
        rows = [
            {
                "tenant_id": c.tenant_id,
                "invoice_id": c.invoice_id,
                "debtor_id": c.debtor_id,
                "number": c.number,
                "issue_date": c.issue_date,
                "due_date": c.due_date,
                "currency": c.currency,
                "amount_minor": c.amount_minor,
                "principal_open_minor": c.principal_open_minor,
                "charges_open_minor": c.charges_open_minor,
                "status": c.status.value,
                "version": c.version,
            }
            for c in newest.values()
        ]
        await self._upsert(invoices, ["tenant_id", "invoice_id"], rows)

    async def put_charge(self, charge: ChargeCopy) -> None:
        row = {
            "tenant_id": charge.tenant_id,
            "charge_id": charge.charge_id,
            "invoice_id": charge.invoice_id,
            "kind": charge.kind.value,
            "amount_minor": charge.amount_minor,
            "currency": charge.currency,
            "description": charge.description,
            "period_from": charge.period_from,
            "period_to": charge.period_to,
        }
        await self._session.execute(
            insert_unless_present(charges, self._dialect, row, on=["tenant_id", "charge_id"])
        )

    async def charges(self, tenant_id: str, invoice_ids: Collection[str]) -> list[ChargeCopy]:
        if not invoice_ids:
            return []
        rows = (
            await self._session.execute(
                select(charges)
                .where(
                    charges.c.tenant_id == tenant_id, charges.c.invoice_id.in_(list(invoice_ids))
                )
                .order_by(charges.c.invoice_id, charges.c.charge_id)
            )
        ).mappings()
        return [
            ChargeCopy(
                tenant_id=r["tenant_id"],
                charge_id=r["charge_id"],
                invoice_id=r["invoice_id"],
                kind=ChargeKind(r["kind"]),
                amount_minor=r["amount_minor"],
                currency=r["currency"],
                description=r["description"],
                period_from=r["period_from"],
                period_to=r["period_to"],
            )
            for r in rows
        ]


def _invoice(row: Any) -> InvoiceCopy:
    return InvoiceCopy(
        tenant_id=row["tenant_id"],
        invoice_id=row["invoice_id"],
        debtor_id=row["debtor_id"],
        number=row["number"],
        issue_date=row["issue_date"],
        due_date=row["due_date"],
        currency=row["currency"],
        amount_minor=row["amount_minor"],
        principal_open_minor=row["principal_open_minor"],
        charges_open_minor=row["charges_open_minor"],
        status=InvoiceStatus(row["status"]),
        version=row["version"],
    )


def _postal(stored: str | None) -> PostalAddress | None:
    if stored is None:
        return None
    data = json.loads(stored)
    return PostalAddress(**(data | {"lines": tuple(data["lines"])}))
