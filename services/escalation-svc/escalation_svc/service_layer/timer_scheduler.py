"""The scheduler: runs every debtor whose durable timer is due, batch by batch, replica-safe.

A pass claims up to ``timer_batch_size`` due timer rows in one transaction (``FOR UPDATE
SKIP LOCKED`` on PostgreSQL: another replica's claimed rows are skipped; SQLite has one
writer, so passes simply take turns) and runs each debtor's ladder in a savepoint of it.
The steps run and the timers move commit together: a crash before the commit leaves the
timers due, so the next pass (here or on a replica) runs them, once. A debtor whose run
fails is retried a little later, without holding up the rest of the batch. Time is the
injected clock: moving a controlled clock wakes the scheduler at once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from debtflow_shared.logging import get_logger
from debtflow_shared.periodic import run_periodically
from debtflow_shared.service import ServiceRuntime
from escalation_svc.domain.timer import Timer
from escalation_svc.service_layer.collection import UnitOfWork, advance_batch
from escalation_svc.settings import EscalationSettings

log = get_logger(__name__)
MAX_BATCHES_PER_PASS = 10_000


async def run_due_timers_once(
    runtime: ServiceRuntime, now: datetime | None = None, *, batch_size: int | None = None
) -> int:
    """Run every debtor whose timer is due at ``now`` (default: the clock); how many ran."""
    size = batch_size or _settings(runtime).timer_batch_size
    total = 0
    for _ in range(MAX_BATCHES_PER_PASS):
        at = now or runtime.clock.now()
        async with runtime.uow() as uow:
            claimed = await uow.repos.timers.claim_due(at, size)
            by_tenant: dict[str, list[Timer]] = defaultdict(list)
            for timer in claimed:
                by_tenant[timer.tenant_id].append(timer)
            for tenant_id, timers in sorted(by_tenant.items()):
                try:
                    async with uow.savepoint():
                        await advance_batch(uow, tenant_id, timers)
                except Exception:
                    # One debtor's failure must not hold up the others: each alone, then.
                    log.warning(
                        "timer batch failed; running its debtors one by one",
                        tenant_id=tenant_id,
                        debtors=len(timers),
                    )
                    for timer in timers:
                        await _advance_alone(uow, timer, at)
            await uow.commit()
        total += len(claimed)
        if len(claimed) < size:
            break
    return total


async def _advance_alone(uow: UnitOfWork, timer: Timer, at: datetime) -> None:
    try:
        async with uow.savepoint():
            await advance_batch(uow, timer.tenant_id, [timer])
    except Exception:
        failures = timer.failures + 1
        retry = at + timedelta(seconds=min(3600, 5 * 2 ** min(failures, 10)))
        log.exception(
            "debtor's ladder run failed; retrying later",
            tenant_id=timer.tenant_id,
            debtor_id=timer.debtor_id,
            retry_at=retry.isoformat(),
        )
        await uow.repos.timers.set(timer.tenant_id, timer.debtor_id, retry, failures=failures)


async def run_timer_scheduler(runtime: ServiceRuntime) -> None:
    """Run due timers every ``timer_poll_seconds``, and at once when a controlled clock moves."""
    await run_periodically(
        lambda: run_due_timers_once(runtime),
        name="timer scheduler",
        interval=_settings(runtime).timer_poll_seconds,
        clock=runtime.clock,
    )


def _settings(runtime: ServiceRuntime) -> EscalationSettings:
    settings = runtime.settings
    if not isinstance(settings, EscalationSettings):
        raise TypeError("escalation-svc runs on EscalationSettings")
    return settings
