"""search on PostgreSQL, faster: each document's terms stay in its row (storage MAIN),
read cheaply by the ranking, instead of being moved out of line (TOAST) in rows over
2 kB, a third of the documents (the index is rebuilt at the next start to store them
so); the series and nature filters get (filter, date) indexes, which give a filtered
search its most recent matches without reading the others.

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE search_document ALTER COLUMN terms SET STORAGE MAIN")
    op.create_index("ix_search_document_series_date", "search_document", ["series", "date"])
    op.create_index("ix_search_document_nature_date", "search_document", ["nature", "date"])
    # Rows already written keep their layout: forgetting the analysis makes the next
    # start rebuild the index (rida.search.postgresql_backend.PostgresqlBackend.open).
    op.execute("DELETE FROM search_state WHERE name = 'analysis'")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_search_document_nature_date", "search_document")
    op.drop_index("ix_search_document_series_date", "search_document")
    op.execute("ALTER TABLE search_document ALTER COLUMN terms SET STORAGE EXTENDED")
