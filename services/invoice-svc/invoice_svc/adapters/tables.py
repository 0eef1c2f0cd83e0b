"""invoice-svc's tables (its own schema on PostgreSQL, its own file on SQLite)."""

from sqlalchemy import Column, Index, Integer, String, Table, Text

from debtflow_shared.db import UTCDateTime, new_metadata
from debtflow_shared.platform_tables import define_platform_tables

metadata = new_metadata()
platform = define_platform_tables(metadata)

debtors = Table(
    "debtors",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("tenant_id", String(64), nullable=False),
    Column("erp_id", String(100), nullable=True),
    Column("name", String(300), nullable=False),
    Column("country", String(2), nullable=False),
    Column("currency", String(3), nullable=False),
    Column("language", String(35), nullable=False),
    Column("time_zone", String(64), nullable=False),
    Column("preferred_channel", String(20), nullable=True),
    Column("contacts", Text, nullable=False),
    Column("tags", Text, nullable=False),
    Column("credit_policy", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Index("uq_debtors_tenant_erp_id", "tenant_id", "erp_id", unique=True),
    Index("ix_debtors_tenant_name", "tenant_id", "name", "id"),
)
