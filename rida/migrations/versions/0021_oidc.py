"""OpenID Connect sign-in: identities linked to accounts (issuer + subject), and on the
account: SSO only, waiting for approval, professional identifier (RPPS/ADELI).

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("sso_only", sa.Boolean(), nullable=False, server_default="0"))
        batch.add_column(
            sa.Column("approval_pending", sa.Boolean(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("professional_id", sa.String(length=40), nullable=True))
    op.create_table(
        "oidc_identity",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "user_id", sa.Integer(), sa.ForeignKey("user.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("issuer", sa.String(length=300), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("issuer", "subject"),
    )
    op.create_index("ix_oidc_identity_user_id", "oidc_identity", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_oidc_identity_user_id", table_name="oidc_identity")
    op.drop_table("oidc_identity")
    with op.batch_alter_table("user") as batch:
        batch.drop_column("professional_id")
        batch.drop_column("approval_pending")
        batch.drop_column("sso_only")
