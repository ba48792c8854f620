"""ninjs as newsroom systems emit it (issue 17, item 1), over HTTP on SQLite
and PostgreSQL, and the problems a body of neither shape gets.

The items are written for these tests, each in the shape of a real one: the
IPTC examples of ninjs 1.x, 2.x and 3.x (github.com/iptc/newsinjson) and a
newsroom CMS's 1.x output (``guid``, ``body_html`` and the extension fields
ninjs allows). Their text is invented.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.models.articles import TITLE_LENGTH
from service.platform.ninjs import NinjsError, looks_like_ninjs, parse_ninjs
from tests.articles.newsml_items import PARAGRAPHS, QUOTE, TEXT  # the same invented article
from tests.problems import ProblemCheck

HTML = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
# An RFC 6901 pointer: "" or a run of /-prefixed tokens with ~0 and ~1 escapes.
JSON = {"Content-Type": "application/json"}
POINTER = re.compile(r"(/([^~/]|~[01])*)*")


def _id() -> str:
    return uuid.uuid4().hex[:12]


def cms_1x() -> dict[str, Any]:
    """A 1.x item as a newsroom CMS writes it: ``guid``, no ``uri``, HTML
    body, and extension fields (the issue's 26 to 32 errors)."""
    return {
        "guid": f"tag:cms.example,2026:{_id()}",
        "version": "3",
        "type": "text",
        "headline": "Bridge to reopen by spring",
        "byline": "Lee Park",
        "located": "Riverton",
        "versioncreated": "2026-03-02T10:00:00+0000",
        "firstcreated": "2026-03-01T09:00:00+0000",
        "body_html": HTML,
        "description_text": "The bridge will reopen.",
        "copyrightholder": "Riverton Herald",
        "pubstatus": "usable",
        "priority": 5,
        "urgency": 3,
        "profile": "story",
        "service": [{"code": "n", "name": "News"}],
        "subject": [{"code": "11000000", "name": "politics"}],
        "associations": {
            "featuremedia": {
                "guid": "tag:cms.example,2026:img",
                "type": "picture",
                "renditions": {"original": {"href": "https://cdn.example/a.jpg", "width": 800}},
            }
        },
        "renditions": {},
        "extra": {"custom": {"nested": [1, 2, {"x": None}]}},
        "authors": [{"name": "Lee Park", "role": "writer"}],
        "annotations": [],
        "charcount": 200,
        "wordcount": 40,
        "readtime": 1,
    }


def iptc_1x() -> dict[str, Any]:
    """1.4's shape: ``uri``, ``headline``, ``body_text`` beside ``body_xhtml``."""
    return {
        "uri": f"http://ninjs.example.com/newsitems/{_id()}",
        "type": "text",
        "headline": "Bridge to reopen by spring",
        "byline": "Lee Park",
        "versioncreated": "2026-03-02T10:00:00Z",
        "body_text": TEXT,
        "body_xhtml": f"<body>{HTML}</body>",
        "located": "Riverton",
        "place": [{"name": "Riverton", "rel": "located"}],
        "profile": "text-only",
    }


def iptc_16() -> dict[str, Any]:
    """1.6's patterns: ``headline_main``, ``body_main``, ``body_richtext``."""
    return {
        "uri": f"http://ninjs.example.com/newsitems/{_id()}",
        "type": "text",
        "headline_main": "Bridge to reopen by spring",
        "body_main": TEXT,
        "body_richtext": HTML,
    }


def iptc_2x() -> dict[str, Any]:
    """2.x: ``headlines[]``, an HTML ``bodies[]`` entry, ``by``, lower case."""
    return {
        "uri": f"urn:newsml:example.com:{_id()}",
        "version": "2",
        "versioncreated": "2026-03-02T12:00:00+02:00",
        "language": "en",
        "headlines": [{"role": "main", "value": "Bridge to reopen by spring"}],
        "by": "By Lee Park, Herald",
        "copyrightholder": "Riverton Herald",
        "bodies": [
            {"role": "html", "contenttype": "text/html", "value": f"<section>{HTML}</section>"}
        ],
        "urgency": 4,
    }


def iptc_3x() -> dict[str, Any]:
    """3.x, camelCase, with several renditions of one text (plain, HTML5, a
    provider's own XML), an image association and GeoJSON places."""
    return {
        "uri": f"http://example.com/nyheter/{_id()}",
        "type": "text",
        "representationType": "full",
        "version": "1",
        "versionCreated": "2026-03-02T08:00:00Z",
        "firstCreated": "2026-03-02T07:00:00Z",
        "language": "en",
        "copyrightHolder": "Riverton Herald",
        "headlines": [{"role": "main", "value": "Bridge to reopen by spring"}],
        "bodies": [
            {"role": "text", "contentType": "text/plain", "charCount": 10, "value": TEXT},
            {"role": "html5", "contentType": "text/html5", "value": f"<html>{HTML}</html>"},
            {"role": "own", "contentType": "application/xml", "value": "<DOC><P>x</P></DOC>"},
        ],
        "associations": [
            {
                "name": "image1",
                "uri": "http://example.com/images/1",
                "type": "picture",
                "renditions": [{"name": "thumb", "href": "http://example.com/t.jpg"}],
            }
        ],
        "places": [{"name": "Riverton", "geoJSON": {"type": "Point", "coordinates": [10, 59]}}],
        "altIds": [{"role": "internal", "value": "x1"}],
    }


def iptc_3x_untyped() -> dict[str, Any]:
    """3.1's simple example: a body with a role and no content type."""
    return {
        "uri": f"http://ninjs.example.com/newsitems/{_id()}",
        "type": "text",
        "versionCreated": "2026-03-02T08:00:00Z",
        "by": "Lee Park",
        "headlines": [{"role": "main", "value": "Bridge to reopen by spring"}],
        "bodies": [{"role": "main", "value": TEXT}],
    }


def iptc_3x_nitf() -> dict[str, Any]:
    """A NITF body beside a plain one: the plain one is read."""
    return {
        "uri": f"http://example.com/articles/{_id()}",
        "type": "text",
        "title": "Bridge",
        "headlines": [{"role": "main", "value": "Bridge to reopen by spring"}],
        "descriptions": [{"role": "lead", "value": "The bridge will reopen."}],
        "standard": {"name": "ninjs", "version": "3.0", "schema": "x"},
        "bodies": [
            {"role": "nitf", "contentType": "text/vnd.IPTC.NITF", "value": "<nitf><body/></nitf>"},
            {"role": "text", "contentType": "text/plain", "value": TEXT.replace("\n", "\r\n")},
        ],
    }


def flash_2x() -> dict[str, Any]:
    """A wire flash: no body, only a description (stored from it)."""
    return {
        "uri": f"urn:flash:{_id()}",
        "type": "text",
        "version": "6",
        "headlines": [{"role": "main", "value": "Bridge to reopen"}],
        "descriptions": [{"role": "text", "contenttype": "text/plain", "value": QUOTE}],
        "copyrightholder": "Wire",
        "copyrightnotice": "",
        "usageterms": "",
    }


def picture_with_credit() -> dict[str, Any]:
    """A picture whose creditline names the agency: pictures without a
    body are not articles."""
    return {
        "uri": f"urn:picture:{_id()}",
        "type": "picture",
        "headlines": [{"role": "main", "value": "Bridge"}],
        "descriptions": [
            {"role": "creditline", "value": "EXAMPLE PRESS"},
            {"role": "caption", "value": QUOTE},
        ],
        "renditions": [{"name": "main", "href": "http://example.com/p.jpg"}],
    }


SHAPES = {
    "cms-1.x-guid": cms_1x,
    "iptc-1.x": iptc_1x,
    "iptc-1.6-patterns": iptc_16,
    "iptc-2.x": iptc_2x,
    "iptc-3.x": iptc_3x,
    "iptc-3.x-untyped-body": iptc_3x_untyped,
    "iptc-3.x-nitf-and-text": iptc_3x_nitf,
    "flash-description-only": flash_2x,
}


def _quotes(api: TestClient, article_id: str) -> list[dict[str, Any]]:
    """The quotations ``POST /v1/compare`` finds in the stored version."""
    side = {"article_id": article_id}
    compared = api.post("/v1/compare", json={"left": side, "right": side, "passages": False})
    assert compared.status_code == 200, compared.text
    quotes: list[dict[str, Any]] = compared.json()["left"]["quotes"]
    return quotes


@pytest.mark.parametrize("make", SHAPES.values(), ids=SHAPES.keys())
def test_each_shape_is_stored_with_its_quotes(api: TestClient, make: Any) -> None:
    item = make()
    recorded = api.post("/v1/articles", json=item)
    assert recorded.status_code == 201, recorded.text
    body = recorded.json()
    assert body["url"] == item.get("uri", item.get("guid"))
    version = api.get(f"/v1/articles/{body['id']}/versions/1").json()
    assert version["headline"] and "Bridge" in version["headline"]
    texts = [q["text"] for q in _quotes(api, body["id"])]
    assert any("rebuild the bridge" in t for t in texts), texts
    # The same item again is the same article, unchanged.
    again = api.post("/v1/articles", json=item)
    assert again.status_code == 200 and again.json()["id"] == body["id"]


def test_a_cms_item_keeps_its_fields(api: TestClient) -> None:
    item = cms_1x()
    body = api.post("/v1/articles", json=item).json()
    assert body["outlet"] == "Riverton Herald"
    version = api.get(f"/v1/articles/{body['id']}/versions/1").json()
    assert version["by"] == "Lee Park" and version["html"] == HTML
    assert version["text"].split("\n\n") == list(PARAGRAPHS)  # from body_html, breaks kept
    assert version["version_created"] == "2026-03-02T10:00:00Z"
    assert version["first_created"] == "2026-03-01T09:00:00Z"


def test_plain_text_wins_over_html(api: TestClient) -> None:
    item = iptc_1x()
    item["body_text"] = "Only the plain text."
    version = _stored(api, item)
    assert version["text"] == "Only the plain text." and version["html"] is not None


def test_a_creditline_is_no_summary(api: TestClient, problem: ProblemCheck) -> None:
    refused = problem(api.post("/v1/articles", json=picture_with_credit()), 422)
    assert "picture" in refused["detail"]
    item = {**picture_with_credit(), "type": "text"}
    recorded = api.post("/v1/articles", json=item).json()
    assert recorded["outlet"] == "EXAMPLE PRESS"
    version = api.get(f"/v1/articles/{recorded['id']}/versions/1").json()
    assert version["text"] == QUOTE


def _stored(api: TestClient, item: dict[str, Any]) -> dict[str, Any]:
    recorded = api.post("/v1/articles", json=item)
    assert recorded.status_code == 201, recorded.text
    version: dict[str, Any] = api.get(f"/v1/articles/{recorded.json()['id']}/versions/1").json()
    return version


# Problems: one for a body of neither shape, and pointers into the body ----


NEITHER = {
    "empty-object": {},
    "array": [{"uri": "urn:x", "body_text": "T"}],
    "string": "an article",
    "null": None,
    "number": 7,
    "only-shared-members": {"title": "Bridge", "language": "en"},
    "unknown-members": {"id": 7, "content": "The text."},
}


@pytest.mark.parametrize("body", NEITHER.values(), ids=NEITHER.keys())
def test_a_body_of_neither_shape_gets_one_problem(
    api: TestClient, problem: ProblemCheck, body: Any
) -> None:
    content = json.dumps(body).encode()
    refused = problem(api.post("/v1/articles", content=content, headers=JSON), 422)
    assert refused["type"].endswith(":invalid-request")
    (error,) = refused["errors"]
    assert error["pointer"] == "" and error["type"] == "article_shape"
    for accepted in ("`outlet`", "`url`", "`text`", "ninjs", "`uri`", "`guid`"):
        assert accepted in refused["detail"]


BAD = {
    "own-missing-identity": ({"outlet": "AP", "text": "T"}, ""),
    "own-url-not-string": ({"outlet": "AP", "url": 5, "text": "T"}, "/url"),
    "own-blank-outlet": ({"outlet": "  ", "url": "https://a.example/1", "text": "T"}, "/outlet"),
    "own-unknown-member": (
        {"outlet": "AP", "url": "https://a.example/1", "text": "T", "headline": "H"},
        "/headline",
    ),
    "ninjs-uri-not-string": ({"uri": 5, "body_text": "T"}, "/uri"),
    "ninjs-guid-too-long": ({"guid": "g" * 3000, "body_text": "T"}, "/guid"),
    "ninjs-no-identity": ({"headline": "H", "body_text": "T"}, "/uri"),
    "ninjs-body-not-string": ({"uri": "urn:b", "bodies": [{"value": ["T"]}]}, "/bodies/0/value"),
    "ninjs-second-body": (
        {"uri": "urn:b", "bodies": [{"contentType": "text/plain", "value": "T"}, {"value": 7}]},
        "/bodies/1/value",
    ),
    "ninjs-headline-too-long": (
        {"uri": "urn:h", "body_text": "T", "headlines": [{"value": "h" * (TITLE_LENGTH + 1)}]},
        "/headlines/0/value",
    ),
    "ninjs-time-out-of-range": (
        {"uri": "urn:t", "body_text": "T", "versionCreated": "0001-01-01T00:00:00Z"},
        "/versionCreated",
    ),
    "ninjs-no-body": ({"uri": "urn:n", "headlines": [{"value": "H"}]}, ""),
}


@pytest.mark.parametrize(("body", "where"), BAD.values(), ids=BAD.keys())
def test_every_pointer_points_into_the_body(
    api: TestClient, problem: ProblemCheck, body: Any, where: str
) -> None:
    refused = problem(api.post("/v1/articles", json=body), 422)
    pointers = [e["pointer"] for e in refused["errors"]]
    assert where in pointers, refused
    assert all(POINTER.fullmatch(p) for p in pointers), pointers
    # The pointers named the validator: `#/function-after[...]/outlet`.
    assert "function-after" not in str(refused) and "ArticleRequest" not in str(refused)
    assert len(refused["errors"]) <= 2, refused  # not one per member of a union


def test_a_query_error_points_at_its_parameter(api: TestClient, problem: ProblemCheck) -> None:
    refused = problem(api.get("/v1/articles", params={"limit": 0}), 422)
    assert [e["pointer"] for e in refused["errors"]] == ["/query/limit"]


# Reading items, without a database ---------------------------------------


@pytest.mark.parametrize(
    ("item", "text", "html"),
    [
        ({"body_text": "t", "body_html": "<p>h</p>"}, "t", "<p>h</p>"),
        ({"body_xhtml": "<p>x</p>"}, None, "<p>x</p>"),
        ({"body_richtext": "<p>r</p>", "body_html": "<p>h</p>"}, None, "<p>h</p>"),
        ({"body_main": "plain"}, "plain", None),
        ({"body_main": " <div>m</div>"}, None, " <div>m</div>"),
        ({"bodies": [{"value": "<p>u</p>"}]}, None, "<p>u</p>"),
        ({"bodies": [{"contenttype": "text/plain", "value": " "}, {"value": "v"}]}, "v", None),
        ({"bodies": [{"contentType": "text/vnd.IPTC.NITF", "value": "<nitf/>"}]}, "s", None),
        (
            {"bodies": [{"contentType": "text/html", "value": "<p>b</p>"}], "body_html": "x"},
            None,
            "<p>b</p>",
        ),
    ],
    ids=[
        "text-beside-html",
        "xhtml",
        "html-before-richtext",
        "1.6-pattern-plain",
        "1.6-pattern-markup",
        "untyped-markup",
        "blank-skipped",
        "nitf-not-read",
        "bodies-before-body-html",
    ],
)
def test_which_body_is_read(item: dict[str, Any], text: str | None, html: str | None) -> None:
    found = parse_ninjs({"uri": "urn:x", "type": "text", "descriptions": ["s"], **item})
    assert (found.text, found.html) == (text, html)


def test_a_guid_is_an_identity_and_uri_wins() -> None:
    assert parse_ninjs({"guid": "g", "body_text": "t"}).uri == "g"
    assert parse_ninjs({"guid": "g", "uri": "u", "body_text": "t"}).uri == "u"
    with pytest.raises(NinjsError) as refused:
        parse_ninjs({"uri": " ", "body_text": "t"})
    assert refused.value.pointer == "/uri"


def test_what_looks_like_ninjs() -> None:
    assert looks_like_ninjs({"guid": "x"}) and looks_like_ninjs({"versionCreated": "x"})
    assert looks_like_ninjs({"description_text": "x"}) and looks_like_ninjs({"bodies": []})
    assert not looks_like_ninjs({"outlet": "x", "text": "y"})
    assert not looks_like_ninjs({"title": "x", "language": "en", "byline": "b"})


@pytest.mark.parametrize("odd", [["text"], {"a": 1}, 7, None])
def test_an_odd_type_is_no_type(odd: Any) -> None:
    found = parse_ninjs({"uri": "urn:x", "type": odd, "descriptions": [{"value": "s"}]})
    assert found.text == "s"
