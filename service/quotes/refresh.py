"""Refreshing stored quotations after the extraction code changed.

A version is stored with the quotations the running code found and stamped
with its ``EXTRACTOR`` (``service.articles.service``); once a deploy changes
the extraction code, every stored version's stamp is another's, so compares
and diffs of stored sides extract their texts again, and search answers from
what the old code found. ``refresh_quotes`` extracts those versions' texts
again and files what the running code finds in place of their rows (and
their shingles), stamping each as ingest would.

All versions are refreshed, not only the latest: a diff or a compare may
name any version, and search's ``scope=all`` reads every version's rows. The
latest versions come first (what search and most pages read), then the
earlier ones; ``latest_only`` stops after the first pass, leaving earlier
versions to extract on demand, as before.

Each batch of versions, by id, is one transaction (``in_transaction``, which
retries it when concurrent ingest wins a race); its texts are extracted
before it begins, so the transaction holds its locks only while writing. A
run that stops part way leaves every version either refreshed and stamped
or as it was, and running again carries on (a stamped version is not
listed); a version whose quotations come out the same is only stamped.

Versions with a quotation without words keep no stamp (the index does not
file such a quotation, so the rows are not all the text's quotations, as at
ingest): each run extracts them again, and finds nothing to write.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlalchemy import Engine
from sqlmodel import Session

from service.articles import service as articles
from service.platform.transactions import in_transaction
from service.quotes.repository import QuoteRepository

__all__ = ["BATCH", "Refreshed", "refresh_quotes"]

# Versions extracted and written per transaction by default: about a second
# of extraction for ~800-word articles, a few thousand rows to write.
BATCH = 100


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What a refresh did: of the ``checked`` versions stored when it began
    (the latest of each article only, with ``latest_only``), the
    ``extracted`` ones another extractor had stamped (or none), ``replaced``
    of them with some quotation row changed, and ``stamped`` with the
    running extractor (the rest have a quotation without words)."""

    checked: int
    extracted: int
    replaced: int
    stamped: int


def refresh_quotes(engine: Engine, *, batch: int = BATCH, latest_only: bool = False) -> Refreshed:
    """Extract again every stored version the running ``EXTRACTOR`` did not
    stamp, latest versions first, ``batch`` to a transaction, and file its
    quotations in place of the stored ones (see the module docstring)."""
    if batch < 1:
        raise ValueError("batch must be at least 1")
    with Session(engine) as session:
        checked = articles.count_versions(session, latest_only=latest_only)
    extracted = replaced = stamped = 0
    for latest in (True,) if latest_only else (True, False):
        after = 0
        while True:
            with Session(engine) as session:
                stale = articles.stale_versions(session, after=after, limit=batch, latest=latest)
            if not stale:
                break
            found = {v.id: articles.quotations(v.text, v.tenant) for v in stale}
            replaced += in_transaction(engine, partial(_refile, found=found))
            extracted += len(stale)
            stamped += sum(f.extractor is not None for f in found.values())
            after = stale[-1].id
    return Refreshed(checked, extracted, replaced, stamped)


def _refile(session: Session, found: dict[int, articles.Filed]) -> int:
    """Stamp the versions ``found`` names and file their quotations as
    found; how many had some row changed."""
    stamped = articles.stamp_versions(session, {i: f.extractor for i, f in found.items()})
    replaced = 0
    for version, latest in stamped:
        assert version.id is not None
        repo = QuoteRepository(session, version.tenant)
        replaced += repo.refill(version, found[version.id].quotes, latest=latest)
    return replaced
