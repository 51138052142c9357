"""the access token an authorization code gave, so that a replayed code revokes it

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01

A replayed code revoked only the refresh-token family of its first exchange; a client without
the refresh_token grant has no family, and its access token outlived the replay.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("oauth_authorization_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("access_jti", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("oauth_authorization_codes", schema=None) as batch_op:
        batch_op.drop_column("access_jti")
