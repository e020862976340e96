"""search glossary for the whole instance: series_glossary.series_id may be NULL (a group
that applies to every series, edited by admins)

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("series_glossary") as batch:
        batch.alter_column("series_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM series_glossary WHERE series_id IS NULL")
    with op.batch_alter_table("series_glossary") as batch:
        batch.alter_column("series_id", existing_type=sa.Integer(), nullable=False)
