"""The base of every tenant-owned repository: one place applies the tenant.

Each feature's repository subclasses ``TenantRepository`` and starts every
read from ``self.select(Model)`` (or ``self.get(Model, key)``), which already
carries ``WHERE tenant = :tenant``; a statement over several tables (rows
with their event, a count per subscription) goes through
``self.scoped(statement, Model)``. A new query cannot forget the scope: the
tenant filter is written here and nowhere else, which a test of the
repositories' source holds. Repositories never commit: the caller owns the
transaction (``service.platform.transactions.in_transaction``, or the
request's session); ``add`` and ``delete`` write one of the tenant's rows and
flush, so that a generated key is set and a constraint is checked at once.

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
>>> from sqlmodel import func, select
>>> print(Notes(None, "t1").scoped(select(func.count()).select_from(Note), Note))
... # doctest: +NORMALIZE_WHITESPACE
SELECT count(*) AS count_1 FROM doctest_note WHERE doctest_note.tenant = :tenant_1
>>> SQLModel.metadata.remove(Note.__table__)
"""

from __future__ import annotations

from typing import Any, Protocol, Self, TypeVar

from sqlmodel import Session, select
from sqlmodel.sql.expression import SelectOfScalar

__all__ = ["Filterable", "TenantOwned", "TenantRepository"]


class TenantOwned(Protocol):
    """A table whose rows belong to one tenant."""

    tenant: Any


Row = TypeVar("Row", bound=TenantOwned)


class Filterable(Protocol):
    """A statement that takes a ``WHERE`` clause (any ``select``)."""

    def where(self, *whereclause: Any) -> Self: ...


Statement = TypeVar("Statement", bound=Filterable)


class TenantRepository:
    """Queries over one tenant's rows, in a session the caller owns."""

    def __init__(self, session: Session, tenant: str) -> None:
        self.session = session
        self.tenant = tenant

    def select(self, model: type[Row]) -> SelectOfScalar[Row]:
        """``SELECT model WHERE model.tenant = self.tenant``: every read starts here."""
        return self.scoped(select(model), model)

    def scoped(self, statement: Statement, *models: type[TenantOwned]) -> Statement:
        """``statement`` limited to this tenant's rows of each of ``models``:
        for a statement that ``select`` cannot start (several entities,
        aggregates), naming the tables whose ``tenant`` column scopes it."""
        for model in models:
            statement = statement.where(model.tenant == self.tenant)
        return statement

    def get(self, model: type[Row], key: Any) -> Row | None:
        """The row with primary key ``key``, if it is this tenant's.

        By primary key alone, the tenant checked after: with the tenant in
        the WHERE clause, SQLite may pick a (tenant, …) index and read every
        row of the tenant."""
        found = self.session.get(model, key)
        return found if found is not None and found.tenant == self.tenant else None

    def add(self, row: Row) -> Row:
        """``row`` written, new or changed, and flushed."""
        assert row.tenant == self.tenant, "a row of another tenant"
        self.session.add(row)
        self.session.flush()
        return row

    def delete(self, row: TenantOwned) -> None:
        """``row`` deleted, and the deletion flushed."""
        assert row.tenant == self.tenant, "a row of another tenant"
        self.session.delete(row)
        self.session.flush()
