"""/v1/unsubscribe: the signed link in every email, no login (RFC 8058 one-click).

GET shows a page with a button (mail scanners follow GET links; they must not opt anyone
out); POST, from that button or from a mail client's one-click ``List-Unsubscribe-Post``,
suppresses the address and emits ``contact.opted_out`` once.
"""

from __future__ import annotations

from html import escape
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from debtflow_shared.http.dependencies import UnitOfWorkDep
from notify_svc.api.notify_problems import NotifyRoute
from notify_svc.service_layer import suppressions as use_cases

router = APIRouter(prefix="/unsubscribe", tags=["unsubscribe"], route_class=NotifyRoute)

INVALID: dict[int | str, dict[str, Any]] = {
    400: {"description": "the link's signature does not match, or it has expired"}
}
_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title></head>
<body style="font-family:Arial,sans-serif;max-width:560px;margin:40px auto;padding:0 16px;">
<h1 style="font-size:20px;">{title}</h1>{body}</body></html>"""


def _secret(request: Request) -> str:
    secret: str = request.app.state.runtime.settings.platform.link_signing_secret
    return secret


@router.get(
    "",
    summary="The unsubscribe page (asks to confirm; nothing changes on GET)",
    response_class=HTMLResponse,
    responses=INVALID,
)
async def unsubscribe_page(request: Request, uow: UnitOfWorkDep) -> HTMLResponse:
    params = dict(request.query_params)
    if params == {"preview": "1"}:
        body = "<p>This is a preview: the link in a real message unsubscribes its reader.</p>"
        return HTMLResponse(_PAGE.format(title="Unsubscribe", body=body))
    found = await use_cases.unsubscribe_link_address(uow, params, _secret(request))
    address = escape(found)
    query = escape(str(request.url.query), quote=True)
    body = (
        f"<p>Stop sending emails about this account to <strong>{address}</strong>?</p>"
        f'<form method="post" action="?{query}"><button type="submit" '
        'style="padding:10px 18px;">Unsubscribe</button></form>'
    )
    return HTMLResponse(_PAGE.format(title="Unsubscribe", body=body))


@router.post(
    "",
    summary="Unsubscribe the link's address (one click, no login); emits contact.opted_out",
    response_class=HTMLResponse,
    responses=INVALID,
)
async def unsubscribe(request: Request, uow: UnitOfWorkDep) -> HTMLResponse:
    result = await use_cases.unsubscribe(uow, dict(request.query_params), _secret(request))
    body = (
        f"<p>Done: no more emails will be sent to <strong>{escape(result.address)}</strong> "
        "about this account. If you did not mean to do this, contact the sender.</p>"
    )
    return HTMLResponse(_PAGE.format(title="You are unsubscribed", body=body))
