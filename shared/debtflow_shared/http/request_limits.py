"""Request-body limits: every body is bounded, batch endpoints more generously.

The limits are FastAPI's own (``max_body_size``): the application's applies to every route,
and :func:`allow_batch_bodies` raises it on batch routes (``/v1/batches/...``). A body over
its limit is refused with a 413 problem before it is parsed.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.middleware.body_limit import RequestBodyLimitMiddleware

BATCH_SEGMENT = "/batches/"


def allow_batch_bodies(app: FastAPI, max_body_bytes: int) -> None:
    """Let every batch route of ``app`` take bodies up to ``max_body_bytes``."""
    for route in app.routes:
        if isinstance(route, APIRoute) and BATCH_SEGMENT in route.path:
            # The innermost limit wins: Starlette's limiter nested inside the application's.
            route.app = RequestBodyLimitMiddleware(route.app, max_body_size=max_body_bytes)
