"""An article's url becomes a link on its page only when it is an http(s)
URL (issue 15, finding 9): a ``javascript:`` one was a link, and only the
Content-Security-Policy kept a click from running it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape

from service.http import create_app
from service.platform.config import Settings

TEXT = '"We will not export them," an official said.'


@pytest.fixture
def pages(sqlite_url: str) -> Iterator[TestClient]:
    settings = Settings(database_url=sqlite_url, background=False, auth_disabled=True)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield client


def _article_page(pages: TestClient, url: str) -> str:
    stored = pages.post("/v1/articles", json={"outlet": "Links", "url": url, "text": TEXT})
    assert stored.status_code == 201, stored.text
    page = pages.get(f"/articles/{stored.json()['id']}")
    assert page.status_code == 200
    return page.text


def _hrefs(html: str) -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html)]


@pytest.mark.parametrize(
    "scheme",
    ["javascript:alert(document.cookie)//", "JaVaScRiPt:alert(1)//", "data:text/html,<b>x</b>#"],
)
def test_an_article_url_that_is_not_http_is_text_not_a_link(pages: TestClient, scheme: str) -> None:
    url = f"{scheme}{uuid.uuid4().hex}"
    html = _article_page(pages, url)
    assert url not in _hrefs(html)
    assert not [h for h in _hrefs(html) if h.lower().startswith(scheme.lower()[:10])]
    assert str(escape(url)) in html  # still shown, as text


def test_a_urn_is_shown_as_text(pages: TestClient) -> None:
    urn = f"urn:newsml:links.example:{uuid.uuid4().hex}"
    html = _article_page(pages, urn)
    assert urn in html and urn not in _hrefs(html)


def test_an_http_url_is_a_link(pages: TestClient) -> None:
    url = f"https://links.example/{uuid.uuid4().hex}"
    html = _article_page(pages, url)
    assert url in _hrefs(html)
