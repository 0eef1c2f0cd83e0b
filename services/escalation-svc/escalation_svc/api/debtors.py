"""/v1/debtors on escalation-svc: what escalation knows about a debtor."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.debtor import CreditPolicy
from debtflow_shared.http.problems import NotFound
from debtflow_shared.http.security import require
from escalation_svc.service_layer.debtor_profiles import get_debtor_profile

router = APIRouter(prefix="/debtors", tags=["debtors"])


class DebtorView(BaseModel):
    debtor_id: str
    version: int
    name: str
    country: str
    currency: str
    language: str
    time_zone: str
    preferred_channel: str | None
    contacts: list[dict[str, Any]] = Field(
        description="as in debtor.upserted v2: email, phone (E.164, `sms_capable`), postal"
    )
    tags: list[str]
    credit_policy: CreditPolicy
    updated_at: datetime


@router.get(
    "/{debtor_id}",
    summary="escalation-svc's copy of a debtor",
    responses={404: {"description": "no such debtor for your tenant"}},
)
async def read_debtor(
    debtor_id: str,
    request: Request,
    principal: Annotated[Principal, Depends(require("cases:read"))],
) -> DebtorView:
    profile = await get_debtor_profile(
        request.app.state.runtime.uow(), principal.tenant_id, debtor_id
    )
    if profile is None:
        raise NotFound(f"debtor {debtor_id} not found")
    return DebtorView(
        debtor_id=profile.debtor_id,
        version=profile.version,
        name=profile.name,
        country=profile.country,
        currency=profile.currency,
        language=profile.language,
        time_zone=profile.time_zone,
        preferred_channel=profile.preferred_channel,
        contacts=json.loads(profile.contacts_json),
        tags=list(profile.tags),
        credit_policy=profile.credit_policy,
        updated_at=profile.updated_at,
    )
