"""Run shared/eval/score.py against the core in-process (no server).

    .venv/bin/python bench/score_inprocess.py ../shared/corpus/seeds.json \
        ../shared/corpus/dev/*.json
    .venv/bin/python bench/score_inprocess.py --shared DIR DIR/corpus/seeds.json

Same figures as the HTTP harness, in a fraction of the time; handy while
tuning extraction and alignment. The harness itself is loaded unchanged,
from ``--shared`` (the data directory holding ``eval/score.py``; by default
the ``shared`` directory beside the clone), and reads the other arguments.
Without the harness or a label file it says which is missing and exits 2.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from typing import Any

from service.compare.schemas import CompareResponse
from service.compare.service import TextSource
from service.core import compare_texts

SHARED = Path(__file__).resolve().parents[2] / "shared"


def main() -> int:
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ours, rest = ap.parse_known_args()
    harness = ours.shared / "eval" / "score.py"
    labels = [Path(arg) for arg in rest if not arg.startswith("-")]
    if missing := [str(p) for p in (harness, *labels) if not p.is_file()]:
        print(
            f"missing: {', '.join(missing)} (the harness and labelled corpus "
            "beside the clone; pass --shared DIR)",
            file=sys.stderr,
        )
        return 2
    spec = importlib.util.spec_from_file_location("score", harness)
    assert spec and spec.loader
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)

    def post(url: str, body: dict[str, Any], timeout: float) -> dict[str, Any]:
        left, right = TextSource(body["left"]["text"]), TextSource(body["right"]["text"])
        comparison = compare_texts(left.text, right.text)
        return CompareResponse.of(comparison, left, right).model_dump(
            mode="json", exclude_unset=True
        )

    score.post = post
    sys.argv = [sys.argv[0], *rest]  # the harness parses its own arguments
    return int(score.main())


if __name__ == "__main__":
    sys.exit(main())
