"""SQLModel tables, one module per aggregate; ``metadata`` holds them all
(what Alembic compares the migrations against).

Every row carries its ``tenant`` from the start, so that scoping a query to
the caller is a ``WHERE`` clause away. Versions are immutable: a changed text
is a new row with the next ``number``. Timestamps are stored in UTC.
"""

from service.models import articles, checks, feeds, keys, quotes, stories, webhooks
from service.models.base import metadata

__all__ = ["articles", "checks", "feeds", "keys", "metadata", "quotes", "stories", "webhooks"]
