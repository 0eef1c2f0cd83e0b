"""Which of a tenant's invoices a listing asks for: the query the invoice list answers.

Entry points build it from their input, use cases pass it on, the repository turns it
into SQL; none of them has to know the others' types.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from debtflow_shared.catalog.invoice import InvoiceStatus


@dataclass(frozen=True)
class InvoiceFilter:
    """Every criterion given must hold; ``overdue``: past due and still chased (or not)."""

    status: InvoiceStatus | None = None
    debtor_id: str | None = None
    overdue: bool | None = None
    due_from: date | None = None
    due_to: date | None = None
