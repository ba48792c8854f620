"""The quote index's queries: writing a version's quotations, reading
candidates and an article's latest quotations, each scoped to the tenant
(``TenantRepository``); the shingles carry no tenant of their own, their
hashes are salted with it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, Table, bindparam, case, func, insert, update
from sqlalchemy import select as select_columns
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import SQLModel, col

from service.core.alignment.shingles import Shingled, filed_size, shingle, stored_shingles
from service.core.quotes.extract import Quote
from service.core.text import keys
from service.models.articles import Version
from service.models.quotes import QuoteRecord, QuoteShingle
from service.platform.repository import TenantRepository

__all__ = ["Candidate", "IndexedQuote", "QuoteRepository", "indexed_quotes", "refile"]


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


class QuoteRepository(TenantRepository):
    def file(self, version: Version, quotes: Sequence[IndexedQuote]) -> None:
        """File ``version``'s quotations as the article's latest."""
        assert version.id is not None
        self._demote(version.article_id)
        if not quotes:
            return
        rows = [
            {
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
                "latest": True,
            }
            for ordinal, q in enumerate(quotes)
            for mention in (q.quote.mention,)
        ]
        ids = self.session.execute(
            insert(QuoteRecord).returning(col(QuoteRecord.id), sort_by_parameter_order=True),
            rows,
        ).scalars()
        # Core, not the ORM's bulk INSERT: the same executemany without the
        # ORM's work per row, which was most of the cost of filing a version
        # (about 300 shingles an article).
        self.session.execute(
            insert(_table(QuoteShingle)),
            [
                {
                    "shingle": s,
                    "quote_id": quote_id,
                    "size": q.shingled.size,
                    "latest": True,
                }
                for quote_id, q in zip(ids, quotes, strict=True)
                for s in q.shingled.shingles
            ],
        )

    def _demote(self, article_id: str) -> None:
        """The article's latest quotations are latest no more, here and in
        the index (whose rows are found by primary key: their shingles are
        the ones the normalised text files under)."""
        previous = self.session.execute(
            self.scoped(
                select_columns(col(QuoteRecord.id), col(QuoteRecord.norm)).where(
                    col(QuoteRecord.article_id) == article_id, col(QuoteRecord.latest).is_(True)
                ),
                QuoteRecord,
            )
        ).all()
        if not previous:
            return
        self.session.execute(
            update(QuoteRecord)
            .where(col(QuoteRecord.id).in_([quote_id for quote_id, _ in previous]))
            .values(latest=False)
        )
        # One statement, executemany, each row by its primary key. Core, not
        # the ORM's bulk UPDATE: that one fails (StaleDataError) when a key
        # has no row, as a quotation filed before the index gained keys has
        # (see ``refile``); a missing row here needs no update.
        shingles = _table(QuoteShingle)
        self.session.execute(
            update(shingles)
            .where(shingles.c.shingle == bindparam("s"), shingles.c.quote_id == bindparam("q"))
            .values(latest=False),
            [
                {"s": s, "q": quote_id}
                for quote_id, norm in previous
                for s in stored_shingles(norm.split(), self.tenant)
            ],
        )

    def candidates(
        self,
        shingles: Sequence[int],
        *,
        filed: int | None = None,
        latest_only: bool = True,
        limit: int = 1000,
        exclude_article: str | None = None,
    ) -> list[Candidate]:
        """Quotations sharing enough shingles with a query (see the module
        docstring), most shared first. ``shingles`` are the query's look-up
        keys; ``filed``, how many it would be filed under itself (the share
        is of that, since a look-up also holds skipping pairs and words).
        ``exclude_article``'s quotations are left out before the ``limit``
        (an article repeating a quotation would fill it otherwise).

        Two statements, so that each database plans the obvious: an index
        range scan per shingle, counted per quotation (the index alone
        answers it, unless an article is excluded: then each posting's
        quotation is read by primary key too), then at most ``limit``
        quotations read by primary key.
        """
        if not shingles:
            return []
        filed = len(shingles) if filed is None else max(1, filed)
        hits = func.count().label("hits")
        smaller = case((col(QuoteShingle.size) < filed, col(QuoteShingle.size)), else_=filed)
        query = select_columns(col(QuoteShingle.quote_id), hits).where(
            col(QuoteShingle.shingle).in_(shingles)
        )
        if latest_only:
            query = query.where(col(QuoteShingle.latest).is_(True))
        if exclude_article is not None:
            query = query.join(QuoteRecord, col(QuoteRecord.id) == QuoteShingle.quote_id).where(
                col(QuoteRecord.article_id) != exclude_article
            )
        counted = self.session.execute(
            query.group_by(col(QuoteShingle.quote_id), col(QuoteShingle.size))
            .having(hits * 5 >= smaller)
            .order_by(hits.desc(), col(QuoteShingle.quote_id))
            .limit(limit)
        ).all()
        if not counted:
            return []
        shared = dict(counted)
        columns = select_columns(
            col(QuoteRecord.id),
            col(QuoteRecord.article_id),
            col(QuoteRecord.version),
            col(QuoteRecord.ordinal),
            col(QuoteRecord.text),
            col(QuoteRecord.start),
            col(QuoteRecord.end),
            col(QuoteRecord.speaker),
            col(QuoteRecord.norm),
            col(QuoteRecord.latest),
        ).where(col(QuoteRecord.id).in_(list(shared)))
        rows = self.session.execute(self.scoped(columns, QuoteRecord)).all()
        found = [
            Candidate(qid, article, version, ordinal, text, start, end, speaker, norm, latest, n)
            for qid, article, version, ordinal, text, start, end, speaker, norm, latest in rows
            for n in (shared[qid],)
        ]
        found.sort(key=lambda c: (-c.hits, c.id))
        return found

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
