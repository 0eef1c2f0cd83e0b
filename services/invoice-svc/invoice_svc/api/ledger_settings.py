"""/v1/ledger-settings: the tenant's ledger rules (how a payment splits principal and charges)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from debtflow_shared.auth import Principal
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.security import require
from invoice_svc.api.ledger_problems import LedgerRoute
from invoice_svc.domain.ledger_settings import AllocationOrder, LedgerRules, LedgerSettings
from invoice_svc.service_layer.ledger_settings import get_ledger_settings, set_ledger_settings

router = APIRouter(prefix="/ledger-settings", tags=["ledger settings"], route_class=LedgerRoute)

_ORDER_HELP = (
    "Within one invoice, which a payment pays first: `principal_first` (the default: the "
    "debt that interest runs on shrinks first) or `charges_first` (fees and interest first). "
    "Applies to payments recorded after the change, never to earlier allocations."
)


class LedgerSettingsIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"allocation_order": "charges_first"}]}
    )

    allocation_order: AllocationOrder = Field(description=_ORDER_HELP)


class LedgerSettingsOut(LedgerSettingsIn):
    version: int = Field(description="0 while the tenant still runs on the defaults")
    updated_at: datetime | None

    @classmethod
    def of(cls, settings: LedgerSettings) -> LedgerSettingsOut:
        return cls(
            allocation_order=settings.rules.allocation_order,
            version=settings.version,
            updated_at=settings.updated_at,
        )


@router.get("", summary="Read the ledger rules in force")
async def read_settings(
    principal: Annotated[Principal, Depends(require("invoices:read"))],
    uow: UnitOfWorkDep,
) -> LedgerSettingsOut:
    return LedgerSettingsOut.of(await get_ledger_settings(uow, principal.tenant_id))


@router.put(
    "",
    summary="Change the ledger rules",
    responses={409: {"description": "changed by a concurrent request; retry"}},
)
async def put_settings(
    body: LedgerSettingsIn,
    principal: Annotated[Principal, Depends(require("admin"))],
    uow: UnitOfWorkDep,
) -> LedgerSettingsOut:
    rules = LedgerRules(allocation_order=body.allocation_order)
    return LedgerSettingsOut.of(await set_ledger_settings(uow, principal.tenant_id, rules))
