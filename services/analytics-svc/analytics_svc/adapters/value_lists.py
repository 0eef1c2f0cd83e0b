"""``column IN (many values)`` as one array parameter on PostgreSQL.

A batch looks up hundreds of ids at once; PostgreSQL's generic plan for ``IN ($1, ...)``
filters every row while a fresh table has no statistics, whereas an unnested array is
joined through the index.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import ColumnElement, String, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession


def one_of(
    session: AsyncSession, column: ColumnElement[str], values: Collection[str]
) -> ColumnElement[bool]:
    if session.get_bind().dialect.name != "postgresql":
        return column.in_(list(values))
    wanted = bindparam(None, list(values), type_=ARRAY(String))
    return column.in_(select(func.unnest(wanted)))
