"""The labelled corpus, scored in-process by the shared harness.

``shared/eval/score.py`` is loaded unchanged (it is standard library only);
its ``post`` is replaced by a call to the core, its result written as the
``POST /v1/compare`` body by the compare schema, so the figures are the ones
the HTTP harness reports, without a server. These tests measure the corpus
(and score the repository's own labels, ``tests/fixtures/``, with the same
harness): without ``../shared`` they skip (``shared_dir``).
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from service.compare.schemas import CompareResponse
from service.compare.service import TextSource
from service.core import compare_texts
from tests.fixtures import FIXTURES


@pytest.fixture(scope="module")
def harness(shared_dir: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("sourcediff_score", shared_dir / "eval/score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def post(url: str, body: dict[str, Any], timeout: float) -> dict[str, Any]:
        left, right = TextSource(body["left"]["text"]), TextSource(body["right"]["text"])
        comparison = compare_texts(left.text, right.text)
        response = CompareResponse.of(comparison, left, right)
        return response.model_dump(mode="json", exclude_unset=True)

    module.post = post  # type: ignore[attr-defined]
    return module


def score(harness: ModuleType, path: Path) -> Any:
    data = json.loads(path.read_text(encoding="utf-8"))
    return harness.score_cluster("in-process", data, 30.0, data.get("cluster", path.stem))


@pytest.mark.parametrize(
    "gold",
    [
        "corpus/seeds.json",
        # The repository's own labels, scored by the same harness: they
        # agree with the labelling rules as the corpus applies them.
        "fixtures/pair.json",
        "fixtures/story.json",
    ],
)
def test_seeds_are_perfect(harness: ModuleType, shared_dir: Path, gold: str) -> None:
    folder, _, name = gold.partition("/")
    tally = score(harness, shared_dir / folder / name if folder == "corpus" else FIXTURES / name)
    figures = tally.figures()
    assert tally.contract == []
    assert figures["matching_f1"] == 1.0, tally.line()
    assert figures["extraction_f1"] == 1.0, tally.line()
    assert figures["relation_acc"] == 1.0, tally.line()


def test_dev_clusters(harness: ModuleType, shared_dir: Path) -> None:
    paths = sorted((shared_dir / "corpus/dev").glob("*.json"))
    assert paths, "no dev clusters found"
    total = harness.Tally()
    lines = []
    for path in paths:
        tally = score(harness, path)
        assert tally.contract == [], f"{path.name}: {tally.contract[:3]}"
        lines.append(f"{path.name}: {tally.line()}")
        total.merge(tally)
    figures = total.figures()
    report = "\n".join([*lines, "TOTAL " + total.line()])
    assert figures["extraction_f1"] >= 0.95, report
    assert figures["matching_f1"] >= 0.92, report
    assert figures["relation_acc"] >= 0.90, report
