"""Benchmark one realistic comparison: the core against plain difflib, and HTTP.

    python bench/bench_compare.py                  # in-process, N=500
    python bench/bench_compare.py -n 2000 --warmup 50
    python bench/bench_compare.py --serve          # also start uvicorn and POST to it
    python bench/bench_compare.py --url http://127.0.0.1:8000

The two articles (~800 words, ~15 quotations each) are built
deterministically from the project's seed pair (``shared/corpus/seeds``),
each extended with paragraphs of one outlet of the Las Vegas cluster in
``shared/corpus/dev`` (quotation paragraphs the other side shares first, then
narrative), so they have identical, reworded and partial matches and
one-sided quotes, with curly, straight and mojibake marks.

Timed, each as median and p99 over N runs after warm-up runs
(``time.perf_counter``):

- ``ours``: ``compare_texts(left, right)`` and its response body (``body``);
- ``difflib``: the same steps done plainly (one regex for quotations, a
  ``SequenceMatcher`` ratio for every pair, greedy one-to-one matching,
  ``get_opcodes`` word diffs), rendered to the same shape;
- ``http``: ``POST /v1/compare`` on a running server (``--url``), or on one
  this script starts (``--serve``: ``uvicorn service.main:app`` on a free
  port, skipped with a message while ``service/main.py`` does not exist);
- the cost of insight and of passages: the quote-only core
  (``insight=False, passages=False``: extraction, alignment, diffs) against
  the core with insight (typed edits, drift, echoes), with passages
  (sentence alignment) and with both (the default), timed in the same run,
  interleaved call by call (rotating which goes first), each as a ratio to
  the quote-only core;
- the core's components, to show where the time goes: extraction, blocking
  (the core's candidate index, and rapidfuzz ``cdist`` as a reference),
  alignment, word diffs, insight (``insight.analyse``) and rendering.

No figure here is asserted anywhere: timings are for reading, not for CI.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from naive_compare import naive_compare  # beside this script: its directory is on sys.path
from rapidfuzz import fuzz, process

from service.compare.schemas import CompareResponse
from service.compare.service import TextSource
from service.core import Comparison, align_quotes, compare_texts, extract_quotes, tokenize, word_key
from service.core.alignment import quotes as core_align
from service.core.alignment.blocker import Blocker
from service.core.diff import words_diff
from service.core.insight.analysis import analyse
from service.core.quotes.speakers import attribute_speakers
from service.core.sentences import sentence_spans

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
sys.path.insert(0, str(REPO))  # tests/serving.py, shared with the tests
DEV_CLUSTER = "dev/03_vegas_strip_shooting.json"

# --------------------------------------------------------------------------
# The two articles


def body(comparison: Comparison, left: str, right: str) -> dict[str, Any]:
    """The ``POST /v1/compare`` body of ``comparison``, as the route builds it."""
    response = CompareResponse.of(comparison, TextSource(left), TextSource(right))
    return response.model_dump(mode="json", exclude_unset=True)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _quotes_in(paragraph: str, gold: list[str]) -> int:
    return sum(q in paragraph for q in gold)


def _words(paragraphs: list[str]) -> int:
    return sum(len(p.split()) for p in paragraphs)


def _extend(
    base: tuple[str, list[str], set[str]],
    extra: tuple[str, list[str], set[str]],
    *,
    words: int,
    quotes: int,
    base_quota: int,
) -> str:
    """The ``base`` article, then paragraphs of the ``extra`` one; each given
    as (text, gold quotes, gold quotes the other side matches).

    Base paragraphs quoting a matched quote are kept, other quotation
    paragraphs up to ``base_quota`` quotes; then ``extra``'s paragraphs
    quoting a matched quote (then any quote) up to ``quotes`` quotations;
    then its narrative up to ``words`` words.
    """
    (base_text, base_gold, base_shared), (extra_text, extra_gold, extra_shared) = base, extra
    out: list[str] = []
    n_quotes = 0
    for p in _paragraphs(base_text):
        k = _quotes_in(p, base_gold)
        if k and n_quotes + k > base_quota and not any(q in p for q in base_shared):
            continue
        out.append(p)
        n_quotes += k
    pool = _paragraphs(extra_text)
    used: set[int] = set()
    for shared_first in (True, False):
        for i, p in enumerate(pool):
            k = _quotes_in(p, extra_gold)
            shares = any(q in p for q in extra_shared)
            if i in used or not k or n_quotes >= quotes or (shared_first and not shares):
                continue
            out.append(p)
            used.add(i)
            n_quotes += k
    for i, p in enumerate(pool):
        if _words(out) >= words:
            break
        if i not in used and not _quotes_in(p, extra_gold):
            out.append(p)
    return "\n\n".join(out)


def build_articles(shared: Path, *, words: int = 800, quotes: int = 15) -> tuple[str, str]:
    """The benchmark's left and right articles (deterministic). Without the
    corpus it says which files are missing and exits 2."""
    files = (shared / "corpus/seeds.json", shared / "corpus" / DEV_CLUSTER)
    if missing := [str(p) for p in files if not p.is_file()]:
        print(f"corpus missing: {', '.join(missing)} (pass --shared DIR)", file=sys.stderr)
        raise SystemExit(2)
    seeds = json.loads((shared / "corpus/seeds.json").read_text(encoding="utf-8"))
    dev = json.loads((shared / "corpus" / DEV_CLUSTER).read_text(encoding="utf-8"))
    sides = []
    for data in (seeds, dev):
        a, b = data["articles"][0], data["articles"][1]
        pair = next(p for p in data["pairs"] if (p["left"], p["right"]) == (a["id"], b["id"]))
        sides.append(
            (
                (a["text"], a["quotes"], {m["left"] for m in pair["matches"]}),
                (b["text"], b["quotes"], {m["right"] for m in pair["matches"]}),
            )
        )
    (seed_a, seed_b), (dev_a, dev_b) = sides
    left = _extend(seed_a, dev_a, words=words, quotes=quotes, base_quota=8)
    right = _extend(seed_b, dev_b, words=words, quotes=quotes, base_quota=8)
    return left, right


# --------------------------------------------------------------------------
# The plain-difflib baseline: the same steps, done the obvious way (the
# afternoon script of issue 18, in bench/naive_compare.py, which also serves it).

difflib_compare = naive_compare


# --------------------------------------------------------------------------
# Timing


def _new_request() -> None:
    """Forget what the core caches per text: every timed call is a request
    with texts the service has not seen (the per-word caches stay warm, as
    in a running service)."""
    sentence_spans.cache_clear()


def measure(fn: Callable[[], object], n: int, warmup: int) -> list[float]:
    """Seconds per call, ``n`` calls after ``warmup`` untimed ones."""
    for _ in range(warmup):
        fn()
    gc.collect()
    times = []
    for _ in range(n):
        _new_request()
        began = time.perf_counter()
        fn()
        times.append(time.perf_counter() - began)
    return times


def measure_interleaved(fns: list[Callable[[], object]], n: int, warmup: int) -> list[list[float]]:
    """Seconds per call of each of ``fns``, called in turn ``n`` times after
    ``warmup`` untimed rounds; the order rotates every round, so no function
    always runs first (on a colder cache) or last."""
    for _ in range(warmup):
        for fn in fns:
            fn()
    gc.collect()
    times: list[list[float]] = [[] for _ in fns]
    for i in range(n):
        for k in range(len(fns)):
            j = (i + k) % len(fns)
            _new_request()
            began = time.perf_counter()
            fns[j]()
            times[j].append(time.perf_counter() - began)
    return times


def summary(times: list[float]) -> dict[str, float]:
    ms = sorted(t * 1000 for t in times)
    p99 = statistics.quantiles(ms, n=100, method="inclusive")[98] if len(ms) > 1 else ms[0]
    median = statistics.median(ms)
    return {"median": median, "p99": p99, "mean": statistics.fmean(ms), "per_s": 1000 / median}


def row(name: str, s: dict[str, float], width: int = 44) -> str:
    return (
        f"  {name:<{width}} median {s['median']:8.3f} ms   p99 {s['p99']:8.3f} ms   "
        f"{s['per_s']:9.0f} /s"
    )


def relations(body: dict[str, Any]) -> str:
    counts = Counter(m["relation"] for m in body["matches"])
    rel = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
    return (
        f"{len(body['left']['quotes'])}/{len(body['right']['quotes'])} quotes, "
        f"{len(body['matches'])} matches ({rel}), "
        f"{len(body['left_only'])}/{len(body['right_only'])} one-sided"
    )


# --------------------------------------------------------------------------
# HTTP


def bench_http(url: str, left: str, right: str, n: int, warmup: int) -> dict[str, float]:
    import httpx

    body = {"left": {"text": left}, "right": {"text": right}}
    with httpx.Client(base_url=url, timeout=30.0) as client:

        def call() -> None:
            resp = client.post("/v1/compare", json=body)
            resp.raise_for_status()

        return summary(measure(call, n, warmup))


def serve_and_bench(left: str, right: str, n: int, warmup: int) -> dict[str, float] | None:
    """Start `sourcediff serve` (one worker, logging as in production, into
    a file) on a scratch SQLite database and benchmark it over HTTP."""
    from tests.serving import Server, ServerError

    with tempfile.TemporaryDirectory(prefix="sourcediff-bench-") as tmp:
        try:
            with Server(f"sqlite:///{tmp}/bench.db") as server:
                print(f"  http: sourcediff serve on {server.url} (pid {server.process.pid})")
                return bench_http(server.url, left, right, n, warmup)
        except ServerError as exc:
            print(f"  http: skipped ({exc})")
            return None


# --------------------------------------------------------------------------


def components(left: str, right: str, n: int, warmup: int) -> list[tuple[str, dict[str, float]]]:
    """Time the core's stages separately, on the same two articles."""
    lq, rq = extract_quotes(left), extract_quotes(right)
    lkeys = [[k for k in (word_key(t.word) for t in tokenize(q.text)) if k] for q in lq]
    rkeys = [[k for k in (word_key(t.word) for t in tokenize(q.text)) if k] for q in rq]
    al = align_quotes(lq, rq)
    pairs = [
        ([t.word for t in tokenize(lq[m.left].text)], [t.word for t in tokenize(rq[m.right].text)])
        for m in al.matches
    ]
    comparison = compare_texts(left, right)
    ls, rs = comparison.left, comparison.right
    lspans, rspans = [(q.start, q.end) for q in lq], [(q.start, q.end) for q in rq]

    def extraction() -> object:
        return extract_quotes(left), extract_quotes(right)

    def speakers() -> object:
        return attribute_speakers(left, lspans), attribute_speakers(right, rspans)

    out: list[tuple[str, Callable[[], object]]] = [
        ("extraction (both sides, with speakers)", extraction),
        ("  of which speakers", speakers),
    ]
    lcontent = [core_align.content_words(k) for k in lkeys]
    rcontent = [core_align.content_words(k) for k in rkeys]
    out.append(
        (
            "blocking: core candidate index",
            lambda: Blocker(rkeys, rcontent).pairs(lkeys, lcontent),
        )
    )
    lj, rj = [" ".join(k) for k in lkeys], [" ".join(k) for k in rkeys]
    out += [
        (
            "blocking: cdist token_set_ratio (reference)",
            lambda: process.cdist(lj, rj, scorer=fuzz.token_set_ratio, score_cutoff=40.0),
        ),
        ("alignment (block + judge + diff)", lambda: align_quotes(lq, rq)),
        (f"word diff ({len(pairs)} matched pairs)", lambda: [words_diff(a, b) for a, b in pairs]),
        ("insight (typed edits, drift, echoes)", lambda: analyse(ls, rs, al)),
        ("render (the response body)", lambda: body(comparison, left, right)),
    ]
    return [(name, summary(measure(fn, n, warmup))) for name, fn in out]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=500, help="timed runs per figure (default 500)")
    ap.add_argument("--warmup", type=int, default=20, help="untimed runs first (default 20)")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared/ data directory")
    http = ap.add_mutually_exclusive_group()
    http.add_argument("--url", help="also POST /v1/compare to this running server")
    http.add_argument("--serve", action="store_true", help="start uvicorn and POST to it")
    ap.add_argument("--print-articles", action="store_true", help="print the two articles")
    args = ap.parse_args(argv)

    left, right = build_articles(args.shared)
    if args.print_articles:
        print(left, "\n\n" + "=" * 72 + "\n\n" + right)
        return 0
    ours_body = body(compare_texts(left, right), left, right)
    plain_body = difflib_compare(left, right)
    print(f"articles: left {len(left.split())} words, right {len(right.split())} words")
    print(f"  ours:    {relations(ours_body)}")
    print(f"  difflib: {relations(plain_body)}")
    print(f"timings: N={args.n}, warm-up {args.warmup}, one process, one core")

    ours = summary(
        measure(lambda: body(compare_texts(left, right), left, right), args.n, args.warmup)
    )
    plain = summary(measure(lambda: difflib_compare(left, right), args.n, args.warmup))
    print(row("ours: compare_texts(...) and its body", ours))
    print(row("difflib: regex + ratio + greedy + opcodes", plain))
    print(
        f"  ratio difflib/ours: median {plain['median'] / ours['median']:.2f}x, "
        f"p99 {plain['p99'] / ours['p99']:.2f}x"
    )
    print(
        f"  compares/s per core (1 / median): ours {ours['per_s']:.0f}, "
        f"difflib {plain['per_s']:.0f}"
    )

    print("cost of insight and passages (in-process, same inputs, interleaved call by call):")
    quotes_only, with_insight, with_passages, default = (
        summary(t)
        for t in measure_interleaved(
            [
                lambda: compare_texts(left, right, insight=False, passages=False),
                lambda: compare_texts(left, right, insight=True, passages=False),
                lambda: compare_texts(left, right, insight=False, passages=True),
                lambda: compare_texts(left, right),
            ],
            args.n,
            args.warmup,
        )
    )
    print(row("quotes only: insight=False, passages=False", quotes_only))
    print(row("+ insight: insight=True, passages=False", with_insight))
    print(row("+ passages: insight=False, passages=True", with_passages))
    print(row("default: insight and passages", default))
    for name, figures in (
        ("insight", with_insight),
        ("passages", with_passages),
        ("default (both)", default),
    ):
        print(
            f"  ratio {name} / quotes only: median "
            f"{figures['median'] / quotes_only['median']:.2f}x, "
            f"p99 {figures['p99'] / quotes_only['p99']:.2f}x "
            f"(adds {figures['median'] - quotes_only['median']:.3f} ms median)"
        )

    if args.url or args.serve:
        print("over HTTP (sequential, keep-alive):")
        web: dict[str, float] | None
        if args.url:
            print(f"  http: {args.url}")
            web = bench_http(args.url.rstrip("/"), left, right, args.n, args.warmup)
        else:
            web = serve_and_bench(left, right, args.n, args.warmup)
        if web is not None:
            print(row("http: POST /v1/compare", web))
            extra = web["median"] - ours["median"]
            print(f"  HTTP overhead over in-process: {extra:.3f} ms median")

    print("components of ours:")
    for name, s in components(left, right, args.n, args.warmup):
        print(row(name, s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
