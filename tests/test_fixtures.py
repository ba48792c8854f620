"""The tests' own data (``tests/fixtures/``) fits its labels, and the tests
reach outside the repository only through ``shared_dir``.

The labels are checked as the corpus README states its rules: every quote
is an exact substring of its article, and each pair's matches and one-side
quotes account for every quote of both articles.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path
from typing import Any

import pytest

from service.platform.html import html_to_text
from tests.fixtures import FIXTURES, PAIR, load_json, shared_or_skip

TESTS = Path(__file__).resolve().parent
LABELLED = ["pair.json", "story.json"]


def _check_cluster(data: dict[str, Any]) -> None:
    articles = {a["id"]: a for a in data["articles"]}
    for article in articles.values():
        text = article["text"]
        labelled = [*article["quotes"], *article["speakers"], *article["non_quotes"]]
        for quote in labelled:
            assert quote in text, f"{article['id']}: {quote!r} is not in the text"
        assert set(article["speakers"]) == set(article["quotes"])
        # In the order the article has them, each once.
        assert article["quotes"] == sorted(set(article["quotes"]), key=text.index)
    ids = sorted(articles)
    assert sorted((p["left"], p["right"]) for p in data["pairs"]) == [
        (a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]
    ]
    for pair in data["pairs"]:
        left, right = articles[pair["left"]], articles[pair["right"]]
        for match in pair["matches"]:
            assert match["relation"] in {"identical", "reworded", "partial"}
        matched_left = {m["left"] for m in pair["matches"]}
        matched_right = {m["right"] for m in pair["matches"]}
        assert matched_left | set(pair["left_only"]) == set(left["quotes"])
        assert matched_right | set(pair["right_only"]) == set(right["quotes"])
        assert not matched_left & set(pair["left_only"])
        assert not matched_right & set(pair["right_only"])


@pytest.mark.parametrize("name", LABELLED)
def test_the_labels_fit_their_texts(name: str) -> None:
    _check_cluster(load_json(name))


def test_the_pair_files_are_the_labelled_texts() -> None:
    gold = load_json("pair.json")
    texts = {a["id"]: a["text"] for a in gold["articles"]}
    assert [texts["a"], texts["b"]] == [path.read_text("utf-8") for path in PAIR]


def test_the_version_arcs_cover_every_sentence_once() -> None:
    data = load_json("versions.json")
    for side, version in (("sent_idx_x", 0), ("sent_idx_y", 1)):
        nodes = sorted(n["sent_idx"] for n in data["nodes"] if n["version"] == version)
        arcs = sorted(a[side] for a in data["arcs"] if a[side] is not None)
        assert arcs == nodes == list(range(len(nodes)))


def test_without_the_corpus_its_tests_skip_saying_where_it_was_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOURCEDIFF_REQUIRE_SHARED", raising=False)
    missing = tmp_path / "not-here"
    with pytest.raises(pytest.skip.Exception, match=re.escape(str(missing / "corpus"))):
        shared_or_skip(missing)
    monkeypatch.setenv("SOURCEDIFF_REQUIRE_SHARED", "1")
    with pytest.raises(pytest.fail.Exception, match=re.escape(str(missing / "corpus"))):
        shared_or_skip(missing)
    (missing / "corpus").mkdir(parents=True)
    assert shared_or_skip(missing) == missing


def test_the_tests_that_read_the_corpus_are_marked(request: pytest.FixtureRequest) -> None:
    """``-m corpus`` selects them and ``-m "not corpus"`` leaves them out;
    they are collected either way, so a run without the corpus skips them
    rather than finding no test at all (pytest's exit code 5)."""
    items = request.session.items
    marked = {item.nodeid for item in items if item.get_closest_marker("corpus")}
    reading = {item.nodeid for item in items if "shared_dir" in item.fixturenames}
    assert marked == reading


def _path_constants(path: Path) -> list[tuple[int, str]]:
    """String constants that name ``shared/`` as a path (docstrings aside)."""
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    pattern = re.compile(r"^(\.\./)*shared(/|$)")
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and pattern.match(node.value)
    ]


def test_only_the_corpus_fixture_points_outside_the_repository() -> None:
    """A test that builds a path to ``../shared`` itself would fail (or skip
    nothing) in a bare clone: the corpus is reached through ``shared_dir``."""
    found = [
        f"{path.relative_to(TESTS.parent)}:{line} {value!r}"
        for path in sorted(TESTS.rglob("*.py"))
        if path != TESTS / "conftest.py"
        for line, value in _path_constants(path)
    ]
    assert not found, f"paths to ../shared outside tests/conftest.py: {found}"


def _runs(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.casefold())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_no_fixture_text_comes_from_the_corpus(shared_dir: Path) -> None:
    """The fixtures are invented: no run of eight words of theirs (of a
    page's article text) is in a corpus article (seeds, dev clusters, saved
    pages)."""
    corpus = shared_dir / "corpus"
    texts = [p.read_text("utf-8") for p in sorted((corpus / "seeds").glob("*.txt"))]
    for path in sorted((corpus / "dev").glob("*.json")):
        texts += [a["text"] for a in json.loads(path.read_text("utf-8"))["articles"]]
    texts += [p.read_text("utf-8") for p in sorted((corpus / "clients" / "html").glob("*.html"))]
    assert len(texts) > 10
    theirs = set().union(*map(_runs, texts))
    for path in sorted(FIXTURES.rglob("*")):
        if path.suffix not in {".txt", ".json", ".html"}:
            continue
        text = path.read_text("utf-8")
        shared = _runs(html_to_text(text) if path.suffix == ".html" else text) & theirs
        assert not shared, f"{path.name}: {sorted(shared)[:3]}"
