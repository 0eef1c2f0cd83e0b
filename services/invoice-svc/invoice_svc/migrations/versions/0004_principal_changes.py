"""principal changes: each invoice's open principal, dated, for interest on the daily balance

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 23:40:00.000000

Existing invoices get their history rebuilt from what the ledger holds: the amount as
issued (today's amount plus its credit notes), each credit note, each payment's principal
on the day it was received (and its reversal), and whatever remains unexplained (an
amendment, a cancellation or a write-off, whose day was not kept) on the invoice's last
update.
"""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

import debtflow_shared.db

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "principal_changes",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("invoice_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("delta_minor", sa.BigInteger(), nullable=False),
        sa.Column("on_date", sa.Date(), nullable=False),
        sa.Column("payment_id", sa.String(length=36), nullable=True),
        sa.Column("reference", sa.String(length=36), nullable=True),
        sa.Column("recorded_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_principal_changes")),
    )
    with op.batch_alter_table("principal_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_principal_changes_invoice", ["tenant_id", "invoice_id"], unique=False
        )
    _backfill(op.get_bind())


def downgrade() -> None:
    with op.batch_alter_table("principal_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_principal_changes_invoice")
    op.drop_table("principal_changes")


def _backfill(connection: sa.Connection) -> None:
    instant = debtflow_shared.db.UTCDateTime(timezone=True)
    invoices = sa.table(
        "invoices",
        sa.column("id"),
        sa.column("tenant_id"),
        sa.column("issue_date", sa.Date()),
        sa.column("amount_minor"),
        sa.column("principal_open_minor"),
        sa.column("status"),
        sa.column("updated_at", instant),
    )
    credit_notes = sa.table(
        "credit_notes",
        sa.column("id"),
        sa.column("invoice_id"),
        sa.column("amount_minor"),
        sa.column("created_at", instant),
    )
    payments = sa.table(
        "payments", sa.column("id"), sa.column("received_on", sa.Date()), sa.column("status")
    )
    allocations = sa.table(
        "allocations", *(sa.column(n) for n in ("payment_id", "invoice_id", "principal_minor"))
    )
    changes = sa.table(
        "principal_changes",
        sa.column("tenant_id"),
        sa.column("invoice_id"),
        sa.column("kind"),
        sa.column("delta_minor"),
        sa.column("on_date", sa.Date()),
        sa.column("payment_id"),
        sa.column("reference"),
        sa.column("recorded_at", instant),
    )
    credits: dict[str, list[Any]] = defaultdict(list)
    for row in connection.execute(sa.select(credit_notes)).mappings():
        credits[row["invoice_id"]].append(row)
    paid: dict[str, list[Any]] = defaultdict(list)
    query = sa.select(
        allocations.c.invoice_id,
        allocations.c.payment_id,
        allocations.c.principal_minor,
        payments.c.received_on,
        payments.c.status,
    ).select_from(allocations.join(payments, payments.c.id == allocations.c.payment_id))
    for row in connection.execute(query).mappings():
        paid[row["invoice_id"]].append(row)
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for invoice in connection.execute(sa.select(invoices)).mappings():
        rows += _history_of(invoice, credits[invoice["id"]], paid[invoice["id"]], now)
    if rows:
        connection.execute(sa.insert(changes), rows)


def _history_of(
    invoice: Any, credits: list[Any], paid: list[Any], now: datetime
) -> list[dict[str, Any]]:
    def change(kind: str, delta: int, on: Any, **more: Any) -> dict[str, Any]:
        return {
            "tenant_id": invoice["tenant_id"],
            "invoice_id": invoice["id"],
            "kind": kind,
            "delta_minor": delta,
            "on_date": on,
            "payment_id": more.get("payment_id"),
            "reference": more.get("reference"),
            "recorded_at": now,
        }

    credited = sum(c["amount_minor"] for c in credits)
    history = [change("issued", invoice["amount_minor"] + credited, invoice["issue_date"])]
    history += [
        change("credited", -c["amount_minor"], c["created_at"].date(), reference=c["id"])
        for c in credits
    ]
    for line in paid:
        if not line["principal_minor"]:
            continue
        history.append(
            change(
                "paid", -line["principal_minor"], line["received_on"], payment_id=line["payment_id"]
            )
        )
        if line["status"] == "reversed":
            history.append(
                change(
                    "reversed",
                    line["principal_minor"],
                    line["received_on"],
                    payment_id=line["payment_id"],
                )
            )
    unexplained = invoice["principal_open_minor"] - sum(h["delta_minor"] for h in history)
    if unexplained:
        kind = {"cancelled": "cancelled", "written_off": "written_off"}.get(
            invoice["status"], "amended"
        )
        history.append(change(kind, unexplained, invoice["updated_at"].date()))
    return history
