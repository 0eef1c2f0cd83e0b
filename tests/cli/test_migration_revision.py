"""``debtflow migrate revision`` writes the migration that takes a service to its models."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from typer.testing import CliRunner

from debtflow_cli import main
from debtflow_cli.migration_revision import RevisionRefused, write_revision
from debtflow_cli.suite import SUITE, Member
from debtflow_shared.service import ServiceDefinition
from invoice_svc.bootstrap import DEFINITION as INVOICE
from invoice_svc.settings import InvoiceSettings
from tests.support.harness import Backend

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).with_name("ruff")


def _copy_of_invoice(tmp_path: Path, *, added_column: bool) -> ServiceDefinition:
    """invoice-svc with its migrations copied to ``tmp_path`` (the repo's are never written)."""
    migrations = tmp_path / "migrations"
    shutil.copytree(INVOICE.migrations, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    metadata = sa.MetaData(naming_convention=INVOICE.metadata.naming_convention)
    for table in INVOICE.metadata.sorted_tables:
        table.to_metadata(metadata)
    if added_column:
        metadata.tables["debtors"].append_column(
            sa.Column("nickname", sa.String(80), nullable=True)
        )
    return dataclasses.replace(INVOICE, metadata=metadata, migrations=migrations)


def _versions(definition: ServiceDefinition) -> set[str]:
    return {p.name for p in (definition.migrations / "versions").glob("*.py")}


def test_revision_writes_the_added_column_as_the_next_numbered_migration(
    tmp_path: Path,
) -> None:
    definition = _copy_of_invoice(tmp_path, added_column=True)
    head = max(_versions(INVOICE))[:4]

    path = write_revision(definition, "debtors keep a nickname", why="Letters greet by it.")

    assert path.name == f"{int(head) + 1:04d}_debtors_keep_a_nickname.py"
    text = path.read_text()
    assert '"""debtors keep a nickname\n' in text
    assert "Letters greet by it." in text
    assert f'down_revision: str | None = "{head}"' in text
    assert 'batch_op.add_column(sa.Column("nickname", sa.String(length=80)' in text
    assert 'batch_op.drop_column("nickname")' in text


def test_the_written_migration_passes_ruff(tmp_path: Path) -> None:
    path = write_revision(_copy_of_invoice(tmp_path, added_column=True), "debtors nickname")

    config = ["--config", str(ROOT / "pyproject.toml")]
    for args in (["check", *config], ["format", "--check", *config]):
        result = subprocess.run(
            [str(RUFF), *args, str(path)], capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


async def test_upgrading_with_the_written_migration_builds_the_models_schema(
    backend: Backend, tmp_path: Path
) -> None:
    definition = _copy_of_invoice(tmp_path, added_column=True)
    await asyncio.to_thread(write_revision, definition, "debtors keep a nickname")

    async with backend.service(definition, relay=False) as runtime:
        connection = await runtime.engine.connect()
        try:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(sync, opts={"compare_type": True}),
                    definition.metadata,
                )
            )
        finally:
            await connection.close()
    assert differences == []


async def test_revision_against_postgresql_writes_the_same_change(
    infra: Backend, tmp_path: Path
) -> None:
    assert infra.database_url is not None
    definition = _copy_of_invoice(tmp_path, added_column=True)
    schema = f"{infra.prefix}_revision"
    infra._schemas.append(schema)  # dropped after the test

    path = await asyncio.to_thread(
        write_revision,
        definition,
        "debtors keep a nickname",
        database_url=infra.database_url,
        schema=schema,
    )

    assert 'batch_op.add_column(sa.Column("nickname", sa.String(length=80)' in path.read_text()


def test_revision_refuses_when_models_and_migrations_agree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    definition = _copy_of_invoice(tmp_path, added_column=False)
    monkeypatch.setattr(main, "members", lambda _names: [Member(definition, InvoiceSettings)])
    before = _versions(definition)

    result = CliRunner().invoke(
        main.app, ["migrate", "revision", "--service", "invoice", "-m", "x"]
    )

    assert result.exit_code == 1
    assert "models and migrations agree" in result.output
    assert _versions(definition) == before
    with pytest.raises(RevisionRefused, match="models and migrations agree"):
        write_revision(definition, "x")


def test_revision_for_an_unknown_service_names_the_known_ones() -> None:
    result = CliRunner().invoke(
        main.app, ["migrate", "revision", "--service", "billing", "-m", "x"]
    )

    assert result.exit_code == 2
    assert "unknown service(s): billing" in result.output
    assert all(member.short_name in result.output for member in SUITE)


@pytest.mark.parametrize("args", [["migrate"], ["migrate", "up"]], ids=" ".join)
def test_migrate_without_revision_brings_every_service_to_head(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    monkeypatch.setenv("DEBTFLOW_DATA_DIR", str(tmp_path))
    for member in SUITE:  # the embedded default, whatever the test run's environment says
        monkeypatch.delenv(f"{member.short_name.upper()}_DATABASE_URL", raising=False)

    result = CliRunner().invoke(main.app, args)

    assert result.exit_code == 0, result.output
    for member in SUITE:
        heads = {p.name[:4] for p in (member.definition.migrations / "versions").glob("*.py")}
        with sqlite3.connect(tmp_path / f"{member.short_name}.sqlite") as database:
            (version,) = database.execute("SELECT version_num FROM alembic_version").fetchone()
        assert version == max(heads)
