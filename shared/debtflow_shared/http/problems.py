"""Errors as RFC 9457 ``application/problem+json``, mapped in one place.

Domain code raises the typed errors below (or subclasses); the handlers installed by
:func:`install_problem_handlers` turn them, and FastAPI's own validation errors, into
problem documents that name the offending field.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error a client can act on. Subclasses fix the status and title."""

    status = 400
    title = "Bad request"
    type_suffix = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


class NotFound(Problem):
    status, title, type_suffix = 404, "Not found", "not-found"


class Conflict(Problem):
    status, title, type_suffix = 409, "Conflict", "conflict"


class Unauthorized(Problem):
    status, title, type_suffix = 401, "Unauthorized", "unauthorized"


class Forbidden(Problem):
    status, title, type_suffix = 403, "Forbidden", "forbidden"


class Unprocessable(Problem):
    status, title, type_suffix = 422, "Unprocessable content", "validation"


def field_error(field: str, message: str) -> dict[str, Any]:
    return {"field": field, "message": message}


def problem_response(
    status: int,
    title: str,
    detail: str,
    type_suffix: str,
    *,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body: dict[str, Any] = {
        "type": f"https://debtflow.dev/problems/{type_suffix}",
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    # ("body", "items", 3, "amount") -> "items[3].amount"; the "body"/"query" root is implied.
    parts = list(loc[1:]) if loc and loc[0] in {"body", "query", "path", "header"} else list(loc)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or str(loc[0] if loc else "")


def install_problem_handlers(app: FastAPI) -> None:
    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(
            error.status,
            error.title,
            error.detail,
            error.type_suffix,
            instance=request.url.path,
            errors=error.errors,
            headers=error.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        if any(e.get("type") == "json_invalid" for e in error.errors()):
            # 400, not 422: there is no document whose fields could be named.
            return problem_response(
                400,
                "Bad request",
                "the body is not valid JSON",
                "invalid-json",
                instance=request.url.path,
            )
        errors = [field_error(_location(e["loc"]), e["msg"]) for e in error.errors()]
        names = ", ".join(sorted({e["field"] for e in errors})) or "request"
        return problem_response(
            422,
            "Unprocessable content",
            f"invalid field(s): {names}",
            "validation",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 413:
            return problem_response(
                413,
                "Content too large",
                str(error.detail),
                "content-too-large",
                instance=request.url.path,
            )
        return problem_response(
            error.status_code,
            str(error.detail),
            str(error.detail),
            "http",
            instance=request.url.path,
            headers=dict(error.headers or {}),
        )
