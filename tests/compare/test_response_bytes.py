"""The ``POST /v1/compare`` body is written once (``response_json``: plain
data, orjson) and stays byte for byte what it was when pydantic validated it
into ``CompareResponse`` and dumped it again (issue 18).

``responses.json`` beside this file holds invented requests and the bytes
the route answered them with before the change (commit e220e44), so the
bytes are held against the old code itself, not only against a copy of it
here (``reference``, the old path: the model validated, then dumped as
FastAPI does). That capture is of the core's answer at the time: where the
core now finds something else for a request (a changed speaker, a changed
passage), its capture test skips, saying so, and the live comparisons below
still hold the bytes. To capture again after such a change::

    python -m tests.compare.test_response_bytes   # rewrites responses.json

which writes ``reference``'s bytes, never the new path's.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from service.compare.schemas import CompareRequest, CompareResponse, response_json
from service.compare.service import (
    Source,
    TextSource,
    check_primaries,
    compare_sides,
    primary_texts,
)
from service.core import compare_texts
from service.platform.config import Settings

CAPTURED = Path(__file__).with_name("responses.json")
CASES: list[dict[str, Any]] = json.loads(CAPTURED.read_text("utf-8"))
_MODEL = TypeAdapter(CompareResponse)
_SETTINGS = Settings(max_body_bytes=1024 * 1024, max_text_chars=100_000)


def reference(request: dict[str, Any], *, new: bool = False) -> bytes:
    """The body of ``request`` as the route wrote it before issue 18 (the
    model validated, then dumped), or by ``response_json`` when ``new``."""
    body = CompareRequest.model_validate(request)
    left, right = body.left.to_source(), body.right.to_source()
    primaries: list[Source] = [p.to_source() for p in body.primary or []]
    comparison = compare_sides(left, right, _SETTINGS, passages=body.passages)
    texts = primary_texts(primaries, _SETTINGS)
    checked = check_primaries(comparison, texts) if texts else None
    if new:
        return response_json(comparison, left, right, checked)
    model = CompareResponse.of(comparison, left, right, checked)
    return _MODEL.dump_json(model, by_alias=True, exclude_unset=True)


def _names() -> list[str]:
    return [case["name"] for case in CASES]


@pytest.mark.parametrize("case", CASES, ids=_names())
def test_the_route_writes_the_models_bytes(client: TestClient, case: dict[str, Any]) -> None:
    response = client.post("/v1/compare", json=case["request"])
    assert response.status_code == 200, response.text
    assert response.content == reference(case["request"])
    # Still a valid CompareResponse, though nothing validates it on the way out.
    CompareResponse.model_validate_json(response.content)


@pytest.mark.parametrize("case", CASES, ids=_names())
def test_the_bytes_captured_before_writing_once(client: TestClient, case: dict[str, Any]) -> None:
    captured = case["response"].encode("utf-8")
    if reference(case["request"]) != captured:
        pytest.skip(f"the core answers {case['name']!r} differently since the capture")
    assert client.post("/v1/compare", json=case["request"]).content == captured


def test_the_captures_cover_every_optional_part() -> None:
    """The invented requests reach each shape of the body: HTML sides (their
    text), outlets, primary documents, no passages, no quotes, and strings
    that JSON escapes (a backslash, a tab, a bell, a quotation mark)."""
    bodies = [json.loads(case["response"]) for case in CASES]
    assert any("text" in b["right"] for b in bodies)
    assert any("outlet" in b["left"] for b in bodies)
    assert any("primary" in b and b["primary"]["left"] for b in bodies)
    assert any("passages" not in b for b in bodies) and any("passages" in b for b in bodies)
    assert any(not b["left"]["quotes"] and not b["right"]["quotes"] for b in bodies)
    assert any(b["echoes"] for b in bodies if "echoes" in b)
    raw = "".join(case["response"] for case in CASES)
    for escaped in ("\\\\", "\\t", "\\u0007", '\\"', "😀", "\u2028"):
        assert escaped in raw


MARKS = [*"\"'“”‘’«»„", "''", " — "]
WORDS = ["said", "we", "will", "not", "Ærø", "café", "the", "official", "don't", "😀", "\\"]
text = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(MARKS),
        st.sampled_from([" ", "\n", "\n\n", "\t", "\x07", "\x7f", "\u2028", ", ", ". "]),
        st.text(st.characters(exclude_categories=["Cs"]), max_size=6),
    ),
    min_size=1,
    max_size=50,
).map("".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    left=text,
    right=text,
    outlet=st.none() | st.sampled_from(["Herald", 'Ærø "Post"']),
    html=st.booleans(),
    passages=st.booleans(),
    primary=st.none() | text,
)
def test_written_once_as_pydantic_wrote_it(
    left: str, right: str, outlet: str | None, html: bool, passages: bool, primary: str | None
) -> None:
    side: dict[str, Any] = {"html": f"<p>{right}</p>"} if html else {"text": right}
    request: dict[str, Any] = {"left": {"text": left}, "right": side, "passages": passages}
    if outlet is not None:
        request["left"]["outlet"] = outlet
    if primary is not None:
        request["primary"] = [{"text": primary}]
    try:
        old = reference(request)
    except Exception:  # a side with no text: refused alike either way
        with pytest.raises(Exception):  # noqa: B017
            reference(request, new=True)
        return
    assert reference(request, new=True) == old


def test_an_integral_score_is_written_as_a_float() -> None:
    # pydantic writes a float field given the int 100 as 100.0; orjson writes
    # what it is given, so the builders hand it floats.
    comparison = compare_texts('"No deal," he said.', 'She said: "No deal."', passages=False)
    (match,) = comparison.alignment.matches
    integral = replace(match, score=100)
    alignment = replace(comparison.alignment, matches=(integral,))
    comparison = replace(comparison, alignment=alignment)
    sides = TextSource(comparison.left.text), TextSource(comparison.right.text)
    written = response_json(comparison, *sides)
    assert b'"score":100.0' in written
    model = CompareResponse.of(comparison, *sides)
    assert written == _MODEL.dump_json(model, by_alias=True, exclude_unset=True)


def _capture() -> None:  # pragma: no cover (run by hand, see the docstring)
    for case in CASES:
        case["response"] = reference(case["request"]).decode("utf-8")
    CAPTURED.write_text(json.dumps(CASES, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":  # pragma: no cover
    _capture()
    print(f"{len(CASES)} responses written to {CAPTURED}")
