"""Rebuilding every read model from the event log (``debtflow analytics rebuild``).

The read models are emptied, then the log is replayed in the order it was written, a chunk
per transaction, through the same projection the consumers use. Projection does not depend
on order or repetition (``domain/ledger.py``), so the rebuilt models hold the same numbers,
and events consumed while a rebuild runs are simply projected twice. Until it finishes,
reports show only the part replayed so far. Scores and the model in force are read models
too: emptied with the rest, and chosen and scored again once the log is replayed (as of the
rebuild's clock), publishing only the scores that moved from what was last published.
"""

from __future__ import annotations

from collections.abc import Callable

from analytics_svc.domain.observations import Consumed
from analytics_svc.domain.repositories import LoggedEvent, Repositories
from analytics_svc.service_layer.projection import project
from analytics_svc.service_layer.scoring import ScoringPolicy, daily_scoring_in
from debtflow_shared.catalog import CATALOG
from debtflow_shared.envelope import Envelope
from debtflow_shared.unit_of_work import AbstractUnitOfWork

UnitOfWork = AbstractUnitOfWork[Repositories]
CHUNK = 1000
Progress = Callable[[int, int], None]
"""Told (events replayed, events in the log) after each chunk."""


def replayed(event: LoggedEvent) -> Consumed:
    envelope = Envelope.model_validate_json(event.envelope_json)
    return Consumed(
        event_id=event.event_id,
        tenant_id=event.tenant_id,
        topic=event.topic,
        occurred_at=event.occurred_at,
        payload=CATALOG.parse(envelope),
    )


async def rebuild(
    new_uow: Callable[[], UnitOfWork],
    *,
    progress: Progress | None = None,
    chunk: int = CHUNK,
    scoring: ScoringPolicy | None = None,
) -> int:
    """Empty the read models and project the whole log again; returns the events replayed."""
    async with new_uow() as uow:
        total = await uow.repos.events.count()
        await uow.repos.ledger.clear()
        await uow.commit()
    if progress:
        progress(0, total)
    done, after = 0, 0
    while True:
        async with new_uow() as uow:
            logged = await uow.repos.events.read_after(after, chunk)
            if not logged:
                break
            await project(uow, [replayed(e) for e in logged])
            await uow.commit()
        done, after = done + len(logged), logged[-1].seq
        if progress:
            progress(done, max(total, done))
    await _score_again(new_uow, scoring or ScoringPolicy())
    return done


async def _score_again(new_uow: Callable[[], UnitOfWork], policy: ScoringPolicy) -> None:
    async with new_uow() as uow:
        tenants = await uow.repos.risk.tenants()
    for tenant_id in tenants:
        async with new_uow() as uow:
            await daily_scoring_in(uow, tenant_id, uow.clock.now().date(), policy, force=True)
            await uow.commit()
