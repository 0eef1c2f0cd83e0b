"""Each service's OpenAPI document: every request body has an example, every operation a summary."""

from __future__ import annotations

from typing import Any

import pytest

from debtflow_cli.suite import SUITE, Member
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
