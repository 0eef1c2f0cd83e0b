"""Calling a service's HTTP API in process (httpx over ASGI)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import httpx

from debtflow_shared.service import ServiceRuntime


@contextlib.asynccontextmanager
async def api_client(runtime: ServiceRuntime) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=runtime.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextlib.asynccontextmanager
async def api_client_for_app(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


@contextlib.asynccontextmanager
async def served(app: Any) -> AsyncIterator[None]:
    """Run ``app``'s ASGI lifespan as a server does: through every middleware, not around them.

    (``app.router.lifespan_context`` would skip a middleware that mishandles the lifespan
    scope, and with it the very start-up a server would never complete.)
    """
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": {}}

    async def receive() -> dict[str, Any]:
        return await inbox.get()

    async def send(message: dict[str, Any]) -> None:
        await outbox.put(message)

    running = asyncio.create_task(app(scope, receive, send))
    await inbox.put({"type": "lifespan.startup"})
    started = await _answer(outbox, running)
    assert started["type"] == "lifespan.startup.complete", started
    try:
        yield
    finally:
        await inbox.put({"type": "lifespan.shutdown"})
        stopped = await _answer(outbox, running)
        assert stopped["type"] == "lifespan.shutdown.complete", stopped
        await running


async def _answer(outbox: asyncio.Queue[dict[str, Any]], running: asyncio.Task[Any]) -> Any:
    waiting = asyncio.ensure_future(outbox.get())
    done, _ = await asyncio.wait({waiting, running}, return_when=asyncio.FIRST_COMPLETED)
    if waiting not in done:
        waiting.cancel()
        running.result()  # the app's own error, if it raised
        raise AssertionError("the app ended its lifespan without answering")
    return waiting.result()
