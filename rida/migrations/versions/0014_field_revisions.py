"""field_revisions on RIDA rows, participants and actions: the revision of each field's
last change, so that a stale save conflicts only on the fields changed since.

Existing records get every editable field at their current revision (their history
before is unknown: a save seen at an older revision still conflicts, as before).

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EDITABLE = {
    "rida_row": ("nature", "subject", "question", "answer"),
    "participation": ("attendance", "function"),
    "action": ("title", "kind", "status", "due_date", "notes", "row_id", "owner_id"),
}


def upgrade() -> None:
    bind = op.get_bind()
    for table, names in EDITABLE.items():
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("field_revisions", sa.JSON(), nullable=False, server_default="{}")
            )
        t = sa.table(
            table,
            sa.column("id", sa.Integer),
            sa.column("revision", sa.Integer),
            sa.column("field_revisions", sa.JSON),
        )
        for revision_, ids in _ids_by_revision(bind, t).items():
            stamps = dict.fromkeys(names, revision_)
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                bind.execute(t.update().where(t.c.id.in_(chunk)).values(field_revisions=stamps))


def _ids_by_revision(bind: sa.Connection, t: sa.TableClause) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for id_, revision_ in bind.execute(sa.select(t.c.id, t.c.revision)):
        if revision_ > 1:  # at revision 1, nothing has changed since creation
            found.setdefault(revision_, []).append(id_)
    return found


def downgrade() -> None:
    for table in EDITABLE:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("field_revisions")
