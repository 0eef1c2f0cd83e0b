"""The FastAPI application every service is built on: same middleware, errors, health."""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import structlog
from fastapi import APIRouter, Depends, FastAPI, Request, Response
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from debtflow_shared.auth import CLOCK_WRITE, Principal
from debtflow_shared.clock import (
    LATEST_INSTANT,
    MAX_ADVANCE,
    Clock,
    ClockOutOfRange,
    ControlledClock,
    TimeTravelBackwards,
    ensure_utc,
)
from debtflow_shared.context import traced
from debtflow_shared.http.idempotency import install_idempotency
from debtflow_shared.http.openapi import install_openapi
from debtflow_shared.http.problems import (
    INTERNAL,
    UNPROCESSABLE,
    Conflict,
    install_problem_handlers,
    problem_response,
)
from debtflow_shared.http.request_limits import RequestBodyLimit
from debtflow_shared.http.request_text import RequestTextGuard
from debtflow_shared.http.security import AdminSubject, require

if TYPE_CHECKING:
    from debtflow_shared.service import ServiceRuntime

CORRELATION_HEADER = "X-Correlation-Id"

# Moving time affects every tenant of the deployment: an operator scope, not ``admin``.
ClockOperator = Annotated[Principal, Depends(require(CLOCK_WRITE))]


def create_service_app(runtime: ServiceRuntime) -> FastAPI:
    definition = runtime.definition
    platform = runtime.settings.platform
    app = FastAPI(
        title=f"debtflow {definition.name}",
        version="0.1.0",
        description=definition.description,
        openapi_tags=[{"name": tag, "description": text} for tag, text in definition.tags],
    )
    app.state.runtime = runtime
    app.state.token_verifier = runtime.verifier
    install_problem_handlers(app)
    if definition.idempotency_table is not None:
        install_idempotency(
            app, definition.idempotency_table, fault_injection=platform.fault_injection
        )
    app.add_middleware(
        RequestBodyLimit,
        max_body_bytes=platform.http_max_body_bytes,
        max_batch_body_bytes=platform.http_max_batch_body_bytes,
    )
    app.add_middleware(RequestTextGuard)
    _install_request_context(app, runtime)  # outermost: ids and metrics cover everything
    app.include_router(_operations_router())
    app.include_router(_admin_router(), prefix="/v1")
    for router in definition.routers:
        app.include_router(router, prefix="/v1")
    install_openapi(app, idempotent_writes=definition.idempotency_table is not None)
    return app


def get_runtime(request: Request) -> ServiceRuntime:
    runtime: ServiceRuntime = request.app.state.runtime
    return runtime


def _install_request_context(app: FastAPI, runtime: ServiceRuntime) -> None:
    metrics = runtime.metrics

    @app.middleware("http")
    async def request_context(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        request_id = str(uuid.uuid4())
        correlation_id = request.headers.get(CORRELATION_HEADER) or request_id
        started = time.perf_counter()
        log = structlog.get_logger("http")
        with traced(correlation_id, request_id, service=runtime.definition.name):
            try:
                response = await call_next(request)
            except Exception:
                # Answered here, inside the trace, so that a failure is logged like any answer.
                log.exception("request failed", method=request.method, path=request.url.path)
                response = problem_response(
                    INTERNAL,
                    f"the request failed; quote correlation id {correlation_id}",
                    instance=request.url.path,
                )
            route = request.scope.get("route")
            path = getattr(route, "path", "unmatched")
            metrics.http_requests.labels(
                metrics.service, request.method, path, str(response.status_code)
            ).inc()
            response.headers[CORRELATION_HEADER] = correlation_id
            if path not in {"/healthz", "/readyz", "/metrics"}:
                log.info(
                    "request",
                    method=request.method,
                    path=request.url.path,
                    status=response.status_code,
                    ms=round((time.perf_counter() - started) * 1000, 1),
                )
        return response


def _operations_router() -> APIRouter:
    router = APIRouter(tags=["operations"])

    @router.get("/healthz", summary="Liveness: the process is up")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get(
        "/readyz",
        summary="Readiness: the database and the broker answer, the clock tells the time",
        responses={503: {"description": "a dependency is unreachable or the clock is broken"}},
    )
    async def readyz(request: Request, response: Response) -> dict[str, object]:
        runtime = get_runtime(request)
        checks = dict(await runtime.readiness())
        clock_fault = _clock_fault(runtime.clock)
        checks["clock"] = clock_fault is None
        ready = all(checks.values())
        response.status_code = 200 if ready else 503
        body: dict[str, object] = {"status": "ready" if ready else "not ready", "checks": checks}
        if clock_fault is not None:
            body["reasons"] = {"clock": clock_fault}
        return body

    @router.get("/metrics", summary="Prometheus metrics", response_class=Response)
    async def metrics(request: Request) -> Response:
        body = get_runtime(request).metrics.exposition()
        return Response(body, media_type="text/plain; version=0.0.4")

    return router


def _clock_fault(clock: Clock) -> str | None:
    """Why business time cannot be read (every request and sweep would fail), else None."""
    try:
        now = clock.now()
    except Exception as error:
        return f"the clock cannot tell the time: {type(error).__name__}: {error}"
    if now.tzinfo is None:
        return "the clock answers a naive time"
    return None


class ClockState(BaseModel):
    now: datetime
    controllable: bool
    frozen: bool = False


class ClockMove(BaseModel):
    """Move a controlled clock forward: by a number of seconds, or to an instant."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"advance_seconds": 86400}, {"to": "2026-12-01T09:00:00Z"}]}
    )

    advance_seconds: float | None = Field(
        default=None,
        ge=0,
        le=MAX_ADVANCE.total_seconds(),
        allow_inf_nan=False,
        strict=True,  # a number, not `true` or "86400"
        description=f"seconds to move forward, at most {MAX_ADVANCE.days} days (100 years)",
        examples=[86400],
    )
    to: AwareDatetime | None = Field(
        default=None,
        le=LATEST_INSTANT,
        description=f"an instant with a time zone, no later than {LATEST_INSTANT.isoformat()}",
        examples=["2026-12-01T09:00:00Z"],
    )

    @field_validator("to")
    @classmethod
    def _has_a_utc_instant(cls, value: datetime | None) -> datetime | None:
        # 0001-01-01T00:00+01:00 is a valid timestamp with no UTC instant: a 422, not a 500.
        try:
            return None if value is None else ensure_utc(value)
        except OverflowError:
            raise ValueError("not an instant in UTC's range") from None

    @model_validator(mode="after")
    def _exactly_one(self) -> ClockMove:
        if (self.advance_seconds is None) == (self.to is None):
            raise ValueError("give exactly one of advance_seconds or to")
        return self


def _admin_router() -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["admin"])

    @router.get("/clock", summary="The service's business time")
    async def read_clock(request: Request, _: AdminSubject) -> ClockState:
        clock = get_runtime(request).clock
        return ClockState(
            now=clock.now(),
            controllable=isinstance(clock, ControlledClock),
            frozen=isinstance(clock, ControlledClock) and clock.frozen,
        )

    @router.post(
        "/clock",
        summary="Move a controlled clock forward (tests, demo, simulator; scope clock:write)",
        responses={409: {"description": "the clock follows the real time"}},
    )
    async def move_clock(request: Request, move: ClockMove, _: ClockOperator) -> ClockState:
        clock = get_runtime(request).clock
        if not isinstance(clock, ControlledClock):
            raise Conflict(
                "this service runs on the system clock; start it with "
                "DEBTFLOW_CLOCK=controlled to move time"
            )
        field = "to" if move.to is not None else "advance_seconds"
        try:
            if move.to is not None:
                clock.set(move.to)
            else:
                clock.advance(timedelta(seconds=move.advance_seconds or 0))
        except (TimeTravelBackwards, ClockOutOfRange) as error:
            raise UNPROCESSABLE.problem(str(error), field=field) from None
        return ClockState(now=clock.now(), controllable=True, frozen=clock.frozen)

    return router
