"""refile quotations: every stored quotation also filed under its content words

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 20:20:00

The quote index gained keys for phrase look-ups (each content word of a
quotation, issue 20) after quotations had been filed; a quotation is filed
once, when its version is stored, so without this a database's earlier
quotations were never found by a one- or two-word query. No schema change:
rows are added to quote_shingles (``service.quotes.repository.refile``:
batches by id, existing rows left alone, so it may run again). Downgrade
leaves them: the older code never looks those keys up.
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from service.quotes.repository import refile

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    refile(op.get_bind())


def downgrade() -> None:
    pass
