"""``Idempotency-Key``: a retried write returns the first answer and changes nothing.

A write carrying the header runs in one *request transaction*: every unit of work the route
opens joins it as a savepoint, and the answer is inserted into the idempotency table in
that same transaction, after the response is built and before it is sent. So a committed
write always has its answer stored (a retry replays it and runs nothing), and an answer
never exists without its write (a request killed before its commit left nothing behind,
and a retry runs afresh). There is no "in progress" mark that could outlive a crash: two
concurrent requests with one key both run, the second to commit finds the key taken, rolls
back everything it did, and answers with the first one's answer.

The key belongs to the authenticated caller (tenant and token subject) and is looked up
when the route opens its first unit of work, that is after the route's authentication and
scope checks passed: an unauthorised caller never sees a stored answer, and auth failures
are never stored. A server error rolls back and stores nothing; answers that may change on
retry (409, 413, 429, or with ``Retry-After``) commit their writes without being stored.
A request that commits several units of work (a batch commits every 500 rows) commits each
earlier one when the next opens: only its last shares the answer's transaction, and the
earlier ones are as idempotent as their rows (upserts by ERP id).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request, Response
from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from debtflow_shared.auth import Principal
from debtflow_shared.db import UTCDateTime
from debtflow_shared.http.problems import (
    UNPROCESSABLE,
    ProblemType,
    field_error,
    problem_response,
)
from debtflow_shared.unit_of_work import request_transaction

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
# Test-only fault injection (``DEBTFLOW_FAULT_INJECTION``, refused in production).
FAULT_HEADER = "X-Debtflow-Fault"
KILL_BEFORE_COMMIT, KILL_AFTER_COMMIT = "kill-before-commit", "kill-after-commit"
_WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_REPLAYED_HEADERS = ("content-type", "location")
_NOT_STORED = frozenset({401, 403, 408, 409, 413, 425, 429})
IDEMPOTENCY_KEY_REUSED = ProblemType(422, UNPROCESSABLE.title, "idempotency-key-reused")


def define_idempotency_table(metadata: MetaData) -> Table:
    """The ``idempotency_keys`` table the middleware keeps answers in, on a service's metadata.

    A new service's migration creates it with
    :func:`debtflow_shared.migrations.create_idempotency_table`.
    """
    return Table(
        "idempotency_keys",
        metadata,
        Column("tenant_id", String(64), nullable=False),
        Column("subject", String(200), nullable=False),  # the token's subject: keys are per caller
        Column("key", String(200), nullable=False),
        Column("request_hash", String(64), nullable=False),
        Column("status_code", Integer, nullable=False),
        Column("response_headers", Text, nullable=False),  # JSON: content-type, location
        Column("response_body", Text, nullable=False),
        Column("created_at", UTCDateTime, nullable=False),
        PrimaryKeyConstraint("tenant_id", "subject", "key"),
    )


class IdempotentReplay(Exception):
    """The key's first answer, raised where the route opens its first unit of work."""

    def __init__(self, response: Response) -> None:
        super().__init__("replayed")
        self.response = response


def caller_authenticated(principal: Principal) -> None:
    """Bind the current idempotent request, if any, to the caller its token proves."""
    request = request_transaction.get()
    if isinstance(request, IdempotentRequest):
        request.caller = (principal.tenant_id, principal.subject)


def install_idempotency(app: FastAPI, table: Table, *, fault_injection: bool = False) -> None:
    """Honour ``Idempotency-Key`` on writes; answers are kept in ``table``."""

    async def replay(_request: Request, error: Exception) -> Response:
        assert isinstance(error, IdempotentReplay)
        return error.response

    app.add_exception_handler(IdempotentReplay, replay)
    app.add_middleware(IdempotencyMiddleware, table=table, fault_injection=fault_injection)


@dataclass
class IdempotentRequest:
    """One write carrying the header, from its first byte to its answer."""

    table: Table
    key: str
    fault: str | None
    _digest: Any
    caller: tuple[str, str] | None = None
    session: AsyncSession | None = None
    _wrote: bool = False
    _after_commit: list[Callable[[], None]] = field(default_factory=list)

    async def join(self, sessions: async_sessionmaker[AsyncSession]) -> AsyncSession | None:
        """The session a unit of work opening in this request uses (None: not idempotent).

        Raises :class:`IdempotentReplay` when the key already has an answer.
        """
        if self.caller is None:
            return None  # no authenticated caller (or already answered): a plain unit of work
        if self.session is not None:
            if self._wrote:
                await self._commit()  # an earlier unit of work's writes, before the next one
            return self.session
        if not 1 <= len(self.key) <= 200:
            raise UNPROCESSABLE.problem(
                "Idempotency-Key must be 1 to 200 characters",
                errors=[field_error(HEADER, "must be 1 to 200 characters")],
            )
        session = sessions()
        try:
            stored = await self._stored(session)
        except BaseException:
            await session.close()
            raise
        if stored is not None:
            await session.close()
            self.caller = None
            raise IdempotentReplay(self._replay(stored))
        self.session = session
        return session

    def unit_committed(self, after_commit: Callable[[], None] | None) -> None:
        """A unit of work released its savepoint: its writes commit with the answer."""
        self._wrote = True
        if after_commit is not None:
            self._after_commit.append(after_commit)

    async def settle(self, status: int, headers: Headers, body: bytes) -> Response | None:
        """Commit the writes with the answer; or return what to answer instead (a replay)."""
        session = self.session
        assert session is not None
        try:
            if status >= 500:
                return None  # a server error is no answer: roll back, the key stays free
            if not _storable(status, headers, body):
                if self._wrote:
                    await self._commit()
                return None
            self._kill_if(KILL_BEFORE_COMMIT)
            try:
                await session.execute(insert(self.table).values(self._row(status, headers, body)))
                await self._commit()
            except IntegrityError:
                # A concurrent request with this key committed first: undo ours, answer theirs.
                await session.rollback()
                stored = await self._stored(session)
                if stored is None:
                    raise
                return self._replay(stored)
            self._kill_if(KILL_AFTER_COMMIT)
            return None
        finally:
            await self.abandon()

    async def abandon(self) -> None:
        """Roll back whatever was not committed, and let the connection go."""
        session, self.session = self.session, None
        if session is not None:
            await session.close()

    def digest(self, chunk: bytes) -> None:
        self._digest.update(chunk)

    async def _commit(self) -> None:
        assert self.session is not None
        await self.session.commit()
        self._wrote = False
        hooks, self._after_commit = self._after_commit, []
        for hook in hooks:
            hook()

    async def _stored(self, session: AsyncSession) -> dict[str, Any] | None:
        assert self.caller is not None
        tenant, subject = self.caller
        table = self.table
        query = select(table).where(
            table.c.tenant_id == tenant, table.c.subject == subject, table.c.key == self.key
        )
        row = (await session.execute(query)).mappings().one_or_none()
        await session.rollback()  # lets the connection (and SQLite's write lock) go meanwhile
        return dict(row) if row is not None else None

    def _replay(self, stored: dict[str, Any]) -> Response:
        if stored["request_hash"] != self._digest.hexdigest():
            return problem_response(
                IDEMPOTENCY_KEY_REUSED,
                "this Idempotency-Key was used with a different request",
                errors=[field_error(HEADER, "already used with a different request")],
            )
        headers = json.loads(stored["response_headers"]) | {REPLAYED: "true"}
        return Response(
            stored["response_body"].encode(), status_code=stored["status_code"], headers=headers
        )

    def _row(self, status: int, headers: Headers, body: bytes) -> dict[str, Any]:
        assert self.caller is not None
        kept = {name: headers[name] for name in _REPLAYED_HEADERS if name in headers}
        return {
            "tenant_id": self.caller[0],
            "subject": self.caller[1],
            "key": self.key,
            "request_hash": self._digest.hexdigest(),
            "status_code": status,
            "response_headers": json.dumps(kept),
            "response_body": body.decode(),
            "created_at": datetime.now(UTC),
        }

    def _kill_if(self, fault: str) -> None:
        if self.fault == fault:
            os.kill(os.getpid(), signal.SIGKILL)


def _storable(status: int, headers: Headers, body: bytes) -> bool:
    if status in _NOT_STORED or "retry-after" in headers:
        return False
    try:
        body.decode()
    except UnicodeDecodeError:
        return False
    return True


class IdempotencyMiddleware:
    """Gives a write with the header its :class:`IdempotentRequest` and settles its answer."""

    def __init__(self, app: ASGIApp, *, table: Table, fault_injection: bool = False) -> None:
        self.app = app
        self.table = table
        self.fault_injection = fault_injection

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":  # the lifespan scope has no headers
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get(HEADER)
        if scope["method"] not in _WRITES or key is None:
            await self.app(scope, receive, send)
            return
        digest = hashlib.sha256(
            f"{scope['method']} {scope['path']}?{scope['query_string'].decode()}\n".encode()
        )
        fault = headers.get(FAULT_HEADER) if self.fault_injection else None
        request = IdempotentRequest(self.table, key, fault, digest)
        token = request_transaction.set(request)
        try:
            await self.app(scope, _hashing(receive, request), _settling(scope, send, request))
        except BaseException:
            await request.abandon()
            raise
        finally:
            request_transaction.reset(token)


def _hashing(receive: Receive, request: IdempotentRequest) -> Receive:
    async def hashed() -> Message:
        message = await receive()
        if message["type"] == "http.request":
            request.digest(message.get("body", b""))
        return message

    return hashed


def _settling(scope: Scope, send: Send, request: IdempotentRequest) -> Send:
    """Holds the answer of a request in a request transaction until it is settled."""
    held: list[Message] = []
    passing = False

    async def settling(message: Message) -> None:
        nonlocal passing
        if message["type"] == "http.response.start":
            passing = request.session is None  # no unit of work joined: nothing to settle
        if passing or message["type"] not in {"http.response.start", "http.response.body"}:
            await send(message)
            return
        held.append(message)
        if message["type"] != "http.response.body" or message.get("more_body", False):
            return
        start, body = held[0], b"".join(m.get("body", b"") for m in held[1:])
        instead = await request.settle(start["status"], Headers(raw=start["headers"]), body)
        if instead is not None:
            await instead(scope, _no_body, send)
            return
        await send(start)
        await send({"type": "http.response.body", "body": body})

    return settling


async def _no_body() -> Message:
    return {"type": "http.disconnect"}
