"""notify-svc's tables (its own schema on PostgreSQL, its own file on SQLite)."""

from debtflow_shared.db import new_metadata
from debtflow_shared.platform_tables import define_platform_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)
