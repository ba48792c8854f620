"""``GET /v1/articles/{id}/related`` does bounded work, on SQLite and
PostgreSQL (issue 15, finding 2): an article of 2,000 quotations over a
tiny vocabulary took 57 s, one index look-up per quotation. Now at most
``RELATED_QUOTES`` distinct quotations are looked up, each once however
often the article repeats it.

The work is counted as the SQL statements the look-up runs (a listener on
the real engine), not timed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event
from sqlmodel import Session

from service.articles.service import Submission, record_version
from service.platform.config import Settings
from service.quotes import service as quote_service
from service.quotes.service import related_articles

SETTINGS = Settings()
VOCABULARY = "we will not win stay go back now here there".split()


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block."""
    seen: list[str] = []

    def record(*args: Any) -> None:
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def _quotes(count: int, seed: int) -> list[str]:
    """``count`` distinct quotations of five words from a tiny vocabulary."""
    rnd = random.Random(seed)
    found: dict[str, None] = {}
    while len(found) < count:
        found[" ".join(rnd.choice(VOCABULARY) for _ in range(5)).capitalize()] = None
    return list(found)


def _store(engine: Engine, tenant: str, name: str, quotes: list[str]) -> str:
    text = " ".join(f'"{q}," {name} said.' for q in quotes)
    submission = Submission(outlet=name, url=f"https://news.example/{name}", text=text)
    return record_version(engine, tenant, submission, SETTINGS).id


def _lookups(engine: Engine, tenant: str, article_id: str) -> tuple[int, Any]:
    with Session(engine) as session, statements(engine) as seen:
        found = related_articles(session, tenant, article_id, min_score=60, limit=10)
    return len(seen), found


def test_related_looks_up_a_bounded_number_of_quotations(engine: Engine, tenant: str) -> None:
    cap = quote_service.RELATED_QUOTES
    quotes = _quotes(4 * cap, seed=1)
    small = _store(engine, tenant, "small", quotes[: 2 * cap])
    large = _store(engine, tenant, "large", quotes)
    _store(engine, tenant, "other", quotes[:10])
    small_work, _ = _lookups(engine, tenant, small)
    large_work, related = _lookups(engine, tenant, large)
    # Twice the quotations, the same work: both are over the cap.
    assert large_work <= small_work + 5
    assert small_work <= 2 * cap + 20
    # What is looked up still finds the other articles' variants.
    by_outlet = {r.outlet: r for r in related}
    assert by_outlet["other"].shared_quotes >= 10
    assert by_outlet["small"].of_quotes == 4 * cap


def test_a_repeated_quotation_is_looked_up_once(engine: Engine, tenant: str) -> None:
    quote = "We will never give up the harbour to anyone"
    repeated = _store(engine, tenant, "repeats", [quote] * 300)
    _store(engine, tenant, "once", [quote])
    work, related = _lookups(engine, tenant, repeated)
    assert work <= 20
    (other,) = related
    # Each repeat is still evidence of the same statement.
    assert other.outlet == "once" and other.shared_quotes == 300 and other.of_quotes == 300
