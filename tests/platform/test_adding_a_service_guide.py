"""docs/adding-a-service.md stays true: its files exist, its names import, its commands run.

The guide is how the next services get built; a step naming a file that moved, a shared
function that was renamed or a command that changed would send its reader astray.
"""

from __future__ import annotations

import importlib
import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from debtflow_cli.main import app

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "adding-a-service.md").read_text()


def _paths() -> list[str]:
    quoted = re.findall(r"`([\w./-]+\.(?:py|md|toml))`", GUIDE)
    return sorted({p for p in quoted if "/" in p and "NNNN" not in p})


def _shared_names() -> list[tuple[str, str]]:
    # "`name` (`debtflow_shared.module`)" and "`name` (from `debtflow_shared.module`)"
    pattern = r"`(\w+)(?:\([^`]*\)|\[[^`]*\])?`\s*\((?:from\s+)?`(debtflow_shared[\w.]*)`\)"
    found = re.findall(pattern, GUIDE)
    return sorted(set(found))


def test_the_guide_names_its_examples_and_they_exist() -> None:
    paths = _paths()
    assert len(paths) > 15
    # A path inside a service (``api/ledger_problems.py``) is invoice-svc's, the example.
    example = ROOT / "services" / "invoice-svc" / "invoice_svc"
    assert [p for p in paths if not (ROOT / p).exists() and not (example / p).exists()] == []


def test_every_shared_name_the_guide_points_to_is_importable_from_where_it_says() -> None:
    names = _shared_names()
    assert len(names) >= 6
    missing = [
        f"{module}.{name}"
        for name, module in names
        if not hasattr(importlib.import_module(module), name)
    ]
    assert missing == []


def _commands() -> list[list[str]]:
    blocks = re.findall(r"```sh\n(.*?)```", GUIDE, re.S)
    commands = []
    for block in blocks:
        for line in block.replace("\\\n", " ").splitlines():
            line = line.split("#", 1)[0].strip()
            if line.startswith(".venv/bin/debtflow "):
                commands.append(shlex.split(line)[1:])
    return commands


@pytest.mark.parametrize("command", _commands(), ids=" ".join)
def test_every_debtflow_command_in_the_guide_is_one_the_cli_accepts(command: list[str]) -> None:
    # The command's own options, checked by asking for its help with them in place.
    words = [w for w in command if not w.startswith("-")][:2]
    result = CliRunner().invoke(app, [*words, "--help"])
    assert result.exit_code == 0, result.output
    options = [w.split("=")[0] for w in command if w.startswith("--")]
    assert [o for o in options if o not in result.output] == []


def test_the_make_targets_the_guide_runs_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"\bmake (\w[\w-]*)", GUIDE))
    assert {"check", "layers", "test"} <= targets
    assert [t for t in targets if not re.search(rf"^{t}:", makefile, re.M)] == []
