"""Control characters in a URL are refused before any route sees them.

PostgreSQL cannot store or compare text holding NUL, so ``/v1/debtors/a%00b`` would fail
deep in a query there (and pass on SQLite): the same request must get the same answer on
both backends. No id debtflow hands out holds a control character, so a path holding one
names nothing (404); a query parameter holding one is refused naming the parameter (422).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Receive, Scope, Send

from debtflow_shared.http.problems import (
    NOT_FOUND,
    UNPROCESSABLE,
    field_error,
    problem_response,
)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class RequestTextGuard:
    """Answers a URL holding a control character itself (ids and filters never hold one)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if _CONTROL.search(path):
            answer = problem_response(NOT_FOUND, "no resource has a control character in its path")
            await answer(scope, receive, send)
            return
        query = scope.get("query_string", b"").decode("latin-1")
        for name, value in parse_qsl(query, keep_blank_values=True):
            if _CONTROL.search(name) or _CONTROL.search(value):
                field = _CONTROL.sub("?", name)
                answer = problem_response(
                    UNPROCESSABLE,
                    f"invalid field(s): {field}",
                    errors=[field_error(field, "control characters are not allowed")],
                )
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)
