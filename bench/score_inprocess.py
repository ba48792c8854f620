"""Run shared/eval/score.py against the core in-process (no server).

    python bench/score_inprocess.py ../shared/corpus/seeds.json ../shared/corpus/dev/*.json

Same figures as the HTTP harness, in a fraction of the time; handy while
tuning extraction and alignment. The harness itself is loaded unchanged.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from service.compare.schemas import CompareResponse
from service.compare.service import TextSource
from service.core import compare_texts

HARNESS = Path(__file__).resolve().parents[2] / "shared" / "eval" / "score.py"


def main() -> int:
    spec = importlib.util.spec_from_file_location("score", HARNESS)
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
    return int(score.main())


if __name__ == "__main__":
    sys.exit(main())
