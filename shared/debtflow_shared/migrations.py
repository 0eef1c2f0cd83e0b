"""Running a service's Alembic migrations, and the platform tables' own migration steps."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa
from alembic import command, context, op
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from debtflow_shared.db import UTCDateTime, create_engine
from debtflow_shared.platform_tables import BigIntId


def alembic_config(script_location: Path, url: str, schema: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["database_url"] = url
    config.attributes["schema"] = schema
    return config


async def upgrade_to_head(script_location: Path, url: str, schema: str) -> None:
    """Bring a service's database to the newest migration (runs Alembic in a worker thread)."""
    config = alembic_config(script_location, url, schema)
    await asyncio.to_thread(command.upgrade, config, "head")


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py`` (online, async, batch on SQLite)."""
    config = context.config
    url: str = config.attributes["database_url"]
    schema: str = config.attributes.get("schema", "")

    def run(connection: Connection) -> None:
        if connection.dialect.name == "postgresql" and schema:
            # A service role may own its schema without the right to create schemas, and
            # PostgreSQL checks that right even for CREATE SCHEMA IF NOT EXISTS: look first.
            exists = connection.execute(
                sa.text("SELECT 1 FROM pg_namespace WHERE nspname = :schema"), {"schema": schema}
            ).scalar()
            if not exists:
                connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
            connection.exec_driver_sql(f'SET search_path TO "{schema}"')
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            version_table_schema=schema or None if connection.dialect.name != "sqlite" else None,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()

    async def main() -> None:
        engine = create_engine(url, schema=schema, pool_size=1)
        try:
            async with engine.begin() as connection:
                await connection.run_sync(run)
        finally:
            await engine.dispose()

    asyncio.run(main())


def create_platform_tables() -> None:
    """Migration step: the outbox, inbox and relay lease tables (platform schema v1)."""
    op.create_table(
        "outbox",
        sa.Column("id", BigIntId, primary_key=True, autoincrement=True),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("message_key", sa.String(300), nullable=False),
        sa.Column("partition_no", sa.Integer, nullable=False),
        sa.Column("value", sa.LargeBinary, nullable=False),
        sa.Column("headers", sa.Text, nullable=False, server_default="[]"),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("published_at", UTCDateTime, nullable=True),
        sa.UniqueConstraint("event_id", name="uq_outbox_event_id"),
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["partition_no", "id"],
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )
    op.create_index("ix_outbox_published_at", "outbox", ["published_at"])
    op.create_table(
        "outbox_lease",
        sa.Column("partition_no", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("owner", sa.String(100), nullable=True),
        sa.Column("lease_until", UTCDateTime, nullable=True),
    )
    op.create_table(
        "outbox_relay",
        sa.Column("relay_id", sa.String(100), primary_key=True),
        sa.Column("heartbeat_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "inbox",
        sa.Column("consumer", sa.String(200), nullable=False),
        sa.Column("event_id", sa.String(36), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("processed_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("consumer", "event_id", name="pk_inbox"),
    )
    op.create_index("ix_inbox_processed_at", "inbox", ["processed_at"])


def drop_platform_tables() -> None:
    for table in ("inbox", "outbox_relay", "outbox_lease", "outbox"):
        op.drop_table(table)


def create_idempotency_table() -> None:
    """Migration step: ``idempotency_keys`` as ``define_idempotency_table`` declares it.

    For a service that keeps ``Idempotency-Key`` answers; written out here rather than
    derived from the model, so that a later model change needs a migration of its own.
    """
    op.create_table(
        "idempotency_keys",
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("request_hash", sa.String(64), nullable=False),
        sa.Column("status_code", sa.Integer, nullable=False),
        sa.Column("response_headers", sa.Text, nullable=False),
        sa.Column("response_body", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "subject", "key", name="pk_idempotency_keys"),
    )


def drop_idempotency_table() -> None:
    op.drop_table("idempotency_keys")


def create_parking_table() -> None:
    """Migration step: ``parked_messages`` as ``parking.define_parking_table`` declares it."""
    op.create_table(
        "parked_messages",
        sa.Column("id", BigIntId, autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("waiting_for", sa.String(200), nullable=False),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("envelope", sa.Text, nullable=False),
        sa.Column("parked_at", UTCDateTime, nullable=False),
        sa.Column("expires_at", UTCDateTime, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parked_messages")),
    )
    op.create_index("ix_parked_messages_expires", "parked_messages", ["expires_at"])
    op.create_index("ix_parked_messages_waiting", "parked_messages", ["tenant_id", "waiting_for"])


def drop_parking_table() -> None:
    op.drop_index("ix_parked_messages_waiting", table_name="parked_messages")
    op.drop_index("ix_parked_messages_expires", table_name="parked_messages")
    op.drop_table("parked_messages")
