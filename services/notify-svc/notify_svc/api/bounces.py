"""/v1/bounces and /v1/deliveries: a mail provider reports what became of a sent message
(no bearer token: the body is signed).

The provider signs the raw body with HMAC-SHA256 under ``DEBTFLOW_LINK_SIGNING_SECRET`` and
sends the hex digest in ``X-Debtflow-Signature``; a provider's own webhook format is mapped
to this body by a small bridge.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from debtflow_shared.catalog.common import Reason
from debtflow_shared.catalog.notification import BounceKind
from debtflow_shared.http.dependencies import UnitOfWorkDep
from notify_svc.api.notify_problems import NotifyRoute
from notify_svc.service_layer import bounces as use_cases

router = APIRouter(prefix="/bounces", tags=["bounces"], route_class=NotifyRoute)


class BounceIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "message_id": "<01a23d1f-5d36-79de-a941-dc7aa97c5941@northwind.example>",
                    "bounce": "hard",
                    "reason": "550 5.1.1 mailbox unknown",
                }
            ]
        },
    )

    message_id: Annotated[str, Field(min_length=3, max_length=300, pattern=r"^<[!-;=?-~]+>$")]
    bounce: BounceKind
    reason: Reason


class BounceOut(BaseModel):
    recorded: bool = Field(description="false: this bounce was reported before")


REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"description": "the body's signature does not match"},
    422: {"description": "no sent message has that Message-ID"},
}


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Report a bounce of a sent message (signed body); emits notification.bounced once",
    responses=REFUSED | {200: {"description": "that bounce was already reported"}},
)
async def report_bounce(
    body: BounceIn,
    request: Request,
    uow: UnitOfWorkDep,
    response: Response,
    x_debtflow_signature: Annotated[str, Header(max_length=200)] = "",
) -> BounceOut:
    secret: str = request.app.state.runtime.settings.platform.link_signing_secret
    use_cases.check_signature(await request.body(), secret, x_debtflow_signature)
    new = await use_cases.record_bounce(
        uow, use_cases.Bounce(body.message_id, body.bounce, body.reason)
    )
    if not new:
        response.status_code = status.HTTP_200_OK
    return BounceOut(recorded=new)


class DeliveryIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"message_id": "<01a23d1f-5d36-79de-a941-dc7aa97c5941@northwind.example>"}]
        },
    )

    message_id: Annotated[str, Field(min_length=3, max_length=300, pattern=r"^<[!-;=?-~]+>$")]


deliveries = APIRouter(prefix="/deliveries", tags=["bounces"], route_class=NotifyRoute)


@deliveries.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Report that a sent message was delivered (signed body); emits notification.delivered",
    responses=REFUSED | {200: {"description": "that delivery was already reported"}},
)
async def report_delivery(
    body: DeliveryIn,
    request: Request,
    uow: UnitOfWorkDep,
    response: Response,
    x_debtflow_signature: Annotated[str, Header(max_length=200)] = "",
) -> BounceOut:
    secret: str = request.app.state.runtime.settings.platform.link_signing_secret
    use_cases.check_signature(await request.body(), secret, x_debtflow_signature)
    new = await use_cases.record_delivery(uow, body.message_id)
    if not new:
        response.status_code = status.HTTP_200_OK
    return BounceOut(recorded=new)
