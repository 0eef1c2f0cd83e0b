"""Each service's OpenAPI document: every request body has an example, every operation a
summary, and every error the service can answer is documented as a problem."""

from __future__ import annotations

from typing import Any

import pytest

from debtflow_cli.suite import SUITE, Member
from debtflow_shared.http.problems import PROBLEM_JSON
from debtflow_shared.service import standalone_app
from tests.support.harness import Backend


def _operations(spec: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]


def _has_example(content: dict[str, Any], spec: dict[str, Any]) -> bool:
    if "examples" in content:  # set on the route: one body model serving several routes
        return True
    schema = content["schema"]
    if "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return "examples" in schema or "example" in schema


@pytest.mark.parametrize("member", SUITE, ids=lambda m: m.short_name)
def test_every_request_body_has_an_example_and_every_operation_a_summary(
    member: Member, embedded: Backend
) -> None:
    settings = embedded.settings(member.settings_class, member.short_name)
    spec = standalone_app(member.definition, settings).openapi()
    missing_example = [
        name
        for name, operation in _operations(spec)
        if "requestBody" in operation
        and not _has_example(operation["requestBody"]["content"]["application/json"], spec)
    ]
    missing_summary = [
        name for name, operation in _operations(spec) if not operation.get("summary")
    ]
    assert missing_example == []
    assert missing_summary == []


def _spec(member: Member, backend: Backend) -> dict[str, Any]:
    settings = backend.settings(member.settings_class, member.short_name)
    spec: dict[str, Any] = standalone_app(member.definition, settings).openapi()
    return spec


def _secured(operation: dict[str, Any]) -> bool:
    return any("HTTPBearer" in requirement for requirement in operation.get("security", []))


@pytest.mark.parametrize("member", SUITE, ids=lambda m: m.short_name)
def test_every_secured_operation_documents_401_and_403(member: Member, embedded: Backend) -> None:
    operations = [(n, o) for n, o in _operations(_spec(member, embedded)) if _secured(o)]
    assert operations, "every service has secured operations (the clock at least)"
    assert [n for n, o in operations if "401" not in o["responses"]] == []
    assert [n for n, o in operations if "403" not in o["responses"]] == []


@pytest.mark.parametrize("member", SUITE, ids=lambda m: m.short_name)
def test_every_operation_with_a_body_documents_400_for_unparsable_json_and_413_for_too_large(
    member: Member, embedded: Backend
) -> None:
    with_body = [(n, o) for n, o in _operations(_spec(member, embedded)) if "requestBody" in o]
    assert with_body
    assert [n for n, o in with_body if not {"400", "413"} <= set(o["responses"])] == []


@pytest.mark.parametrize("member", SUITE, ids=lambda m: m.short_name)
def test_every_operation_with_a_path_parameter_documents_404(
    member: Member, embedded: Backend
) -> None:
    with_path = [
        (name, operation)
        for name, operation in _operations(_spec(member, embedded))
        if any(p["in"] == "path" for p in operation.get("parameters", []))
    ]
    assert [n for n, o in with_path if "404" not in o["responses"]] == []


@pytest.mark.parametrize("member", SUITE, ids=lambda m: m.short_name)
def test_every_error_response_is_documented_as_a_problem_json_document(
    member: Member, embedded: Backend
) -> None:
    spec = _spec(member, embedded)
    not_problems = [
        f"{name} {status}"
        for name, operation in _operations(spec)
        for status, response in operation["responses"].items()
        if status.startswith("4")
        and response.get("content")
        != {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    ]
    assert not_problems == []
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
    assert "errors" in problem["properties"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]  # never sent


def test_writes_where_idempotency_keys_are_honoured_document_the_key_header(
    embedded: Backend,
) -> None:
    (invoice,) = [m for m in SUITE if m.definition.idempotency_table is not None]
    writes = [
        (name, operation)
        for name, operation in _operations(_spec(invoice, embedded))
        if name.split()[0] in {"POST", "PUT", "PATCH"} and _secured(operation)
    ]
    assert writes
    undocumented_key = [
        name
        for name, operation in writes
        if not any(p["name"] == "Idempotency-Key" for p in operation.get("parameters", []))
    ]
    assert undocumented_key == []


def test_an_alternative_success_documents_the_same_body_as_the_main_one(
    embedded: Backend,
) -> None:
    spec = _spec(SUITE[0], embedded)
    upsert = spec["paths"]["/v1/debtors"]["post"]["responses"]
    assert upsert["200"]["content"] == upsert["201"]["content"]
