"""Reading NewsML-G2 (``service.platform.newsml``), without a database: what a
``newsItem`` and a ``newsMessage`` give, and hostile XML refused before it
can read a file, reach the network or grow in memory (XXE, billion laughs)."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from service.platform.newsml import (
    MAX_MESSAGE_ITEMS,
    NewsmlError,
    NewsmlMalformed,
    looks_like_newsml,
    parse_newsml,
)
from tests.articles.newsml_items import TEXT, message, news_item, nitf, xhtml


def parse_one(document: str) -> Any:
    (item,) = parse_newsml(document.encode()).items
    return item


def test_a_nitf_item() -> None:
    doc = parse_newsml(news_item("urn:newsml:wire.example:1", version="11").encode())
    assert doc.root == "newsItem" and doc.skipped == 0
    (item,) = doc.items
    assert item.uri == "urn:newsml:wire.example:1" and item.version == "11"
    assert item.text == TEXT  # paragraphs kept, the XML's line wrapping folded
    assert item.title == "Bridge to reopen by spring" and item.provider == "Riverton Wire"
    assert item.language == "en-GB" and item.html is None
    assert item.version_created == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    assert item.first_created == datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def test_nitf_headline_and_byline_when_content_meta_has_none() -> None:
    content = nitf(hl1="From the NITF head", byline="By Lee Park, Staff")
    item = parse_one(news_item("g", content=content, headline=""))
    assert (item.title, item.byline) == ("From the NITF head", "By Lee Park, Staff")
    by = parse_one(news_item("g", content=content, content_meta="<by>Lee Park</by>"))
    assert (by.title, by.byline) == ("Bridge to reopen by spring", "Lee Park")


def test_an_xhtml_item_keeps_its_blocks_and_line_breaks() -> None:
    inner = (
        "<h1>Bridge</h1><div><p>First <b>bold</b>\n   paragraph.</p>"
        "<p>Line one<br/>line two</p></div>"
        "<ul><li>One</li><li>Two</li></ul><blockquote><p>Quoted.</p></blockquote>"
        "<script>alert(1)</script><table><tr><td>cell</td></tr></table>"
    )
    item = parse_one(news_item("g", content=xhtml(inner), contenttype="application/xhtml+xml"))
    assert item.text.split("\n\n") == [
        "Bridge",
        "First bold paragraph.",
        "Line one\nline two",
        "One",
        "Two",
        "Quoted.",
    ]


def test_plain_inline_data_and_descriptions() -> None:
    data = news_item("g", content="")
    data = data.replace(
        "<contentSet>", '<contentSet><inlineData contenttype="text/plain">Plain text.</inlineData>'
    )
    assert parse_one(data).text == "Plain text."
    summary = '<description role="drol:summary">Only a summary.</description>'
    described = news_item("g", content="", content_meta=summary)
    assert parse_one(described).text == "Only a summary."


@pytest.mark.parametrize(
    ("provider", "content_meta", "outlet"),
    [
        ('<provider qcode="nprov:REUTERS"/>', "", "REUTERS"),
        ('<provider uri="http://www.wire.example/about/"/>', "", "www.wire.example"),
        ('<provider literal="Riverton Wire"/>', "", "Riverton Wire"),
        ("", "<creditline>Riverton Herald</creditline>", "Riverton Herald"),
        ("", '<infoSource qcode="is:AP"><name>Example Press</name></infoSource>', "Example Press"),
        ("", "", None),
    ],
    ids=["provider-qcode", "provider-uri", "provider-literal", "creditline", "infosource", "none"],
)
def test_the_outlet(provider: str, content_meta: str, outlet: str | None) -> None:
    item = parse_one(news_item("g", provider=provider, content_meta=content_meta))
    assert item.provider == outlet


def test_an_item_without_namespace_is_read() -> None:
    assert parse_one(news_item("g", namespace=False)).text == TEXT


def test_a_message_stores_its_text_items_the_latest_version_of_each() -> None:
    picture = news_item("urn:pic", item_class="ninat:picture", content="")
    document = message(
        news_item("urn:b", version="3", content=nitf(("B three.",))),
        picture,
        news_item("urn:a", content=nitf(("A.",))),
        news_item("urn:b", version="2", content=nitf(("B two.",))),
        news_item("urn:c", version="x", content=nitf(("C first.",))),
        news_item("urn:c", version="x", content=nitf(("C last.",))),
    )
    doc = parse_newsml(document.encode())
    assert doc.root == "newsMessage" and doc.skipped == 1
    assert [(i.uri, i.version, i.text) for i in doc.items] == [
        ("urn:b", "3", "B three."),
        ("urn:a", "1", "A."),
        ("urn:c", "x", "C last."),
    ]


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (news_item("g", item_class="ninat:picture", content=""), "not text (ninat:picture)"),
        (news_item("g", content=""), "has no text"),
        (news_item("", content=nitf()), "no `guid`"),
        (message(news_item("p", item_class="ninat:video", content="")), "no text newsItem"),
        (message(news_item("a"), news_item("b", content="")), "newsItem b has no text"),
        (
            message(*(news_item(f"g{n}") for n in range(MAX_MESSAGE_ITEMS + 1))),
            f"at most {MAX_MESSAGE_ITEMS}",
        ),
        ('<packageItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="p"/>', "<packageItem>"),
        ('<newsItem xmlns="urn:other" guid="g"/>', "not a NewsML-G2"),
        ("<html><body><p>Hi.</p></body></html>", "<html>"),
        (
            news_item("g", version_created="0001-01-01T00:00:00Z"),
            "`versionCreated` 0001-01-01",
        ),
    ],
    ids=[
        "picture",
        "no-text",
        "no-guid",
        "message-of-video",
        "message-item-without-text",
        "message-too-long",
        "package",
        "other-namespace",
        "html",
        "time-out-of-range",
    ],
)
def test_what_is_refused(document: str, reason: str) -> None:
    with pytest.raises(NewsmlError) as refused:
        parse_newsml(document.encode())
    assert reason in str(refused.value)
    assert not isinstance(refused.value, NewsmlMalformed)


@pytest.mark.parametrize(
    "document",
    [b"", b"<newsItem", b"not xml", b"<a>" * 300 + b"</a>" * 300, b"<a>\x01</a>", b"<a>&#0;</a>"],
    ids=["empty", "unclosed", "text", "300-deep", "control-character", "nul-reference"],
)
def test_malformed_xml(document: bytes) -> None:
    with pytest.raises(NewsmlMalformed):
        parse_newsml(document)


# Hostile XML ----------------------------------------------------------------


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("SECRET-4f1c", encoding="utf-8")
    return path


def _xxe(secret: Path) -> str:
    return (
        f'<?xml version="1.0"?><!DOCTYPE newsItem [<!ENTITY s SYSTEM "{secret.as_uri()}">]>'
        + news_item("g", content=nitf(("&s;",)).replace("&amp;s;", "&s;"))
    )


def test_an_external_entity_is_never_read(secret: Path) -> None:
    with pytest.raises(NewsmlError) as refused:
        parse_newsml(_xxe(secret).encode())
    assert "DOCTYPE" in str(refused.value) and "SECRET" not in str(refused.value)
    # The same document in UTF-16, which a look at its bytes for a DOCTYPE
    # does not see: the parser itself reads no entity and no DTD.
    with pytest.raises(NewsmlError) as refused:
        parse_newsml(_xxe(secret).replace('"1.0"?>', '"1.0" encoding="UTF-16"?>').encode("utf-16"))
    assert "SECRET" not in str(refused.value)


def _laughs(levels: int = 9) -> str:
    entities = '<!ENTITY l0 "ha">' + "".join(
        f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, levels + 1)
    )
    body = nitf((f"&l{levels};",)).replace(f"&amp;l{levels};", f"&l{levels};")
    return f'<?xml version="1.0"?><!DOCTYPE newsItem [{entities}]>' + news_item("g", content=body)


def test_a_billion_laughs_is_refused() -> None:
    with pytest.raises(NewsmlError):
        parse_newsml(_laughs().encode())
    with pytest.raises(NewsmlError) as refused:  # unseen by the look at the bytes
        parse_newsml(_laughs().replace('"1.0"?>', '"1.0" encoding="UTF-16"?>').encode("utf-16"))
    assert len(str(refused.value)) < 1000


@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """An HTTP origin on 127.0.0.1 that records every request it gets."""
    asked: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/xml-dtd")
            self.end_headers()
            self.wfile.write(b'<!ENTITY s "FROM-THE-NETWORK">')

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", asked
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_no_dtd_is_fetched(listener: tuple[str, list[str]], encoding: str) -> None:
    origin, asked = listener
    documents = [
        f'<!DOCTYPE newsItem SYSTEM "{origin}/x.dtd">' + news_item("g"),
        f'<!DOCTYPE newsItem [<!ENTITY % p SYSTEM "{origin}/p.dtd"> %p;]>' + news_item("g"),
    ]
    for document in documents:
        declared = f'<?xml version="1.0" encoding="{encoding.upper()}"?>' + document
        with pytest.raises(NewsmlError):
            parse_newsml(declared.encode(encoding))
    assert asked == []


# Telling NewsML-G2 apart --------------------------------------


def test_looks_like_newsml() -> None:
    assert looks_like_newsml(news_item("g").encode())
    declared = b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- x -->\n"
    assert looks_like_newsml(declared + message().encode().split(b"?>", 1)[1])
    assert looks_like_newsml(b'<g2:newsItem xmlns:g2="http://iptc.org/std/nar/2006-10-01/">')
    assert not looks_like_newsml(b"<rss><channel><newsItem/></channel></rss>")
    assert not looks_like_newsml(b'"We will," she said. <newsItem>')


# Bounded work: 4x the input, about 4x the time ------------------------------


def _size_ratio(small: bytes, large: bytes) -> float:
    """Best CPU time of parsing ``large`` over that of ``small``, five runs
    each taken in turn, the garbage collector paused (as
    tests/core/test_adversarial.py times its inputs): linear is about 4,
    quadratic about 16."""
    best = {small: float("inf"), large: float("inf")}
    gc.collect()
    gc.disable()
    try:
        for _ in range(5):
            for document in (small, large):
                began = time.process_time()
                parse_newsml(document)
                best[document] = min(best[document], time.process_time() - began)
    finally:
        gc.enable()
    return best[large] / best[small]


def _nested(n: int) -> bytes:
    """``n`` paragraphs, each at the bottom of 200 nested blocks."""
    chain = "<div>" * 200 + '<p>"Deep," <b>she</b> said.<br/>x</p>' + "</div>" * 200
    return news_item("g", content=xhtml(chain * n), contenttype="application/xhtml+xml").encode()


def _inline_heavy(n: int) -> bytes:
    """One paragraph of ``n`` inline elements and line breaks."""
    words = "<i>a</i> <b>b</b><br/>" * n
    return news_item("g", content=nitf(("x",)).replace(">x<", f">{words}<")).encode()


@pytest.mark.parametrize(
    ("make", "n"),
    [(_nested, 50), (_inline_heavy, 5_000)],
    ids=["nested-blocks", "inline-elements"],
)
def test_reading_time_is_linear(make: Any, n: int) -> None:
    ratio = _size_ratio(make(n), make(4 * n))
    assert ratio < 8.0, f"4x the input multiplied the time by {ratio:.2f}"
