"""The article endpoints over HTTP (in-process), on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.http import create_app
from service.platform.config import Settings
from tests.fixtures import load_json
from tests.problems import ProblemCheck

URL = "https://news.example/2022/09/22/harbour-official-rebuts-claims"
V1 = 'A harbour official said the council should stop making "careless claims".'
V2 = 'A harbour official said the council should stop its "careless claims".'


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def app_settings(request: pytest.FixtureRequest) -> Settings:
    url: str = request.getfixturevalue(f"{request.param}_url")
    if request.param == "postgres":
        from service.platform.db import make_engine, upgrade

        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
    return Settings(database_url=url)


@pytest.fixture
def api(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings), raise_server_exceptions=False) as client:
        yield client


def post(api: TestClient, body: dict[str, Any], **headers: str) -> Any:
    return api.post("/v1/articles", json=body, headers=headers)


def test_create_unchanged_and_new_versions(api: TestClient) -> None:
    url = f"{URL}/a"
    first = post(api, {"outlet": "The National", "url": url, "text": V1, "title": "Denial"})
    assert first.status_code == 201, first.text
    assert first.json()["version"] == 1 and first.json()["created"] is True
    again = post(api, {"outlet": "The National", "url": url, "text": V1})
    assert again.status_code == 200 and again.json()["created"] is False
    second = post(api, {"outlet": "The National", "url": url, "text": V2})
    assert second.status_code == 201 and second.json()["version"] == 2

    article_id = first.json()["id"]
    article = api.get(f"/v1/articles/{article_id}").json()
    assert article["latest_version"] == 2 and article["versions"] == 2
    version = api.get(f"/v1/articles/{article_id}/versions/1").json()
    assert version["text"] == V1 and version["headline"] == "Denial" and version["uri"] == url


def test_versions_are_paged_oldest_first(api: TestClient) -> None:
    url = f"{URL}/paged"
    for i in range(5):
        article_id = post(api, {"outlet": "AP", "url": url, "text": f"Version {i}."}).json()["id"]
    seen, cursor = [], None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = api.get(f"/v1/articles/{article_id}/versions", params=params).json()
        seen += [item["version"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == [1, 2, 3, 4, 5]


def test_listing_filters_by_outlet_and_url(api: TestClient) -> None:
    post(api, {"outlet": "Listing Outlet A", "url": f"{URL}/list-a", "text": "A."})
    post(api, {"outlet": "Listing Outlet B", "url": f"{URL}/list-b", "text": "B."})
    by_outlet = api.get("/v1/articles", params={"outlet": "Listing Outlet B"}).json()
    assert [a["url"] for a in by_outlet["items"]] == [f"{URL}/list-b"]
    by_url = api.get("/v1/articles", params={"url": f"{URL}/list-a"}).json()
    assert [a["outlet"] for a in by_url["items"]] == ["Listing Outlet A"]
    assert api.get("/v1/articles", params={"outlet": "nobody"}).json()["items"] == []


def test_diff_lists_quote_changes(api: TestClient) -> None:
    url = f"{URL}/diff"
    article_id = post(api, {"outlet": "AP", "url": url, "text": V1}).json()["id"]
    post(api, {"outlet": "AP", "url": url, "text": V2 + ' He added: "We never did."'})
    body = api.get(f"/v1/articles/{article_id}/diff").json()
    assert (body["from"], body["to"]) == (1, 2)
    assert [q["text"] for q in body["quotes"]["added"]] == ["We never did."]
    assert body["quotes"]["unchanged"] == 1  # "careless claims"
    rebuilt_old = " ".join(op["left"] for op in body["diff"] if op["left"])
    rebuilt_new = " ".join(op["right"] for op in body["diff"] if op["right"])
    assert rebuilt_old == " ".join(V1.split())
    assert rebuilt_new.endswith('"We never did."')
    explicit = api.get(f"/v1/articles/{article_id}/diff", params={"from": 2, "to": 1}).json()
    assert [q["text"] for q in explicit["quotes"]["removed"]] == ["We never did."]


def test_diff_lists_sentence_changes_in_newsedits_categories(api: TestClient) -> None:
    """Two versions of a breaking story in NewsEdits' format, aligned by hand
    (tests/fixtures/versions.json: four sentences grow to eight, one
    reworded, one moved, one deleted): sentences added, deleted, edited,
    moved, as the labels have them."""
    data = load_json("versions.json")

    def text(version: int) -> str:
        nodes = sorted(
            (n for n in data["nodes"] if n["version"] == version), key=lambda n: n["sent_idx"]
        )
        return "\n".join(n["sentence"] for n in nodes)

    url = f"{URL}/newsedits"
    article_id = post(api, {"outlet": "Eastbrook News", "url": url, "text": text(0)}).json()["id"]
    post(api, {"outlet": "Eastbrook News", "url": url, "text": text(1)})
    sentences = api.get(f"/v1/articles/{article_id}/diff").json()["sentences"]
    arcs = [(a["sent_idx_x"], a["sent_idx_y"]) for a in data["arcs"]]
    deleted = {x for x, y in arcs if y is None}
    added = {y for x, y in arcs if x is None}
    kept = {(x, y) for x, y in arcs if x is not None and y is not None}
    assert {s["index"] for s in sentences["deleted"]} == deleted
    assert {s["index"] for s in sentences["added"]} == added
    edited = {(e["old"][0]["index"], e["new"][0]["index"]) for e in sentences["edited"]}
    assert edited and edited <= kept
    for edit in sentences["edited"]:
        assert edit["relation"] != "same"
        assert any(op["op"] != "equal" for op in edit["diff"])
    # A move is one of two arcs that cross: old 1 and 2 swap places.
    moved = [(m["old"][0]["index"], m["new"][0]["index"]) for m in sentences["moved"]]
    assert moved == [(1, 2)]
    total = len(sentences["added"]) + sentences["unchanged"] + len(sentences["edited"])
    assert total + len(sentences["moved"]) >= len(text(1).split("\n")) - 1


def test_compare_stored_versions(api: TestClient) -> None:
    url = f"{URL}/compare"
    article_id = post(api, {"outlet": "AP", "url": url, "text": V1}).json()["id"]
    post(api, {"outlet": "AP", "url": url, "text": V2})
    body = api.post(
        "/v1/compare",
        json={
            "left": {"article_id": article_id, "version": 1},
            "right": {"article_id": article_id},
        },
    ).json()
    assert [(m["left"], m["right"], m["relation"]) for m in body["matches"]] == [
        ("L1", "R1", "identical")
    ]
    assert body["left"]["outlet"] == "AP"


def test_ninjs_in_and_out(api: TestClient) -> None:
    doc = load_json("ninjs-html.json")
    recorded = post(api, doc)
    assert recorded.status_code in (200, 201), recorded.text
    body = recorded.json()
    assert body["outlet"] == "Beispiel-Agentur" and body["url"] == doc["uri"]
    version = api.get(f"/v1/articles/{body['id']}/versions/{body['version']}").json()
    assert "«" in version["text"] and version["html"] is not None  # guillemet quotes kept
    out = api.get(f"/v1/articles/{body['id']}/versions/{body['version']}/ninjs").json()
    assert out["uri"] == doc["uri"] and out["version"] == str(body["version"])
    assert out["bodies"][0]["contentType"] == "text/plain"
    assert out["headlines"][0]["value"] == doc["headlines"][0]["value"]


def test_idempotency_key(api: TestClient, problem: ProblemCheck) -> None:
    url = f"{URL}/idem"
    key = {"Idempotency-Key": "0b8e6f3c-retry"}
    first = post(api, {"outlet": "AP", "url": url, "text": "One."}, **key)
    post(api, {"outlet": "AP", "url": url, "text": "Two."})
    replay = post(api, {"outlet": "AP", "url": url, "text": "One."}, **key)
    assert (replay.status_code, replay.json()) == (first.status_code, first.json())
    problem(post(api, {"outlet": "AP", "url": url, "text": "Three."}, **key), 409)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"outlet": "AP", "text": "no identity"},
        {"outlet": "AP", "url": URL, "external_id": "x", "text": "both identities"},
        {"outlet": "AP", "url": URL},
        {"outlet": "AP", "url": URL, "text": "t", "html": "<p>h</p>"},
        {"outlet": "AP", "url": URL, "text": "   "},
        {"outlet": "AP", "url": URL, "text": "t", "id": "forged"},
        {"outlet": "AP", "url": URL, "text": "t", "content_hash": "forged"},
        {"outlet": "AP", "url": URL, "text": 42},
        {"outlet": "AP", "url": URL, "text": "t", "published_at": "yesterday"},
        {"outlet": "AP", "url": URL, "text": "t", "published_at": "2022-09-22T09:02:00"},
        {"uri": "urn:x", "headline": "no body at all"},
    ],
)
def test_bad_articles_are_problems(api: TestClient, problem: ProblemCheck, body: Any) -> None:
    problem(post(api, body), 422)


@pytest.mark.parametrize(
    "values",
    [[True, "id"], [10**30, "id"], ["2026-01-01T00:00:00+00:00", "\x00"], [2**63, 1]],
    ids=["a boolean", "an integer beyond 64 bits", "a NUL", "an integer one past 64 bits"],
)
def test_forged_cursors_are_problems_not_500s(
    api: TestClient, problem: ProblemCheck, values: list[Any]
) -> None:
    # Well-formed base64 JSON, but values no cursor of ours holds: they
    # reached SQL once (SQLite's integer overflow, PostgreSQL's NUL) as 500s.
    forged = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    article_id = post(api, {"outlet": "AP", "url": f"{URL}/forged", "text": "T."}).json()["id"]
    problem(api.get("/v1/articles", params={"cursor": forged}), 400)
    problem(api.get(f"/v1/articles/{article_id}/versions", params={"cursor": forged}), 400)


def test_unknown_ids_and_bad_cursors(api: TestClient, problem: ProblemCheck) -> None:
    problem(api.get("/v1/articles/0123456789abcdef"), 404)
    problem(api.get("/v1/articles/0123456789abcdef/versions"), 404)
    problem(api.get("/v1/articles/0123456789abcdef/diff"), 404)
    article_id = post(api, {"outlet": "AP", "url": f"{URL}/ids", "text": "T."}).json()["id"]
    problem(api.get(f"/v1/articles/{article_id}/versions/2"), 404)
    problem(api.get(f"/v1/articles/{article_id}/versions/0"), 422)
    problem(api.get(f"/v1/articles/{article_id}/versions", params={"cursor": "garbage"}), 400)
    problem(api.get("/v1/articles", params={"cursor": "garbage"}), 400)
    problem(api.get("/v1/articles", params={"limit": 1000}), 422)
    problem(
        api.post(
            "/v1/compare",
            json={"left": {"article_id": "0123456789abcdef"}, "right": {"text": "x"}},
        ),
        404,
    )


def test_blank_outlet_is_refused(api: TestClient, problem: ProblemCheck) -> None:
    body = problem(post(api, {"outlet": "   ", "url": f"{URL}/blank", "text": "T."}), 422)
    assert body["errors"][0]["pointer"] == "/outlet"


def test_query_errors_say_where_they_are(api: TestClient, problem: ProblemCheck) -> None:
    body = problem(api.get("/v1/articles", params={"limit": 0}), 422)
    assert body["detail"].startswith("The query string is invalid")
    body = problem(post(api, {"outlet": "AP"}), 422)
    assert body["detail"].startswith("The request body is invalid")


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/v1/articles/ab%00cd", None, 404),
        ("GET", "/v1/articles?outlet=a%00b", None, 422),
        ("GET", "/v1/articles?url=https://x.example/%00", None, 422),
        ("GET", "/v1/stories/a%00b", None, 404),
        ("POST", "/v1/articles", {"outlet": "A\x00B", "url": URL, "text": "T."}, 422),
        ("POST", "/v1/articles", {"outlet": "AP", "url": URL + "\x00", "text": "T."}, 422),
        ("POST", "/v1/articles", {"outlet": "AP", "url": URL, "text": "T.\x00"}, 422),
        ("POST", "/v1/compare", {"left": {"article_id": "a\x00"}, "right": {"text": "x"}}, 422),
        ("POST", "/v1/feeds", {"url": URL, "outlet": "A\x00"}, 422),
        ("POST", "/v1/stories/s/articles", {"article_id": "a\x00"}, 422),
        ("POST", "/v1/fetch", {"url": URL + "\x00"}, 422),
        (
            "POST",
            "/v1/articles?outlet=AP",
            {"uri": "urn:x:nul", "type": "text", "body_text": "It was\x00 said."},
            422,
        ),
    ],
    ids=[
        "path",
        "query",
        "encoded query",
        "story path",
        "outlet",
        "url",
        "text",
        "article id",
        "feed outlet",
        "story member",
        "fetch url",
        "ninjs body",
    ],
)
def test_a_nul_anywhere_is_a_problem_not_a_500(
    api: TestClient,
    problem: ProblemCheck,
    method: str,
    path: str,
    body: dict[str, Any] | None,
    status: int,
) -> None:
    # PostgreSQL refuses NUL in text, in a comparison as in a row: it
    # answered 500 for ids, outlets, URLs, texts and ninjs fields, and for a
    # feed's outlet and a story member's id that no route checked.
    problem(api.request(method, path, json=body), status)


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(api: TestClient) -> None:
    # JSON "\\u0000" is a backslash and "u0000": six characters, no NUL.
    text = 'He wrote "\\u0000 is the NUL escape" in his notes.'
    created = post(api, {"outlet": "AP", "url": URL + "/escape", "text": text})
    assert created.status_code == 201, created.text
    body = created.json()
    version = api.get(f"/v1/articles/{body['id']}/versions/{body['version']}").json()
    assert version["text"] == text
