"""Updating many rows, each with its own values, in one statement.

PostgreSQL runs ``UPDATE … FROM unnest(:keys, :values, …)``: one statement and one round
trip however many rows, with one array parameter per column, so SQLAlchemy compiles it once
and reuses it from its cache (a literal ``VALUES`` list is compiled afresh for every batch,
which cost more than the update itself). SQLite, in process, has no round trips to save:
it runs the same update as an executemany. (Matching a column against many values:
``debtflow_shared.value_lists.one_of``.)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    Table,
    Update,
    bindparam,
    column,
    func,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
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
    names = tuple(rows[0])
    if _dialect(session) != "postgresql":
        await session.execute(
            _each_row(table, tuple(keys), names), [{f"k_{n}": r[n] for n in names} for r in rows]
        )
        return
    await session.execute(
        _from_arrays(table, tuple(keys), names), {f"a_{n}": [r[n] for r in rows] for n in names}
    )


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


@cache
def _each_row(table: Table, keys: tuple[str, ...], names: tuple[str, ...]) -> Update:
    return (
        update(table)
        .where(*(table.c[k] == bindparam(f"k_{k}") for k in keys))
        .values({n: bindparam(f"k_{n}") for n in names if n not in keys})
    )


@cache
def _from_arrays(table: Table, keys: tuple[str, ...], names: tuple[str, ...]) -> Update:
    # asyncpg's dialect casts each array parameter to its type (``$1::VARCHAR(64)[]``), so
    # PostgreSQL knows what unnest returns, NULLs included.
    given = (
        func.unnest(*(bindparam(f"a_{n}", type_=ARRAY(table.c[n].type)) for n in names))
        .table_valued(*(column(n, table.c[n].type) for n in names))
        .render_derived(name="given")
    )
    return (
        update(table)
        .where(*(table.c[k] == given.c[k] for k in keys))
        .values({n: given.c[n] for n in names if n not in keys})
    )
