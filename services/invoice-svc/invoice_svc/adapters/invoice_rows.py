"""Reading invoice rows into the catalog's ``InvoiceState`` (what every invoice event carries)."""

from __future__ import annotations

from typing import Any

from debtflow_shared.catalog.invoice import InvoiceState, InvoiceStatus
from debtflow_shared.catalog.money import Money


def invoice_state_from_row(row: Any) -> InvoiceState:
    """``row`` is a mapping with the columns of the ``invoices`` table."""
    currency = row["currency"]
    principal, charges = row["principal_open_minor"], row["charges_open_minor"]
    return InvoiceState(
        invoice_id=row["id"],
        erp_id=row["erp_id"],
        number=row["number"],
        debtor_id=row["debtor_id"],
        issue_date=row["issue_date"],
        due_date=row["due_date"],
        amount=Money(amount_minor=row["amount_minor"], currency=currency),
        principal_open=Money(amount_minor=principal, currency=currency),
        charges_open=Money(amount_minor=charges, currency=currency),
        open_balance=Money(amount_minor=principal + charges, currency=currency),
        status=InvoiceStatus(row["status"]),
        version=row["version"],
    )
