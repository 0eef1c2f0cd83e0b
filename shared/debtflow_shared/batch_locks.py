"""The keys a consumer batch holds for its transaction, taken up front in one stable order.

One message's transaction locks one key's rows (a debtor's), so two of them never wait for
each other in a circle. A batch locks many keys in message order, and partitions of
different topics (``erp.invoice`` and ``erp.payment`` of the same debtors) are applied
concurrently: two batches could each hold a debtor the other wants next. Taking a
transaction-scoped advisory lock per message key, sorted, before any handler runs makes
batches that share keys queue on the first key they share instead. PostgreSQL only: SQLite
has one writer at a time already.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

_LOCK_IN_ORDER = text(
    "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) "
    "FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS t(k, n)"
)


async def lock_keys_in_order(session: AsyncSession, namespace: str, keys: Iterable[str]) -> None:
    """Hold each of ``keys`` (in ``namespace``: the service) until the transaction ends."""
    if session.get_bind().dialect.name != "postgresql":
        return
    ordered = sorted({f"batch:{namespace}:{key}" for key in keys})
    if ordered:
        # unnest keeps the array's (sorted) order, so the locks are taken in that order.
        await session.execute(_LOCK_IN_ORDER, {"keys": ordered})
