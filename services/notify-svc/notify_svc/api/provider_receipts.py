"""/v1/providers/{channel}/receipts: an HTTP provider reports what became of a message
(no bearer token: the body is signed with that provider's secret, see
``domain/provider_contract.py``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from debtflow_shared.catalog.common import Reason
from debtflow_shared.catalog.notification import BounceKind, NotificationChannel
from debtflow_shared.http.dependencies import UnitOfWorkDep
from notify_svc.api.bounces import BounceOut
from notify_svc.api.notify_problems import NotifyRoute
from notify_svc.service_layer import receipts as use_cases
from notify_svc.service_layer.senders import provider_secret

router = APIRouter(prefix="/providers", tags=["bounces"], route_class=NotifyRoute)

_MESSAGE_ID = "<01a23d1f-5d36-79de-a941-dc7aa97c5941@northwind.example>"


class ReceiptIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"message_id": _MESSAGE_ID, "status": "delivered"},
                {
                    "message_id": _MESSAGE_ID,
                    "status": "bounced",
                    "bounce": "hard",
                    "reason": "number not in service",
                },
                {"message_id": _MESSAGE_ID, "status": "opted_out", "reason": "STOP"},
            ]
        },
    )

    message_id: Annotated[str, Field(min_length=3, max_length=300, pattern=r"^<[!-;=?-~]+>$")]
    status: use_cases.ReceiptStatus
    bounce: BounceKind | None = Field(default=None, description="for bounced; default hard")
    reason: Reason | Literal[""] = ""


REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"description": "the signature is missing, stale or does not match the body"},
    422: {"description": "no message sent on this channel has that id, or no such provider"},
}


@router.post(
    "/{channel}/receipts",
    status_code=status.HTTP_202_ACCEPTED,
    summary="A provider's signed receipt: delivered, bounced or opted out (STOP reply)",
    responses=REFUSED | {200: {"description": "that receipt was already recorded"}},
)
async def provider_receipt(
    channel: Annotated[NotificationChannel, Path()],
    body: ReceiptIn,
    request: Request,
    uow: UnitOfWorkDep,
    response: Response,
    x_debtflow_signature: Annotated[str, Header(max_length=200)] = "",
) -> BounceOut:
    secret = provider_secret(request.app.state.runtime.settings, channel)
    use_cases.check_receipt_signature(secret, await request.body(), x_debtflow_signature)
    receipt = use_cases.Receipt(body.message_id, body.status, body.bounce, body.reason)
    new = await use_cases.record_receipt(uow, channel, receipt)
    if not new:
        response.status_code = status.HTTP_200_OK
    return BounceOut(recorded=new)
