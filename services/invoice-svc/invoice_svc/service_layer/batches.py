"""Applying many ERP rows at once: chunked units of work, one savepoint per row.

A batch of 10,000 rows is not one giant transaction: rows are applied ``CHUNK_SIZE`` to a
unit of work, each in a savepoint, so a row the ledger refuses is undone alone and reported,
and the rows around it still commit. Rows are applied in the order given: a row that needs
another (an invoice whose debtor is in the same request) must come after it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar

from debtflow_shared.unit_of_work import UnitOfWork
from invoice_svc.adapters.invoice_repository import StaleInvoice
from invoice_svc.adapters.payment_repository import StalePayment
from invoice_svc.domain.invoice import LedgerError

CHUNK_SIZE = 500

Status = Literal["created", "updated", "unchanged", "error"]
T = TypeVar("T")


@dataclass(frozen=True)
class Applied:
    """What one row did: its status and the id of what it created or matched."""

    status: Status
    id: str


@dataclass(frozen=True)
class RowOutcome:
    index: int
    status: Status
    id: str | None = None
    field: str | None = None  # the refused row's field, relative to the row
    message: str | None = None


async def apply_rows(
    uow: UnitOfWork,
    rows: Sequence[tuple[int, T]],
    apply: Callable[[UnitOfWork, T], Awaitable[Applied]],
    *,
    chunk_size: int = CHUNK_SIZE,
) -> list[RowOutcome]:
    """Apply ``(index, row)`` pairs in order, ``chunk_size`` per committed unit of work."""
    outcomes: list[RowOutcome] = []
    for start in range(0, len(rows), chunk_size):
        async with uow:
            for index, row in rows[start : start + chunk_size]:
                try:
                    async with uow.session.begin_nested():
                        applied = await apply(uow, row)
                except LedgerError as error:
                    outcomes.append(
                        RowOutcome(index, "error", field=error.field, message=str(error))
                    )
                except (StaleInvoice, StalePayment) as error:
                    message = f"{error} was changed by another request; retry"
                    outcomes.append(RowOutcome(index, "error", message=message))
                else:
                    outcomes.append(RowOutcome(index, applied.status, applied.id))
            await uow.commit()
    return outcomes
