"""stored quotations read back: each quotation's mention, each version's extractor

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-09 10:00:00

A stored version's quotations were filed without the words that name their
speaker (the ``Mention`` a ``Quote`` carries), so they could not stand for
``extract_quotes`` of the version, and every compare or diff of a stored
version extracted it again. ``quotes`` gains the mention's columns and
``versions`` the ``EXTRACTOR`` that found its quotations
(``service.core.quotes.identity``); both stay NULL on the rows stored
before, whose versions are extracted again when compared, as they were.

Columns are added and dropped in place (``ALTER TABLE``, which SQLite has
done for a column without constraints or indexes since 3.35), not by
Alembic's batch mode: that copies a table and drops the old one, and
dropping ``quotes`` would empty ``quote_shingles`` by its ``ON DELETE
CASCADE``.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("quotes", sa.Column("mention_text", sa.Text(), nullable=True))
    op.add_column("quotes", sa.Column("mention_start", sa.Integer(), nullable=True))
    op.add_column("quotes", sa.Column("mention_end", sa.Integer(), nullable=True))
    op.add_column(
        "versions",
        sa.Column("extractor", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("versions", "extractor")
    op.drop_column("quotes", "mention_end")
    op.drop_column("quotes", "mention_start")
    op.drop_column("quotes", "mention_text")
