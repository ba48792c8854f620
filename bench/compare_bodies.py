"""``POST /v1/compare`` on every labelled corpus pair, against one or more
running services: are the response bodies byte-identical, and how fast is
each service on the same requests?

Run two builds side by side (say, the commit before a refactoring in a git
worktree on port 8001 and the working tree on port 8002), then::

    .venv/bin/python bench/compare_bodies.py --url http://127.0.0.1:8001 \
        --url http://127.0.0.1:8002 --rounds 5

It posts the seeds' pair, every pair of the dev clusters and every NewsEdits
version pair of the labelled corpus (default options: quotes, insight and
passages) to each URL in turn, interleaved, so that both see the same load.
It prints each service's p50 and p99 latency and their ratio, and exits 1 if
any body differs between the services (the differing pair is named).
``--variants`` adds three requests per pair, for the other shapes of the
body: the sides as HTML pages (the body then carries their texts), both
texts as primary documents (the ``primary`` report), and ``"passages":
false``. ``--save FILE`` writes the SHA-256 of each body; ``--against FILE``
checks a single service against such a file.

The corpus is read from ``--shared DIR`` (the data directory holding
``corpus/``; by default the ``shared`` directory beside the clone): without
it, the tool says what is missing and exits 2.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


def corpus_pairs(shared: Path) -> dict[str, dict[str, Any]]:
    """Request bodies by a stable name: seeds, dev clusters, NewsEdits versions."""
    corpus = shared / "corpus"
    pairs: dict[str, dict[str, Any]] = {}
    for path in [corpus / "seeds.json", *sorted((corpus / "dev").glob("*.json"))]:
        doc = json.loads(path.read_text(encoding="utf-8"))
        articles = {a["id"]: a for a in doc["articles"]}
        for pair in doc["pairs"]:
            left, right = articles[pair["left"]], articles[pair["right"]]
            pairs[f"{path.stem}:{pair['left']}~{pair['right']}"] = {
                "left": {"text": left["text"], "outlet": left.get("outlet")},
                "right": {"text": right["text"], "outlet": right.get("outlet")},
            }
    for path in sorted((corpus / "clients" / "versions").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        by_version: dict[int, list[tuple[int, str]]] = {}
        for node in doc["nodes"]:
            by_version.setdefault(node["version"], []).append((node["sent_idx"], node["sentence"]))
        old, new = (" ".join(s for _, s in sorted(by_version[v])) for v in sorted(by_version)[:2])
        pairs[f"versions:{path.stem}"] = {"left": {"text": old}, "right": {"text": new}}
    return pairs


def _page(text: str) -> str:
    """``text`` as an article page: one ``<p>`` per paragraph."""
    paragraphs = (html.escape(p.strip()) for p in text.split("\n\n") if p.strip())
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"<html><body><article>{body}</article></body></html>"


def variants(pairs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each pair again as HTML pages, with both texts as primary documents,
    and without passages."""
    more: dict[str, dict[str, Any]] = {}
    for name, body in pairs.items():
        left, right = body["left"]["text"], body["right"]["text"]
        more[f"{name}+html"] = {"left": {"html": _page(left)}, "right": {"html": _page(right)}}
        more[f"{name}+primary"] = {**body, "primary": [{"text": left}, {"text": right}]}
        more[f"{name}+no-passages"] = {**body, "passages": False}
    return more


def _p(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", action="append", required=True, help="a running service")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the data directory (corpus/)")
    ap.add_argument("--variants", action="store_true", help="also HTML, primary, no passages")
    ap.add_argument("--rounds", type=int, default=3, help="timed passes over all pairs")
    ap.add_argument("--save", type=Path, help="write each body's SHA-256 here (one URL)")
    ap.add_argument("--against", type=Path, help="check bodies against a --save file")
    args = ap.parse_args(argv)
    if not (args.shared / "corpus").is_dir():
        print(f"no corpus at {args.shared / 'corpus'}: pass --shared", file=sys.stderr)
        return 2
    pairs = corpus_pairs(args.shared)
    if args.variants:
        pairs |= variants(pairs)
    times: dict[str, list[float]] = {url: [] for url in args.url}
    digests: dict[str, dict[str, str]] = {url: {} for url in args.url}
    with httpx.Client(timeout=120) as client:
        for round_ in range(args.rounds + 1):  # round 0 warms up and records bodies
            for name, body in pairs.items():
                for url in args.url:
                    start = time.perf_counter()
                    response = client.post(f"{url}/v1/compare", json=body)
                    elapsed = time.perf_counter() - start
                    response.raise_for_status()
                    if round_ == 0:
                        digests[url][name] = hashlib.sha256(response.content).hexdigest()
                    else:
                        times[url].append(elapsed)
    status = 0
    base = args.url[0]
    for url in args.url:
        p50, p99 = _p(times[url], 0.5), _p(times[url], 0.99)
        ratio = statistics.median(times[url]) / statistics.median(times[base])
        print(
            f"{url}: {len(pairs)} pairs x {args.rounds} rounds  p50 {p50:.1f} ms  "
            f"p99 {p99:.1f} ms  p50 ratio to {base}: {ratio:.2f}"
        )
        differing = [n for n in pairs if digests[url][n] != digests[base][n]]
        for name in differing:
            print(f"  body differs from {base}: {name}")
        status |= bool(differing)
    if args.save:
        args.save.write_text(json.dumps(digests[base], indent=1, sort_keys=True) + "\n")
    if args.against:
        saved = json.loads(args.against.read_text())
        differing = [n for n in pairs if saved.get(n) != digests[base][n]]
        for name in differing:
            print(f"  body differs from {args.against}: {name}")
        print(f"{len(pairs) - len(differing)} of {len(pairs)} bodies as in {args.against}")
        status |= bool(differing)
    if not status:
        print(f"all {len(pairs)} bodies identical")
    return status


if __name__ == "__main__":
    sys.exit(main())
