"""Request-body limits: every body is bounded, batch endpoints more generously.

A body over its limit is refused with a 413 problem: at once when its ``Content-Length``
says so, else as soon as the bytes read exceed it (before it is parsed). Batch endpoints
(``/v1/batches/...`` in every service) take the larger limit.
"""

from __future__ import annotations

from fastapi import HTTPException
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from debtflow_shared.http.problems import CONTENT_TOO_LARGE, problem_response

BATCH_SEGMENT = "/batches/"


class BodyTooLarge(HTTPException):
    """The request body exceeds what its endpoint takes (a 413 problem)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the body is larger than this endpoint takes ({limit} bytes)")


class RequestBodyLimit:
    """Refuses bodies over ``max_body_bytes`` (batch endpoints: ``max_batch_body_bytes``)."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, max_batch_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_batch_body_bytes = max_batch_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        batch = BATCH_SEGMENT in scope["path"]
        limit = self.max_batch_body_bytes if batch else self.max_body_bytes
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            too_large = BodyTooLarge(limit)
            answer = problem_response(CONTENT_TOO_LARGE, str(too_large.detail))
            await answer(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)  # FastAPI re-raises it; the problem handler answers
            return message

        await self.app(scope, limited, send)
