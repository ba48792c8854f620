"""The quote index's queries: writing a version's quotations, reading
candidates and an article's latest quotations, each scoped to the tenant
(``TenantRepository``); the shingles carry no tenant of their own, their
hashes are salted with it."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, NamedTuple

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Connection,
    Integer,
    Select,
    String,
    Table,
    any_,
    bindparam,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    update,
)
from sqlalchemy import select as select_columns
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import UpdateBase
from sqlmodel import SQLModel, col

from service.core.alignment.shingles import Shingled, filed_size, shingle, stored_shingles
from service.core.quotes.extract import Quote
from service.core.text import keys
from service.models.articles import Version
from service.models.quotes import QuoteRecord, QuoteShingle
from service.platform.repository import TenantRepository

__all__ = [
    "Candidate",
    "IndexedQuote",
    "QuoteRepository",
    "Shared",
    "indexed_quotes",
    "refile",
]


@dataclass(frozen=True, slots=True)
class IndexedQuote:
    quote: Quote
    shingled: Shingled


def indexed_quotes(quotes: Iterable[Quote], tenant: str) -> list[IndexedQuote]:
    """The quotations worth filing (those with words), shingled for ``tenant``."""
    found = []
    for quote in quotes:
        words = keys(quote.text)
        if words:
            found.append(IndexedQuote(quote, shingle(words, tenant)))
    return found


def _table(model: type[SQLModel]) -> Table:
    table = model.__table__  # type: ignore[attr-defined]  # SQLModel declares it at runtime
    assert isinstance(table, Table)
    return table


def refile(connection: Connection, *, batch: int = 1000) -> None:
    """File every stored quotation under each key the index now files it
    under that it lacks a row for.

    The index gained keys (each content word, for phrase look-ups: issue
    20) after quotations had been filed, and a quotation is filed once, when
    its version is stored: migration 0007 runs this, so an existing database
    finds phrases in what it stored before. Quotations are read in batches
    by id, and rows that exist are left alone (``ON CONFLICT DO NOTHING``),
    so it can run again and it works on SQLite and PostgreSQL alike."""
    quotes, shingles = _table(QuoteRecord), _table(QuoteShingle)
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    add = dialect.insert(shingles).on_conflict_do_nothing()
    after = 0
    while True:
        rows = connection.execute(
            select_columns(quotes.c.id, quotes.c.tenant, quotes.c.norm, quotes.c.latest)
            .where(quotes.c.id > after)
            .order_by(quotes.c.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        values = []
        for quote_id, tenant, norm, latest in rows:
            words = norm.split()
            size = filed_size(words)
            values += [
                {"shingle": s, "quote_id": quote_id, "size": size, "latest": latest}
                for s in stored_shingles(words, tenant)
            ]
        if values:
            connection.execute(add, values)
        after = rows[-1][0]


class Shared(NamedTuple):
    """A quotation sharing keys with a query: its id, normalised text
    (what a search scores) and how many of the query's keys it shares."""

    id: int
    norm: str
    hits: int


@dataclass(frozen=True, slots=True)
class Candidate:
    id: int
    article_id: str
    version: int
    ordinal: int
    text: str
    start: int
    end: int
    speaker: str | None
    norm: str
    latest: bool
    hits: int


def _among(column: ColumnElement[int], dialect: str, name: str) -> ColumnElement[bool]:
    """``column`` is one of the integers bound as ``name``, a single
    parameter however many there are (an array on PostgreSQL, a JSON list
    that ``json_each`` reads on SQLite; ``_listed``). An ``IN`` list binds
    one parameter per value, so SQLAlchemy renders the statement's SQL
    again for every query (a third of a search's time in Python at 20,000
    quotations) and the database sees a new statement for each length."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=postgresql.ARRAY(BigInteger)))
    listed = func.json_each(bindparam(name, type_=String)).table_valued("value")
    return column.in_(select_columns(listed.c.value))


def _listed(dialect: str, values: Iterable[int]) -> list[int] | str:
    """The value ``_among``'s parameter takes for ``values``."""
    return list(values) if dialect == "postgresql" else json.dumps(list(values))


@cache
def _sharing(dialect: str, latest_only: bool, excluding: bool) -> Select[tuple[int, str, int]]:
    """``QuoteRepository.sharing``'s statement, built once per dialect and
    shape: the quotations sharing a fifth of the smaller of their own and
    the query's filed keys (``:filed``) with the query's keys (``:keys``),
    the ``:limit`` sharing most (ties by id), each with its text and count.

    The counting is a subquery, limited before its rows are joined, so
    that each database plans the obvious: an index range scan per key,
    counted per quotation from the index alone (unless an article is
    excluded, ``:exclude``: then each posting's quotation is read by
    primary key too), then at most ``:limit`` quotations read by primary
    key."""
    postings, quotes = _table(QuoteShingle), _table(QuoteRecord)
    hits = func.count().label("hits")
    filed = bindparam("filed", type_=Integer)
    smaller = case((postings.c.size < filed, postings.c.size), else_=filed)
    counted = select_columns(postings.c.quote_id, hits).where(
        _among(postings.c.shingle, dialect, "keys")
    )
    if latest_only:
        counted = counted.where(postings.c.latest.is_(True))
    if excluding:
        counted = counted.join(quotes, quotes.c.id == postings.c.quote_id).where(
            quotes.c.article_id != bindparam("exclude", type_=String)
        )
    shared = (
        counted.group_by(postings.c.quote_id, postings.c.size)
        .having(hits * 5 >= smaller)
        .order_by(hits.desc(), postings.c.quote_id)
        .limit(bindparam("limit", type_=Integer))
        .subquery("shared")
    )
    return select_columns(quotes.c.id, quotes.c.norm, shared.c.hits).join_from(
        shared, quotes, quotes.c.id == shared.c.quote_id
    )


@cache
def _reading(dialect: str) -> Select[Any]:
    """``QuoteRepository.read``'s statement: the quotations ``:ids``."""
    quotes = _table(QuoteRecord)
    return select_columns(
        quotes.c.id,
        quotes.c.article_id,
        quotes.c.version,
        quotes.c.ordinal,
        quotes.c.text,
        quotes.c.start,
        quotes.c.end,
        quotes.c.speaker,
        quotes.c.norm,
        quotes.c.latest,
    ).where(_among(quotes.c.id, dialect, "ids"))


class QuoteRepository(TenantRepository):
    def file(self, version: Version, quotes: Sequence[IndexedQuote]) -> None:
        """File ``version``'s quotations as the article's latest."""
        assert version.id is not None
        self._demote(version.article_id, quotes)
        rows = [self._row(version, ordinal, q, True) for ordinal, q in enumerate(quotes)]
        self._insert(rows, quotes, latest=True)

    def _demote(self, article_id: str, coming: Sequence[IndexedQuote]) -> None:
        """The article's latest quotations are latest no more, here and in
        the index, in two statements: the rows are updated and their ids and
        normalised texts returned at once, and their shingles (found by
        primary key: the ones the normalised text files under) updated in
        one more.

        The shingles are those of the ``coming`` quotations (the new
        version's, shingled already) where a text is the same, as most are
        after an edit, and hashed again only for the others."""
        quotes = _table(QuoteRecord)
        previous = self.session.execute(
            self.scoped(
                update(quotes)
                .where(quotes.c.article_id == article_id, quotes.c.latest.is_(True))
                .values(latest=False)
                .returning(quotes.c.id, quotes.c.norm),
                QuoteRecord,
            )
        ).all()
        if not previous:
            return
        known = {q.shingled.norm: q.shingled.shingles for q in coming}
        # A key with no row needs no update (a quotation filed before the
        # index gained keys has none: see ``refile``), and finds none here.
        self._shingles(
            "demote",
            [
                (s, quote_id)
                for quote_id, norm in previous
                for s in known.get(norm) or stored_shingles(norm.split(), self.tenant)
            ],
        )

    def sharing(
        self,
        shingles: Sequence[int],
        *,
        filed: int | None = None,
        latest_only: bool = True,
        limit: int = 1000,
        exclude_article: str | None = None,
    ) -> list[Shared]:
        """Quotations sharing enough shingles with a query (see the module
        docstring), most shared first, ties by id. ``shingles`` are the
        query's look-up keys; ``filed``, how many it would be filed under
        itself (the share is of that, since a look-up also holds skipping
        pairs and words). ``exclude_article``'s quotations are left out
        before the ``limit`` (an article repeating a quotation would fill it
        otherwise).

        Only what scoring needs is read; ``read`` reads the rest of the
        quotations kept (a page of a search holds a tenth of what it
        scores at most).
        """
        if not shingles:
            return []
        dialect = self.session.get_bind().dialect.name
        statement = _sharing(dialect, latest_only, exclude_article is not None)
        rows = self.session.execute(
            self.scoped(statement, QuoteRecord),
            {
                "keys": _listed(dialect, shingles),
                "filed": len(shingles) if filed is None else max(1, filed),
                "limit": limit,
                "exclude": exclude_article,
            },
        ).all()
        found = [Shared._make(row) for row in rows]
        found.sort(key=lambda s: (-s.hits, s.id))
        return found

    def read(self, found: Sequence[Shared]) -> list[Candidate]:
        """The quotations ``found`` (``sharing``'s), whole and in that order."""
        if not found:
            return []
        dialect = self.session.get_bind().dialect.name
        rows = self.session.execute(
            self.scoped(_reading(dialect), QuoteRecord),
            {"ids": _listed(dialect, (s.id for s in found))},
        ).all()
        by_id = {row[0]: row for row in rows}
        return [
            Candidate(
                qid, article, version, ordinal, text, start, end, speaker, norm, latest, s.hits
            )
            for s in found
            if s.id in by_id
            for qid, article, version, ordinal, text, start, end, speaker, norm, latest in (
                by_id[s.id],
            )
        ]

    def latest_quotes(self, article_ids: Sequence[str]) -> dict[str, list[QuoteRecord]]:
        """The latest version's quotations of each article, in text order."""
        found: dict[str, list[QuoteRecord]] = {a: [] for a in article_ids}
        if not article_ids:
            return found
        rows = self.session.exec(
            self.select(QuoteRecord)
            .where(col(QuoteRecord.article_id).in_(article_ids), col(QuoteRecord.latest).is_(True))
            .order_by(col(QuoteRecord.article_id), col(QuoteRecord.ordinal))
        ).all()
        for row in rows:
            found[row.article_id].append(row)
        return found

    def refill(self, version: Version, quotes: Sequence[IndexedQuote], *, latest: bool) -> bool:
        """Make ``version``'s stored quotations ``quotes`` (``indexed_quotes``'s
        answer), each filed ``latest`` as the version is its article's latest
        or not; ``True`` when some row changed.

        For a version filed by other extraction code (``file`` files a new
        one): the rows are rewritten in place, by ordinal, and only where
        they differ, so quotations found the same again write nothing, and
        their shingles only where the normalised text or the flag changed.
        A row is deleted only when the version has fewer quotations now: its
        shingles are deleted by primary key first, but the foreign key's
        cascade still looks for more, and no index of ``quote_shingles``
        leads with ``quote_id``, so each such deletion reads the whole index
        on both databases."""
        assert version.id is not None
        quotes_table = _table(QuoteRecord)
        old = self.session.execute(
            self.scoped(
                select_columns(
                    quotes_table.c.id, *(quotes_table.c[name] for name in _COMPARED)
                ).where(quotes_table.c.version_id == version.id),
                QuoteRecord,
            ).order_by(quotes_table.c.ordinal)
        ).all()
        new = [self._row(version, ordinal, q, latest) for ordinal, q in enumerate(quotes)]
        changed = [
            (stored, row, q)
            for stored, row, q in zip(old, new, quotes, strict=False)
            if tuple(stored[1:]) != tuple(row[name] for name in _COMPARED)
        ]
        surplus = old[len(new) :]
        if changed:
            self.session.execute(
                update(quotes_table).where(quotes_table.c.id == bindparam("quote_id")),
                [{"quote_id": stored.id, **row} for stored, row, _ in changed],
            )
        reshingled = [
            (stored, q)
            for stored, row, q in changed
            if (stored.norm, stored.latest) != (row["norm"], row["latest"])
        ]
        self._unshingle([(s.id, s.norm) for s, _ in reshingled] + [(s.id, s.norm) for s in surplus])
        self._shingle([(s.id, q) for s, q in reshingled], latest=latest)
        if surplus:
            self.session.execute(
                delete(quotes_table).where(quotes_table.c.id.in_([s.id for s in surplus]))
            )
        self._insert(new[len(old) :], quotes[len(old) :], latest=latest)
        return bool(changed or surplus or len(new) > len(old))

    def _row(self, version: Version, ordinal: int, q: IndexedQuote, latest: bool) -> dict[str, Any]:
        """The ``quotes`` row filing ``q`` as ``version``'s ``ordinal``-th quotation."""
        mention = q.quote.mention
        return {
            "tenant": self.tenant,
            "article_id": version.article_id,
            "version_id": version.id,
            "version": version.number,
            "ordinal": ordinal,
            "text": q.quote.text,
            "start": q.quote.start,
            "end": q.quote.end,
            "speaker": q.quote.speaker,
            "mention_text": mention.text if mention is not None else None,
            "mention_start": mention.start if mention is not None else None,
            "mention_end": mention.end if mention is not None else None,
            "norm": q.shingled.norm,
            "words": len(q.shingled.keys),
            "shingles": len(q.shingled.shingles),
            "latest": latest,
        }

    def _insert(
        self, rows: Sequence[dict[str, Any]], quotes: Sequence[IndexedQuote], *, latest: bool
    ) -> None:
        """Insert ``rows`` (``_row``'s, of ``quotes``, each a distinct
        ordinal of one version) and their shingles.

        One statement for the rows, whatever their number (SQLAlchemy's
        "insertmanyvalues", up to a thousand rows each): the ids come back
        with their ordinals, in no particular order. Asked for in the rows'
        order (``sort_by_parameter_order``), SQLite inserted each row with
        a statement of its own."""
        if not rows:
            return
        table = _table(QuoteRecord)
        ids = dict(
            self.session.execute(
                insert(table).returning(table.c.ordinal, table.c.id), list(rows)
            ).all()
        )
        self._shingle(
            [(ids[row["ordinal"]], q) for row, q in zip(rows, quotes, strict=True)], latest=latest
        )

    def _shingle(self, filed: Sequence[tuple[int, IndexedQuote]], *, latest: bool) -> None:
        """File each quotation ``filed`` by id under its shingles (about
        300 an article), in one statement (``_shingles``)."""
        self._shingles(
            "file",
            [
                (s, quote_id, q.shingled.size, latest)
                for quote_id, q in filed
                for s in q.shingled.shingles
            ],
        )

    def _unshingle(self, stored: Sequence[tuple[int, str]]) -> None:
        """Delete the shingles of the quotations ``stored`` (id and
        normalised text), each by primary key, as ``_demote`` updates them."""
        self._shingles(
            "delete",
            [
                (s, quote_id)
                for quote_id, norm in stored
                for s in stored_shingles(norm.split(), self.tenant)
            ],
        )

    def _shingles(self, kind: _Kind, rows: Sequence[tuple[int | bool, ...]]) -> None:
        """Write ``rows`` of the index (``_SHINGLE_WRITES[kind]``'s columns)
        in one statement, with no work per row in SQLAlchemy: on PostgreSQL
        the columns are bound as arrays that ``unnest`` reads (one round
        trip, where an executemany is a statement per row), on SQLite the
        driver's own executemany runs the statement for each tuple.

        SQLAlchemy's executemany processed each row's parameters in Python,
        and psycopg sent each row as a statement of its own: most of the
        time of filing a version."""
        if not rows:
            return
        dialect = self.session.get_bind().dialect.name
        statement = _shingle_write(dialect, kind)
        if isinstance(statement, str):
            self.session.connection().exec_driver_sql(statement, list(rows))
        else:
            names = _SHINGLE_WRITES[kind]
            columns = zip(*rows, strict=True)
            self.session.execute(
                statement, {f"{name}s": list(c) for name, c in zip(names, columns, strict=True)}
            )


_Kind = Literal["file", "demote", "delete"]

# The columns of a row of each of ``QuoteRepository._shingles``'s writes, in
# order; on PostgreSQL each is bound as an array named with an ``s`` more.
_SHINGLE_WRITES: dict[_Kind, tuple[str, ...]] = {
    "file": ("shingle", "quote_id", "size", "latest"),
    "demote": ("shingle", "quote_id"),
    "delete": ("shingle", "quote_id"),
}


@cache
def _shingle_write(dialect: str, kind: _Kind) -> UpdateBase | str:
    """``QuoteRepository._shingles``'s statement: on PostgreSQL a Core
    statement reading its rows from ``unnest`` of one array per column, on
    SQLite the SQL of one row's, with positional parameters in the order of
    ``_SHINGLE_WRITES[kind]``, for the driver's executemany."""
    shingles = _table(QuoteShingle)
    names = _SHINGLE_WRITES[kind]
    if dialect == "postgresql":
        types = {"shingle": BigInteger, "quote_id": BigInteger, "size": Integer, "latest": Boolean}
        given = func.unnest(
            *(cast(bindparam(f"{name}s"), postgresql.ARRAY(types[name])) for name in names)
        )
        rows = given.table_valued(*names).render_derived()
        if kind == "file":
            return insert(shingles).from_select(list(names), select_columns(*rows.c))
        by_key = (shingles.c.shingle == rows.c.shingle, shingles.c.quote_id == rows.c.quote_id)
        if kind == "demote":
            return update(shingles).where(*by_key).values(latest=false())
        return delete(shingles).where(*by_key)
    if kind == "file":
        statement: UpdateBase = insert(shingles)
        order = list(names)
    else:
        by_key = (shingles.c.shingle == bindparam("s"), shingles.c.quote_id == bindparam("q"))
        statement = (
            update(shingles).where(*by_key).values(latest=false())
            if kind == "demote"
            else delete(shingles).where(*by_key)
        )
        order = ["s", "q"]
    compiled = statement.compile(dialect=sqlite.dialect())
    assert compiled.positiontup == order, compiled.positiontup
    return str(compiled)


# The columns of a stored quotation that ``QuoteRepository.refill`` compares
# with a new extraction's (the rest follow from them and the version).
_COMPARED = (
    "text",
    "start",
    "end",
    "speaker",
    "mention_text",
    "mention_start",
    "mention_end",
    "norm",
    "latest",
)
