"""Every package installs quietly: no setuptools ``BuildBackendWarning`` on ``make install``."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYPROJECTS = sorted(
    [
        ROOT / "pyproject.toml",
        ROOT / "shared" / "pyproject.toml",
        *ROOT.glob("services/*/pyproject.toml"),
    ]
)


def _read(path: Path) -> dict[str, object]:
    with path.open("rb") as file:
        return tomllib.load(file)


@pytest.mark.parametrize("path", PYPROJECTS, ids=lambda p: str(p.parent.relative_to(ROOT)))
def test_every_package_states_its_license_as_an_spdx_expression(path: Path) -> None:
    # A TOML table (`{ text = ... }`) is deprecated and warns on every build.
    project = _read(path)["project"]
    assert isinstance(project, dict)
    assert project.get("license") == "Apache-2.0"
    build = _read(path)["build-system"]
    assert isinstance(build, dict)
    assert "setuptools>=77" in build["requires"]  # the first that reads SPDX strings


@pytest.mark.parametrize("path", PYPROJECTS, ids=lambda p: str(p.parent.relative_to(ROOT)))
def test_every_package_maps_its_root_folder_so_an_editable_install_is_a_path_entry(
    path: Path,
) -> None:
    # Without a root mapping setuptools installs an import finder and warns about it.
    tool = _read(path)["tool"]
    assert isinstance(tool, dict)
    assert set(tool["setuptools"]["package-dir"]) == {""}
