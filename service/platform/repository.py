"""The base of every tenant-owned repository: one place applies the tenant.

Each feature's repository subclasses ``TenantRepository`` and starts every
read from ``self.select(Model)`` (or ``self.get(Model, key)``), which already
carries ``WHERE tenant = :tenant``: a new query cannot forget the scope,
because there is no unscoped way in short of writing ``sqlmodel.select``
by hand, which a test of the repositories' source forbids. Repositories
never commit: the caller owns the transaction
(``service.platform.transactions.in_transaction``, or the request's session).

>>> from sqlmodel import Field, SQLModel
>>> class Note(SQLModel, table=True):
...     __tablename__ = "doctest_note"
...     id: int = Field(primary_key=True)
...     tenant: str
>>> class Notes(TenantRepository):
...     pass
>>> print(Notes(None, "t1").select(Note))  # doctest: +NORMALIZE_WHITESPACE
SELECT doctest_note.id, doctest_note.tenant FROM doctest_note
WHERE doctest_note.tenant = :tenant_1
>>> SQLModel.metadata.remove(Note.__table__)
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

__all__ = ["TenantOwned", "TenantRepository"]


class TenantOwned(Protocol):
    """A table whose rows belong to one tenant."""

    tenant: Any


Row = TypeVar("Row", bound=TenantOwned)


class TenantRepository:
    """Queries over one tenant's rows, in a session the caller owns."""

    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    def select(self, model: type[Row]) -> SelectOfScalar[Row]:
        """``SELECT model WHERE model.tenant = self.tenant``: every read starts here."""
        return select(model).where(model.tenant == self.tenant)

    def get(self, model: type[Row], key: Any) -> Row | None:
        """The row with primary key ``key``, if it is this tenant's.

        By primary key alone, the tenant checked after: with the tenant in
        the WHERE clause, SQLite may pick a (tenant, …) index and read every
        row of the tenant."""
        found = self.session.get(model, key)
        return found if found is not None and found.tenant == self.tenant else None
