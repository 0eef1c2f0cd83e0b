"""The embedded bus's dead letters: rows of ``dead_letter`` in ``bus-dead-letters.sqlite``.

``debtflow run`` may be appending to the file while ``debtflow dlq`` reads it or marks rows
replayed: both open it through :func:`dead_letter_engine` (WAL, so readers never block the
writer; a busy timeout, so two writers take turns instead of failing).
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from debtflow_shared.bus.embedded import (
    dead_letter_engine,
    dead_letters,
    prepare_dead_letter_table,
)
from debtflow_shared.dlq.letter import DeadLetter, DeadLetterFilter


class EmbeddedDeadLetters:
    """List, get and mark replayed the dead letters one embedded data folder holds."""

    def __init__(self, path: Path, now: datetime) -> None:
        self._path = path
        self._now = now
        self._engine: AsyncEngine | None = None

    async def _connected(self) -> AsyncEngine:
        if self._engine is None:
            self._engine = dead_letter_engine(self._path)
            async with self._engine.begin() as connection:
                await connection.run_sync(prepare_dead_letter_table)
        return self._engine

    async def find(self, criteria: DeadLetterFilter) -> list[DeadLetter]:
        if not self._path.exists():
            return []  # nothing was ever dead-lettered here: create no file for it
        query = select(dead_letters).order_by(dead_letters.c.id)
        if (topic := criteria.dlq_topic()) is not None:
            query = query.where(dead_letters.c.topic == topic)
        if not criteria.include_replayed:
            query = query.where(dead_letters.c.replayed_at.is_(None))
        async with (await self._connected()).connect() as connection:
            rows = (await connection.execute(query)).mappings().all()
        letters = (_letter(row) for row in rows)
        return [letter for letter in letters if criteria.matches(letter, self._now)]

    async def get(self, letter_id: str) -> DeadLetter | None:
        if not letter_id.isdigit() or not self._path.exists():
            return None
        query = select(dead_letters).where(dead_letters.c.id == int(letter_id))
        async with (await self._connected()).connect() as connection:
            row = (await connection.execute(query)).mappings().first()
        return None if row is None else _letter(row)

    async def mark_replayed(self, letter: DeadLetter, at: datetime) -> None:
        async with (await self._connected()).begin() as connection:
            await connection.execute(
                update(dead_letters)
                .where(dead_letters.c.id == int(letter.id))
                .values(replayed_at=at)
            )

    async def close(self) -> None:
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None


def _letter(row: Any) -> DeadLetter:
    # Stored as text (see EmbeddedBus._store_dead_letter): every header we write is text.
    headers = tuple((name, value.encode()) for name, value in json.loads(row["headers"]))
    return DeadLetter(
        id=str(row["id"]),
        dlq_topic=row["topic"],
        key=row["message_key"],
        value=bytes(row["value"]),
        headers=headers,
        stored_at=row["created_at"],
        replayed_at=row["replayed_at"],
    )
