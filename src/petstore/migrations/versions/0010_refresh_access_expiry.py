"""the expiry of the access token issued with each refresh token

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02

Presenting a spent refresh token revoked its family, but the access tokens issued from that
family kept working until they expired. Each refresh token already names its access token
(``access_jti``); with its expiry the revocation can record them as revoked for exactly as long
as they would have lived. Rows written before this migration have none and count as alive for
a day, the longest access-token lifetime.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("access_expires_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_column("access_expires_at")
