"""Precision and recall of "only in" against hand labels of the dev clusters.

    python bench/passages/measure_only_in.py [--min-score 55] [--semantic] [--show]

``only_in_labels.json`` (beside this script) holds, for pairs of articles of
``shared/corpus/dev/``, each sentence of both sides as offsets into its
article's text with a label read by a person: ``carried`` (the other
article carries its content, in any wording), ``only`` (it does not) or
``heading`` (the headline or byline). It holds no corpus text: the texts are
read from the corpus, and a text whose SHA-256 differs from the labelled one
fails the run.

Each pair is aligned with ``service.core.alignment.passages.align_passages``
as ``POST /v1/compare`` does. A sentence is predicted "only in" when a
passage of its side (``left_only``/``right_only``) covers its middle. Over
the ``carried`` and ``only`` sentences this prints the precision and recall
of "only in" and of "carried" (their complement); ``heading`` sentences are
counted apart (how many were reported as body passages: noise). ``--show``
lists the sentences where prediction and label differ (their text, from
the corpus). Exits 2 when the corpus or a labelled text is missing or changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from service.core.alignment.passages import MIN_SCORE, align_passages

HERE = Path(__file__).resolve().parent
LABELS = HERE / "only_in_labels.json"
CORPUS = HERE.parents[2] / "shared" / "corpus"
DEV = CORPUS / "dev"


def _texts(cluster: str) -> dict[str, str]:
    path = DEV / f"{cluster}.json"
    if not path.is_file():
        sys.exit(f"corpus missing: {path} (the labels are offsets into its texts)")
    return {a["id"]: a["text"] for a in json.loads(path.read_text())["articles"]}


def _pr(hit: int, found: int, gold: int) -> str:
    p = hit / found if found else 1.0
    r = hit / gold if gold else 1.0
    return f"precision {p:6.1%} ({hit}/{found})   recall {r:6.1%} ({hit}/{gold})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--min-score", type=float, default=MIN_SCORE)
    parser.add_argument("--semantic", action="store_true")
    parser.add_argument("--show", action="store_true")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the shared/corpus directory")
    args = parser.parse_args()
    global DEV
    DEV = args.corpus / "dev"
    if not DEV.is_dir():
        print(f"corpus missing: {DEV}", file=sys.stderr)
        sys.exit(2)
    counts = {"tp": 0, "fp": 0, "fn": 0, "tn": 0, "heading": 0, "heading_only": 0}
    for pair in json.loads(LABELS.read_text())["pairs"]:
        texts = _texts(pair["cluster"])
        left, right = texts.get(pair["left_id"]), texts.get(pair["right_id"])
        for side, text in (("left", left), ("right", right)):
            want = pair[side]["text_sha256"]
            if text is None or hashlib.sha256(text.encode()).hexdigest() != want:
                print(f"{pair['cluster']} {side}: text missing or changed", file=sys.stderr)
                sys.exit(2)
        assert left is not None and right is not None
        result = align_passages(left, right, min_score=args.min_score, semantic=args.semantic)
        for side, text, passages in (
            ("left", left, result.left_only),
            ("right", right, result.right_only),
        ):
            spans = [(p.start, p.end) for p in passages]
            for start, end, label in pair[side]["sentences"]:
                middle = (start + end) // 2
                only = any(s <= middle < e for s, e in spans)
                if label == "heading":
                    counts["heading"] += 1
                    counts["heading_only"] += only
                    continue
                key = ("tp" if only else "fn") if label == "only" else ("fp" if only else "tn")
                counts[key] += 1
                if args.show and key in ("fp", "fn"):
                    name = pair[f"{side}_id"]
                    print(f"{key} {pair['cluster']} {name} [{start}:{end}] {text[start:end]}")
    tp, fp, fn, tn = counts["tp"], counts["fp"], counts["fn"], counts["tn"]
    print(f"min_score {args.min_score:g}" + (" (semantic)" if args.semantic else ""))
    print(f"  only in   {_pr(tp, tp + fp, tp + fn)}")
    print(f"  carried   {_pr(tn, tn + fn, tn + fp)}")
    heading = f"{counts['heading_only']} of {counts['heading']}"
    print(f"  headline/byline reported as body passages: {heading}")


if __name__ == "__main__":
    main()
