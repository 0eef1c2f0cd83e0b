"""The outbox relay: publishes committed events in order per key, in batches.

Replicas share the work by leasing outbox *partitions* (a stable hash of the message key),
never single rows, so one key's events always leave through one relay at a time, in id
order. A relay wakes when a transaction that wrote to the outbox commits (PostgreSQL
``LISTEN/NOTIFY``; an in-process signal on SQLite) and polls only as a fallback.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine

from debtflow_shared.bus.base import MessageBus, OutboundMessage
from debtflow_shared.db import begin_waiting_at_most, insert_unless_present
from debtflow_shared.logging import get_logger
from debtflow_shared.metrics import ServiceMetrics
from debtflow_shared.outbox_wakeup import Wakeup
from debtflow_shared.platform_tables import PlatformTables
from debtflow_shared.timeouts import wait_at_most

log = get_logger(__name__)


@dataclass(frozen=True)
class RelayOptions:
    partitions: int = 16
    poll_seconds: float = 5.0
    lease_seconds: float = 15.0
    batch_size: int = 500
    retention: timedelta = timedelta(days=3)
    error_backoff_seconds: float = 1.0
    # How long stopping waits for a lock to hand its partitions back; past it they are left
    # to expire (``lease_seconds``), which delays the next owner a little and loses nothing.
    release_lock_seconds: float = 2.0


def new_relay_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _now() -> datetime:
    # Leases are infrastructure time (the machine's clock), never the business clock.
    return datetime.now(UTC)


class OutboxRelay:
    def __init__(
        self,
        *,
        engine: AsyncEngine,
        tables: PlatformTables,
        bus: MessageBus,
        wakeup: Wakeup,
        metrics: ServiceMetrics,
        options: RelayOptions = RelayOptions(),
        relay_id: str | None = None,
    ) -> None:
        self.relay_id = relay_id or new_relay_id()
        self._engine = engine
        self._tables = tables
        self._bus = bus
        self._wakeup = wakeup
        self._metrics = metrics
        self._options = options
        self.owned: frozenset[int] = frozenset()
        self._last_prune = datetime.min.replace(tzinfo=UTC)

    @property
    def _renew_every(self) -> timedelta:
        # Three renewals per lease: one late heartbeat never loses a partition.
        return timedelta(seconds=self._options.lease_seconds / 3)

    async def run(self) -> None:
        """Relay until cancelled; errors are logged and retried, never fatal."""
        await self._wakeup.start()
        lease_rows_ready = False
        try:
            next_drain = _now()
            while True:
                try:
                    if not lease_rows_ready:
                        await self._ensure_lease_rows()
                        lease_rows_ready = True
                    woken = self._wakeup.event.is_set()
                    self._wakeup.event.clear()  # before draining: later commits wake us again
                    gained = await self._rebalance()
                    if woken or gained or _now() >= next_drain:
                        await self.drain()
                        next_drain = _now() + timedelta(seconds=self._options.poll_seconds)
                    await self._maybe_prune()
                except asyncio.CancelledError:
                    raise
                except Exception:
                    log.exception("outbox relay iteration failed", relay=self.relay_id)
                    await asyncio.sleep(self._options.error_backoff_seconds)
                    continue
                timeout = min(
                    (next_drain - _now()).total_seconds(), self._renew_every.total_seconds()
                )
                # Not asyncio.wait_for: it loses a cancellation that comes as a commit wakes
                # us (see timeouts.py), and stop() then waited out its bound.
                await wait_at_most(self._wakeup.event, timeout)
        finally:
            await self._wakeup.stop()
            await self._release_all()

    async def drain(self) -> int:
        """Publish every unpublished row of the partitions this relay holds.

        A long drain (a backlog after downtime) renews its leases between batches, as the
        run loop would; if a lease was lost anyway, it stops, so the run loop rebalances
        instead of publishing the same unmarked batch again and again.
        """
        published = 0
        renew_at = _now() + self._renew_every
        while self.owned:
            rows = await self._next_batch()
            if not rows:
                break
            await self._bus.publish([_message(row) for row in rows])
            marked = await self._mark_published([row["id"] for row in rows])
            for row in rows:
                self._metrics.events_out.labels(self._metrics.service, row["topic"]).inc()
            published += len(rows)
            if marked < len(rows):
                log.warning("outbox lease lost while draining", relay=self.relay_id)
                break
            if len(rows) < self._options.batch_size:
                break
            if _now() >= renew_at:
                await self._rebalance()
                renew_at = _now() + self._renew_every
        await self._measure_backlog()
        return published

    # -- outbox rows ----------------------------------------------------------------------
    async def _next_batch(self) -> Sequence[Any]:
        outbox = self._tables.outbox
        query = (
            select(
                outbox.c.id, outbox.c.topic, outbox.c.message_key, outbox.c.value, outbox.c.headers
            )
            .where(outbox.c.published_at.is_(None), outbox.c.partition_no.in_(self.owned))
            .order_by(outbox.c.id)
            .limit(self._options.batch_size)
        )
        async with self._engine.connect() as connection:
            return (await connection.execute(query)).mappings().all()

    async def _mark_published(self, ids: list[int]) -> int:
        """Mark the rows published where this relay still holds the lease; how many were."""
        outbox, lease = self._tables.outbox, self._tables.outbox_lease
        now = _now()
        still_mine = (
            select(lease.c.partition_no)
            .where(lease.c.owner == self.relay_id, lease.c.lease_until > now)
            .scalar_subquery()
        )
        async with self._engine.begin() as connection:
            marked = await connection.execute(
                update(outbox)
                .where(outbox.c.id.in_(ids), outbox.c.partition_no.in_(still_mine))
                .values(published_at=now)
            )
        return int(marked.rowcount)

    async def _measure_backlog(self) -> None:
        outbox = self._tables.outbox
        async with self._engine.connect() as connection:
            backlog = await connection.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
            )
        self._metrics.outbox_backlog.labels(self._metrics.service).set(backlog or 0)

    async def _maybe_prune(self) -> None:
        now = _now()
        if now - self._last_prune < timedelta(minutes=10):
            return
        self._last_prune = now
        outbox = self._tables.outbox
        async with self._engine.begin() as connection:
            await connection.execute(
                delete(outbox).where(outbox.c.published_at < now - self._options.retention)
            )

    # -- partition leases -----------------------------------------------------------------
    async def _ensure_lease_rows(self) -> None:
        lease = self._tables.outbox_lease
        async with self._engine.begin() as connection:
            rows = [{"partition_no": p} for p in range(self._options.partitions)]
            await connection.execute(
                insert_unless_present(lease, connection.dialect.name, rows, on=["partition_no"])
            )

    async def _rebalance(self) -> bool:
        """Heartbeat, renew, and claim or release partitions toward a fair share.

        Returns True when this relay gained partitions (they may hold unpublished rows).
        """
        relay, lease = self._tables.outbox_relay, self._tables.outbox_lease
        now = _now()
        until = now + timedelta(seconds=self._options.lease_seconds)
        async with self._engine.begin() as connection:
            insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
            await connection.execute(
                insert(relay)
                .values(relay_id=self.relay_id, heartbeat_at=now)
                .on_conflict_do_update(index_elements=["relay_id"], set_={"heartbeat_at": now})
            )
            alive_since = now - timedelta(seconds=self._options.lease_seconds)
            await connection.execute(delete(relay).where(relay.c.heartbeat_at < alive_since))
            active = await connection.scalar(select(func.count()).select_from(relay)) or 1
            fair_share = math.ceil(self._options.partitions / active)

            mine = set(
                (
                    await connection.execute(
                        update(lease)
                        .where(lease.c.owner == self.relay_id, lease.c.lease_until > now)
                        .values(lease_until=until)
                        .returning(lease.c.partition_no)
                    )
                ).scalars()
            )
            if len(mine) > fair_share:
                extra = sorted(mine)[fair_share:]
                await connection.execute(
                    update(lease)
                    .where(lease.c.partition_no.in_(extra), lease.c.owner == self.relay_id)
                    .values(owner=None, lease_until=None)
                )
                mine -= set(extra)
            elif len(mine) < fair_share:
                free = or_(lease.c.owner.is_(None), lease.c.lease_until <= now)
                candidates = list(
                    (
                        await connection.execute(
                            select(lease.c.partition_no)
                            .where(free)
                            .order_by(lease.c.partition_no)
                            .limit(fair_share - len(mine))
                            .with_for_update(skip_locked=True)
                        )
                    ).scalars()
                )
                if candidates:
                    claimed = (
                        await connection.execute(
                            update(lease)
                            .where(and_(lease.c.partition_no.in_(candidates), free))
                            .values(owner=self.relay_id, lease_until=until)
                            .returning(lease.c.partition_no)
                        )
                    ).scalars()
                    mine |= set(claimed)
        gained = bool(mine - self.owned)
        if mine != self.owned:
            log.info("outbox partitions rebalanced", relay=self.relay_id, owned=sorted(mine))
        self.owned = frozenset(mine)
        return gained

    async def _release_all(self) -> None:
        """Hand this relay's partitions back, if a lock lets us promptly.

        A writer elsewhere (a consumer still draining its batch, on SQLite's one write lock)
        must not hold a stop for SQLite's busy timeout: after ``release_lock_seconds`` the
        leases are left to expire. Unpublished rows stay in the outbox either way.
        """
        relay, lease = self._tables.outbox_relay, self._tables.outbox_lease
        try:
            async with begin_waiting_at_most(
                self._engine, self._options.release_lock_seconds
            ) as connection:
                await connection.execute(
                    update(lease)
                    .where(lease.c.owner == self.relay_id)
                    .values(owner=None, lease_until=None)
                )
                await connection.execute(delete(relay).where(relay.c.relay_id == self.relay_id))
        except Exception:
            log.warning(
                "outbox leases not released; they expire",
                relay=self.relay_id,
                lease_seconds=self._options.lease_seconds,
                exc_info=True,
            )
        self.owned = frozenset()


def _message(row: Any) -> OutboundMessage:
    headers = tuple((key, value.encode()) for key, value in json.loads(row["headers"]))
    return OutboundMessage(
        topic=row["topic"], key=row["message_key"], value=bytes(row["value"]), headers=headers
    )
