"""Loading and saving the tenant's creditor profile."""

from __future__ import annotations

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.invoice import CreditorProfileUpdated
from invoice_svc.adapters.tables import creditor_profiles
from invoice_svc.domain.creditor_profile import CreditorDetails, CreditorProfile


class CreditorProfileRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, tenant_id: str) -> CreditorProfile | None:
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
        # Stored in the event's own shape: one schema for the wire and the row.
        stored = CreditorProfileUpdated.model_validate_json(row["profile"])
        details = CreditorDetails(
            legal_name=stored.legal_name,
            address=stored.address,
            registration_numbers=dict(stored.registration_numbers),
            bank_accounts=stored.bank_accounts,
            pay_link=stored.pay_link,
            dispute_email=stored.dispute_email,
            dispute_phone=stored.dispute_phone,
        )
        return CreditorProfile(tenant_id, details, row["version"], row["updated_at"])

    async def save(self, profile: CreditorProfile) -> None:
        d = profile.details
        body = CreditorProfileUpdated(
            legal_name=d.legal_name,
            address=d.address,
            registration_numbers=d.registration_numbers,
            bank_accounts=d.bank_accounts,
            pay_link=d.pay_link,
            dispute_email=d.dispute_email,
            dispute_phone=d.dispute_phone,
            version=profile.version,
        ).model_dump_json()
        values = {"profile": body, "version": profile.version, "updated_at": profile.updated_at}
        if profile.version == 1:
            await self._session.execute(
                insert(creditor_profiles).values(tenant_id=profile.tenant_id, **values)
            )
        else:
            await self._session.execute(
                update(creditor_profiles)
                .where(
                    creditor_profiles.c.tenant_id == profile.tenant_id,
                    creditor_profiles.c.version == profile.version - 1,
                )
                .values(**values)
            )
