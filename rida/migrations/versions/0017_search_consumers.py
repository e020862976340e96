"""search consumers: each search index keeps its own position in the outbox, which is no
longer drained by one indexer for all (several hosts, one index each)

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRUNED = "(pruned)"


def upgrade() -> None:
    op.create_table(
        "search_consumer",
        sa.Column("name", sa.String(length=300), primary_key=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=False),
    )
    # Entries left in the outbox were never applied: nothing is pruned yet.
    op.execute(
        "INSERT INTO search_consumer (name, position, seen_at) "
        f"VALUES ('{PRUNED}', 0, CURRENT_TIMESTAMP)"
    )
    # SQLite: AUTOINCREMENT, so that an id is never given twice once entries are pruned
    # (positions compare ids). PostgreSQL's sequence never gives one twice.
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "search_outbox", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    op.drop_table("search_consumer")
