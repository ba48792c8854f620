"""primary documents in stories

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 20:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Every existing member is an outlet's coverage.
    with op.batch_alter_table("story_articles") as batch:
        batch.add_column(
            sa.Column(
                "role",
                sqlmodel.sql.sqltypes.AutoString(length=16),
                server_default="coverage",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("story_articles") as batch:
        batch.drop_column("role")
