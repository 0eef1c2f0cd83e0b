"""The README's reference tables keep up with the code: every setting, every scope."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from debtflow_cli.suite import SUITE, Member
from debtflow_shared.http.security import require
from debtflow_shared.service import standalone_app
from debtflow_shared.settings import PlatformSettings, ServiceSettings
from tests.support.harness import Backend

README = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def _section(title: str) -> str:
    start = README.index(f"\n{title}\n")
    end = README.find("\n## ", start + 1)
    return README[start : end if end != -1 else None]


def _variables(settings: type[Any], prefix: str) -> list[str]:
    # `platform` is the nested DEBTFLOW_ block, not a variable of its own.
    return [f"{prefix}{name.upper()}" for name in settings.model_fields if name != "platform"]


def test_every_platform_setting_is_in_the_readme_configuration_table() -> None:
    table = _section("## Configuration")
    variables = _variables(PlatformSettings, "DEBTFLOW_")
    assert [v for v in variables if f"`{v}`" not in table] == []


@pytest.mark.parametrize("member", SUITE, ids=lambda m: m.short_name)
def test_every_service_setting_is_in_the_readme_configuration_table(member: Member) -> None:
    table = _section("## Configuration")
    prefix = str(member.settings_class.model_config["env_prefix"])
    assert f"`{prefix}`" in table  # the table names each service's prefix
    shared = set(ServiceSettings.model_fields)
    missing = [v for v in _variables(ServiceSettings, "<P>_") if f"`{v}`" not in table] + [
        v
        for v in _variables(member.settings_class, prefix)
        if v.removeprefix(prefix).lower() not in shared and f"`{v}`" not in table
    ]
    assert missing == []


def _scopes(dependant: Dependant) -> Iterator[str]:
    for dependency in dependant.dependencies:
        call = dependency.call
        name = str(getattr(call, "__qualname__", ""))  # a security scheme has none
        if call is not None and name.startswith(f"{require.__qualname__}."):
            yield str(inspect.getclosurevars(call).nonlocals["scope"])
        yield from _scopes(dependency)


def test_every_scope_a_route_requires_is_in_the_readme_scope_table(embedded: Backend) -> None:
    required = set()
    for member in SUITE:
        settings = embedded.settings(member.settings_class, member.short_name)
        app = standalone_app(member.definition, settings)
        for route in iter_route_contexts(app.routes):
            if isinstance(route.original_route, APIRoute):
                required |= set(_scopes(route.dependant))
    assert {"admin", "clock:write", "invoices:read"} <= required
    documented = set(re.findall(r"^\| `([a-z]+(?::[a-z]+)?)` \|", _section("### Auth"), re.M))
    assert sorted(required - documented) == []
