"""/v1/creditor-profile: the tenant's legal name, address, how to pay and how to dispute."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.invoice import BankAccount, PostalAddress
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.problems import NotFound
from debtflow_shared.http.security import require
from invoice_svc.domain.creditor_profile import CreditorDetails, CreditorProfile
from invoice_svc.service_layer.creditor_profile import get_creditor_profile, set_creditor_profile

router = APIRouter(prefix="/creditor-profile", tags=["creditor profile"])


class CreditorProfileIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "legal_name": "Widget Supplies Ltd",
                    "address": {
                        "lines": ["1 High Street"],
                        "postcode": "AB1 2CD",
                        "city": "Leeds",
                        "country": "GB",
                    },
                    "registration_numbers": {"companies_house": "01234567", "vat": "GB123456789"},
                    "bank_accounts": [
                        {
                            "account_name": "Widget Supplies Ltd",
                            "sort_code": "12-34-56",
                            "account_number": "12345678",
                        }
                    ],
                    "pay_link": "https://pay.example.com/widget",
                    "dispute_email": "credit-control@widget.example",
                }
            ]
        },
    )

    legal_name: str = Field(min_length=1, max_length=300)
    address: PostalAddress
    registration_numbers: dict[str, str] = Field(default_factory=dict)
    bank_accounts: tuple[BankAccount, ...] = ()
    pay_link: HttpUrl | None = None
    dispute_email: str | None = Field(default=None, pattern=r"^[^@\s]+@[^@\s]+$")
    dispute_phone: str | None = Field(default=None, max_length=40)

    def to_details(self) -> CreditorDetails:
        return CreditorDetails(
            legal_name=self.legal_name,
            address=self.address,
            registration_numbers=dict(self.registration_numbers),
            bank_accounts=self.bank_accounts,
            pay_link=str(self.pay_link) if self.pay_link else None,
            dispute_email=self.dispute_email,
            dispute_phone=self.dispute_phone,
        )


class CreditorProfileOut(CreditorProfileIn):
    pay_link: str | None = None  # type: ignore[assignment]
    version: int
    updated_at: datetime

    @classmethod
    def of(cls, profile: CreditorProfile) -> CreditorProfileOut:
        d = profile.details
        return cls(
            legal_name=d.legal_name,
            address=d.address,
            registration_numbers=d.registration_numbers,
            bank_accounts=d.bank_accounts,
            pay_link=d.pay_link,
            dispute_email=d.dispute_email,
            dispute_phone=d.dispute_phone,
            version=profile.version,
            updated_at=profile.updated_at,
        )


@router.put("", summary="Set the creditor profile used on statements and messages")
async def put_profile(
    body: CreditorProfileIn,
    principal: Annotated[Principal, Depends(require("admin"))],
    uow: UnitOfWorkDep,
) -> CreditorProfileOut:
    return CreditorProfileOut.of(
        await set_creditor_profile(uow, principal.tenant_id, body.to_details())
    )


@router.get(
    "", summary="Read the creditor profile", responses={404: {"description": "no profile set yet"}}
)
async def read_profile(
    principal: Annotated[Principal, Depends(require("invoices:read"))],
    uow: UnitOfWorkDep,
) -> CreditorProfileOut:
    profile = await get_creditor_profile(uow, principal.tenant_id)
    if profile is None:
        raise NotFound("no creditor profile has been set for this tenant")
    return CreditorProfileOut.of(profile)
