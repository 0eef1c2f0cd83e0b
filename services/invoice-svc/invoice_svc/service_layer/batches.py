"""Applying many ERP rows at once: chunked units of work, a savepoint for each row that writes.

A batch of 10,000 rows is not one giant transaction: rows are applied ``CHUNK_SIZE`` to a
unit of work, and a row the ledger refuses is undone alone and reported while the rows
around it still commit. Rows are applied in the order given: a row that needs another (an
invoice whose debtor is in the same request) must come after it.

Each kind of row has its :class:`Chunk` (``debtor_batch``, ``invoice_batch``,
``payment_batch``): it reads what the chunk's rows need in a few queries up front, and
decides per row whether it needs a savepoint. One that is refused before writing anything
(or finds nothing to change) does not, and that is most rows of a typical ERP batch.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

from debtflow_shared.optimistic_lock import ConcurrentUpdate
from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.domain.invoice import LedgerError

log = logging.getLogger(__name__)

CHUNK_SIZE = 500

Status = Literal["created", "updated", "unchanged", "error"]
Row = TypeVar("Row", contravariant=True)
T = TypeVar("T")


@dataclass(frozen=True)
class Applied:
    """What one row did: its status and the id of what it created or matched."""

    status: Status
    id: str

    @classmethod
    def of(cls, id_: str, *, created: bool, changed: bool) -> Applied:
        return cls("created" if created else "updated" if changed else "unchanged", id_)


@dataclass(frozen=True)
class RowOutcome:
    index: int
    status: Status
    id: str | None = None
    field: str | None = None  # the refused row's field, relative to the row
    message: str | None = None


class ChunkRaced(Exception):
    """A concurrent request took an ERP id this chunk was inserting: read it again."""


class Chunk(Protocol[Row]):
    """One unit of work's rows: applied one by one, then finished before the commit."""

    async def apply(self, row: Row) -> Applied:
        """Apply one row, or raise (a ledger refusal) with nothing of it left written."""
        ...

    async def finish(self) -> None:
        """Write what the chunk's rows left pending (at the end, once, not per row)."""
        ...

    def refused_late(self) -> Mapping[str, str]:
        """Rows reported applied whose deferred write then failed, by the id reported for
        them, with the reason (after :meth:`finish`)."""
        ...


StartChunk = Callable[[UnitOfWork, str, Sequence[T]], Awaitable[Chunk[T]]]
"""Prepares a chunk: ``(unit of work, tenant id, the chunk's rows)``."""


async def apply_rows(
    uow: UnitOfWork,
    tenant_id: str,
    rows: Sequence[tuple[int, T]],
    start_chunk: StartChunk[T],
    *,
    chunk_size: int = CHUNK_SIZE,
) -> list[RowOutcome]:
    """Apply ``(index, row)`` pairs in order, ``chunk_size`` per committed unit of work."""
    outcomes: list[RowOutcome] = []
    for start in range(0, len(rows), chunk_size):
        part = rows[start : start + chunk_size]
        try:
            outcomes += await _apply_chunk(uow, tenant_id, part, start_chunk)
        except ChunkRaced:
            # Rolled back whole; read again, the winner's rows are visible now (once: a
            # second lost race goes to the caller as a conflict to retry).
            outcomes += await _apply_chunk(uow, tenant_id, part, start_chunk)
    return outcomes


async def _apply_chunk(
    uow: UnitOfWork,
    tenant_id: str,
    part: Sequence[tuple[int, T]],
    start_chunk: StartChunk[T],
) -> list[RowOutcome]:
    async with uow:
        chunk = await start_chunk(uow, tenant_id, [row for _, row in part])
        outcomes = [await _apply_one(chunk, index, row) for index, row in part]
        await chunk.finish()
        await uow.commit()
    late = chunk.refused_late()
    return [_refused_late(o, late) for o in outcomes]


async def _apply_one(chunk: Chunk[T], index: int, row: T) -> RowOutcome:
    try:
        applied = await chunk.apply(row)
    except LedgerError as error:
        return RowOutcome(index, "error", field=error.field, message=str(error))
    except ConcurrentUpdate as error:
        return RowOutcome(index, "error", message=str(error))
    except ChunkRaced:
        raise  # not this row's fault: the whole chunk is read again
    except Exception as error:  # whatever fails inside a row sinks that row alone
        log.exception("batch row %d could not be applied", index)
        return RowOutcome(index, "error", message=cannot_apply(error))
    return RowOutcome(index, applied.status, applied.id)


def _refused_late(outcome: RowOutcome, late: Mapping[str, str]) -> RowOutcome:
    if outcome.id is None or outcome.id not in late:
        return outcome
    return RowOutcome(outcome.index, "error", message=late[outcome.id])


def cannot_apply(error: Exception) -> str:
    """A row's refusal for a failure the ledger did not foresee (its detail goes to the log)."""
    return f"the row could not be applied ({type(error).__name__}); nothing of it was written"
