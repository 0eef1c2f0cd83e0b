"""debtor profiles keep the debtor's tags and credit policy (debtor.upserted v2)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03

Segment rules and conditions read them. Profiles stored before have none until the
debtor's next debtor.upserted: no tags, the default credit policy.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("debtor_profiles") as table:
        table.add_column(sa.Column("tags", sa.Text, nullable=False, server_default="[]"))
        table.add_column(sa.Column("credit_policy", sa.Text, nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("debtor_profiles") as table:
        table.drop_column("credit_policy")
        table.drop_column("tags")
