<%
    # Written by `debtflow migrate revision`: import only what the rendered body uses, so
    # the file passes ruff as written.
    body = (context.get("upgrades") or "") + (context.get("downgrades") or "")
    why = context.get("why") or (
        "TODO(why): say why the schema changes, and what becomes of the rows stored before."
    )
%>"""${message}

Revision ID: ${up_revision}
Revises: ${down_revision | comma,n}
Create Date: ${create_date}

${why}
"""

from collections.abc import Sequence

% if "sa." in body:
import sqlalchemy as sa
% endif
from alembic import op
% if imports:
${imports}
% endif

% if "debtflow_shared.db." in body:
import debtflow_shared.db

% endif
revision: str = ${repr(up_revision)}
down_revision: str | None = ${repr(down_revision)}
branch_labels: str | Sequence[str] | None = ${repr(branch_labels)}
depends_on: str | Sequence[str] | None = ${repr(depends_on)}


def upgrade() -> None:
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    ${downgrades if downgrades else "pass"}
