"""Article text from an HTML page: its main text, without what a reader
does not see.

How: the page is parsed once with lxml, and everything that is not text a
reader sees (scripts, styles, ``<noscript>``, templates, frames, embedded
objects, forms' controls, comments) is removed before anything else looks at
it, so hostile markup never reaches the text; attributes such as event
handlers never do either, since only text nodes are read. trafilatura then
picks the main content (no reader comments, navigation or footers) and
keeps it even when short. When it finds none, because all it sees is
boilerplate, every block element of the body becomes a paragraph instead.

>>> html_to_text('<p>“We are ready,” she said.<script>alert(1)</script></p><p>Next<br>line</p>')
'“We are ready,” she said.\\n\\nNext\\nline'
>>> html_to_text("<html><body> </body></html>")
''
"""

from __future__ import annotations

import re
from configparser import ConfigParser
from copy import deepcopy
from functools import cache

import lxml.html
import trafilatura
from lxml import etree
from trafilatura.settings import use_config

__all__ = ["html_to_text"]

# Elements whose content is never article text, removed with their subtree.
_NOT_TEXT = (
    "head",
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
    "canvas",
    "audio",
    "video",
    "select",
    "textarea",
    "button",
)
# Elements that start a new paragraph: HTML blocks, and trafilatura's XML
# output tags (``head`` is a heading there, ``item`` a list item, ``row`` a
# table row).
_BLOCKS = frozenset(
    """address article aside blockquote caption center dd details dialog div dl dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main nav ol p pre
    section summary table tbody tfoot thead tr ul head list item quote row code""".split()
)
_LINE_BREAKS = frozenset({"br", "lb"})
_CELLS = frozenset({"td", "th", "cell"})
# HTML's own whitespace; other spaces (NBSP, thin space) are text.
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# C0 controls other than tab, LF and CR: not text, and lxml refuses some.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def html_to_text(html: str) -> str:
    """The main text of ``html`` (see the module docstring), paragraphs
    separated by ``"\\n\\n"`` and ``<br>`` line breaks kept as ``"\\n"``;
    ``""`` when the page has no text."""
    tree = _parse(html)
    if tree is None:
        return ""
    main = _main_content(tree)
    if main is None:
        body = tree.find("body")
        main = tree if body is None else body
    return _text_of(main)


def _parse(html: str) -> lxml.html.HtmlElement | None:
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    data = _CONTROLS.sub("", html).encode("utf-8", errors="replace")
    if not data.strip():
        return None
    try:
        tree: lxml.html.HtmlElement = lxml.html.document_fromstring(data, parser=parser)
    except etree.ParserError:  # nothing but whitespace or comments
        return None
    etree.strip_elements(tree, *_NOT_TEXT, with_tail=False)
    return tree


@cache
def _trafilatura_config() -> ConfigParser:
    config: ConfigParser = use_config()
    # Keep a short main text as found. Below this size trafilatura would
    # replace it with a dump of the whole body, paragraphs run together;
    # when there is no main text at all, our own fallback does better.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "1")
    return config


def _main_content(tree: lxml.html.HtmlElement) -> etree._Element | None:
    """trafilatura's main content as its XML tree, or ``None``."""
    xml = trafilatura.extract(
        deepcopy(tree),
        config=_trafilatura_config(),
        output_format="xml",
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
        with_metadata=False,
    )
    if not xml:
        return None
    try:
        doc = etree.fromstring(xml)
    except etree.XMLSyntaxError:
        return None
    main: etree._Element | None = doc.find("main")
    return main


class _Paragraphs:
    """Collects text pieces into lines and lines into paragraphs."""

    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self.lines: list[str] = []
        self.pieces: list[str] = []

    def add(self, text: str | None) -> None:
        if text:
            self.pieces.append(text)

    def line_break(self) -> None:
        self.lines.append("".join(self.pieces))
        self.pieces.clear()

    def paragraph_break(self) -> None:
        self.line_break()
        lines = [_HTML_SPACE.sub(" ", line).strip(" ") for line in self.lines]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            self.paragraphs.append(paragraph)
        self.lines.clear()

    def text(self) -> str:
        self.paragraph_break()
        return "\n\n".join(self.paragraphs)


def _text_of(root: etree._Element) -> str:
    # iterwalk, not recursion: a hostile page may nest thousands deep.
    out = _Paragraphs()
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in _BLOCKS:
                out.paragraph_break()
            elif tag in _LINE_BREAKS:
                out.line_break()
            elif tag in _CELLS:
                out.add(" ")
            out.add(el.text)
        else:
            if tag in _BLOCKS:
                out.paragraph_break()
            if el is not root:
                out.add(el.tail)
    return out.text()
