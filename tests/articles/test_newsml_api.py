"""NewsML-G2 in over HTTP (issue 17, item 2), on SQLite and PostgreSQL:
``POST /v1/articles`` with a ``newsItem`` or a ``newsMessage``, hostile XML
answered with a 4xx problem, and a page (or a feed's item link) that
answers with a ``newsItem``."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.models.articles import TITLE_LENGTH
from service.platform.newsml import MAX_MESSAGE_ITEMS
from tests.articles.newsml_items import PARAGRAPHS, TEXT, message, news_item, nitf
from tests.problems import ProblemCheck

NEWSITEM = {"Content-Type": "application/vnd.iptc.g2.newsitem+xml"}
XML = {"Content-Type": "application/xml; charset=utf-8"}


def _guid() -> str:
    return f"urn:newsml:wire.example:{uuid.uuid4().hex[:12]}"


def post(api: TestClient, document: str, headers: dict[str, str] = NEWSITEM, **params: str) -> Any:
    return api.post("/v1/articles", content=document.encode(), headers=headers, params=params)


def _quotes(api: TestClient, article_id: str) -> list[str]:
    side = {"article_id": article_id}
    compared = api.post("/v1/compare", json={"left": side, "right": side, "passages": False})
    assert compared.status_code == 200, compared.text
    return [q["text"] for q in compared.json()["left"]["quotes"]]


@pytest.mark.parametrize(
    "headers",
    [NEWSITEM, XML, {"Content-Type": "text/xml"}],
    ids=["newsitem+xml", "application/xml", "text/xml"],
)
def test_a_news_item_is_stored_by_its_guid(api: TestClient, headers: dict[str, str]) -> None:
    guid = _guid()
    recorded = post(api, news_item(guid, version="4"), headers)
    assert recorded.status_code == 201, recorded.text
    body = recorded.json()
    assert body["url"] == guid and body["outlet"] == "Riverton Wire" and body["created"]
    version = api.get(f"/v1/articles/{body['id']}/versions/1").json()
    assert version["text"] == TEXT and version["headline"] == "Bridge to reopen by spring"
    assert version["version_created"] == "2026-03-02T15:00:00Z"
    assert version["first_created"] == "2026-03-01T09:00:00Z"
    assert version["language"] == "en-GB"
    assert any("rebuild the bridge" in q for q in _quotes(api, body["id"]))
    # The next version of the item is the article's next version.
    changed = nitf((*PARAGRAPHS, '"It is a scandal," said Lee.'))
    second = post(api, news_item(guid, version="5", content=changed))
    assert second.status_code == 201 and second.json()["id"] == body["id"]
    assert second.json()["version"] == 2
    again = post(api, news_item(guid, version="5", content=changed))
    assert again.status_code == 200 and again.json()["created"] is False


def test_a_ninjs_item_of_the_same_guid_is_the_same_article(api: TestClient) -> None:
    # ninjs is NewsML-G2 in JSON: its uri is the newsItem's guid.
    guid = _guid()
    first = post(api, news_item(guid)).json()
    item = {"uri": guid, "type": "text", "bodies": [{"contentType": "text/plain", "value": TEXT}]}
    same = api.post("/v1/articles", json=item)
    assert same.status_code == 200 and same.json()["id"] == first["id"]


def test_the_outlet_and_story_parameters(api: TestClient) -> None:
    key = f"bridge-{uuid.uuid4().hex[:8]}"
    recorded = post(api, news_item(_guid()), outlet="Herald", story=key).json()
    assert (recorded["outlet"], recorded["story"]) == ("Herald", key)


def test_a_message_stores_each_text_item(api: TestClient) -> None:
    a, b = _guid(), _guid()
    document = message(
        news_item(a, content=nitf(("A said: \u201cYes.\u201d",))),
        news_item(_guid(), item_class="ninat:picture", content=""),
        news_item(b, version="2", content=nitf(("B two.",))),
        news_item(b, version="1", content=nitf(("B one.",))),
    )
    headers = {"Content-Type": "application/vnd.iptc.g2.newsmessage+xml"}
    recorded = post(api, document, headers)
    assert recorded.status_code == 201, recorded.text
    items = recorded.json()["items"]
    # Of two versions of one item, the latest: the message sent again
    # stores nothing (the earlier one after it would be a revert).
    assert [(i["url"], i["version"], i["created"]) for i in items] == [(a, 1, True), (b, 1, True)]
    text = api.get(f"/v1/articles/{items[1]['id']}/versions/1").json()["text"]
    assert text == "B two."
    again = post(api, document, headers)
    assert again.status_code == 200
    assert [i["created"] for i in again.json()["items"]] == [False, False]


def test_a_message_with_one_bad_item_stores_nothing(api: TestClient, problem: ProblemCheck) -> None:
    good = _guid()
    long_headline = news_item(_guid(), headline="h" * (TITLE_LENGTH + 1))
    for bad in (news_item(_guid(), content=""), long_headline):
        refused = problem(post(api, message(news_item(good), bad)), 422)
        assert refused["detail"].startswith("NewsML-G2:")
    assert api.get("/v1/articles", params={"url": good}).json()["items"] == []


def test_a_text_over_the_limit_is_413(client: TestClient, problem: ProblemCheck) -> None:
    long = nitf(("x" * 100_001,))
    refused = problem(post(client, news_item(_guid(), content=long)), 413)
    assert "100,000" in refused["detail"]


def test_idempotency_key(api: TestClient, problem: ProblemCheck) -> None:
    key = {"Idempotency-Key": f"g2-{uuid.uuid4().hex}"}
    document = message(news_item(_guid()), news_item(_guid()))
    first = post(api, document, {**XML, **key})
    retried = post(api, document, {**XML, **key})
    assert first.status_code == retried.status_code == 201
    assert retried.json() == first.json()
    problem(post(api, message(news_item(_guid())), {**XML, **key}), 409)
    single = {"Idempotency-Key": f"g2-{uuid.uuid4().hex}"}
    item = news_item(_guid())
    assert post(api, item, {**XML, **single}).json() == post(api, item, {**XML, **single}).json()


HOSTILE = {
    "malformed": ("<newsItem guid='g'><contentSet>", 400, "malformed-body"),
    "empty": ("", 400, "malformed-body"),
    "too-deep": ("<a>" * 400 + "</a>" * 400, 400, "malformed-body"),
    "xxe": (
        '<?xml version="1.0"?><!DOCTYPE n [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
        + news_item("g", content=nitf(("x",)).replace(">x<", ">&s;<")),
        422,
        "unprocessable",
    ),
    "billion-laughs": (
        '<?xml version="1.0"?><!DOCTYPE n [<!ENTITY a "ha">'
        + "".join(
            f'<!ENTITY {c} "{f"&{p};" * 10}">' for p, c in zip("abcdefgh", "bcdefghi", strict=True)
        )
        + "]>"
        + news_item("g", content=nitf(("x",)).replace(">x<", ">&i;<")),
        422,
        "unprocessable",
    ),
    "not-newsml": ("<rss><channel/></rss>", 422, "unprocessable"),
    "picture": (news_item("g", item_class="ninat:picture", content=""), 422, "unprocessable"),
}


@pytest.mark.parametrize(("document", "status", "slug"), HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_xml_is_a_4xx_problem(
    api: TestClient, problem: ProblemCheck, document: str, status: int, slug: str
) -> None:
    refused = problem(post(api, document, XML), status)
    assert refused["type"].endswith(f":{slug}") and "root:" not in refused["detail"]


def test_utf16_hostile_xml_is_a_4xx_problem(api: TestClient, problem: ProblemCheck) -> None:
    # A look at the bytes does not see this DOCTYPE; the parser refuses it.
    document = HOSTILE["billion-laughs"][0].replace('"1.0"?>', '"1.0" encoding="UTF-16"?>')
    refused = api.post("/v1/articles", content=document.encode("utf-16"), headers=XML)
    assert refused.status_code in (400, 422) and refused.json()["status"] == refused.status_code


def test_neither_json_nor_xml_is_415(api: TestClient, problem: ProblemCheck) -> None:
    refused = problem(
        api.post("/v1/articles", content=b"text", headers={"Content-Type": "text/plain"}), 415
    )
    assert "NewsML-G2" in refused["detail"] and "application/json" in refused["detail"]


def test_an_oversized_message_is_refused(api: TestClient, problem: ProblemCheck) -> None:
    items = [news_item(_guid(), content=nitf(("x",))) for _ in range(MAX_MESSAGE_ITEMS + 1)]
    refused = problem(post(api, message(*items)), 422)
    assert f"at most {MAX_MESSAGE_ITEMS}" in refused["detail"]


# A page, or a feed's item link, that answers with a newsItem ----------------


@pytest.fixture
def origin() -> Iterator[tuple[str, dict[str, tuple[str, bytes]]]]:
    """An HTTP origin on 127.0.0.1 serving ``pages[path] = (type, body)``."""
    pages: dict[str, tuple[str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            content_type, body = pages.get(self.path, ("text/plain", b""))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", pages
    server.shutdown()
    server.server_close()


def test_a_fetched_news_item_is_stored_under_its_link(
    api: TestClient, problem: ProblemCheck, origin: tuple[str, dict[str, tuple[str, bytes]]]
) -> None:
    base, pages = origin
    name = uuid.uuid4().hex[:8]
    pages[f"/{name}.xml"] = ("application/vnd.iptc.g2.newsitem+xml", news_item(_guid()).encode())
    pages[f"/{name}-message.xml"] = ("application/xml", message(news_item(_guid())).encode())
    pages[f"/{name}.rss"] = ("application/xml", b"<rss><channel><title>T</title></channel></rss>")
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
        f"<link>{base}/</link><description>d</description>"
        f"<item><title>Feed title</title><link>{base}/{name}.xml</link></item></channel></rss>"
    )
    pages[f"/{name}-feed.rss"] = ("application/rss+xml", feed.encode())

    fetched = api.post("/v1/fetch", json={"url": f"{base}/{name}.xml"})
    assert fetched.status_code == 201, fetched.text
    body = fetched.json()
    assert body["url"] == f"{base}/{name}.xml" and body["outlet"] == "Riverton Wire"
    version = api.get(f"/v1/articles/{body['id']}/versions/1").json()
    assert version["text"] == TEXT and version["headline"] == "Bridge to reopen by spring"

    refused = problem(api.post("/v1/fetch", json={"url": f"{base}/{name}-message.xml"}), 422)
    assert "newsMessage" in refused["detail"]
    # Other XML is no article, as before.
    refused = problem(api.post("/v1/fetch", json={"url": f"{base}/{name}.rss"}), 422)
    assert refused["type"].endswith(":fetch-refused") and "NewsML-G2" in refused["detail"]

    registered = api.post(
        "/v1/feeds", json={"url": f"{base}/{name}-feed.rss", "outlet": "Wire feed"}
    )
    assert registered.status_code == 201, registered.text
    polled = api.post(f"/v1/feeds/{registered.json()['id']}/poll").json()
    assert (polled["items"], polled["unchanged"], polled["failed"]) == (1, 1, 0), polled


def test_the_readme_example(api: TestClient) -> None:
    # README's `curl … -H 'Content-Type: application/vnd.iptc.g2.newsitem+xml'
    # --data-binary @examples/item.xml`, and the answer it shows.
    repository = Path(__file__).resolve().parents[2]
    readme = (repository / "README.md").read_text("utf-8")
    assert "--data-binary @examples/item.xml" in readme
    document = (repository / "examples" / "item.xml").read_bytes()
    first = api.post("/v1/articles", content=document, headers=NEWSITEM)
    assert first.status_code in (200, 201), first.text  # 200: the other test module's
    body = first.json()
    assert body["outlet"] == "Example Wire"
    assert body["url"] == "urn:newsml:wire.example:20261208:libraries-vote"
    assert f'"outlet": "{body["outlet"]}"' in readme and f'"url": "{body["url"]}"' in readme
    version = api.get(f"/v1/articles/{body['id']}/versions/1").json()
    assert len(version["text"].split("\n\n")) == 3 and len(_quotes(api, body["id"])) == 3
