"""The tables every service owns for reliable messaging: outbox, inbox, relay leases.

Each service defines them on its own MetaData (so they live in its own schema) by calling
:func:`define_platform_tables`; its first migration creates them with
:func:`debtflow_shared.migrations.create_platform_tables`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    text,
)

from debtflow_shared.db import UTCDateTime

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigIntId = BigInteger().with_variant(Integer(), "sqlite")


@dataclass(frozen=True)
class PlatformTables:
    outbox: Table
    outbox_lease: Table
    outbox_relay: Table
    inbox: Table


def define_platform_tables(metadata: MetaData) -> PlatformTables:
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigIntId, primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("message_key", String(300), nullable=False),
        Column("partition_no", Integer, nullable=False),
        Column("value", LargeBinary, nullable=False),
        Column("headers", Text, nullable=False, server_default="[]"),
        Column("created_at", UTCDateTime, nullable=False),
        Column("published_at", UTCDateTime, nullable=True),
        Index(
            "ix_outbox_unpublished",
            "partition_no",
            "id",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
        Index("ix_outbox_published_at", "published_at"),
    )
    outbox_lease = Table(
        "outbox_lease",
        metadata,
        Column("partition_no", Integer, primary_key=True, autoincrement=False),
        Column("owner", String(100), nullable=True),
        Column("lease_until", UTCDateTime, nullable=True),
    )
    outbox_relay = Table(
        "outbox_relay",
        metadata,
        Column("relay_id", String(100), primary_key=True),
        Column("heartbeat_at", UTCDateTime, nullable=False),
    )
    inbox = Table(
        "inbox",
        metadata,
        Column("consumer", String(200), nullable=False),
        Column("event_id", String(36), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("processed_at", UTCDateTime, nullable=False),
        PrimaryKeyConstraint("consumer", "event_id"),
        Index("ix_inbox_processed_at", "processed_at"),
    )
    return PlatformTables(outbox, outbox_lease, outbox_relay, inbox)
