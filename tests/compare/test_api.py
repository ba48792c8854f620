"""POST /v1/compare on good input: the compare contract (docs/compare-api.md)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from service.compare.schemas import CompareResponse
from service.compare.service import TextSource
from service.core import compare_texts
from tests.fixtures import FIXTURES


def words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def assert_contract(body: dict[str, Any], left_text: str, right_text: str) -> None:
    """Offsets, ids and the partition of quotes that the contract promises."""
    ids = {}
    for side, text, prefix in (("left", left_text, "L"), ("right", right_text, "R")):
        for q in body[side]["quotes"]:
            assert set(q) == {"id", "text", "start", "end", "speaker", "speaker_mention"}
            assert q["id"].startswith(prefix)
            assert text[q["start"] : q["end"]] == q["text"]
            ids[q["id"]] = side
    matched = {m["left"] for m in body["matches"]} | {m["right"] for m in body["matches"]}
    only = set(body["left_only"]) | set(body["right_only"])
    assert matched | only == set(ids) and not matched & only
    for m in body["matches"]:
        assert m["relation"] in {"identical", "reworded", "partial"}
        assert 0 <= m["score"] <= 100
        assert {op["op"] for op in m["diff"]} <= {"equal", "insert", "delete", "replace"}


def test_the_pairs_articles(
    client: TestClient, pair_texts: tuple[str, str], pair_gold: dict[str, Any]
) -> None:
    left, right = pair_texts
    response = client.post("/v1/compare", json={"left": {"text": left}, "right": {"text": right}})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    sides = TextSource(left), TextSource(right)
    expected = CompareResponse.of(compare_texts(left, right), *sides)
    assert body == expected.model_dump(mode="json", exclude_unset=True)
    contract = {"left", "right", "matches", "left_only", "right_only"}
    assert set(body) == contract | {"echoes", "attribution_drift", "passages"}
    # The pair's unquoted echo: "frightening" (right) in the left's narration.
    (echo,) = body["echoes"]
    assert echo["echoed_in"] == "left" and left[echo["start"] : echo["end"]] == "frighten"
    # The passages each outlet alone carries: the island council (left),
    # the minister's letter and the reply (right).
    passages = body["passages"]
    assert any("Gull Island's council withdrew" in p["text"] for p in passages["left_only"])
    assert any("answered in a letter of his own" in p["text"] for p in passages["right_only"])
    assert "text" not in body["left"] and "outlet" not in body["left"]
    assert_contract(body, left, right)

    texts = {q["id"]: q["text"] for side in ("left", "right") for q in body[side]["quotes"]}
    found = {
        (words(texts[m["left"]]), words(texts[m["right"]]), m["relation"]) for m in body["matches"]
    }
    (pair,) = pair_gold["pairs"]
    assert len(pair["matches"]) == len(found)
    for gold in pair["matches"]:
        assert (words(gold["left"]), words(gold["right"]), gold["relation"]) in found


def test_outlets_are_echoed(client: TestClient) -> None:
    response = client.post(
        "/v1/compare",
        json={
            "left": {"text": '"No deal," he said.', "outlet": "Left Daily"},
            "right": {"text": 'She said: "No deal."', "outlet": "Right Times"},
        },
    )
    body = response.json()
    assert body["left"]["outlet"] == "Left Daily" and body["right"]["outlet"] == "Right Times"
    assert body["matches"][0]["relation"] == "identical"


def test_html_sides_return_their_text(client: TestClient) -> None:
    # Two outlets' whole article pages on one event (tests/fixtures/pages/).
    gazette = (FIXTURES / "pages" / "harbour-gazette.html").read_text("utf-8")
    courier = (FIXTURES / "pages" / "island-courier.html").read_text("utf-8")

    response = client.post(
        "/v1/compare", json={"left": {"html": gazette}, "right": {"html": courier}}
    )

    assert response.status_code == 200
    body = response.json()
    left_text, right_text = body["left"]["text"], body["right"]["text"]
    assert "Gull Island's council withdrew its support" in left_text and "<" not in left_text
    assert "Accept all" not in left_text and "Sign up" not in right_text  # no boilerplate
    assert "\n\n" in right_text
    assert body["left"]["quotes"] and body["right"]["quotes"] and body["matches"]
    assert_contract(body, left_text, right_text)


def test_html_and_text_sides_mix(client: TestClient) -> None:
    html = (
        "<html><body><p>She said: “We will not export them.”</p><script>x()</script></body></html>"
    )
    response = client.post(
        "/v1/compare",
        json={"left": {"text": '"We will not export them," he said.'}, "right": {"html": html}},
    )
    body = response.json()
    assert "text" not in body["left"]
    assert body["right"]["text"] == "She said: “We will not export them.”"
    assert body["matches"][0]["relation"] == "identical"
    assert_contract(body, '"We will not export them," he said.', body["right"]["text"])


def test_text_without_quotes(client: TestClient) -> None:
    response = client.post(
        "/v1/compare", json={"left": {"text": "No quotes here."}, "right": {"text": "None."}}
    )
    assert response.json() == {
        "left": {"quotes": []},
        "right": {"quotes": []},
        "matches": [],
        "left_only": [],
        "right_only": [],
        "echoes": [],
        "attribution_drift": [],
        "passages": {
            "left_only": [
                {"start": 0, "end": 15, "text": "No quotes here.", "sentences": [0], "words": 3}
            ],
            "right_only": [{"start": 0, "end": 5, "text": "None.", "sentences": [0], "words": 1}],
            "aligned": [],
        },
    }


def test_json_media_type_variants_are_accepted(client: TestClient) -> None:
    content = b'{"left": {"text": "a"}, "right": {"text": "b"}}'
    for media_type in ("application/json; charset=utf-8", "application/vnd.api+json"):
        response = client.post("/v1/compare", content=content, headers={"content-type": media_type})
        assert response.status_code == 200, media_type


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_semantic_mode_answers_or_says_how_to_install(client: TestClient) -> None:
    """``"semantic": true`` aligns passages by meaning when the server has
    the extra (CI installs it); a server without it refuses with a 422 that
    says how to install it, never a 500."""
    from service.core.alignment import semantic

    body = {
        "left": {"text": "Thousands of people were evacuated as the fire spread. Markets fell."},
        "right": {"text": "The blaze forced the evacuation of several thousand residents."},
        "semantic": True,
    }
    response = client.post("/v1/compare", json=body)
    if semantic.available():
        assert response.status_code == 200, response.text
        (aligned,) = response.json()["passages"]["aligned"]
        assert aligned["left"][0]["text"].startswith("Thousands of people")
        plain = client.post("/v1/compare", json={**body, "semantic": False}).json()
        assert plain["passages"]["aligned"] == []
    else:
        assert response.status_code == 422
        assert "pip install 'sourcediff[semantic]'" in response.json()["detail"]


def test_passages_can_be_left_out(client: TestClient) -> None:
    """``"passages": false`` answers the quotes alone (no sentence
    alignment, no ``passages`` field); semantic mode, which aligns passages,
    then has nothing to do and is refused."""
    sides = {
        "left": {"text": '"We will go," she said. The mayor spoke.'},
        "right": {"text": '"We will go," she said.'},
    }
    full = client.post("/v1/compare", json=sides).json()
    assert full["passages"]["left_only"][0]["text"] == "The mayor spoke."
    response = client.post("/v1/compare", json={**sides, "passages": False})
    assert response.status_code == 200, response.text
    body = response.json()
    assert "passages" not in body
    assert {k: v for k, v in full.items() if k != "passages"} == body
    refused = client.post("/v1/compare", json={**sides, "passages": False, "semantic": True})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert "passages" in refused.json()["detail"]


def test_semantic_mode_refuses_texts_too_long_to_encode(client: TestClient) -> None:
    from service.core.alignment import semantic

    many = " ".join(f"Sentence number {i} is here." for i in range(semantic.MAX_SENTENCES + 1))
    body = {"left": {"text": many}, "right": {"text": "One sentence."}, "semantic": True}
    response = client.post("/v1/compare", json=body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    detail = response.json()["detail"]
    if semantic.available():
        assert detail.startswith("left: semantic mode compares at most 2,000 sentences a side")
        assert "2,001" in detail
    else:
        assert "pip install 'sourcediff[semantic]'" in detail
    # Without semantic mode the same text is compared.
    assert client.post("/v1/compare", json={**body, "semantic": False}).status_code == 200
