"""search: a glossary of equivalent terms per series, applied at query time

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "series_glossary",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["series_id"], ["series.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("series_glossary", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_series_glossary_series_id"), ["series_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("series_glossary", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_series_glossary_series_id"))
    op.drop_table("series_glossary")
