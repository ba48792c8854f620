"""Every date, text and integer an article request carries is bounded
before it reaches SQL (issue 15, findings 5 and 6), on SQLite and
PostgreSQL: a date outside the years both databases give back, a ninjs
field longer than its column, a version number past the column's integer,
each gets a 4xx problem, never a 500 now or on a later read."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from service.http import create_app
from service.models.articles import (
    BYLINE_LENGTH,
    LANGUAGE_LENGTH,
    OUTLET_NAME_LENGTH,
    TITLE_LENGTH,
    Version,
)
from service.models.stories import STORY_KEY_LENGTH, Story
from service.platform.config import Settings
from service.platform.db import make_engine, upgrade
from service.platform.wire import StoryKey
from tests.problems import ProblemCheck

TEXT = '"We will not export them," an official said.'

# Instants that are no storable time once in UTC: years 0 and 10000 (which
# PostgreSQL kept, and then no read of the row could give back), and the
# first and last day of Python's range, which a session time zone off UTC
# turns into those years (see test_the_margin_holds_in_any_session_time_zone).
OUT_OF_RANGE = [
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:00:00-05:00",
    "0001-01-01T05:00:00Z",
    "9999-12-31T20:00:00Z",
]
EDGES = ["0001-01-02T00:00:00Z", "9999-12-30T23:59:59.999999Z"]


def _url() -> str:
    return f"https://bounds.example/{uuid.uuid4().hex}"


def _pointers(body: dict[str, Any]) -> list[str]:
    return [e["pointer"] for e in body.get("errors", [])]


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["published_at", "updated_at"])
def test_a_date_out_of_range_is_refused_and_every_read_still_works(
    api: TestClient, problem: ProblemCheck, field: str, moment: str
) -> None:
    body = {"outlet": "Bounds", "url": _url(), "text": TEXT, field: moment}
    refused = problem(api.post("/v1/articles", json=body), 422)
    assert any(p.endswith(f"/{field}") for p in _pointers(refused)), refused
    assert "0001-01-02 and 9999-12-30" in str(refused["errors"])
    # The listing reads every article of the tenant: one bad row broke it.
    assert api.get("/v1/articles", params={"limit": 100}).status_code == 200


@pytest.mark.parametrize("moment", EDGES)
def test_the_first_and_last_storable_instants_go_in_and_come_back(
    api: TestClient, moment: str
) -> None:
    body = {"outlet": "Bounds", "url": _url(), "text": TEXT, "published_at": moment}
    stored = api.post("/v1/articles", json=body)
    assert stored.status_code == 201, stored.text
    version = api.get(f"/v1/articles/{stored.json()['id']}/versions/1")
    assert version.status_code == 200, version.text
    assert version.json()["first_created"] == moment
    assert api.get("/v1/articles", params={"limit": 100}).status_code == 200


def test_a_time_with_an_offset_is_stored_as_the_instant_it_names(api: TestClient) -> None:
    # SQLite kept the digits and dropped the offset: 10:00+05:00 came back as 10:00Z.
    body = {"outlet": "Bounds", "url": _url(), "text": TEXT}
    body |= {"published_at": "2026-01-01T10:00:00+05:00", "updated_at": "2026-01-01T01:00:00-08:00"}
    article_id = api.post("/v1/articles", json=body).json()["id"]
    version = api.get(f"/v1/articles/{article_id}/versions/1").json()
    assert version["first_created"] == "2026-01-01T05:00:00Z"
    assert version["version_created"] == "2026-01-01T09:00:00Z"
    ninjs = api.get(f"/v1/articles/{article_id}/versions/1/ninjs").json()
    assert ninjs["firstCreated"].startswith("2026-01-01T05:00:00")


def test_the_margin_holds_in_any_session_time_zone(postgres_url: str) -> None:
    # PostgreSQL writes a timestamptz in the session's zone; the first and
    # last storable instants stay inside Python's years 1-9999 in the zones
    # furthest from UTC (UTC-12 and UTC+14), where the first and last days of
    # those years would not.
    engine = make_engine(postgres_url)
    upgrade(engine)
    engine.dispose()
    stored = {}
    for zone in ("UTC", "Etc/GMT+12", "Pacific/Kiritimati"):
        url = f"{postgres_url}?options={quote(f'-c timezone={zone}', safe='')}"
        settings = Settings(database_url=url, background=False)
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            with client.app.state.engine.connect() as connection:  # type: ignore[attr-defined]
                assert connection.exec_driver_sql("SHOW timezone").scalar() == zone
            if not stored:
                for moment in EDGES:
                    body = {"outlet": "Zones", "url": _url(), "text": TEXT, "published_at": moment}
                    stored[client.post("/v1/articles", json=body).json()["id"]] = moment
            for article_id, moment in stored.items():
                version = client.get(f"/v1/articles/{article_id}/versions/1")
                assert version.status_code == 200, (zone, version.text)
                assert version.json()["first_created"] == moment
            assert client.get("/v1/articles", params={"limit": 100}).status_code == 200


@pytest.mark.parametrize("moment", OUT_OF_RANGE[:2])
@pytest.mark.parametrize("name", ["since", "until"])
def test_listing_bounds_out_of_range_are_refused(
    api: TestClient, problem: ProblemCheck, name: str, moment: str
) -> None:
    problem(api.get("/v1/articles", params={name: moment}), 422)


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
@pytest.mark.parametrize("field", ["versioncreated", "firstCreated"])
def test_a_ninjs_time_out_of_range_is_refused(
    api: TestClient, problem: ProblemCheck, field: str, moment: str
) -> None:
    item = {"uri": f"urn:bounds:{uuid.uuid4().hex}", "body_text": TEXT, field: moment}
    refused = problem(api.post("/v1/articles?outlet=Bounds", json=item), 422)
    assert field in refused["detail"] and "0001-01-02" in refused["detail"]
    assert api.get("/v1/articles", params={"limit": 100}).status_code == 200


def test_a_ninjs_time_is_kept_in_utc(api: TestClient) -> None:
    item = {"uri": f"urn:bounds:{uuid.uuid4().hex}", "body_text": TEXT}
    item |= {"firstcreated": "2026-01-01T10:00:00+05:00", "versioncreated": "2026-01-02T10:00:00"}
    recorded = api.post("/v1/articles?outlet=Bounds", json=item).json()
    version = api.get(f"/v1/articles/{recorded['id']}/versions/1").json()
    assert version["first_created"] == "2026-01-01T05:00:00Z"
    assert version["version_created"] == "2026-01-02T10:00:00Z"  # naive: taken as UTC


@pytest.mark.parametrize(
    ("fields", "what"),
    [
        ({"headline": "h" * (TITLE_LENGTH + 1)}, "headline"),
        ({"headlines": [{"value": "h" * (TITLE_LENGTH + 1)}]}, "headline"),
        ({"by": "b" * (BYLINE_LENGTH + 1)}, "byline"),
        ({"language": "l" * (LANGUAGE_LENGTH + 1)}, "language"),
        ({"copyrightholder": "c" * (OUTLET_NAME_LENGTH + 1)}, "copyright holder"),
    ],
    ids=["headline", "headlines", "by", "language", "copyrightholder"],
)
def test_a_ninjs_field_longer_than_its_column_is_refused(
    api: TestClient, problem: ProblemCheck, fields: dict[str, Any], what: str
) -> None:
    # PostgreSQL refused the row (varchar(n)) and the answer was a 500.
    item = {"uri": f"urn:bounds:{uuid.uuid4().hex}", "body_text": TEXT, **fields}
    refused = problem(api.post("/v1/articles", json=item), 422)
    assert what in refused["detail"]


def test_ninjs_fields_as_long_as_their_columns_are_kept(api: TestClient) -> None:
    item = {
        "uri": f"urn:bounds:{uuid.uuid4().hex}",
        "body_text": TEXT,
        "headline": "h" * TITLE_LENGTH,
        "by": "b" * BYLINE_LENGTH,
        "language": "l" * LANGUAGE_LENGTH,
        "copyrightholder": "c" * OUTLET_NAME_LENGTH,
    }
    recorded = api.post("/v1/articles", json=item)
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["outlet"] == "c" * OUTLET_NAME_LENGTH
    version = api.get(f"/v1/articles/{recorded.json()['id']}/versions/1").json()
    assert (version["headline"], version["by"]) == ("h" * TITLE_LENGTH, "b" * BYLINE_LENGTH)


@pytest.mark.parametrize(
    ("field", "longest"),
    [
        ("outlet", OUTLET_NAME_LENGTH),
        ("title", TITLE_LENGTH),
        ("byline", BYLINE_LENGTH),
        ("language", LANGUAGE_LENGTH),
        ("story", STORY_KEY_LENGTH),
    ],
)
def test_article_fields_longer_than_their_columns_are_refused(
    api: TestClient, problem: ProblemCheck, field: str, longest: int
) -> None:
    body = {"outlet": "Bounds", "url": _url(), "text": TEXT, field: "x" * (longest + 1)}
    refused = problem(api.post("/v1/articles", json=body), 422)
    assert any(p.endswith(f"/{field}") for p in _pointers(refused)), refused
    body[field] = "x" * longest
    assert api.post("/v1/articles", json=body).status_code == 201


def test_the_story_key_type_and_its_column_agree() -> None:
    # StoryKey is in platform, which cannot import the models: this holds
    # the two limits together.
    limit = TypeAdapter(StoryKey).json_schema()["maxLength"]
    assert limit == STORY_KEY_LENGTH == Story.__table__.c.key.type.length  # type: ignore[attr-defined]
    assert Version.__table__.c.title.type.length == TITLE_LENGTH  # type: ignore[attr-defined]


@pytest.mark.parametrize("number", [2**31 - 1, 2**31, 2**40, 2**63, 2**70])
def test_version_numbers_past_the_column_are_problems(
    api: TestClient, problem: ProblemCheck, number: int
) -> None:
    article_id = api.post("/v1/articles", json={"outlet": "B", "url": _url(), "text": TEXT})
    aid = article_id.json()["id"]
    status = 404 if number < 2**31 else 422
    problem(api.get(f"/v1/articles/{aid}/versions/{number}"), status)
    problem(api.get(f"/v1/articles/{aid}/versions/{number}/ninjs"), status)
    problem(api.get(f"/v1/articles/{aid}/diff", params={"from": number}), status)
    problem(api.get(f"/v1/articles/{aid}/diff", params={"to": number}), status)
    side = {"article_id": aid, "version": number}
    problem(api.post("/v1/compare", json={"left": side, "right": {"text": TEXT}}), status)


# Pages -------------------------------------------------------------------


@pytest.fixture(scope="module")
def pages(module_database_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=module_database_url, background=False, auth_disabled=True)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize("number", [2**31 - 1, 2**31, 2**40, 2**63, 2**70])
def test_a_page_asked_for_a_version_past_the_column_answers_4xx(
    pages: TestClient, number: int
) -> None:
    # /compare?left=ID@N parsed N without a bound: a 500 from SQL (2**40 on
    # PostgreSQL's integer, 2**63 on SQLite's).
    stored = pages.post("/v1/articles", json={"outlet": "B", "url": _url(), "text": TEXT})
    aid = stored.json()["id"]
    page = pages.get(f"/compare?left={quote(f'{aid}@{number}')}&right={aid}")
    assert page.status_code == (404 if number < 2**31 else 422), page.text
    diff = pages.get(f"/articles/{aid}/diff", params={"from": number})
    assert diff.status_code == (404 if number < 2**31 else 422), diff.text


def test_a_page_asked_for_a_version_that_is_no_number_answers_422(pages: TestClient) -> None:
    # "²" is a digit to str.isdigit, but int() refuses it: a 500 before.
    for version in ["\u00b2", "x", "", "0", "-1"]:
        page = pages.get(f"/compare?left={quote(f'some-id@{version}')}&right=other")
        assert page.status_code == 422, (version, page.text)
