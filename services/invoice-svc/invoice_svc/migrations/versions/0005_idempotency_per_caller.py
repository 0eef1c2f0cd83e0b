"""idempotency keys per caller, answers stored with their headers

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 10:00:00.000000

A key now belongs to the token's subject as well as its tenant, and an answer keeps its
content type and location. The answer is written in the transaction of the write it
answers, so there is no "in progress" state any more: such rows (status 0) are dropped,
and the answers kept are attributed to the subject ``operator`` that every token issued
so far carries unless told otherwise.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("DELETE FROM idempotency_keys WHERE status_code = 0")
    with op.batch_alter_table("idempotency_keys", recreate="always") as batch_op:
        batch_op.add_column(
            sa.Column("subject", sa.String(length=200), nullable=False, server_default="operator")
        )
        batch_op.add_column(
            sa.Column(
                "response_headers",
                sa.Text(),
                nullable=False,
                server_default='{"content-type": "application/json"}',
            )
        )
        batch_op.drop_constraint("pk_idempotency_keys", type_="primary")
        batch_op.create_primary_key("pk_idempotency_keys", ["tenant_id", "subject", "key"])
    with op.batch_alter_table("idempotency_keys", recreate="always") as batch_op:
        batch_op.alter_column("subject", server_default=None)
        batch_op.alter_column("response_headers", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("idempotency_keys", recreate="always") as batch_op:
        batch_op.drop_constraint("pk_idempotency_keys", type_="primary")
        batch_op.drop_column("response_headers")
        batch_op.drop_column("subject")
        batch_op.create_primary_key("pk_idempotency_keys", ["tenant_id", "key"])
