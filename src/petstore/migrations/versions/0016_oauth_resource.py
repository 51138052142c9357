"""the resource (RFC 8707) an authorization code and a refresh token were granted for

Revision ID: 0016
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "oauth_authorization_codes",
        sa.Column("resource", sa.String(length=2048), nullable=True),
    )
    op.add_column("refresh_tokens", sa.Column("resource", sa.String(length=2048), nullable=True))


def downgrade() -> None:
    op.drop_column("refresh_tokens", "resource")
    op.drop_column("oauth_authorization_codes", "resource")
