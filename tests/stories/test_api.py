"""Stories over HTTP, on SQLite and PostgreSQL.

The story is the repository's pair plus two outlets made from it the way
coverage drifts: one drops the paragraph with the "premature" quotation and
publishes first, one drops a word of the long denial.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.problems import ProblemCheck
from tests.stories.coverage import DENIAL, store_story


@pytest.fixture(scope="module")
def story(api: TestClient, pair_texts: tuple[str, str]) -> dict[str, Any]:
    """Four outlets in story ``ferry-checks``: their article ids by outlet."""
    return store_story(api, pair_texts)


def statement_with(body: dict[str, Any], words: str) -> dict[str, Any]:
    found = [s for s in body["statements"] if words in s["canonical"]["quote"]["text"]]
    assert len(found) == 1, [s["canonical"]["quote"]["text"] for s in body["statements"]]
    return found[0]


def test_story_groups_every_outlets_variant(api: TestClient, story: dict[str, Any]) -> None:
    ids = story["ids"]
    body = api.get(f"/v1/stories/{story['key']}/quotes").json()
    assert [a["outlet"] for a in body["articles"]] == list(ids)

    denial = statement_with(body, DENIAL)
    relations = {v["outlet"]: v["relation"] for v in denial["variants"]}
    # The longest wording is canonical: Right's, with "But" and "this";
    # Left and Early lack "But", Trim lacks "this".
    assert denial["canonical"]["quote"]["text"].startswith("But let me say this")
    assert set(relations) == set(ids)
    assert relations[denial["canonical"]["outlet"]] == "canonical"
    assert denial["canonical"]["outlet"] == "Outlet Right"
    assert relations["Outlet Left"] == relations["Outlet Trim"] == "reworded"
    trim = next(v for v in denial["variants"] if v["outlet"] == "Outlet Trim")
    assert [op for op in trim["diff"] if op["op"] != "equal"] == [
        {"op": "delete", "left": "this", "right": ""}
    ]
    # First appearance: the earliest published carrier.
    assert denial["first"]["outlet"] == "Outlet Early"
    assert denial["carried_by"][0] == ids["Outlet Early"]


def test_omissions_name_the_outlet_that_dropped_a_quote(
    api: TestClient, story: dict[str, Any]
) -> None:
    ids = story["ids"]
    body = api.get(f"/v1/stories/{story['key']}/quotes").json()
    premature = next(
        s
        for s in body["statements"]
        if s["canonical"]["quote"]["text"] == "premature" and len(s["carried_by"]) > 1
    )
    assert premature["omitted_by"] == [ids["Outlet Early"]]
    omissions = {o["outlet"]: o["omits"] for o in body["omissions"]}
    assert premature["id"] in omissions["Outlet Early"]
    assert premature["id"] not in omissions["Outlet Left"]
    for statement in body["statements"]:
        carriers = set(statement["carried_by"])
        assert carriers.isdisjoint(statement["omitted_by"])
        assert carriers | set(statement["omitted_by"]) == set(ids.values())


def test_joining_and_leaving_a_story(
    api: TestClient, story: dict[str, Any], problem: ProblemCheck
) -> None:
    key, ids = story["key"], story["ids"]
    other = f"{key}-copy"
    joined = api.post(f"/v1/stories/{other}/articles", json={"article_id": ids["Outlet Left"]})
    assert joined.status_code == 201 and joined.json()["joined"] is True
    again = api.post(f"/v1/stories/{other}/articles", json={"article_id": ids["Outlet Left"]})
    assert again.status_code == 200 and again.json()["joined"] is False
    assert [a["article_id"] for a in api.get(f"/v1/stories/{other}").json()["articles"]] == [
        ids["Outlet Left"]
    ]
    listed = {s["key"]: s["articles"] for s in api.get("/v1/stories").json()["items"]}
    assert listed[key] == 4 and listed[other] == 1
    assert api.delete(f"/v1/stories/{other}/articles/{ids['Outlet Left']}").status_code == 204
    problem(api.delete(f"/v1/stories/{other}/articles/{ids['Outlet Left']}"), 404)
    problem(api.post(f"/v1/stories/{other}/articles", json={"article_id": "nope"}), 404)
    problem(api.get("/v1/stories/no-such-story/quotes"), 404)
    problem(api.post("/v1/stories/bad key!/articles", json={"article_id": "x"}), 422)
    problem(api.post(f"/v1/stories/{other}/articles", json={"article_id": 7}), 422)


def test_story_keys_are_validated_on_ingest(api: TestClient, problem: ProblemCheck) -> None:
    body = {"outlet": "X", "url": "https://news.example/k", "text": "Text.", "story": "a b"}
    problem(api.post("/v1/articles", json=body), 422)


STATEMENT = (
    "Statement by the head of operations of Northline Ferries.\n"
    "For weeks now, a few people on the union side have been telling anyone who will "
    "listen that we are cutting corners. Let me say this plainly. Not one inspection has "
    "been skipped on any of our vessels, and none will be. "
    "The union should stop telling wild stories and check its facts."
)


def test_primary_documents_check_every_outlets_quotes(
    api: TestClient, story: dict[str, Any]
) -> None:
    """The company's statement as a primary document of a story of its own:
    one outlet quotes the denial whole, another adds "But"; the "frightening"
    quotation is not in the statement."""
    key, ids = "ferry-checks-primary", story["ids"]
    stored = api.post(
        "/v1/articles",
        json={
            "outlet": "Northline Ferries",
            "url": "https://northline.example/statement",
            "text": STATEMENT,
        },
    )
    assert stored.status_code == 201, stored.text
    statement = stored.json()["id"]
    for outlet in ("Outlet Left", "Outlet Right"):
        joined = api.post(f"/v1/stories/{key}/articles", json={"article_id": ids[outlet]})
        assert joined.status_code == 201 and joined.json()["primary"] is False
    joined = api.post(
        f"/v1/stories/{key}/articles", json={"article_id": statement, "primary": True}
    )
    assert joined.status_code == 201 and joined.json()["primary"] is True

    body = api.get(f"/v1/stories/{key}/quotes").json()
    members = {a["article_id"]: a["primary"] for a in body["articles"]}
    assert members[statement] is True and members[ids["Outlet Left"]] is False
    # The statement is not coverage: no statement groups are built from it.
    assert all(v["article_id"] != statement for s in body["statements"] for v in s["variants"])
    assert [o["article_id"] for o in body["omissions"]] == [
        ids["Outlet Left"],
        ids["Outlet Right"],
    ]
    report = {o["outlet"]: o for o in body["primary"]["outlets"]}
    assert body["primary"]["documents"] == [statement]

    def sourced(outlet: str, starts: str) -> dict[str, Any]:
        return next(q for q in report[outlet]["quotes"] if q["text"].startswith(starts))

    whole = sourced("Outlet Left", "Let me say this plainly")
    assert whole["verdict"] == "accurate" and whole["primary"] == statement
    assert whole["source"]["context_after"].startswith("The union should stop")
    with_but = sourced("Outlet Right", "But let me say")
    assert with_but["verdict"] == "edited"
    assert {"type": "inserted", "side": "right", "where": "start", "left": "", "right": "But"} in (
        with_but["edits"]
    )
    fragment = sourced("Outlet Left", "wild stories")
    assert fragment["verdict"] == "trimmed"
    assert fragment["source"]["context_before"].endswith("The union should stop telling")
    assert sourced("Outlet Right", "frightening")["verdict"] == "not_found"
    for outlet in report.values():
        assert sum(outlet["summary"].values()) == len(outlet["quotes"])
        assert outlet["accurate"] is False  # each has quotations the statement lacks

    # The right outlet's "frightening" is echoed in the left's own reporting.
    omissions = {o["outlet"]: o for o in body["omissions"]}
    echoes = omissions["Outlet Left"]["echoes"]
    assert [e["text"] for e in echoes.values()] == ["frighten"]
    # Variants carry their typed edits against the canonical wording.
    denial = next(s for s in body["statements"] if DENIAL in s["canonical"]["quote"]["text"])
    edits = {v["outlet"]: [e["type"] for e in v["edits"]] for v in denial["variants"]}
    assert "inserted" in edits["Outlet Left"] or "inserted" in edits["Outlet Right"]

    # Joining again as coverage makes it coverage.
    again = api.post(f"/v1/stories/{key}/articles", json={"article_id": statement})
    assert again.status_code == 200 and again.json()["primary"] is False
    assert api.get(f"/v1/stories/{key}/quotes").json()["primary"] is None
