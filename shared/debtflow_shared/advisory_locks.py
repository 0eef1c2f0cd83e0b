"""Transaction-scoped advisory locks, several at once, always taken in one order.

One message's transaction locks one key's rows (a debtor's), so two of them never wait for
each other in a circle. A consumer batch locks many keys, and partitions of different
topics (``erp.invoice`` and ``erp.payment`` of the same debtors) are applied concurrently:
two batches could each hold a debtor the other wants next. So a batch first takes an
advisory lock per message key (:func:`lock_batch_keys`), and the parking lot guards its
keys the same way; the locks are taken in the order of their lock ids, so two transactions
sharing keys queue on the first they share (and two keys whose ids collide are one lock,
taken once). PostgreSQL only: SQLite has one writer at a time already.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

# The subquery's order is the order the outer query takes the locks in.
_LOCK_IN_ORDER = text(
    "SELECT count(pg_advisory_xact_lock(lock_id)) FROM ("
    "SELECT DISTINCT hashtext(k) AS lock_id FROM unnest(CAST(:keys AS text[])) AS k "
    "ORDER BY lock_id) AS ordered"
)


async def lock_all(session: AsyncSession, keys: Iterable[str]) -> None:
    """Hold each of ``keys`` until the transaction ends (a no-op on SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    if unique := sorted(set(keys)):
        await session.execute(_LOCK_IN_ORDER, {"keys": unique})


async def lock_batch_keys(session: AsyncSession, service: str, keys: Iterable[str]) -> None:
    """Hold a consumer batch's message keys (``tenant/debtor``) in ``service``'s namespace."""
    await lock_all(session, (f"batch:{service}:{key}" for key in keys))
