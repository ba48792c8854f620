"""Sentence alignment against NewsEdits' own alignments (the ``arcs``).

    .venv/bin/python bench/passages/measure_newsedits.py [--min-score 60] [--sweep] [--semantic]

For each version pair in ``shared/corpus/clients/versions/`` (NewsEdits,
Spangher et al. 2022: each file holds both versions' sentences as
``nodes`` and the authors' automatic sentence alignment as ``arcs``), the
sentences are aligned with ``service.core.alignment.passages.align_sentence_lists``
(NewsEdits' own segmentation, so only the alignment is measured), and:

- precision and recall of the aligned sentence pairs (a split or a merge
  counts as every pair it links) against the arcs that link two sentences;
- precision and recall of "added" (a new sentence with no counterpart) and
  "deleted" (an old one with none) against the arcs with a null end.

``--sweep`` prints the same for several ``min_score`` values; ``--semantic``
aligns by meaning too (the ``semantic`` extra). ``--corpus`` names another
corpus directory; without its version pairs the script says what is missing
and exits 2 (rather than score nothing as 100%).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from service.core.alignment.passages import align_sentence_lists

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
VERSIONS = CORPUS / "clients" / "versions"


def _pr(found: set[object], gold: set[object]) -> tuple[float, float, int, int, int]:
    hit = len(found & gold)
    precision = hit / len(found) if found else 1.0
    recall = hit / len(gold) if gold else 1.0
    return precision, recall, hit, len(found), len(gold)


def measure(
    min_score: float, *, semantic: bool = False
) -> dict[str, tuple[float, float, int, int, int]]:
    found_pairs: set[object] = set()
    gold_pairs: set[object] = set()
    found_added: set[object] = set()
    gold_added: set[object] = set()
    found_deleted: set[object] = set()
    gold_deleted: set[object] = set()
    for path in sorted(VERSIONS.glob("*.json")):
        data = json.loads(path.read_text())
        versions = sorted({n["version"] for n in data["nodes"]})
        old, new = versions[0], versions[-1]

        def sentences(version: int, data: dict = data) -> list[str]:
            nodes = sorted(
                (n for n in data["nodes"] if n["version"] == version), key=lambda n: n["sent_idx"]
            )
            return [n["sentence"] for n in nodes]

        left, right = sentences(old), sentences(new)
        result = align_sentence_lists(left, right, min_score=min_score, semantic=semantic)
        name = path.stem
        for a in result.aligned:
            found_pairs |= {(name, i, j) for i in a.left for j in a.right}
        used_left = {i for a in result.aligned for i in a.left}
        used_right = {j for a in result.aligned for j in a.right}
        found_deleted |= {(name, i) for i in range(len(left)) if i not in used_left}
        found_added |= {(name, j) for j in range(len(right)) if j not in used_right}
        for arc in data["arcs"]:
            x, y = arc["sent_idx_x"], arc["sent_idx_y"]
            if x is not None and y is not None:
                gold_pairs.add((name, int(x), int(y)))
            elif x is not None:
                gold_deleted.add((name, int(x)))
            elif y is not None:
                gold_added.add((name, int(y)))
    return {
        "aligned pairs": _pr(found_pairs, gold_pairs),
        "added": _pr(found_added, gold_added),
        "deleted": _pr(found_deleted, gold_deleted),
    }


def _print(min_score: float, semantic: bool) -> None:
    print(f"min_score {min_score:g}" + (" (semantic)" if semantic else ""))
    for what, (p, r, hit, found, gold) in measure(min_score, semantic=semantic).items():
        print(f"  {what:<14} precision {p:6.1%} ({hit}/{found})   recall {r:6.1%} ({hit}/{gold})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-score", type=float, default=None)
    parser.add_argument("--sweep", action="store_true")
    parser.add_argument("--semantic", action="store_true")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the shared/corpus directory")
    args = parser.parse_args()
    global VERSIONS
    VERSIONS = args.corpus / "clients" / "versions"
    if not any(VERSIONS.glob("*.json")):
        print(f"corpus missing: no version pairs in {VERSIONS} (pass --corpus)", file=sys.stderr)
        sys.exit(2)
    if args.sweep:
        for score in (40, 50, 55, 60, 65, 70, 80):
            _print(score, args.semantic)
        return
    from service.core.alignment.passages import MIN_SCORE

    _print(args.min_score if args.min_score is not None else MIN_SCORE, args.semantic)


if __name__ == "__main__":
    main()
