"""What answering a story's quotations costs (issue 15, finding 2): a story
of 2,000 + 20,000 + 20,000 quotations against a baseline measured in the
same run, a normal story of 50 articles of about 20 quotations each, and
the worst this checkout's limits let in: 50 articles of 100 quotations
whose words are each in as many others as the alignment follows.

    python bench/story_bounds.py                      # this checkout, SQLite
    python bench/story_bounds.py --tree /tmp/before   # another checkout
    python bench/story_bounds.py --scale 0.1          # a tenth of the big story
    python bench/story_bounds.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Before and after: ``--tree`` runs the same measurements on the code of
another checkout, such as the commit before the bounds
(``git archive <commit> | tar -x -C /tmp/before``), whose
``story_quotes`` answered every statement at once; this checkout answers
the first page (50 statements) within the ``story_max_*`` settings'
defaults, as ``GET /v1/stories/{key}/quotes`` does.

Measured for each story, in this process, without HTTP and without the
compute pool (whose hop ``bench/compute_hop.py`` measures): reading the
story, aligning it and writing the JSON of the answer. Printed: wall and
CPU seconds (median of ``--repeat`` runs), the answer's bytes, the peak of
Python's allocations during one answer (tracemalloc, in a run of its own,
since tracing slows the work), and each as a ratio to the baseline. The
big story's quotations are unique (three outlets, one quoting a tenth of
what the others quote, the two others half the same), short, and
attributed, like the probe's (``bench/probe.py``) but not repeating.

No figure here is asserted anywhere: timings are for reading, not for CI.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

TENANT = "bench"


def _word(i: int) -> str:
    return "".join(chr(97 + i // 26**k % 26) for k in (3, 2, 1, 0)) + "er"


def big_article(first: int, count: int) -> str:
    """``count`` short quotations, each with words of its own, from ``first``."""
    return " ".join(
        f'"We {_word(3 * i)} the {_word(3 * i + 1)} and {_word(3 * i + 2)} it," he said.'
        for i in range(first, first + count)
    )


def normal_articles(n: int = 50, seed: int = 50) -> list[str]:
    """``n`` articles about one event: each carries most of 15 wire quotations
    (some trimmed), six of its own and a paragraph of reporting around each."""
    rng = random.Random(seed)
    vocabulary = [_word(100_000 + i) for i in range(3000)]
    wire = [" ".join(rng.sample(vocabulary, rng.randint(8, 20))) for _ in range(15)]
    articles = []
    for a in range(n):
        quotes = [q if rng.random() < 0.8 else " ".join(q.split()[1:]) for q in wire]
        quotes = rng.sample(quotes, 12) + [
            " ".join(rng.sample(vocabulary, rng.randint(8, 16))) for _ in range(6)
        ]
        paragraphs = [
            f'"{q.capitalize()}," said {rng.choice(["the mayor", "a witness", "Ms Lee"])}. '
            + " ".join(rng.sample(vocabulary, 25))
            + "."
            for q in quotes
        ]
        articles.append(f"Outlet {a} reports.\n\n" + "\n\n".join(paragraphs))
    return articles


def hostile_articles(n: int = 50, quotes: int = 100, seed: int = 7) -> list[str]:
    """``n`` articles of ``quotes`` quotations of 6 to 10 words from 2,000:
    each word is in about 200 quotations, as many as a story of 50 articles
    follows, so that every quotation has as many candidates as it may."""
    rng = random.Random(seed)
    vocabulary = [_word(200_000 + i) for i in range(2000)]
    return [
        " ".join(
            f'"{" ".join(rng.sample(vocabulary, rng.randint(6, 10)))}," said Kim.'
            for _ in range(quotes)
        )
        for _ in range(n)
    ]


def _import(tree: Path) -> dict[str, Any]:
    sys.path.insert(0, str(tree))
    from pydantic import TypeAdapter
    from sqlmodel import Session

    from service.articles.service import Submission, record_version
    from service.platform.config import Settings
    from service.platform.db import make_engine, upgrade
    from service.stories import service
    from service.stories.schemas import StoryQuotes

    return {
        "Session": Session,
        "Submission": Submission,
        "record_version": record_version,
        "Settings": Settings,
        "make_engine": make_engine,
        "upgrade": upgrade,
        "service": service,
        "dump": TypeAdapter(StoryQuotes).dump_json,
        "StoryQuotes": StoryQuotes,
    }


def _answerer(m: dict[str, Any], engine: Any) -> Callable[[str], bytes]:
    """What the route computes for a story, as JSON bytes: on this code the
    first page, within the settings' limits; on older code, every statement."""
    service, settings = m["service"], m["Settings"]()
    bounded = hasattr(service, "read_story_quotes")

    def answer(key: str) -> bytes:
        with m["Session"](engine) as session:
            if bounded:
                limits = service.StoryLimits.of(settings)
                reading = service.read_story_quotes(session, TENANT, key, limits)
                page = service.story_page(reading, offset=0, limit=50)
            else:
                page = service.story_quotes(session, TENANT, key)
        body: bytes = m["dump"](m["StoryQuotes"].of(page), by_alias=True)
        return body

    return answer


def _store(m: dict[str, Any], engine: Any, key: str, texts: list[str]) -> float:
    settings = m["Settings"](max_text_chars=10_000_000)
    started = time.perf_counter()
    for n, text in enumerate(texts):
        submission = m["Submission"](
            outlet=f"{key}-{n}", url=f"https://{key}.example/{n}", text=text, story=key
        )
        m["record_version"](engine, TENANT, submission, settings)
    return time.perf_counter() - started


def _measure(answer: Callable[[str], bytes], key: str, repeat: int) -> dict[str, float]:
    walls, cpus = [], []
    size = 0
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        size = len(answer(key))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    tracemalloc.start()
    answer(key)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "bytes": size,
        "peak": peak,
    }


def _row(name: str, figures: dict[str, float], base: dict[str, float]) -> str:
    ratio = {k: figures[k] / base[k] if base[k] else float("inf") for k in figures}
    return (
        f"{name:<32} {figures['wall']:>8.3f} s {figures['cpu']:>8.3f} s "
        f"{figures['bytes'] / 1e6:>9.3f} MB {figures['peak'] / 1e6:>9.1f} MB   "
        f"x{ratio['wall']:.1f} time, x{ratio['bytes']:.1f} bytes, x{ratio['peak']:.1f} memory"
    )


def main() -> None:
    here = Path(__file__).resolve().parents[1]
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--tree", type=Path, default=here, help="the checkout whose code runs")
    ap.add_argument("--database-url", help="an empty, migrated-on-start database (default: SQLite)")
    ap.add_argument("--scale", type=float, default=1.0, help="of the big story's quotations")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per story")
    args = ap.parse_args()

    m = _import(args.tree.resolve())
    with tempfile.TemporaryDirectory() as scratch:
        url = args.database_url or f"sqlite:///{os.path.join(scratch, 'bench.db')}"
        engine = m["make_engine"](url)
        m["upgrade"](engine)
        tenth, most = int(2000 * args.scale), int(20_000 * args.scale)
        big = [big_article(0, tenth), big_article(0, most), big_article(most // 2, most)]
        stored = _store(m, engine, "normal", normal_articles())
        stored_big = _store(m, engine, "big", big)
        _store(m, engine, "hostile", hostile_articles())
        print(f"code: {args.tree.resolve()}  database: {url.split('@')[-1]}")
        print(f"stored the baseline in {stored:.1f} s, the big story in {stored_big:.1f} s")
        answer = _answerer(m, engine)
        base = _measure(answer, "normal", args.repeat)
        figures = _measure(answer, "big", args.repeat)
        hostile = _measure(answer, "hostile", args.repeat)
        print(f"{'story':<32} {'wall':>10} {'cpu':>10} {'answer':>12} {'peak':>12}")
        print(_row("50 articles x ~18 quotes", base, base))
        print(_row(f"{tenth:,} + {most:,} + {most:,} quotes", figures, base))
        print(_row("50 x 100 hostile quotes", hostile, base))
        engine.dispose()


if __name__ == "__main__":
    main()
