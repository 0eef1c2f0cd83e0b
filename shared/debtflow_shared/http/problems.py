"""Errors as RFC 9457 ``application/problem+json``, declared once and mapped in one place.

A :class:`ProblemType` is a kind of problem: its status, title and the slug of its ``type``
URI. Routes raise a :class:`Problem` of a type (``NotFound(...)``, ``CONFLICT.problem(...)``);
a service maps its own typed exceptions to problem types in one :class:`ProblemTable`, whose
route class answers them as problems naming the offending field (``error.field``). The
handlers installed by :func:`install_problem_handlers` render every problem, and FastAPI's
own validation errors, as problem documents.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://debtflow.dev/problems/"


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: the status, title and ``type`` URI slug every instance shares."""

    status: int
    title: str
    slug: str

    @property
    def uri(self) -> str:
        """The problem document's ``type``."""
        return PROBLEM_TYPE_BASE + self.slug

    def problem(
        self,
        detail: str,
        *,
        field: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Problem:
        """A :class:`Problem` of this type; ``field`` names the one input at fault."""
        if field:
            errors = [field_error(field, detail), *(errors or [])]
        return Problem(detail, errors=errors, headers=headers, kind=self)


BAD_REQUEST = ProblemType(400, "Bad request", "bad-request")
INVALID_JSON = ProblemType(400, "Bad request", "invalid-json")
UNAUTHORIZED = ProblemType(401, "Unauthorized", "unauthorized")
FORBIDDEN = ProblemType(403, "Forbidden", "forbidden")
NOT_FOUND = ProblemType(404, "Not found", "not-found")
CONFLICT = ProblemType(409, "Conflict", "conflict")
CONCURRENT_CHANGE = ProblemType(409, "Changed concurrently", "concurrent-change")
CONTENT_TOO_LARGE = ProblemType(413, "Content too large", "content-too-large")
UNPROCESSABLE = ProblemType(422, "Unprocessable content", "validation")
INTERNAL = ProblemType(500, "Internal server error", "internal")


class Problem(Exception):
    """An error a client can act on, of a :class:`ProblemType` (subclasses fix the type)."""

    kind: ProblemType = BAD_REQUEST

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        kind: ProblemType | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        if kind is not None:
            self.kind = kind


class NotFound(Problem):
    kind = NOT_FOUND


class Conflict(Problem):
    kind = CONFLICT


class Unauthorized(Problem):
    kind = UNAUTHORIZED


class Forbidden(Problem):
    kind = FORBIDDEN


class Unprocessable(Problem):
    kind = UNPROCESSABLE


def field_error(field: str, message: str) -> dict[str, Any]:
    """One entry of a problem's ``errors``: the offending field and what is wrong with it."""
    return {"field": field, "message": message}


def problem_response(
    kind: ProblemType,
    detail: str,
    *,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The ``application/problem+json`` answer for a problem of ``kind``."""
    body: dict[str, Any] = {
        "type": kind.uri,
        "title": kind.title,
        "status": kind.status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=kind.status, media_type=PROBLEM_JSON, headers=headers)


class ProblemTable:
    """A service's typed exceptions, each answered as a problem of the type it maps to.

    An exception matches through its closest mapped class (so ``LedgerError`` can stand for
    every rule not mapped on its own); its ``str`` is the detail, and its ``field`` attribute,
    when set, names the offending input in ``errors``. Build routers with
    ``route_class=table.route_class``.
    """

    def __init__(self, types: Mapping[type[Exception], ProblemType]) -> None:
        self.types: Mapping[type[Exception], ProblemType] = dict(types)
        self.route_class: type[APIRoute] = _route_class(self)

    def problem_for(self, error: BaseException) -> Problem | None:
        """The problem ``error`` is answered with, or None when nothing maps its class."""
        if isinstance(error, Problem):
            return None  # already a problem: answered as raised
        kind = next((self.types[c] for c in type(error).__mro__ if c in self.types), None)
        if kind is None:
            return None
        field = getattr(error, "field", None)
        return kind.problem(str(error), field=field if isinstance(field, str) else None)


def _route_class(table: ProblemTable) -> type[APIRoute]:
    class ProblemRoute(APIRoute):
        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handle = super().get_route_handler()

            async def translated(request: Request) -> Response:
                try:
                    return await handle(request)
                except Exception as error:
                    problem = table.problem_for(error)
                    if problem is None:
                        raise
                    raise problem from None

            return translated

    return ProblemRoute


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    # ("body", "items", 3, "amount") -> "items[3].amount"; the "body"/"query" root is implied.
    parts = list(loc[1:]) if loc and loc[0] in {"body", "query", "path", "header"} else list(loc)
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or str(loc[0] if loc else "")


def install_problem_handlers(app: FastAPI) -> None:
    """Answer problems, validation errors and HTTP errors as problem documents."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, error: Problem) -> JSONResponse:
        return problem_response(
            error.kind,
            error.detail,
            instance=request.url.path,
            errors=error.errors,
            headers=error.headers,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        if any(e.get("type") == "json_invalid" for e in error.errors()):
            # 400, not 422: there is no document whose fields could be named.
            return problem_response(
                INVALID_JSON, "the body is not valid JSON", instance=request.url.path
            )
        errors = [field_error(_location(e["loc"]), e["msg"]) for e in error.errors()]
        names = ", ".join(sorted({e["field"] for e in errors})) or "request"
        return problem_response(
            UNPROCESSABLE,
            f"invalid field(s): {names}",
            instance=request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 413:
            return problem_response(CONTENT_TOO_LARGE, str(error.detail), instance=request.url.path)
        return problem_response(
            ProblemType(error.status_code, str(error.detail), "http"),
            str(error.detail),
            instance=request.url.path,
            headers=dict(error.headers or {}),
        )
