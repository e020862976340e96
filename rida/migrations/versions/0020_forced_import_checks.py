"""meeting_version.forced_checks: a validated document imported and kept validated on
request although N blocking checks failed (0: the checks passed, or a validation in rida).

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_version") as batch:
        batch.add_column(
            sa.Column("forced_checks", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("meeting_version") as batch:
        batch.drop_column("forced_checks")
