"""Who and what the current work is about: tenant, correlation and causation ids.

Set once where work enters a service (an HTTP request, a consumed event) and read by the
unit of work when it stamps new events, and by the logger on every line.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import structlog


@dataclass(frozen=True)
class TraceContext:
    correlation_id: str
    causation_id: str


_trace: ContextVar[TraceContext | None] = ContextVar("debtflow_trace", default=None)


def current_trace() -> TraceContext | None:
    return _trace.get()


@contextmanager
def traced(correlation_id: str, causation_id: str, **log_fields: str) -> Iterator[TraceContext]:
    """Run a block with these ids on the events it emits and on its log lines."""
    trace = TraceContext(correlation_id, causation_id)
    token = _trace.set(trace)
    with structlog.contextvars.bound_contextvars(
        correlation_id=correlation_id, causation_id=causation_id, **log_fields
    ):
        try:
            yield trace
        finally:
            _trace.reset(token)
