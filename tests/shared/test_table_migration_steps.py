"""A new service's migration steps create exactly the shared tables the code declares.

``idempotency_keys`` (beside its middleware) and ``parked_messages`` (beside the parking
lot) are declared by functions in shared and created by steps written out in
``debtflow_shared.migrations``: the two must agree, or a new service's schema would differ
from its models from its first migration.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations

from debtflow_shared.db import new_metadata
from debtflow_shared.http.idempotency import define_idempotency_table
from debtflow_shared.migrations import (
    create_idempotency_table,
    create_parking_table,
    drop_idempotency_table,
    drop_parking_table,
)
from debtflow_shared.parking import define_parking_table

STEPS = [
    pytest.param(define_idempotency_table, create_idempotency_table, drop_idempotency_table,
                 id="idempotency_keys"),
    pytest.param(define_parking_table, create_parking_table, drop_parking_table,
                 id="parked_messages"),
]  # fmt: skip


@pytest.mark.parametrize(("define", "create", "drop"), STEPS)
def test_the_migration_step_builds_the_table_its_definition_declares(
    tmp_path: Path,
    define: Callable[[sa.MetaData], sa.Table],
    create: Callable[[], None],
    drop: Callable[[], None],
) -> None:
    metadata = new_metadata()
    define(metadata)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'service.db'}")
    with engine.begin() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        with Operations.context(context):
            create()
        assert compare_metadata(context, metadata) == []
        with Operations.context(context):
            drop()
        assert sa.inspect(connection).get_table_names() == []
    engine.dispose()


def test_the_idempotency_table_is_keyed_by_tenant_caller_and_key() -> None:
    table = define_idempotency_table(new_metadata())
    assert [c.name for c in table.primary_key.columns] == ["tenant_id", "subject", "key"]
    assert table.primary_key.name == "pk_idempotency_keys"
