"""The import-linter contracts (``make check`` runs them) cover every service there is.

A contract names packages: a new service, or a service's first ``consumers.py``, left out
of it would be unchecked without anyone noticing. This test notices.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    return {contract["name"]: contract for contract in config["contracts"]}


def _services() -> list[str]:
    return sorted(
        package.name
        for package in (ROOT / "services").glob("*/*_svc")
        if (package / "__init__.py").exists()
    )


def _contract(starting: str) -> dict[str, Any]:
    return next(c for name, c in _contracts().items() if name.startswith(starting))


def test_every_service_is_in_the_layers_and_independence_contracts() -> None:
    services = _services()
    assert len(services) >= 4
    assert sorted(_contract("Each service is layered")["containers"]) == services
    assert sorted(_contract("No service imports another")["modules"]) == services
    assert set(services) <= set(_contract("shared/ imports no service")["forbidden_modules"])


def test_every_entry_point_of_every_service_may_reach_adapters_only_through_use_cases() -> None:
    contract = _contract("Entry points reach adapters")
    entry_points = {
        f"{package.name}.{entry.stem}"
        for package in (ROOT / "services").glob("*/*_svc")
        for entry in (package / "api", package / "consumers.py")
        if entry.exists()
    }
    assert set(contract["source_modules"]) == entry_points
    assert set(contract["forbidden_modules"]) == {f"{s}.adapters" for s in _services()}


def test_every_domain_is_kept_free_of_the_database_and_the_web() -> None:
    contract = _contract("The domain is plain Python")
    assert set(contract["source_modules"]) == {f"{s}.domain" for s in _services()}
    assert {"sqlalchemy", "fastapi"} <= set(contract["forbidden_modules"])
