"""escalation-svc's tables (its own schema on PostgreSQL, its own file on SQLite)."""

from sqlalchemy import Column, Integer, PrimaryKeyConstraint, String, Table, Text

from debtflow_shared.db import UTCDateTime, new_metadata
from debtflow_shared.platform_tables import define_platform_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)

# escalation-svc's own copy of what it needs to know about debtors, fed by debtor.upserted.
debtor_profiles = Table(
    "debtor_profiles",
    metadata,
    Column("tenant_id", String(64), nullable=False),
    Column("debtor_id", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", String(300), nullable=False),
    Column("country", String(2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("language", String(35), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("preferred_channel", String(20), nullable=True),
    Column("contacts", Text, nullable=False),  # debtor.upserted v2 contacts, as JSON
    Column("updated_at", UTCDateTime, nullable=False),
    Column("tags", Text, nullable=False, server_default="[]"),
    Column("credit_policy", Text, nullable=False, server_default="{}"),
    PrimaryKeyConstraint("tenant_id", "debtor_id"),
)
