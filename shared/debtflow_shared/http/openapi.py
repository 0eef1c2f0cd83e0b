"""An OpenAPI document that tells the truth about errors.

FastAPI documents what a route declares, plus a 422 in a schema we never send. Every
service also answers 401 to a missing or bad token, 403 to a token without the scope,
400 to a body that is not JSON, 413 to a body over the limit and 404 to a path naming
nothing, all as ``application/problem+json``; and a service that keeps ``Idempotency-Key``
answers takes that header on every write. This module adds those to each operation from
what its route depends on, so a new route is documented without anyone remembering to.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts

from debtflow_shared.http.idempotency import HEADER as IDEMPOTENCY_HEADER
from debtflow_shared.http.problems import PROBLEM_JSON
from debtflow_shared.http.security import authenticated, require

PROBLEM_REF = "#/components/schemas/Problem"

# RFC 9457, as problems.py renders it: ``errors`` names each offending field.
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": "An RFC 9457 problem document",
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string", "description": "a URI naming the kind of problem"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": {"type": "string", "description": "what went wrong, for a person"},
        "instance": {"type": "string", "description": "the path that was called"},
        "errors": {
            "type": "array",
            "description": "each offending field (`items[3].amount.currency`) and why",
            "items": {
                "type": "object",
                "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

UNAUTHORIZED = "no bearer token, or one that is invalid, expired or signed by an unknown key"
FORBIDDEN = "the token lacks the scope this call needs"
# A path parameter the router cannot match (a control character, say) names no resource.
NO_SUCH_PATH = "nothing at this path for your tenant"
UNPARSABLE = "the body is not valid JSON"
TOO_LARGE = "the body is larger than this endpoint accepts"
WRITE_METHODS = frozenset({"post", "put", "patch"})


def install_openapi(app: FastAPI, *, idempotent_writes: bool) -> None:
    """Have ``app.openapi()`` document every error the service can answer, as problems."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_problems(
                generate(), app, idempotent_writes=idempotent_writes
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def document_problems(
    spec: dict[str, Any], app: FastAPI, *, idempotent_writes: bool
) -> dict[str, Any]:
    """Add the errors each operation can answer and give every 4xx the Problem schema."""
    # Included routers are contexts over their routes (with the router's dependencies).
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        for method in route.methods or ():
            operation = spec["paths"].get(route.path_format, {}).get(method.lower())
            if operation is not None:
                _document_operation(operation, route, method.lower(), idempotent_writes)
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas["Problem"] = copy.deepcopy(PROBLEM_SCHEMA)
    # FastAPI's validation-error shapes are never sent: problems replace them.
    for unused in ("HTTPValidationError", "ValidationError"):  # in this order
        if unused in schemas and not _refers_to(spec, f"#/components/schemas/{unused}"):
            del schemas[unused]
    return spec


def _document_operation(
    operation: dict[str, Any], route: RouteContext, method: str, idempotent_writes: bool
) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    calls = set(_calls(route.dependant))
    if authenticated in calls:
        responses.setdefault("401", {"description": UNAUTHORIZED})
    if any(_is_scope_check(call) for call in calls):
        responses.setdefault("403", {"description": FORBIDDEN})
    if any(parameter.get("in") == "path" for parameter in operation.get("parameters", [])):
        responses.setdefault("404", {"description": NO_SUCH_PATH})
    if "requestBody" in operation:
        responses.setdefault("400", {"description": UNPARSABLE})
        responses.setdefault("413", {"description": TOO_LARGE})
    if idempotent_writes and method in WRITE_METHODS and authenticated in calls:
        responses.setdefault("422", {"description": "invalid field(s), or a key reused"})
        _document_idempotency_header(operation)
    for status, response in responses.items():
        if status.startswith("4"):
            response["content"] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}
    _describe_alternative_successes(responses, route)


def _document_idempotency_header(operation: dict[str, Any]) -> None:
    parameters: list[dict[str, Any]] = operation.setdefault("parameters", [])
    if any(p.get("in") == "header" and p.get("name") == IDEMPOTENCY_HEADER for p in parameters):
        return
    parameters.append(
        {
            "name": IDEMPOTENCY_HEADER,
            "in": "header",
            "required": False,
            "description": "1 to 200 characters: a retry with the same key and body gets the "
            "first answer back (`Idempotent-Replayed: true`); the same key with another body "
            "is a 422",
            # The length is checked where the write begins, not on every route: not a bound.
            "schema": {"type": "string"},
        }
    )


def _describe_alternative_successes(responses: dict[str, Any], route: RouteContext) -> None:
    # "200: already recorded" answers the same body as the 201: say so.
    main = responses.get(str(route.status_code or 200), {})
    content = main.get("content")
    if not content:
        return
    for status, response in responses.items():
        if status.startswith("2") and status != "204" and "content" not in response:
            response["content"] = copy.deepcopy(content)


def _calls(dependant: Dependant) -> Iterator[Any]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def _is_scope_check(call: Any) -> bool:
    return str(getattr(call, "__qualname__", "")).startswith(f"{require.__qualname__}.")


def _refers_to(document: Any, ref: str) -> bool:
    if isinstance(document, dict):
        return document.get("$ref") == ref or any(_refers_to(v, ref) for v in document.values())
    if isinstance(document, list):
        return any(_refers_to(v, ref) for v in document)
    return False
