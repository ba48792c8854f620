"""The pages in a real browser: Debian's Chromium, headless, driven by
Playwright against ``sourcediff serve`` (real uvicorn, SQLite, API keys on).

Chromium comes from Debian's ``chromium`` package (``/usr/bin/chromium``,
or ``SOURCEDIFF_CHROMIUM``); Playwright never downloads a browser here.
Without it these tests skip with the reason, except under CI
(``SOURCEDIFF_REQUIRE_BROWSER=1``, set by ``.ci/run``), where they fail.
Screenshots go to ``build/screenshots/`` (``SOURCEDIFF_SCREENSHOTS``).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures import PAIR
from tests.serving import Server

playwright_api = pytest.importorskip("playwright.sync_api")
expect = playwright_api.expect

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("SOURCEDIFF_CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(os.environ.get("SOURCEDIFF_SCREENSHOTS", REPO / "build" / "screenshots"))
# As the machine's notes advise: no sandbox (root in a container), and none
# of Chromium's own network traffic, which this closed network refuses.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KEY = re.compile(r"sdk_[A-Za-z0-9_-]+")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("SOURCEDIFF_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    with playwright_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


class Site:
    """The server, its admin key and the repository's pair stored in a story."""

    def __init__(self, server: Server, key: str) -> None:
        self.url, self.key = server.url, key
        headers = {"Authorization": f"Bearer {key}"}
        ids = []
        for path, outlet in zip(PAIR, ("Harbour Gazette", "Island Courier"), strict=True):
            body = {
                "outlet": outlet,
                "url": f"https://{outlet.split()[0].lower()}.example/ferry-checks",
                "title": f"{outlet} on the ferry checks",
                "text": path.read_text("utf-8"),
                "story": "ferry-checks",
            }
            stored = httpx.post(f"{self.url}/v1/articles", json=body, headers=headers)
            assert stored.status_code == 201, stored.text
            ids.append(stored.json()["id"])
        self.left, self.right = ids
        edited = {**body, "text": body["text"].replace("But let me say", "Let me say")}
        assert httpx.post(f"{self.url}/v1/articles", json=edited, headers=headers).is_success


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    database = tmp_path_factory.mktemp("browser") / "pages.db"
    env = {"SOURCEDIFF_AUTH_DISABLED": "0", "SOURCEDIFF_BACKGROUND": "0"}
    with Server(f"sqlite:///{database}", env=env) as server:
        found = KEY.search(server.log_text())
        assert found, server.log_text()
        yield Site(server, found.group(0))


@pytest.fixture
def page(browser: Any, site: Site) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=site.url)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield tab
    context.close()
    assert not errors, errors  # no script error, no CSP violation


def _sign_in(page: Any, site: Site, target: str) -> None:
    page.goto(target)
    expect(page).to_have_url(re.compile(r"/sign-in\?next="))
    page.get_by_label("API key").fill(site.key)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site.url}{target}")


def _shot(page: Any, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 10_000
    return path


def test_the_comparison_highlights_and_links_every_quote(page: Any, site: Site) -> None:
    _sign_in(page, site, f"/compare?left={site.left}&right={site.right}%401")
    left, right = page.locator(".side-left"), page.locator(".side-right")
    # Linked quotes: each matched quote is a link to its partner's anchor.
    linked_left = left.locator("a.q[data-partners]")
    linked_right = right.locator("a.q[data-partners]")
    expect(linked_left).to_have_count(8)
    expect(linked_right).to_have_count(9)
    for link in linked_left.all():
        partner = link.get_attribute("href")
        assert partner and re.fullmatch(r"#R\d+", partner)
        expect(page.locator(partner)).to_have_count(1)
    # Relations by colour class, symbol and words.
    expect(left.locator("a.q.rel-identical")).to_have_count(3)
    expect(right.locator("a.q.rel-reworded del")).to_have_text("But")
    expect(left.locator("a.q.rel-partial")).to_have_count(3)
    # Omitted quotes are marked and flagged in the margin.
    expect(right.locator("mark.q.rel-omitted")).to_have_count(10)
    expect(left.locator("mark.q.rel-omitted")).to_have_count(2)
    expect(right.locator(".flag-item").first).to_contain_text("not in Harbour Gazette")
    assert right.locator(".flag-item:not(.passage-flag)").count() == 10
    # The summary and the legend.
    expect(page.locator('[data-relation="identical"] dd')).to_have_text("3")
    expect(page.locator('[data-relation="reworded"] dd')).to_have_text("2")
    expect(page.locator('[data-omitted="right"] dd')).to_have_text("10")
    expect(page.locator(".summary .legend")).to_contain_text("one is a fragment of the other")
    expect(page.locator("#R1")).to_contain_text("frightening")
    # The passages each outlet alone carries, and the unquoted echo.
    expect(page.locator('.passage-list[data-side="left"]')).to_contain_text(
        "Gull Island's council withdrew its support"
    )
    expect(page.locator('.passage-list[data-side="right"]')).to_contain_text(
        "answered in a letter of his own"
    )
    expect(page.locator(".omitted-list .echo")).to_contain_text("designed to frighten")
    # In the text itself: the passage set apart, and said so in the margin.
    council = left.locator(".unshared", has_text="Gull Island's council withdrew its support")
    expect(council).to_have_count(1)
    expect(council).to_be_visible()
    expect(left.locator(".passage-flag").first).to_contain_text("words not in Island Courier")
    expect(right.locator(".unshared", has_text="answered in a letter of his own")).to_have_count(1)
    assert left.locator(".unshared").count() >= left.locator(".passage-flag").count() > 0
    council.scroll_into_view_if_needed()
    _shot(page, "compare-passages")


def test_clicking_a_quote_shows_its_partner(page: Any, site: Site) -> None:
    _sign_in(page, site, f"/compare?left={site.left}&right={site.right}%401")
    # The first reworded quote: "Let me say this plainly", to which the right adds "But".
    quote = page.locator(".side-left a.q.rel-reworded").first
    partner_id = quote.get_attribute("data-partners")
    partner = page.locator(f"#{partner_id}")
    # Far down its column: not in view until the quote is clicked.
    partner.evaluate("el => el.closest('.text').scrollTop = 0")
    page.locator(".side-right .text").evaluate("el => el.scrollTop = el.scrollHeight")
    quote.click()
    expect(partner).to_have_class(re.compile(r"\bis-partner\b"))
    expect(partner).to_be_focused()
    expect(partner).to_be_in_viewport()
    expect(quote).to_have_class(re.compile(r"\bis-active\b"))
    selected = page.locator("#selected")
    expect(selected).to_contain_text("reworded")
    # One word, one mark, one direction (issue 20, finding 2): "But", which
    # only the right side has, is struck through in the right column's
    # quote, in the pair's quotation and in its edit, and the edit says who
    # has it; nothing in the pair is marked as added.
    expect(partner.locator("del")).to_have_text("But")
    expect(selected.locator("blockquote").nth(1).locator("del")).to_have_text("But")
    edit = selected.locator(".edit-inserted")
    expect(edit).to_contain_text(re.compile(r"only Island Courier[^:]* has, at the start: But"))
    expect(edit.locator("del")).to_have_text("But")
    expect(selected.locator("ins")).to_have_count(0)
    _shot(page, "compare-pair")


def test_the_keyboard_reaches_quotes_and_follows_them(page: Any, site: Site) -> None:
    _sign_in(page, site, f"/compare?left={site.left}&right={site.right}%401")
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    first = page.locator(".side-left a.q").first
    first.focus()
    partner = first.get_attribute("data-partners").split()[0]
    page.keyboard.press("Enter")
    expect(page.locator(f"#{partner}")).to_be_focused()
    expect(page.locator(f"#{partner}")).to_have_class(re.compile(r"\bis-partner\b"))


def test_pasted_html_and_scripts_are_shown_as_text(page: Any, site: Site) -> None:
    page.goto("/compare")
    hostile = '<img src=x onerror="window.__pwned=1"> "<script>window.__pwned=2</script> no'
    page.get_by_label("Text or HTML").first.fill(hostile + ' deal," he said.')
    page.get_by_label("Text or HTML").nth(1).fill('"<b>no</b> deal," she said.')
    page.get_by_role("button", name="Compare", exact=True).first.click()
    expect(page.locator("h1")).to_contain_text("vs")
    assert page.evaluate("window.__pwned") is None
    left = page.locator(".side-left .text")
    expect(left).to_contain_text("<img src=x onerror=")
    expect(left).to_contain_text("<script>window.__pwned=2</script>")
    expect(page.locator(".side-right .text")).to_contain_text("<b>no</b>")
    expect(page.locator("main img, main b, main script")).to_have_count(0)


def test_the_api_docs_load_with_the_network_blocked(browser: Any, site: Site) -> None:
    # A newsroom's closed network: every request to another host fails.
    context = browser.new_context(viewport={"width": 1400, "height": 900}, base_url=site.url)
    elsewhere: list[str] = []

    def only_the_service(route: Any) -> None:
        if route.request.url.startswith(site.url):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", only_the_service)
    docs = context.new_page()
    docs.goto("/docs")
    expect(docs.locator(".opblock").first).to_be_visible()
    assert docs.locator(".opblock").count() >= 20
    expect(docs.locator(".opblock-summary-path", has_text="/v1/compare").first).to_be_visible()
    _shot(docs, "docs-offline")
    assert elsewhere == []
    assert docs.request.get("/redoc").status == 404  # not served: ReDoc fetches from its CDN
    context.close()


def test_a_phone_gets_one_column_and_no_sideways_scrolling(browser: Any, site: Site) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=site.url, is_mobile=True
    )
    phone = context.new_page()
    _sign_in(phone, site, f"/compare?left={site.left}&right={site.right}%401")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    left = phone.locator(".side-left").bounding_box()
    right = phone.locator(".side-right").bounding_box()
    assert left is not None and right is not None and right["y"] >= left["y"] + left["height"]
    _shot(phone, "compare-phone")
    context.close()


def test_version_history_and_diff_pages(page: Any, site: Site) -> None:
    _sign_in(page, site, f"/articles/{site.right}")
    expect(page.locator("table.versions tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Show the changes").click()
    expect(page).to_have_url(re.compile(rf"/articles/{site.right}/diff\?from=1&to=2"))
    expect(page.locator(".diff-text del")).to_contain_text(["But"])
    expect(page.locator(".quote-changes").first).to_contain_text("reworded")
    page.get_by_role("link", name="side by side").click()
    expect(page.locator(".side-left a.q.rel-reworded del")).to_have_text("But")
    _shot(page, "version-diff")


def test_the_story_page_groups_quotes_across_outlets(page: Any, site: Site) -> None:
    _sign_in(page, site, "/stories/ferry-checks")
    statements = page.locator("li.statement")
    assert statements.count() >= 10
    expect(page.locator(".omitted-by").first).to_contain_text("omitted by")
    expect(page.locator("table.variants .badge.rel-identical").first).to_be_visible()
    _shot(page, "story")
