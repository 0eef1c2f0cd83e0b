"""A new service's migration step creates exactly the idempotency table the middleware uses."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations

from debtflow_shared.db import new_metadata
from debtflow_shared.http.idempotency import define_idempotency_table
from debtflow_shared.migrations import create_idempotency_table, drop_idempotency_table


def test_the_migration_step_builds_the_table_define_idempotency_table_declares(
    tmp_path: Path,
) -> None:
    metadata = new_metadata()
    define_idempotency_table(metadata)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'service.db'}")
    with engine.begin() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        with Operations.context(context):
            create_idempotency_table()
        assert compare_metadata(context, metadata) == []
        with Operations.context(context):
            drop_idempotency_table()
        assert sa.inspect(connection).get_table_names() == []
    engine.dispose()


def test_the_table_is_keyed_by_tenant_caller_and_key() -> None:
    table = define_idempotency_table(new_metadata())
    assert [c.name for c in table.primary_key.columns] == ["tenant_id", "subject", "key"]
    assert table.primary_key.name == "pk_idempotency_keys"
