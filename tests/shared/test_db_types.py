"""Timestamps and exact decimals round-trip the same on PostgreSQL and SQLite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select

from debtflow_shared.db import ExactDecimal, UTCDateTime, create_engine
from debtflow_shared.settings import ServiceSettings
from tests.support.harness import Backend

metadata = MetaData()
samples = Table(
    "type_samples",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime),
    Column("rate", ExactDecimal(18, 6)),
)


async def test_utc_timestamps_and_exact_decimals_round_trip(backend: Backend) -> None:
    settings = backend.settings(ServiceSettings, "types")
    url = settings.resolved_database_url("types")
    settings.platform.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, schema=settings.database_schema or "")
    tokyo = timezone(timedelta(hours=9))
    written = datetime(2026, 3, 2, 18, 30, 15, 123456, tzinfo=tokyo)
    rate = Decimal("13.250001")
    try:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.exec_driver_sql(
                    f'CREATE SCHEMA IF NOT EXISTS "{settings.database_schema}"'
                )
            await connection.run_sync(metadata.create_all)
            await connection.execute(insert(samples).values(id=1, at=written, rate=rate))
        async with engine.connect() as connection:
            row = (await connection.execute(select(samples.c.at, samples.c.rate))).one()
            later = (
                await connection.execute(
                    select(samples.c.id).where(
                        samples.c.at > datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
                    )
                )
            ).all()
    finally:
        await engine.dispose()
    assert row.at == written
    assert row.at.tzinfo == UTC
    assert row.rate == rate
    assert str(row.rate) == "13.250001"
    assert later == [(1,)]


def test_float_is_refused_for_exact_decimals() -> None:
    with pytest.raises(TypeError, match="never floats"):
        ExactDecimal().process_bind_param(0.1, None)  # type: ignore[arg-type]


def test_exact_decimal_refuses_to_round_silently() -> None:
    from sqlalchemy.dialects import sqlite

    with pytest.raises(ValueError, match="decimal places"):
        ExactDecimal(9, 4).process_bind_param(Decimal("1.23456"), sqlite.dialect())
    assert ExactDecimal(9, 4).process_bind_param(Decimal("1.2"), sqlite.dialect()) == "1.2000"
