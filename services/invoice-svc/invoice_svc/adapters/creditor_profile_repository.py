"""Loading and saving the tenant's creditor profile.

The row holds the profile in the event's own shape (one schema for the wire and the row),
plus the logo, which the event leaves out, under ``"logo"``.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from debtflow_shared.catalog.invoice import CreditorProfileUpdated
from invoice_svc.adapters.tables import creditor_profiles
from invoice_svc.domain.creditor_profile import CreditorDetails, CreditorProfile, Logo


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
        body: dict[str, Any] = json.loads(row["profile"])
        logo = body.pop("logo", None)
        stored = CreditorProfileUpdated.model_validate(body)
        details = CreditorDetails(
            legal_name=stored.legal_name,
            address=stored.address,
            registration_numbers=dict(stored.registration_numbers),
            bank_accounts=stored.bank_accounts,
            pay_link=stored.pay_link,
            dispute_email=stored.dispute_email,
            dispute_phone=stored.dispute_phone,
            logo=Logo(logo["media_type"], base64.b64decode(logo["data_base64"])) if logo else None,
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
        ).model_dump(mode="json")
        if d.logo is not None:
            encoded = base64.b64encode(d.logo.data).decode()
            body["logo"] = {"media_type": d.logo.media_type, "data_base64": encoded}
        values = {
            "profile": json.dumps(body),
            "version": profile.version,
            "updated_at": profile.updated_at,
        }
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
