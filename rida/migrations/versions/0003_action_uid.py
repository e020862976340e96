"""actions editable in the editor: a client-generated uid per action

Revision ID: 0003
Revises: 0002
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sa.String(length=64), nullable=True))

    action = sa.table("action", sa.column("id", sa.Integer()), sa.column("uid", sa.String()))
    connection = op.get_bind()
    for (action_id,) in connection.execute(sa.select(action.c.id)).all():
        connection.execute(
            action.update().where(action.c.id == action_id).values(uid=uuid.uuid4().hex)
        )

    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.alter_column("uid", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint("uq_action_uid", ["uid"])


def downgrade() -> None:
    with op.batch_alter_table("action", schema=None) as batch_op:
        batch_op.drop_constraint("uq_action_uid", type_="unique")
        batch_op.drop_column("uid")
