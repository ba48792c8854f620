"""The pages over HTTP (in-process): escaping, signing in, errors as pages,
version history and stories. The browser tests (``test_browser.py``) drive
the same pages in Chromium."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from service.http import create_app
from service.keys.service import create_key
from service.platform.config import Settings
from tests.fixtures import PAIR
from tests.stories.coverage import count_alignments

HTML = {"accept": "text/html,application/xhtml+xml"}
HOSTILE = (
    'Intro <b>bold</b> & <img src=x onerror="window.__pwned=1">.\n'
    '"<script>window.__pwned = 2</script> we will not go," he said.\n'
)


def _client(database_url: str, **overrides: object) -> TestClient:
    values = {"database_url": database_url, "rate_limit_per_minute": 0, **overrides}
    return TestClient(create_app(Settings(**values)), raise_server_exceptions=False)


@pytest.fixture
def pages(sqlite_url: str) -> Iterator[TestClient]:
    with _client(sqlite_url, auth_disabled=True) as client:
        yield client


@pytest.fixture
def secured(sqlite_url: str) -> Iterator[TestClient]:
    with _client(sqlite_url, auth_disabled=False) as client:
        yield client


def _key(client: TestClient, tenant: str, *scopes: str) -> str:
    with Session(client.app.state.engine) as session:  # type: ignore[attr-defined]
        created = create_key(session, tenant, "pages test", scopes)
        session.commit()
    return created.key


def _sign_in(client: TestClient, key: str) -> None:
    """Sign ``client`` in with ``key`` as a browser does: the session cookie."""
    client.cookies.clear()
    done = client.post(
        "/sign-in",
        data={"key": key},
        headers={"origin": "http://testserver"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text


def _store(client: TestClient, key: str | None, text: str, **fields: str) -> str:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    body = {"outlet": "Daily", "text": text, **fields}
    response = client.post("/v1/articles", json=body, headers=headers)
    assert response.status_code in (200, 201), response.text
    article_id: str = response.json()["id"]
    return article_id


def _own_scripts(html: str) -> list[str]:
    return re.findall(r"<script[^>]*>", html)


# Escaping ------------------------------------------------------------------


def test_pasted_text_is_shown_as_text_never_markup(pages: TestClient) -> None:
    form = {
        "left_text": HOSTILE,
        "right_text": '"we will not go," she said. <i>Fin</i>',
        "left_outlet": "<img src=x onerror=alert(1)>",
        "right_outlet": "Other & Co",
    }
    page = pages.post("/compare", data=form)
    assert page.status_code == 200, page.text
    html = page.text
    assert _own_scripts(html) == ['<script src="/static/sourcediff.js" defer>']
    assert "<b>" not in html and "<i>" not in html and "<img" not in html
    assert "&lt;script&gt;window.__pwned = 2&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "Other &amp; Co" in html
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "default-src 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"


def test_hostile_html_sides_lose_their_markup(pages: TestClient) -> None:
    hostile_html = (
        "<html><body><article><p>He said: “we will not go.”</p>"
        "<script>window.__pwned = 3</script><iframe src='https://evil.example'></iframe>"
        "<p onclick='x()'>Then <a href='javascript:alert(1)'>left</a>.</p></article></body></html>"
    )
    form = {"left_text": hostile_html, "left_format": "html", "right_text": '"we will not go."'}
    page = pages.post("/compare", data=form)
    assert page.status_code == 200, page.text
    assert _own_scripts(page.text) == ['<script src="/static/sourcediff.js" defer>']
    assert "javascript:" not in page.text and "<iframe" not in page.text
    assert "onclick" not in page.text
    assert 'class="q rel-identical"' in page.text


def test_stored_articles_are_escaped_on_every_page(secured: TestClient) -> None:
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    key = _key(secured, tenant, "admin")
    fields = {"url": "https://daily.example/x", "title": "<script>t()</script>"}
    first = _store(secured, key, HOSTILE, **fields, story=f"s-{tenant}")
    _store(secured, key, HOSTILE + '"<u>New</u> words," he added.', **fields)
    _sign_in(secured, key)
    for target in (
        "/articles",
        f"/articles/{first}",
        f"/articles/{first}/diff",
        f"/compare?left={first}@1&right={first}@2",
        f"/stories/s-{tenant}",
    ):
        page = secured.get(target, headers=HTML)
        assert page.status_code == 200, (target, page.text)
        assert _own_scripts(page.text) == ['<script src="/static/sourcediff.js" defer>'], target
        assert "<u>" not in page.text and "<b>" not in page.text, target
        assert "&lt;" in page.text, target


# Signing in ------------------------------------------------------------------


def test_stored_pages_need_a_signed_in_key(secured: TestClient) -> None:
    tenant = f"t-{uuid.uuid4().hex[:8]}"
    key = _key(secured, tenant, "admin")
    article = _store(secured, key, '"Yes," he said.', url="https://daily.example/a")

    away = secured.get(f"/articles/{article}", headers=HTML, follow_redirects=False)
    assert away.status_code == 303
    assert away.headers["location"] == f"/sign-in?next=%2Farticles%2F{article}"

    own = {"origin": "http://testserver"}
    wrong = secured.post("/sign-in", data={"key": "sdk_nope", "next": "/articles"}, headers=own)
    assert wrong.status_code == 401 and 'role="alert"' in wrong.text
    assert "sourcediff_session" not in wrong.headers.get("set-cookie", "")

    signed = secured.post(
        "/sign-in",
        data={"key": key, "next": f"/articles/{article}"},
        headers=own,
        follow_redirects=False,
    )
    assert signed.status_code == 303 and signed.headers["location"] == f"/articles/{article}"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = secured.get(f"/articles/{article}", headers=HTML)
    assert page.status_code == 200 and "Versions (1)" in page.text

    # Another tenant's key sees no such article.
    _sign_in(secured, _key(secured, f"other-{tenant}", "admin"))
    assert secured.get(f"/articles/{article}", headers=HTML).status_code == 404
    # A key without the read scope is refused.
    _sign_in(secured, _key(secured, tenant, "write"))
    refused = secured.get("/articles", headers=HTML)
    assert refused.status_code == 403 and "read" in refused.text

    out = secured.post("/sign-out", headers=own, follow_redirects=False)
    assert out.status_code == 303 and 'sourcediff_session=""' in out.headers["set-cookie"]


def test_sign_in_never_redirects_off_site(secured: TestClient) -> None:
    key = _key(secured, f"t-{uuid.uuid4().hex[:8]}", "read")
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", ""):
        done = secured.post(
            "/sign-in",
            data={"key": key, "next": target},
            headers={"origin": "http://testserver"},
            follow_redirects=False,
        )
        assert done.status_code == 303 and done.headers["location"] == "/", target


def test_forms_from_other_sites_are_refused(secured: TestClient) -> None:
    key = _key(secured, f"t-{uuid.uuid4().hex[:8]}", "read")
    forged = secured.post(
        "/sign-in", data={"key": key}, headers={"origin": "https://evil.example", **HTML}
    )
    assert forged.status_code == 403 and "set-cookie" not in forged.headers
    own = secured.post(
        "/sign-in",
        data={"key": key},
        headers={"origin": "http://testserver"},
        follow_redirects=False,
    )
    assert own.status_code == 303


def test_pasting_needs_no_key_unless_compare_is_closed(sqlite_url: str) -> None:
    form = {"left_text": '"Yes," he said.', "right_text": '"Yes," she said.'}
    with _client(sqlite_url, auth_disabled=False) as client:
        assert client.post("/compare", data=form).status_code == 200
    with _client(sqlite_url, auth_disabled=False, open_compare=False) as client:
        closed = client.post("/compare", data=form, follow_redirects=False)
        assert closed.status_code == 303 and closed.headers["location"].startswith("/sign-in")


# Errors are pages for browsers, problems for the API --------------------------


def test_errors_are_pages_for_browsers_and_problems_for_clients(pages: TestClient) -> None:
    page = pages.get("/articles/no-such-article", headers=HTML)
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "404" in page.text and "no-such-article" in page.text and "Traceback" not in page.text
    assert "content-security-policy" in page.headers

    problem = pages.get("/articles/no-such-article")
    assert problem.status_code == 404
    assert problem.headers["content-type"] == "application/problem+json"

    api = pages.get("/v1/articles/no-such-article", headers=HTML)
    assert api.headers["content-type"] == "application/problem+json"

    bad = pages.get("/compare?left=only-one", headers=HTML)
    assert bad.status_code == 422 and "right" in bad.text
    bad_version = pages.get("/compare?left=a@x&right=b", headers=HTML)
    assert bad_version.status_code == 422 and "ID@N" in bad_version.text
    assert pages.get("/articles/x/diff?from=0", headers=HTML).status_code == 422
    assert pages.get("/nowhere", headers=HTML).status_code == 404
    assert pages.delete("/compare", headers=HTML).status_code == 405


def test_an_empty_paste_comes_back_to_the_form_with_the_reason(pages: TestClient) -> None:
    page = pages.post("/compare", data={"left_text": "   ", "right_text": '"Kept," he said.'})
    assert page.status_code == 422
    assert 'role="alert"' in page.text and "left text is empty" in page.text
    assert "&#34;Kept,&#34; he said." in page.text  # the right text, kept for a retry


def test_a_paste_over_the_size_limit_is_413(sqlite_url: str) -> None:
    with _client(sqlite_url, auth_disabled=True, max_text_chars=50) as client:
        page = client.post("/compare", data={"left_text": "x " * 40, "right_text": "y"})
    assert page.status_code == 413 and "limit" in page.text


# Versions and stories ------------------------------------------------------------


def test_version_history_and_the_diff_of_two_versions(pages: TestClient) -> None:
    url = f"https://daily.example/{uuid.uuid4().hex}"
    article = _store(pages, None, 'Intro.\n"We will win," he said.', url=url)
    _store(pages, None, 'Intro.\n"We will surely win," he said.\nA new line.', url=url)
    _store(pages, None, 'Intro changed.\n"We will surely win," he said.', url=url)

    history = pages.get(f"/articles/{article}", headers=HTML)
    assert history.status_code == 200
    assert history.text.count('name="from"') == 3 and history.text.count('name="to"') == 3

    diff = pages.get(f"/articles/{article}/diff", params={"from": 1, "to": 2}, headers=HTML)
    assert diff.status_code == 200
    assert "<ins>surely</ins>" in diff.text and "<ins>A new line.</ins>" in diff.text
    assert "version 1 → 2" in diff.text
    latest = pages.get(f"/articles/{article}/diff", headers=HTML)
    assert "<del>A new line.</del>" in latest.text and "<ins>changed.</ins>" in latest.text


def test_the_story_page_lists_statements_and_who_omits_them(
    pages: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    aligned = count_alignments(monkeypatch)
    story = f"story-{uuid.uuid4().hex[:8]}"
    left, right = (path.read_text("utf-8") for path in PAIR)
    _store(
        pages, None, left, outlet="Harbour Gazette", story=story, url=f"https://a.example/{story}"
    )
    _store(
        pages, None, right, outlet="Island Courier", story=story, url=f"https://b.example/{story}"
    )
    page = pages.get(f"/stories/{story}", headers=HTML)
    assert page.status_code == 200
    assert "Harbour Gazette" in page.text and "Island Courier" in page.text
    assert page.text.count('class="statement"') >= 10
    assert "omitted by Harbour Gazette" in page.text
    assert "<ins>But</ins>" in page.text or "<del>But</del>" in page.text
    # It read the two versions into what the server keeps for story reads,
    # and kept the story's alignment, which the API's reads share: viewed
    # again, it is the same page, and neither aligns the story again.
    kept = pages.app.state.story_versions  # type: ignore[attr-defined]
    assert kept.size > len(left) + len(right) - 2
    assert aligned == [1]
    assert pages.get(f"/stories/{story}", headers=HTML).text == page.text
    assert pages.get(f"/v1/stories/{story}/quotes").status_code == 200
    assert aligned == [1]


def test_the_story_page_shows_a_primary_document_and_the_outlets_against_it(
    pages: TestClient,
) -> None:
    """A primary document omits nothing (it is not coverage): its row has
    no count of omissions, and the outlets' quotations are checked."""
    story = f"primary-{uuid.uuid4().hex[:8]}"
    statement = '"We have never exported weapons to Russia," the ministry said.'
    document = _store(
        pages,
        None,
        "We have never exported weapons to Russia.",
        outlet="Ministry",
        url=f"https://m.example/{story}",
    )
    _store(pages, None, statement, outlet="Wire", story=story, url=f"https://w.example/{story}")
    joined = pages.post(
        f"/v1/stories/{story}/articles", json={"article_id": document, "primary": True}
    )
    assert joined.status_code == 201, joined.text
    page = pages.get(f"/stories/{story}", headers=HTML)
    assert page.status_code == 200, page.text
    assert "Against the primary documents" in page.text
    assert "every quote is in the documents, word for word" in page.text
    assert re.search(r"<td>Ministry</td>(?:(?!</tr>).)*<td></td>\s*</tr>", page.text, re.S)


def test_the_compare_page_has_one_passages_section_and_a_plain_title(pages: TestClient) -> None:
    form = {
        "left_text": '"We will go," she said. The mayor spoke at noon.',
        "right_text": '"We will go," she said.',
        "left_outlet": "Daily",
        "right_outlet": "Courier",
    }
    html = pages.post("/compare", data=form).text
    (title,) = re.findall(r"<title>(.*?)</title>", html, re.DOTALL)
    assert title.startswith("Daily vs Courier") and "<" not in title
    assert html.count('<section class="passages"') == 1
    assert "The mayor spoke at noon." in html.split('<section class="passages"')[1]


def test_the_compare_page_shows_the_words_that_name_a_speaker(pages: TestClient) -> None:
    # Issue 16: the speaker is the person; the words at the attribution ("the
    # sheriff") are shown beside the name, escaped like all pasted text.
    form = {
        "left_text": 'County Sheriff Jane Roe spoke.\n\n"The road is <closed>," the sheriff said.',
        "right_text": '"The road is <closed>," Jane Roe said.',
    }
    html = pages.post("/compare", data=form).text
    pair = html.split('class="pair-sides"')[1].split("</div>")[0]
    assert 'Jane Roe <small class="mention">(as “the sheriff”)</small>' in pair
    assert pair.count('class="mention"') == 1  # not where the words are the name
