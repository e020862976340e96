"""person.key no longer unique: a name typed by a user who may not see its namesake (named
only in meetings they may not read) creates a second person instead of reusing the hidden
one (see rida.meetings.people.find_or_create).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person") as batch:
        batch.drop_index(batch.f("ix_person_key"))
        batch.create_index(batch.f("ix_person_key"), ["key"], unique=False)


def downgrade() -> None:
    # fails if duplicates were created meanwhile: merge them first
    with op.batch_alter_table("person") as batch:
        batch.drop_index(batch.f("ix_person_key"))
        batch.create_index(batch.f("ix_person_key"), ["key"], unique=True)
