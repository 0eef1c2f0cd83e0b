"""SMS phones, postal addresses and channel bodies

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 18:31:57.197822

SMS goes only to a debtor's E.164 numbers flagged sms_capable and letters to the
structured postal address, so notify's debtor copy keeps both; a template may carry its
own SMS and letter bodies (null: the shipped default's). Existing debtors have no phones
and no structured address until their next debtor.upserted.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("debtors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phones", sa.Text(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("postal_address", sa.Text(), nullable=True))

    with op.batch_alter_table("templates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sms", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("letter", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("templates", schema=None) as batch_op:
        batch_op.drop_column("letter")
        batch_op.drop_column("sms")

    with op.batch_alter_table("debtors", schema=None) as batch_op:
        batch_op.drop_column("postal_address")
        batch_op.drop_column("phones")
