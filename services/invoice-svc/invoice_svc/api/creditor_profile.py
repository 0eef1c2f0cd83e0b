"""/v1/creditor-profile: the tenant's legal name, address, how to pay and how to dispute."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from debtflow_shared.auth import Principal
from debtflow_shared.catalog.common import ONE_LINE, Name
from debtflow_shared.catalog.invoice import BankAccount, PostalAddress
from debtflow_shared.http.dependencies import UnitOfWorkDep
from debtflow_shared.http.problems import NotFound
from debtflow_shared.http.security import require
from invoice_svc.domain.creditor_profile import (
    LOGO_MAX_BYTES,
    LOGO_MAX_SIDE_PIXELS,
    CreditorDetails,
    CreditorProfile,
    InvalidLogo,
    Logo,
)
from invoice_svc.service_layer.creditor_profile import (
    get_creditor_profile,
    readable_logo,
    set_creditor_profile,
)

router = APIRouter(prefix="/creditor-profile", tags=["creditor profile"])

# "companies_house": "01234567", "vat": "GB123456789": short, one line each.
RegistrationKind = Annotated[str, Field(min_length=1, max_length=50), ONE_LINE]
RegistrationNumber = Annotated[str, Field(min_length=1, max_length=100), ONE_LINE]
# Something@something, neither part holding white space or a control character.
_EMAIL = r"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+$"


class LogoIn(BaseModel):
    """A PNG or JPEG, base64-encoded, drawn at the top of statements."""

    model_config = ConfigDict(extra="forbid")

    media_type: Literal["image/png", "image/jpeg"]
    data_base64: str = Field(
        max_length=(LOGO_MAX_BYTES + 2) // 3 * 4,
        description=(
            f"at most {LOGO_MAX_BYTES // 1024} KiB decoded and {LOGO_MAX_SIDE_PIXELS} pixels a side"
        ),
    )

    @field_validator("data_base64")
    @classmethod
    def _base64(cls, value: str) -> str:
        try:
            base64.b64decode(value, validate=True)
        except binascii.Error as error:
            raise ValueError("not base64") from error
        return value

    def to_logo(self) -> Logo:
        return readable_logo(self.media_type, base64.b64decode(self.data_base64))

    @classmethod
    def of(cls, logo: Logo) -> LogoIn:
        media_type: Literal["image/png", "image/jpeg"] = (
            "image/png" if logo.media_type == "image/png" else "image/jpeg"
        )
        return cls(media_type=media_type, data_base64=base64.b64encode(logo.data).decode())


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

    legal_name: Name
    address: PostalAddress
    registration_numbers: dict[RegistrationKind, RegistrationNumber] = Field(
        default_factory=dict, max_length=10
    )
    bank_accounts: tuple[BankAccount, ...] = ()
    pay_link: HttpUrl | None = None
    dispute_email: str | None = Field(default=None, max_length=254, pattern=_EMAIL)
    dispute_phone: Annotated[str, Field(min_length=1, max_length=40), ONE_LINE] | None = None
    logo: LogoIn | None = Field(
        default=None, description="optional; a PUT without it removes the logo"
    )

    @field_validator("logo")
    @classmethod
    def _drawable(cls, value: LogoIn | None) -> LogoIn | None:
        if value is not None:
            try:
                value.to_logo()
            except InvalidLogo as error:
                raise ValueError(str(error)) from error
        return value

    def to_details(self) -> CreditorDetails:
        return CreditorDetails(
            legal_name=self.legal_name,
            address=self.address,
            registration_numbers=dict(self.registration_numbers),
            bank_accounts=self.bank_accounts,
            pay_link=str(self.pay_link) if self.pay_link else None,
            dispute_email=self.dispute_email,
            dispute_phone=self.dispute_phone,
            logo=self.logo.to_logo() if self.logo else None,
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
            logo=LogoIn.of(d.logo) if d.logo else None,
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
