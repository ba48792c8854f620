"""service.platform.html: article text from pages, safe against hostile markup."""

from __future__ import annotations

import json
from difflib import SequenceMatcher
from pathlib import Path

import pytest

from service.platform.html import html_to_text
from tests.fixtures import FIXTURES, PAIR

HOSTILE = [
    "<script>alert('SCRIPTED')</script>",
    "<style>body::after { content: 'STYLED' }</style>",
    "<noscript>NOSCRIPTED</noscript>",
    "<template><p>TEMPLATED</p></template>",
    '<iframe srcdoc="FRAMED">FRAMED</iframe>',
    "<svg><text>SVGTEXT</text><script>SVGSCRIPT</script></svg>",
    "<object data='x'>OBJECTED</object>",
    "<!-- COMMENTED -->",
    '<img src="x" onerror="alert(\'HANDLER\')">',
    "<textarea>TEXTAREA</textarea>",
]
MARKERS = ["SCRIPT", "STYLED", "NOSCRIPT", "TEMPLATE", "FRAMED", "SVG", "OBJECTED", "COMMENTED"]
MARKERS += ["HANDLER", "TEXTAREA", "alert", "onerror"]


@pytest.fixture(scope="module")
def pages(shared_dir: Path) -> dict[Path, str]:
    """The corpus's saved article pages and their hand-marked text."""
    folder = shared_dir / "corpus" / "clients" / "html"
    truth = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    return {path: truth[path.stem]["articleBody"] for path in sorted(folder.glob("*.html"))}


def test_whole_pages_give_their_article_and_nothing_else() -> None:
    """The repository's article pages (tests/fixtures/pages/): the text is
    the article, paragraph for paragraph, without the cookie banner, menus,
    share buttons, related links, newsletter form, footer, scripts or JSON-LD."""
    for path in PAIR:
        page = (FIXTURES / "pages" / f"{path.stem}.html").read_text("utf-8")
        assert html_to_text(page) == path.read_text("utf-8").strip(), path.stem


def test_pages_match_the_hand_marked_text(pages: dict[Path, str]) -> None:
    for path, expected in pages.items():
        text = html_to_text(path.read_text("utf-8"))
        got, want = text.split("\n\n"), expected.split("\n\n")
        # The Hill's hover cards and "related" lists are the known extras.
        assert SequenceMatcher(None, text, expected, autojunk=False).ratio() > 0.8, path.name
        assert abs(len(got) - len(want)) <= max(2, len(want) // 3), path.name
        assert sum(p in got for p in want) >= 0.75 * len(want), path.name


def test_paragraphs_and_line_breaks() -> None:
    html = "<div><p>One\n  two <b>bold</b>.</p><p>Three<br>four</p></div>"
    assert html_to_text(html) == "One two bold.\n\nThree\nfour"


def test_short_pages_lose_their_boilerplate() -> None:
    html = "<body><nav>Home | About</nav><p>A “quote” here.</p><footer>(c) Us</footer></body>"
    assert html_to_text(html) == "A “quote” here."


def test_fallback_reads_every_block() -> None:
    # trafilatura sees only boilerplate here (an <aside>): the fallback reads
    # every block of the body as a paragraph, cells apart, NBSP kept.
    html = "<aside><p>One<br>two</p><table><tr><td>a</td><td>b\u00a0c</td></tr></table></aside>"
    assert html_to_text(html) == "One\ntwo\n\na b\u00a0c"


@pytest.mark.parametrize("junk", HOSTILE)
def test_hostile_markup_never_reaches_short_pages(junk: str) -> None:
    # Short fragments: trafilatura finds no article, the fallback reads the body.
    text = html_to_text(f'<body onload="HANDLER()"><p>Kept “quote”.{junk}</p><p>Tail.</p></body>')
    assert text == "Kept “quote”.\n\nTail."


def test_hostile_markup_never_reaches_articles() -> None:
    # A whole article page, long enough that the article is found in it.
    page = (FIXTURES / "pages" / "harbour-gazette.html").read_text("utf-8")
    page = page.replace("</p>", "".join(HOSTILE) + "</p>")
    text = html_to_text(page)
    assert "Gull Island's council" in text and len(text) > 1000
    for marker in MARKERS:
        assert marker not in text, marker


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n ",
        "<!-- only a comment -->",
        "<html><head><title>Title only</title></head><body></body></html>",
        "<script>alert(1)</script>",
        "\x00\x01\x02",
    ],
)
def test_no_text_is_empty(html: str) -> None:
    assert html_to_text(html) == ""


@pytest.mark.parametrize(
    "html",
    [
        "<div>" * 5000 + "deep" + "</div>" * 5000,
        "<p>a\x00b\x0bc</p>",
        '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>Café</p></body></html>',
        "<p>unclosed <b>tags <i>everywhere",
        "<frameset><frame src='x'></frameset>",
        "plain text, no markup",
    ],
)
def test_odd_input_never_raises(html: str) -> None:
    assert isinstance(html_to_text(html), str)


def test_declared_encoding_does_not_override_the_text() -> None:
    html = '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>Café</p></body></html>'
    assert html_to_text(html) == "Café"
