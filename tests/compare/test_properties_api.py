"""Property tests of ``POST /v1/compare``: no input gets a 5xx, and every
200 keeps the compare contract (docs/compare-api.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.http import create_app
from service.platform.config import Settings

MARKS = [*"\"'“”‘’«»„`", "''", "``", "\ufffd?"]
WORDS = ["said", "we", "will", "not", "Kirby", "the", "official", "don't", "'90s", "fake", "—"]

text = st.lists(
    st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(MARKS),
        st.sampled_from([" ", "\n", "\n\n", "\u00a0", "\u200b", ", ", ". "]),
        st.text(max_size=8),
    ),
    max_size=60,
).map("".join)

json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), text
)
side = st.one_of(
    st.fixed_dictionaries({"text": text}),
    st.fixed_dictionaries({"html": text.map(lambda t: f"<p>{t}</p>")}),
    st.fixed_dictionaries({"article_id": text}, optional={"version": st.integers()}),
    st.dictionaries(st.sampled_from(["text", "html", "outlet", "article_id", "x"]), json_scalar),
    json_scalar,
)
body = st.one_of(
    st.fixed_dictionaries({"left": side, "right": side}),
    st.dictionaries(st.sampled_from(["left", "right", "extra"]), side),
    json_scalar,
)


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as test_client:
        yield test_client


def check_contract(request: dict[str, Any], response: dict[str, Any]) -> None:
    ids: dict[str, set[str]] = {}
    for name in ("left", "right"):
        source = response[name].get("text", request[name].get("text"))
        ids[name] = set()
        for quote in response[name]["quotes"]:
            assert source[quote["start"] : quote["end"]] == quote["text"]
            assert quote["id"] not in ids[name]
            ids[name].add(quote["id"])
    matched = {"left": set(), "right": set()}
    for match in response["matches"]:
        matched["left"].add(match["left"])
        matched["right"].add(match["right"])
        assert match["relation"] in {"identical", "reworded", "partial"}
        assert 0 <= match["score"] <= 100
    for name in ("left", "right"):
        only = set(response[f"{name}_only"])
        assert not only & matched[name]
        assert only | matched[name] == ids[name]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=body)
def test_no_input_gets_a_server_error(client: TestClient, payload: Any) -> None:
    response = client.post("/v1/compare", json=payload)
    assert response.status_code < 500, response.text
    if response.status_code == 200:
        check_contract(payload, response.json())
    else:
        assert response.headers["content-type"] == "application/problem+json"


@settings(max_examples=100, deadline=None)
@given(raw=st.binary(max_size=200))
def test_no_bytes_get_a_server_error(client: TestClient, raw: bytes) -> None:
    response = client.post("/v1/compare", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 400, 404, 413, 422), response.text
