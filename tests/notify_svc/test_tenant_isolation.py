"""Tenant isolation on every notify-svc endpoint, checked route by route.

Tenant B, holding every scope, aims each endpoint at tenant A's data: A's notifications and
templates are not found, A's debtor cannot be previewed, an unsubscribe link of A's
re-signed for B is refused, and B's writes stay B's. Afterwards A's data is exactly as it
was. A route added without a case here fails the completeness test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from fastapi.routing import APIRoute

from notify_svc.bootstrap import DEFINITION as NOTIFY
from tests.notify_svc.notify_world import (
    SCOPES,
    Notify,
    creditor,
    debtor,
    invoice_state,
    issued,
    request,
    running_notify,
    smtp_overrides,
)
from tests.notify_svc.smtp_server import MailServer, mail_server
from tests.support.api import bearer
from tests.support.harness import Backend, eventually

Expect = Literal["not_found", "refused", "own"]
TEMPLATE = {
    "key": "reminder.friendly",
    "locale": "en-GB",
    "tone": "friendly",
    "subject": "Tenant B {{ today }}",
    "html": "<p>{{ debtor.name }}</p>",
    "text": "{{ debtor.name }}",
}


@dataclass(frozen=True)
class Case:
    method: str
    path: str  # the route's template; {ids} are tenant A's
    expect: Expect
    body: dict[str, Any] | None = None
    params: dict[str, str] | None = None
    authenticated: bool = True


def cases(a: dict[str, str]) -> list[Case]:
    preview = {"key": "reminder.firm", "locale": "en-GB", "tone": "firm"}
    b_link = dict(parse_qsl(a.get("unsubscribe_query", ""))) | {"tenant": "tenant-b"}
    return [
        Case("POST", "/templates", "own", TEMPLATE),
        Case("POST", "/templates/validate", "own", TEMPLATE),
        Case("POST", "/templates/preview", "refused", preview | {"debtor_id": a["debtor_id"]}),
        Case("GET", "/templates/defaults", "own"),
        Case("GET", "/templates", "own"),
        Case("GET", "/templates/{key}/{locale}/{tone}", "not_found"),
        Case("GET", "/templates/{key}/{locale}/{tone}/versions/{version}", "not_found"),
        Case("DELETE", "/templates/{key}/{locale}/{tone}", "not_found"),
        Case("GET", "/notifications", "own", params={"debtor_id": a["debtor_id"]}),
        Case("GET", "/notifications/{notification_id}", "not_found"),
        Case(
            "POST",
            "/suppressions",
            "own",
            {"channel": "sms", "address": "b@b.example", "detail": "tenant B"},
        ),
        Case("GET", "/suppressions", "own"),
        Case("GET", "/unsubscribe", "refused", params=b_link, authenticated=False),
        Case("POST", "/unsubscribe", "refused", params=b_link, authenticated=False),
        # Unsigned: only the provider holding the secret reports bounces.
        Case(
            "POST",
            "/bounces",
            "refused",
            {"message_id": a.get("message_id", "<x@y>"), "bounce": "hard", "reason": "B"},
            authenticated=False,
        ),
        Case(
            "POST",
            "/deliveries",
            "refused",
            {"message_id": a.get("message_id", "<x@y>")},
            authenticated=False,
        ),
        # Unsigned: only the HTTP provider holding its own secret reports receipts.
        Case(
            "POST",
            "/providers/{channel}/receipts",
            "refused",
            {"message_id": a.get("message_id", "<x@y>"), "status": "delivered"},
            authenticated=False,
        ),
    ]


@pytest.fixture
def smtp() -> Iterator[MailServer]:
    with mail_server() as server:
        yield server


@pytest.fixture
async def notify(backend: Backend, smtp: MailServer) -> AsyncIterator[Notify]:
    async with running_notify(backend, **smtp_overrides(smtp)) as world:
        yield world


async def tenant_a_world(notify: Notify, smtp: MailServer) -> dict[str, str]:
    saved = await notify.post("/v1/templates", TEMPLATE | {"key": "reminder.firm", "tone": "firm"})
    assert saved.status_code == 201, saved.text
    await notify.publish(debtor(), creditor(), issued(invoice_state()))
    await notify.publish(request())
    await eventually(lambda: len(smtp.messages()) == 1)
    # The server has the message before notify records it sent: wait for that too, or
    # the snapshot below may catch it still "sending".
    await eventually(lambda: _sent(notify))
    (item,) = await notify.notifications()
    return {
        "debtor_id": "d-1",
        "notification_id": item["id"],
        "key": "reminder.firm",
        "locale": "en-GB",
        "tone": "firm",
        "version": "1",
        "channel": "sms",
        "message_id": str(smtp.messages()[0]["Message-ID"]),
        "unsubscribe_query": urlsplit(smtp.messages()[0]["List-Unsubscribe"].strip("<>")).query,
    }


async def _sent(notify: Notify) -> bool:
    items = await notify.notifications()
    return [i["status"] for i in items] == ["sent"]


async def snapshot(notify: Notify, a: dict[str, str]) -> list[Any]:
    reads = [
        await notify.get(f"/v1/notifications/{a['notification_id']}"),
        await notify.get("/v1/notifications"),
        await notify.get("/v1/templates"),
        await notify.get("/v1/suppressions"),
    ]
    return [(r.status_code, r.json()) for r in reads]


def test_every_route_has_an_isolation_case() -> None:
    routes = {
        (method, route.path)
        for router in NOTIFY.routers
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    placeholder = dict.fromkeys(["debtor_id", "notification_id", "channel"], "x")
    covered = {(case.method, case.path) for case in cases(placeholder)}
    assert routes == covered


async def test_tenant_b_cannot_read_or_change_tenant_a_through_any_route(
    notify: Notify, backend: Backend, smtp: MailServer
) -> None:
    a = await tenant_a_world(notify, smtp)
    before = await snapshot(notify, a)
    b_headers = bearer(backend.token("tenant-b", *SCOPES, "admin"))
    for case in cases(a):
        path = "/v1" + case.path.format(**a)
        if case.params and not case.authenticated:
            path = f"{path}?{urlencode(case.params)}"
        response = await notify.client.request(
            case.method,
            path,
            json=case.body,
            params=case.params if case.authenticated else None,
            headers=b_headers if case.authenticated else {},
        )
        where = f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
        if case.expect == "not_found":
            assert response.status_code == 404, where
            assert response.headers["content-type"].startswith("application/problem+json"), where
        elif case.expect == "refused":
            assert response.status_code in (400, 401, 422), where
        else:
            assert response.status_code < 300, where
            assert a["notification_id"] not in response.text, where
            assert "Acme Widgets" not in response.text, where
    assert await snapshot(notify, a) == before
