"""Updating many rows, each with its own values, in one statement.

PostgreSQL runs ``UPDATE … FROM (VALUES …)``: one statement, one round trip, however many
rows (an executemany is one execution per row). SQLite, in process, has no round trips to
save: it runs the same update as an executemany.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, cast, column, update, values
from sqlalchemy.ext.asyncio import AsyncSession


async def update_each(
    session: AsyncSession,
    table: Table,
    keys: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
) -> None:
    """Set each row's non-key values on the row its ``keys`` name (every row the same keys)."""
    if not rows:
        return
    names = list(rows[0])
    changed = [n for n in names if n not in keys]
    if session.get_bind().dialect.name != "postgresql":
        statement = (
            update(table)
            .where(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
            .values({n: bindparam(f"k_{n}") for n in changed})
        )
        await session.execute(statement, [{f"k_{n}": r[n] for n in names} for r in rows])
        return
    given = values(*(column(n, table.c[n].type) for n in names), name="given").data(
        [tuple(r[n] for n in names) for r in rows]
    )
    await session.execute(
        update(table)
        # Cast: PostgreSQL types a VALUES column from its rows, and one of NULLs only is text.
        .where(*(table.c[k] == cast(given.c[k], table.c[k].type) for k in keys))
        .values({n: cast(given.c[n], table.c[n].type) for n in changed})
    )
