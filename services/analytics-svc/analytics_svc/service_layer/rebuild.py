"""Rebuilding every read model from the event log (``debtflow analytics rebuild``).

The read models are emptied, then the log is replayed in the order it was written, a chunk
per transaction, through the same projection the consumers use. Projection does not depend
on order or repetition (``domain/ledger.py``), so the rebuilt models hold the same numbers,
and events consumed while a rebuild runs are simply projected twice. Until it finishes,
reports show only the part replayed so far.
"""

from __future__ import annotations

from collections.abc import Callable

from analytics_svc.domain.observations import Consumed
from analytics_svc.domain.repositories import LoggedEvent, Repositories
from analytics_svc.service_layer.projection import project
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
    new_uow: Callable[[], UnitOfWork], *, progress: Progress | None = None, chunk: int = CHUNK
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
    return done
