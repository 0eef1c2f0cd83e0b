"""FastAPI dependencies for bearer-token auth and scope checks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from debtflow_shared.auth import InvalidToken, Principal, TokenVerifier
from debtflow_shared.http.idempotency import caller_authenticated
from debtflow_shared.http.problems import Forbidden, Unauthorized

_bearer = HTTPBearer(auto_error=False, description="A token from `debtflow token create`")
_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def _verifier(request: Request) -> TokenVerifier:
    verifier: TokenVerifier = request.app.state.token_verifier
    return verifier


async def authenticated(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    if credentials is None:
        raise Unauthorized("a bearer token is required", headers=_CHALLENGE)
    try:
        principal = _verifier(request).verify(credentials.credentials)
    except InvalidToken as error:
        raise Unauthorized(str(error), headers=_CHALLENGE) from None
    request.state.principal = principal
    caller_authenticated(principal)  # an Idempotency-Key belongs to this caller
    structlog.contextvars.bind_contextvars(tenant_id=principal.tenant_id)
    return principal


def require(scope: str) -> Callable[..., Awaitable[Principal]]:
    """A dependency that admits callers whose token carries ``scope`` (or ``admin``)."""

    async def check(principal: Annotated[Principal, Depends(authenticated)]) -> Principal:
        if not principal.has(scope):
            raise Forbidden(f"this call needs the {scope!r} scope")
        return principal

    check.__name__ = f"require_{scope.replace(':', '_')}"
    return check


AuthSubject = Annotated[Principal, Depends(authenticated)]
AdminSubject = Annotated[Principal, Depends(require("admin"))]
