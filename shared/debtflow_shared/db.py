"""Database plumbing shared by the services: engines, column types, naming.

PostgreSQL is the reference. SQLite (the embedded default) runs the same models, so the
types here store UTC timestamps and exact decimals in forms that round-trip on both.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, DateTime, Dialect, MetaData, Numeric, String, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql.elements import TextClause
from sqlalchemy.sql.selectable import GenerativeSelect
from sqlalchemy.types import TypeDecorator

from debtflow_shared.clock import ensure_utc

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def new_metadata() -> MetaData:
    """A MetaData with stable constraint names, so migrations are reproducible."""
    return MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in, aware UTC datetimes out, on PostgreSQL and SQLite alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        value = ensure_utc(value)
        # SQLite has no time zones: store naive UTC so text comparisons order correctly.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            from datetime import UTC

            return value.replace(tzinfo=UTC)
        return ensure_utc(value)


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal stored exactly: NUMERIC on PostgreSQL, text on SQLite (which has no decimal)."""

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 18, scale: int = 6) -> None:
        super().__init__(precision=precision, scale=scale)
        self._precision, self._scale = precision, scale

    def load_dialect_impl(self, dialect: Dialect) -> Any:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(64))
        return dialect.type_descriptor(Numeric(self._precision, self._scale, asdecimal=True))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError("ExactDecimal takes Decimal values, never floats")
        # Store at the column's scale on both backends (PostgreSQL pads NUMERIC anyway), and
        # refuse to round silently.
        stored = value.quantize(Decimal(1).scaleb(-self._scale))
        if stored != value:
            raise ValueError(f"{value} has more than {self._scale} decimal places")
        return str(stored) if dialect.name == "sqlite" else stored

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(str(value))


def insert_unless_present(
    table: Table, dialect: str, values: Any = None, *, on: Sequence[str] | None = None
) -> postgresql.Insert | sqlite.Insert:
    """``INSERT … ON CONFLICT DO NOTHING`` on either backend (``on``: the unique columns).

    Add ``.returning(column)`` to learn whether the row went in: a conflicting row is not an
    error, so the transaction stays usable without a savepoint. Without ``values``, execute
    it with a list of rows (an executemany: compiled once, sent in batches).
    """
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table) if values is None else insert(table).values(values)
    return statement.on_conflict_do_nothing(index_elements=on)


def upsert_if_newer(
    table: Table, dialect: str, *, on: Sequence[str], version: str = "version"
) -> postgresql.Insert | sqlite.Insert:
    """``INSERT … ON CONFLICT (on) DO UPDATE`` that only ever moves a row to a newer version.

    For copies kept from events that may arrive late or twice: a stored row with the same or
    a newer ``version`` is left alone. Execute it with a list of rows (one executemany); give
    each key at most once per call, its newest version.
    """
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table)
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=list(on),
        set_={c.name: excluded[c.name] for c in table.columns if c.name not in on},
        where=table.c[version] < excluded[version],
    )


async def insert_if_absent(
    session: AsyncSession, table: Table, row: dict[str, Any], *, on: Sequence[str] | None = None
) -> bool:
    """Insert ``row`` unless a unique key (``on``, else any) already holds it; whether it went in.

    A lost race is an answer, not an error: the transaction stays usable, e.g. to read the
    row a concurrent transaction committed first.
    """
    key = next(iter(table.primary_key.columns))
    dialect = session.get_bind().dialect.name
    statement = insert_unless_present(table, dialect, row, on=on).returning(key)
    return (await session.execute(statement)).first() is not None


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(url: str, *, schema: str = "", pool_size: int = 10) -> AsyncEngine:
    """An async engine for a service's own database (its schema on PostgreSQL).

    On SQLite, see :func:`_sqlite_engine`: readers run beside the one writer.
    """
    if is_sqlite(url):
        return _sqlite_engine(url, pool_size)
    connect_args: dict[str, Any] = {}
    if schema:
        connect_args["server_settings"] = {"search_path": schema}
    return create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        connect_args=connect_args,
    )


# How long a SQLite statement waits for the write lock before "database is locked".
SQLITE_BUSY_SECONDS = 30

# How far the transaction of a SQLite connection has gone (kept in ``Connection.info``).
_TRANSACTION = "debtflow_sqlite_transaction"
_NOT_BEGUN, _READING, _WRITING = "not begun", "reading", "writing"


def _sqlite_engine(url: str, pool_size: int) -> AsyncEngine:
    """SQLite in WAL mode with ``pool_size`` connections: readers never wait for the writer.

    SQLite has one writer at a time. A transaction that writes takes the write lock up front
    (``BEGIN IMMEDIATE``): two that read and then write would otherwise deadlock, which
    SQLite answers with an immediate error. One that only reads must not take it, or every
    read waits for a batch's whole chunk: so a transaction begins at its first statement,
    as a reader (``BEGIN``, a WAL snapshot) when that is a plain ``SELECT``, else as a
    writer. A reader's first write or lock (``FOR UPDATE``, a savepoint) begins it again as
    a writer: what it read before stays read, as on PostgreSQL, whose READ COMMITTED
    transactions see each statement's latest commit (the code already locks before it reads
    what it decides on).
    """
    engine = create_async_engine(
        url,
        connect_args={"timeout": SQLITE_BUSY_SECONDS},
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=120,
    )

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (see "begin" below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_SECONDS * 1000)}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "invalidate")
    def _on_invalidate(dbapi_connection: Any, _record: Any, _error: BaseException | None) -> None:
        # A task cancelled mid-statement gets its connection thrown away without a rollback:
        # its write lock would stay held for the life of the process, and every later
        # writer would wait out the busy timeout. Undo it before the connection goes.
        with contextlib.suppress(Exception):
            dbapi_connection.rollback()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # Its first statement says how (what a commit or rollback leaves is never read: the
        # next statement begins a transaction again, through this event).
        connection.info[_TRANSACTION] = _NOT_BEGUN

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before_execute(
        connection: Connection,
        cursor: Any,
        statement: str,
        _parameters: Any,
        context: Any,
        _executemany: bool,
    ) -> None:
        state = connection.info.get(_TRANSACTION)
        if state is None or state == _WRITING or _is_pragma(statement):
            return  # a PRAGMA (e.g. busy_timeout) needs no transaction, let alone the lock
        if _only_reads(context, statement):
            if state == _NOT_BEGUN:
                cursor.execute("BEGIN")
                connection.info[_TRANSACTION] = _READING
            return
        if state == _READING:
            cursor.execute("ROLLBACK")  # nothing written yet: begin again, as the writer
        cursor.execute("BEGIN IMMEDIATE")
        connection.info[_TRANSACTION] = _WRITING

    return engine


def _is_pragma(statement: str) -> bool:
    return statement.lstrip()[:6].upper() == "PRAGMA"


@asynccontextmanager
async def begin_waiting_at_most(
    engine: AsyncEngine, seconds: float
) -> AsyncIterator[AsyncConnection]:
    """A transaction whose statements wait at most ``seconds`` for a lock, then fail.

    For work that may give up rather than wait, such as a relay handing its leases back
    while stopping: ``lock_timeout`` on PostgreSQL, the busy timeout on SQLite (restored to
    :data:`SQLITE_BUSY_SECONDS` before the connection goes back to the pool).
    """
    milliseconds = max(int(seconds * 1000), 1)
    async with engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            async with connection.begin():
                await connection.exec_driver_sql(f"SET LOCAL lock_timeout = {milliseconds}")
                yield connection
            return
        await connection.exec_driver_sql(f"PRAGMA busy_timeout={milliseconds}")
        await connection.commit()
        try:
            async with connection.begin():
                yield connection
        finally:
            await connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
            await connection.commit()


def _only_reads(context: Any, statement: str) -> bool:
    """Whether a statement is a plain read (no write, no lock) that a snapshot can answer."""
    compiled = getattr(context, "compiled", None)
    clause = getattr(compiled, "statement", None)
    if isinstance(clause, GenerativeSelect):
        return clause._for_update_arg is None
    if isinstance(clause, TextClause):
        statement = clause.text
    elif clause is not None:
        return False
    return statement.lstrip()[:6].upper() == "SELECT"


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
