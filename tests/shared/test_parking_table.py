"""A new service's migration step creates exactly the parking table ``parking.py`` uses."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations

from debtflow_shared.db import new_metadata
from debtflow_shared.migrations import create_parking_table, drop_parking_table
from debtflow_shared.parking import define_parking_table


def test_the_migration_step_builds_the_table_define_parking_table_declares(
    tmp_path: Path,
) -> None:
    metadata = new_metadata()
    define_parking_table(metadata)
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'service.db'}")
    with engine.begin() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        with Operations.context(context):
            create_parking_table()
        assert compare_metadata(context, metadata) == []
        with Operations.context(context):
            drop_parking_table()
        assert sa.inspect(connection).get_table_names() == []
    engine.dispose()
