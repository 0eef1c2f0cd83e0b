"""``Idempotency-Key``: a retried write returns the first answer and changes nothing.

The first request with a key records it as *in progress* before running; the answer is
stored when it completes. A retry with the same key and body replays that answer; the same
key with another body is refused (422); a retry while the first is still running gets 409.
A request that died mid-way leaves an in-progress mark that expires, after which the key
can be used again (writes behind it are themselves idempotent by ERP id or request id).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from fastapi import FastAPI, Request, Response
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from debtflow_shared.auth import InvalidToken, TokenVerifier
from debtflow_shared.http.problems import problem_response

HEADER = "Idempotency-Key"
IN_PROGRESS = 0
STALE_AFTER = timedelta(minutes=5)


def install_idempotency(app: FastAPI, engine: Callable[[], AsyncEngine], table: Table) -> None:
    """Honour ``Idempotency-Key`` on POST/PUT/PATCH for authenticated callers."""

    @app.middleware("http")
    async def idempotency(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        key = request.headers.get(HEADER)
        if key is None or request.method not in {"POST", "PUT", "PATCH"}:
            return await call_next(request)
        tenant = _tenant(request)
        if tenant is None:
            return await call_next(request)  # the route will answer 401
        if not 1 <= len(key) <= 200:
            return problem_response(
                422,
                "Unprocessable content",
                "Idempotency-Key must be 1 to 200 characters",
                "validation",
                errors=[{"field": HEADER, "message": "bad length"}],
            )
        body = await request.body()
        digest = hashlib.sha256(
            request.method.encode() + b" " + request.url.path.encode() + b"\n" + body
        ).hexdigest()
        claim = await _claim(engine(), table, tenant, key, digest)
        if isinstance(claim, Response):
            return claim
        response = await call_next(request)
        content = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        await _record(engine(), table, tenant, key, response.status_code, content)
        return Response(
            content,
            status_code=response.status_code,
            headers=dict(response.headers),
            media_type=response.media_type,
        )


def _tenant(request: Request) -> str | None:
    authorization = request.headers.get("Authorization", "")
    if not authorization.startswith("Bearer "):
        return None
    verifier: TokenVerifier = request.app.state.token_verifier
    try:
        return verifier.verify(authorization.removeprefix("Bearer ")).tenant_id
    except InvalidToken:
        return None


async def _claim(
    engine: AsyncEngine, table: Table, tenant: str, key: str, digest: str
) -> Response | None:
    """Mark the key in progress; or return the answer a retry deserves."""
    now = datetime.now(UTC)
    async with engine.begin() as connection:
        await connection.execute(
            delete(table).where(
                table.c.tenant_id == tenant,
                table.c.key == key,
                table.c.status_code == IN_PROGRESS,
                table.c.created_at < now - STALE_AFTER,
            )
        )
    try:
        async with engine.begin() as connection:
            await connection.execute(
                insert(table).values(
                    tenant_id=tenant,
                    key=key,
                    request_hash=digest,
                    status_code=IN_PROGRESS,
                    response_body="",
                    created_at=now,
                )
            )
        return None
    except IntegrityError:
        pass
    async with engine.connect() as connection:
        row = (
            (
                await connection.execute(
                    select(table).where(table.c.tenant_id == tenant, table.c.key == key)
                )
            )
            .mappings()
            .one()
        )
    if row["request_hash"] != digest:
        return problem_response(
            422,
            "Unprocessable content",
            "this Idempotency-Key was used with a different request",
            "idempotency-key-reused",
            errors=[{"field": HEADER, "message": "reused"}],
        )
    if row["status_code"] == IN_PROGRESS:
        return problem_response(
            409,
            "Conflict",
            "the first request with this Idempotency-Key is still running; retry shortly",
            "conflict",
            headers={"Retry-After": "1"},
        )
    return Response(
        row["response_body"].encode(),
        status_code=row["status_code"],
        media_type="application/json",
        headers={"Idempotent-Replayed": "true"},
    )


async def _record(
    engine: AsyncEngine, table: Table, tenant: str, key: str, status: int, content: bytes
) -> None:
    async with engine.begin() as connection:
        if status >= 500:
            # A server error is not an answer: let the client try again with the same key.
            await connection.execute(
                delete(table).where(table.c.tenant_id == tenant, table.c.key == key)
            )
            return
        await connection.execute(
            update(table)
            .where(table.c.tenant_id == tenant, table.c.key == key)
            .values(status_code=status, response_body=content.decode())
        )
