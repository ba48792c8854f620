"""IPTC NewsML-G2 in and out: the text news items agencies deliver read into
what Sourcediff stores, and a stored version written as a ``newsItem``.

Reading (``parse_newsml``) takes a ``newsItem``, or a ``newsMessage`` and
each text ``newsItem`` in its ``itemSet``, each into a ``NinjsItem`` (ninjs
is NewsML-G2's JSON rendering, so the two read alike and are stored alike):

- ``guid`` is the item's identity (ninjs' ``uri``), ``version`` its
  version, ``itemMeta/versionCreated`` and ``firstCreated`` its times;
- the outlet is the first of ``itemMeta/provider``, ``contentMeta/creditline``
  and ``contentMeta/infoSource`` there is, each by its ``name``, else its
  ``literal``, the code of its ``qcode`` (``nprov:REUTERS`` → ``REUTERS``)
  or the host of its ``uri``;
- the text is the first of ``contentSet``'s renditions that holds some: an
  ``inlineXML`` NITF document (the paragraphs of ``body.content``; ``hl1``
  and ``byline`` of its ``body.head`` are the headline and byline when
  ``contentMeta`` has no ``headline`` or ``by``) or XHTML document (its
  ``body``), or a plain-text ``inlineData``. Every block (``p``, ``hl2``,
  ``li``, headings, …) is a paragraph, paragraphs are kept apart by a blank
  line, a ``br`` is a line break, and the spaces that indent the XML are
  folded. A text item with no such content is stored from its
  ``contentMeta/description``, as ninjs items are; without one it is refused.
- Items that are not text (``itemClass`` ``ninat:picture``, packages,
  concepts, …) are not stored: a ``newsItem`` of one is refused, a
  ``newsMessage`` skips them. One item of a message refused refuses the
  whole message, so nothing is stored from a message that cannot all be.
  A message's items are stored in its order, at most ``MAX_MESSAGE_ITEMS``;
  of several versions of one ``guid`` only the latest (highest
  ``version``, else the last), so that a message sent again stores
  nothing new: an earlier version stored after a later one would be a new
  version of the article, as a revert is (Sourcediff numbers versions
  itself and keeps no provider's version number).

Writing (``to_newsml``) gives a version as a text ``newsItem`` with a NITF
body that ``parse_newsml`` reads back to the same text.

Safety: the parser resolves no entities, reads no DTD and reaches no
network, and keeps libxml2's limits (``huge_tree`` off: at most 256 levels
deep, bounded text nodes, entity amplification refused); a document that
declares a ``DOCTYPE`` at all is refused, since NewsML-G2 has none and
that is where XXE and billion-laughs documents hide. Every step after the
parse is a single walk of the tree. Not well-formed XML is a
``NewsmlMalformed`` (the API's 400), anything else refused a ``NewsmlError``
(422).

>>> doc = parse_newsml(b'''<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/"
...   guid="urn:newsml:example.com:1" version="2"><contentSet><inlineData
...   contenttype="text/plain">"Yes," she said.</inlineData></contentSet></newsItem>''')
>>> doc.root, doc.items[0].uri, doc.items[0].version, doc.items[0].text
('newsItem', 'urn:newsml:example.com:1', '2', '"Yes," she said.')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal
from urllib.parse import urlsplit

from lxml import etree

from service.platform.ninjs import NinjsItem
from service.platform.wire import storable_time

__all__ = [
    "MAX_MESSAGE_ITEMS",
    "NEWSITEM_TYPE",
    "NEWSML_TYPES",
    "NITF",
    "NewsmlDocument",
    "NewsmlError",
    "NewsmlMalformed",
    "is_newsml_type",
    "looks_like_newsml",
    "parse_newsml",
    "to_newsml",
]

NAR = "http://iptc.org/std/nar/2006-10-01/"
NITF = "http://iptc.org/std/NITF/2006-10-18/"
XHTML = "http://www.w3.org/1999/xhtml"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The media types a NewsML-G2 document comes as: IPTC's registered ones
# first, then the generic XML types most senders use.
NEWSITEM_TYPE = "application/vnd.iptc.g2.newsitem+xml"
NEWSML_TYPES = (
    NEWSITEM_TYPE,
    "application/vnd.iptc.g2.newsmessage+xml",
    "application/xml",
    "text/xml",
)

# The most text items one message may carry: each is a version stored in a
# transaction of its own. Agencies send a handful at a time.
MAX_MESSAGE_ITEMS = 100

_ROOTS = ("newsItem", "newsMessage")
# Elements never read as text, with all they hold.
_SKIPPED = frozenset(
    "head title script style media figure fn note body.head body.end table".split()
)
# Elements that make a paragraph of the text they hold (NITF and XHTML).
_BLOCKS = frozenset(
    """p hl2 hl3 h1 h2 h3 h4 h5 h6 li dt dd pre blockquote bq block div section article
    address figcaption caption""".split()
)
_SPACES = re.compile(r"[ \t\r\n]+")
# A ``br`` while a block's text is gathered: NUL, which no XML text holds.
_BREAK = "\x00"
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)


class NewsmlError(ValueError):
    """A NewsML-G2 document Sourcediff does not store; ``str(error)`` says why."""


class NewsmlMalformed(NewsmlError):
    """The document is not well-formed XML."""


@dataclass(frozen=True, slots=True)
class NewsmlDocument:
    """What a NewsML-G2 document holds: its root element's name, its text
    items in the order they are stored (the latest version of each), and
    how many items were skipped for not being text."""

    root: Literal["newsItem", "newsMessage"]
    items: tuple[NinjsItem, ...]
    skipped: int = 0


def is_newsml_type(content_type: str) -> bool:
    """Whether a ``Content-Type`` (parameters and all) is one NewsML-G2 is
    sent as.

    >>> is_newsml_type("application/xml; charset=utf-8"), is_newsml_type("text/html")
    (True, False)
    """
    return content_type.partition(";")[0].strip().lower() in NEWSML_TYPES


# A NewsML-G2 root in the first bytes: after the XML declaration and any
# comments, well within 4 KiB in every sample.
_ROOT_NEAR_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(newsItem|newsMessage)[\s>/]")


def looks_like_newsml(raw: bytes) -> bool:
    """Whether ``raw`` starts as a NewsML-G2 document (its root element a
    ``newsItem`` or ``newsMessage``), by a look at its first 4 KiB: how a
    file is told apart from HTML or plain text without parsing it.

    >>> looks_like_newsml(b'<?xml version="1.0"?>\\n<newsItem guid="x">')
    True
    >>> looks_like_newsml(b"<html><body>newsItem</body></html>"), looks_like_newsml(b"text")
    (False, False)
    """
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    first = re.search(rb"<[A-Za-z_]", head)
    found = _ROOT_NEAR_START.search(head)
    return found is not None and first is not None and found.start() == first.start()


def _local(element: etree._Element) -> str:
    """An element's name without its namespace; ``""`` for a comment or a
    processing instruction."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(element: etree._Element | None, name: str) -> list[etree._Element]:
    return [] if element is None else [c for c in element if _local(c) == name]


def _child(element: etree._Element | None, *path: str) -> etree._Element | None:
    for name in path:
        found = _children(element, name)
        element = found[0] if found else None
    return element


def _fold(text: str) -> str:
    """Runs of XML white space as one space, none at the ends; other
    spaces (no-break ones) are text and stay."""
    return _SPACES.sub(" ", text).strip(" ")


def _inline(element: etree._Element) -> str:
    """The text of one block, its ``br`` line breaks kept, XML white space
    folded: one walk of the block."""
    parts: list[str] = []
    walk = etree.iterwalk(element, events=("start", "end"))
    for event, node in walk:
        name = _local(node)
        if event == "start" and name in _SKIPPED and node is not element:
            walk.skip_subtree()
        elif event == "start" and name == "br":
            parts.append(_BREAK)
        elif event == "start" and node.text:
            parts.append(node.text)
        elif event == "end" and node is not element and node.tail:
            parts.append(node.tail)
    lines = (_fold(line) for line in "".join(parts).split(_BREAK))
    return "\n".join(line for line in lines if line)


def _paragraphs(element: etree._Element, out: list[str]) -> bool:
    """Append the text of each innermost block under ``element`` to
    ``out``; whether any was. A block that holds blocks is read through
    them. Recursion is bounded by the parser's depth limit (256)."""
    found = False
    for child in element:
        name = _local(child)
        if not name or name in _SKIPPED:
            continue
        inner = _paragraphs(child, out)
        if not inner and name in _BLOCKS:
            text = _inline(child)
            if text:
                out.append(text)
                inner = True
        found = found or inner
    return found


def _body_text(body: etree._Element) -> str | None:
    """The paragraphs of a body, kept apart by a blank line; its whole text
    when no block holds any."""
    paragraphs: list[str] = []
    if not _paragraphs(body, paragraphs):
        whole = _inline(body)
        paragraphs = [whole] if whole else []
    return "\n\n".join(paragraphs) or None


def _first_named(element: etree._Element, name: str) -> etree._Element | None:
    return next((e for e in element.iter() if _local(e) == name), None)


@dataclass(frozen=True, slots=True)
class _Content:
    text: str
    title: str | None = None
    byline: str | None = None


def _nitf(inline: etree._Element) -> _Content | None:
    content = _first_named(inline, "body.content")
    text = _body_text(content) if content is not None else None
    if text is None:
        return None
    hl1, byline = _first_named(inline, "hl1"), _first_named(inline, "byline")
    return _Content(
        text,
        title=_inline(hl1) or None if hl1 is not None else None,
        byline=_inline(byline) or None if byline is not None else None,
    )


def _xhtml(inline: etree._Element) -> _Content | None:
    body = _first_named(inline, "body")
    text = _body_text(body if body is not None else inline)
    return _Content(text) if text else None


def _inline_xml(rendition: etree._Element, kind: str) -> _Content | None:
    """An ``inlineXML``'s text, read as NITF or XHTML by its content type or
    its document's root element; other XML (SportsML, events) has none."""
    document = next((c for c in rendition if _local(c)), None)
    if document is None:
        return None
    if "nitf" in kind or _local(document) == "nitf":
        return _nitf(rendition)
    xhtml = etree.QName(document).namespace == XHTML or _local(document) in ("html", "body")
    return _xhtml(rendition) if xhtml or "html" in kind else None


def _plain(rendition: etree._Element, kind: str) -> bool:
    """Whether an ``inlineData`` is plain text as it stands (not base64)."""
    return rendition.get("encoding") is None and (not kind or kind.startswith("text/plain"))


def _content(content_set: etree._Element | None) -> _Content | None:
    """The first rendition in ``contentSet`` that holds text."""
    for rendition in content_set if content_set is not None else ():
        kind = (rendition.get("contenttype") or "").lower()
        found: _Content | None = None
        if _local(rendition) == "inlineXML":
            found = _inline_xml(rendition, kind)
        elif _local(rendition) == "inlineData" and _plain(rendition, kind):
            text = (rendition.text or "").strip()
            found = _Content(text) if text else None
        if found is not None:
            return found
    return None


def _party(element: etree._Element | None) -> str | None:
    """Who a party (``provider``, ``creditline``, ``infoSource``) is: its
    ``name``, else its ``literal``, its own text (a ``creditline``'s), the
    code of its ``qcode`` or the host of its ``uri``."""
    if element is None:
        return None
    name = _child(element, "name")
    if name is not None and _inline(name):
        return _inline(name)
    if element.get("literal", "").strip():
        return element.get("literal", "").strip()
    if len(element) == 0 and _inline(element):
        return _inline(element)
    code = element.get("qcode", "").partition(":")[2].strip()
    return code or urlsplit(element.get("uri", "")).hostname or None


def _time(meta: etree._Element | None, name: str, guid: str) -> datetime | None:
    found = _child(meta, name)
    if found is None or not (found.text or "").strip():
        return None
    try:
        moment = datetime.fromisoformat((found.text or "").strip().replace("Z", "+00:00"))
    except ValueError:
        return None  # an odd spelling is left out, as in ninjs
    try:
        return storable_time(moment)
    except ValueError as exc:
        raise NewsmlError(f"newsItem {guid}: `{name}` {exc}") from None


def _text_class(item_meta: etree._Element | None) -> tuple[bool, str]:
    """Whether the item is text (``ninat:text``; no ``itemClass`` at all
    counts as text), and its class as written."""
    found = _child(item_meta, "itemClass")
    if found is None:
        return True, ""
    qcode, uri = found.get("qcode", ""), found.get("uri", "")
    return qcode.endswith(":text") or uri.rstrip("/").endswith("/text"), qcode or uri


def _description(content_meta: etree._Element | None) -> str | None:
    summaries = (_inline(d) for d in _children(content_meta, "description"))
    return "\n\n".join(s for s in summaries if s) or None


def _read_item(item: etree._Element, fallback_language: str | None) -> NinjsItem:
    guid = (item.get("guid") or "").strip()
    if not guid:
        raise NewsmlError("a newsItem has no `guid` to identify it")
    item_meta, content_meta = _child(item, "itemMeta"), _child(item, "contentMeta")
    content = _content(_child(item, "contentSet"))
    text = content.text if content is not None else _description(content_meta)
    if text is None:
        raise NewsmlError(
            f"newsItem {guid} has no text: no NITF or XHTML inlineXML, plain-text "
            "inlineData or description holds any"
        )
    headline = _child(content_meta, "headline")
    by = _child(content_meta, "by")
    language = _child(content_meta, "language")
    outlet = (
        _party(_child(item_meta, "provider"))
        or _party(_child(content_meta, "creditline"))
        or _party(_child(content_meta, "infoSource"))
    )
    return NinjsItem(
        uri=guid,
        text=text,
        html=None,
        title=(_inline(headline) if headline is not None else None)
        or (content.title if content is not None else None),
        byline=(_inline(by) if by is not None else None)
        or (content.byline if content is not None else None),
        language=(language.get("tag") if language is not None else None)
        or item.get(_XML_LANG)
        or fallback_language,
        version=item.get("version"),
        version_created=_time(item_meta, "versionCreated", guid),
        first_created=_time(item_meta, "firstCreated", guid),
        provider=outlet,
    )


def _version_number(item: NinjsItem) -> int:
    return int(item.version) if item.version is not None and item.version.isdigit() else 0


def _message_items(root: etree._Element) -> Iterator[etree._Element]:
    for item_set in _children(root, "itemSet"):
        yield from _children(item_set, "newsItem")


def _parse_tree(raw: bytes) -> etree._Element:
    if _DOCTYPE.search(raw[:65536]):
        raise NewsmlError("the document declares a DOCTYPE; NewsML-G2 has none, and none is read")
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        root = etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        raise NewsmlMalformed(f"the body is not well-formed XML: {exc}") from None
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.system_url:
        raise NewsmlError("the document declares a DOCTYPE; NewsML-G2 has none, and none is read")
    return root


def parse_newsml(raw: bytes) -> NewsmlDocument:
    """The text items of a NewsML-G2 ``newsItem`` or ``newsMessage``;
    ``NewsmlMalformed`` when ``raw`` is not well-formed XML, ``NewsmlError``
    when it is no such document, has no text item, or one that cannot be
    stored."""
    root = _parse_tree(raw)
    name = _local(root)
    if name not in _ROOTS or etree.QName(root).namespace not in (NAR, None):
        raise NewsmlError(
            f"the root element is <{name}>, not a NewsML-G2 newsItem or newsMessage "
            f"(namespace {NAR})"
        )
    candidates = [root] if name == "newsItem" else list(_message_items(root))
    texts = [(item, _text_class(_child(item, "itemMeta"))) for item in candidates]
    chosen = [item for item, (is_text, _) in texts if is_text]
    if name == "newsItem" and not chosen:
        raise NewsmlError(f"the newsItem is not text ({texts[0][1][1]}); only text is stored")
    if not chosen:
        raise NewsmlError(f"the newsMessage holds no text newsItem ({len(candidates)} newsItems)")
    if len(chosen) > MAX_MESSAGE_ITEMS:
        raise NewsmlError(
            f"the newsMessage holds {len(chosen):,} text items; at most "
            f"{MAX_MESSAGE_ITEMS} are stored from one message"
        )
    language = root.get(_XML_LANG)
    latest: dict[str, NinjsItem] = {}  # by guid, in the order guids first come
    for item in (_read_item(item, language) for item in chosen):
        kept = latest.get(item.uri)
        if kept is None or _version_number(item) >= _version_number(kept):
            latest[item.uri] = item
    root_name: Literal["newsItem", "newsMessage"] = (
        "newsItem" if name == "newsItem" else "newsMessage"
    )
    return NewsmlDocument(root_name, tuple(latest.values()), skipped=len(candidates) - len(chosen))


# Writing -------------------------------------------------------------------

# What XML 1.0 cannot carry at all (C0 controls but tab, line feed and
# carriage return; surrogates; U+FFFE and U+FFFF): written as U+FFFD.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_CATALOG = "http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_32.xml"


def _xml_text(text: str) -> str:
    r"""``text`` as XML can hold it.

    >>> _xml_text("a\x0bb")
    'a\ufffdb'
    """
    return _NOT_XML.sub("\ufffd", text)


def _nar(
    parent: etree._Element, name: str, text: str | None = None, **attrs: str
) -> etree._Element:
    element = etree.SubElement(
        parent, f"{{{NAR}}}{name}", {k: _xml_text(v) for k, v in attrs.items()}
    )
    if text is not None:
        element.text = _xml_text(text)
    return element


def _nitf_element(parent: etree._Element, name: str) -> etree._Element:
    return etree.SubElement(parent, f"{{{NITF}}}{name}")


def _lines(parent: etree._Element, text: str) -> None:
    """``text`` into ``parent``, each line break a NITF ``br``."""
    first, *rest = _xml_text(text).split("\n")
    parent.text = first
    for line in rest:
        _nitf_element(parent, "br").tail = line


def to_newsml(
    *,
    uri: str,
    version: int,
    outlet: str,
    text: str,
    title: str | None,
    byline: str | None,
    language: str | None,
    version_created: datetime,
    first_created: datetime,
) -> bytes:
    """A stored version as a NewsML-G2 ``newsItem`` (UTF-8) with its text
    as NITF: each paragraph (text between blank lines) a ``p``, each line
    break in one a ``br``; ``parse_newsml`` reads it back to the same text
    (up to the white space a paragraph starts or ends with). Characters no
    XML can carry (C0 controls, lone surrogates) are written as U+FFFD."""
    item = etree.Element(
        f"{{{NAR}}}newsItem",
        {
            "guid": _xml_text(uri),
            "version": str(version),
            "standard": "NewsML-G2",
            "standardversion": "2.35",
            "conformance": "power",
        },
        nsmap={None: NAR},
    )
    if language is not None:
        item.set(_XML_LANG, _xml_text(language))
    _nar(item, "catalogRef", href=_CATALOG)
    meta = _nar(item, "itemMeta")
    _nar(meta, "itemClass", qcode="ninat:text")
    provider = _nar(meta, "provider", literal=outlet)
    _nar(provider, "name", outlet)
    _nar(meta, "versionCreated", version_created.isoformat())
    _nar(meta, "firstCreated", first_created.isoformat())
    _nar(meta, "pubStatus", qcode="stat:usable")
    content_meta = _nar(item, "contentMeta")
    if language is not None:
        _nar(content_meta, "language", tag=language)
    if title is not None:
        _nar(content_meta, "headline", title)
    if byline is not None:
        _nar(content_meta, "by", byline)
    inline = _nar(_nar(item, "contentSet"), "inlineXML", contenttype="application/nitf+xml")
    nitf = etree.SubElement(inline, f"{{{NITF}}}nitf", nsmap={None: NITF})
    body = _nitf_element(nitf, "body")
    if title is not None or byline is not None:
        head = _nitf_element(body, "body.head")
        if title is not None:
            _nitf_element(_nitf_element(head, "hedline"), "hl1").text = _xml_text(title)
        if byline is not None:
            _nitf_element(head, "byline").text = _xml_text(byline)
    content = _nitf_element(body, "body.content")
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        if paragraph.strip():
            _lines(_nitf_element(content, "p"), paragraph.strip())
    return etree.tostring(item, xml_declaration=True, encoding="UTF-8", pretty_print=True)
