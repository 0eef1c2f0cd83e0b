"""SQLite (the embedded default): readers never wait for the one writer, and a reader that
comes to write begins again as the writer."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from debtflow_shared.db import create_engine

metadata = MetaData()
counters = Table(
    "counters", metadata, Column("id", Integer, primary_key=True), Column("n", Integer)
)

# A generous bound, never a measurement: a read waiting for the writer would wait until the
# writer's transaction ends, which here is never (it ends after the read).
HANG = 20


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}", pool_size=3)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(insert(counters).values(id=1, n=0))
    yield engine
    await engine.dispose()


async def test_a_read_completes_while_a_write_transaction_is_open(engine: AsyncEngine) -> None:
    async with engine.connect() as writer:
        await writer.execute(update(counters).values(n=1))  # holds the write lock
        async with engine.connect() as reader:
            read = reader.scalar(select(counters.c.n))
            assert await asyncio.wait_for(read, HANG) == 0  # the last commit, not the write
        await writer.commit()


async def test_a_reader_that_writes_begins_again_after_a_commit_it_did_not_see(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as first:
        assert await first.scalar(select(counters.c.n)) == 0  # a reader's snapshot
        async with engine.begin() as other:
            await other.execute(update(counters).values(n=counters.c.n + 1))
        # SQLite refuses to upgrade a stale snapshot to a writer; it begins again instead.
        await first.execute(update(counters).values(n=counters.c.n + 1))
        await first.commit()
    async with engine.connect() as check:
        assert await check.scalar(select(counters.c.n)) == 2


async def test_a_locking_read_waits_for_the_writer_and_sees_its_commit(
    engine: AsyncEngine,
) -> None:
    async with engine.connect() as writer:
        await writer.execute(update(counters).values(n=5))
        async with engine.connect() as locker:
            locked = asyncio.create_task(
                locker.scalar(select(counters.c.n).with_for_update())  # a writer's first step
            )
            await asyncio.sleep(0.2)  # lets it start; the outcome does not depend on it
            await writer.commit()
            assert await asyncio.wait_for(locked, HANG) == 5
