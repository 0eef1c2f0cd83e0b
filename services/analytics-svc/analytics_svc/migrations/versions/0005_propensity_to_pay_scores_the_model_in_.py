"""propensity-to-pay scores, the model in force and what was published

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

Scoring keeps each debtor's score and reasons, the tenant's chosen model with its held-out
AUC beside the scorecard's, and the last debtor.risk_scored published (kept across
rebuilds); debtors keep their credit limit and lifecycles their debtor, which scoring
reads. Existing lifecycles have no debtor until `debtflow analytics rebuild` replays them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import debtflow_shared.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "risk_models",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("chosen_on", sa.Date(), nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=False),
        sa.Column("model", sa.Text(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("base_rate_e4", sa.Integer(), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("test_from", sa.Date(), nullable=True),
        sa.Column("train_examples", sa.Integer(), nullable=True),
        sa.Column("test_examples", sa.Integer(), nullable=True),
        sa.Column("model_auc_e4", sa.Integer(), nullable=True),
        sa.Column("scorecard_auc_e4", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("tenant_id", name="pk_risk_models"),
    )
    op.create_table(
        "risk_publications",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("score_e4", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=30), nullable=False),
        sa.Column("published_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "debtor_id", name="pk_risk_publications"),
    )
    op.create_table(
        "risk_scores",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("debtor_id", sa.String(length=64), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("score_e4", sa.Integer(), nullable=False),
        sa.Column("segment", sa.String(length=30), nullable=False),
        sa.Column("factors", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("open_balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("expected_recovery_minor", sa.BigInteger(), nullable=False),
        sa.Column("model_version", sa.String(length=100), nullable=False),
        sa.Column("scored_at", debtflow_shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("tenant_id", "debtor_id", name="pk_risk_scores"),
    )
    with op.batch_alter_table("risk_scores", schema=None) as batch_op:
        batch_op.create_index(
            "ix_risk_scores_tenant_currency_recovery",
            ["tenant_id", "currency", "expected_recovery_minor", "debtor_id"],
            unique=False,
        )

    with op.batch_alter_table("debtors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("credit_limit_minor", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("credit_limit_currency", sa.String(length=3), nullable=True))

    with op.batch_alter_table("lifecycles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("debtor_id", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_lifecycles_tenant_debtor", ["tenant_id", "debtor_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("lifecycles", schema=None) as batch_op:
        batch_op.drop_index("ix_lifecycles_tenant_debtor")
        batch_op.drop_column("debtor_id")

    with op.batch_alter_table("debtors", schema=None) as batch_op:
        batch_op.drop_column("credit_limit_currency")
        batch_op.drop_column("credit_limit_minor")

    with op.batch_alter_table("risk_scores", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_scores_tenant_currency_recovery")

    op.drop_table("risk_scores")
    op.drop_table("risk_publications")
    op.drop_table("risk_models")
