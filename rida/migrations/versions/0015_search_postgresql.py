"""search inside PostgreSQL: the indexed documents with their tsvector (GIN), the
vocabulary of prefixes and suggestions, the version of the analysis that filled them.
Nothing on SQLite (its engine is Whoosh, outside the database).

The tables are filled by rida, not here: the first start after this migration finds the
index empty and builds it from the database (``rida reindex`` does the same).

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_table(
        "search_document",
        sa.Column("key", sa.Text(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=True),
        sa.Column("action", sa.Integer(), nullable=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("meeting_title", sa.Text(), nullable=False),
        sa.Column("series", sa.Text(), nullable=False),
        sa.Column("meeting_type", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("classification", sa.Text(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("nature", sa.Text(), nullable=True),
        sa.Column("organisations", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("stamp", sa.Text(), nullable=False),
        sa.Column("terms", postgresql.TSVECTOR(), nullable=False),
    )
    op.create_index("ix_search_document_meeting_id", "search_document", ["meeting_id"])
    op.create_index("ix_search_document_date", "search_document", ["date"])
    op.create_index(
        "ix_search_document_terms", "search_document", ["terms"], postgresql_using="gin"
    )
    op.create_table(
        "search_word",
        sa.Column("word", sa.Text(collation="C"), primary_key=True),
    )
    op.create_table(
        "search_state",
        sa.Column("name", sa.Text(), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_table("search_state")
    op.drop_table("search_word")
    op.drop_table("search_document")
