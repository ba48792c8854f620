"""IPTC ninjs in and out: news items of any of ninjs 1.x, 2.x and 3.x read
into what Sourcediff stores, and a stored version written as ninjs 3.x.

Versions differ in spelling, and real providers differ again: 1.x has ``headline``, ``byline``,
``body_text``/``body_xhtml`` and lower-case ``versioncreated``; 2.x has
``headlines[]``, ``bodies[]`` with ``contenttype`` and ``by``; 3.x is
camelCase (``versionCreated``, ``contentType``). Plain text bodies win over
HTML ones (no extraction needed); an item with neither is stored from its
``descriptions`` (wire flashes carry only those), and refused without them.

>>> item = parse_ninjs({"uri": "urn:x", "headline": "H", "body_text": "Hi."})
>>> item.uri, item.title, item.text
('urn:x', 'H', 'Hi.')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from service.platform.wire import storable_time

__all__ = ["MAX_DEPTH", "NinjsItem", "looks_like_ninjs", "parse_ninjs", "to_ninjs"]

NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json"
_NINJS_KEYS = frozenset(
    {"uri", "bodies", "body_text", "body_html", "body_xhtml", "headlines", "headline", "ninjs"}
)


# The deepest nesting of arrays and objects an item may have. Real items
# nest a few levels (``associations`` holding items); one nested hundreds
# deep is no news item, and JSON that deep cannot be written back out (the
# serialiser stops at a depth of a few hundred: a 500 once).
MAX_DEPTH = 64


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in ``value`` (0 for a scalar),
    without recursion, so that no depth can overflow the stack.

    >>> _depth({"a": [1, {"b": []}]}), _depth("text")
    (4, 0)
    """
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, Mapping) else item
        if isinstance(item, Mapping | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in children)
    return deepest


def looks_like_ninjs(doc: Mapping[str, Any]) -> bool:
    """Whether a JSON object is a ninjs news item."""
    return "uri" in doc and bool(_NINJS_KEYS & (set(doc) - {"uri"}))


@dataclass(frozen=True, slots=True)
class NinjsItem:
    """What Sourcediff takes from a ninjs item."""

    uri: str
    text: str | None
    html: str | None
    title: str | None
    byline: str | None
    language: str | None
    version: str | None
    version_created: datetime | None
    first_created: datetime | None
    provider: str | None


def _get(doc: Mapping[str, Any], *names: str) -> Any:
    for name in names:
        if doc.get(name) not in (None, "", []):
            return doc[name]
    return None


def _datetime(doc: Mapping[str, Any], *names: str) -> datetime | None:
    """The first of ``names`` that holds a time, in UTC (naive taken as
    UTC). A value that is no time is left out, as providers' odd spellings
    are; a time outside what the databases store raises ``ValueError``."""
    value = _get(doc, *names)
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    try:
        return storable_time(moment)
    except ValueError as exc:
        name = next(n for n in names if doc.get(n) is value)
        raise ValueError(f"`{name}` {exc}") from None


def _text_of(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        inner = _get(value, "value", "name")
        return inner if isinstance(inner, str) else None
    if isinstance(value, list) and value:
        return _text_of(value[0])
    return None


def _bodies(doc: Mapping[str, Any]) -> tuple[str | None, str | None]:
    text = _get(doc, "body_text")
    html = _get(doc, "body_html", "body_xhtml")
    for body in doc.get("bodies") or []:
        if not isinstance(body, Mapping) or not isinstance(body.get("value"), str):
            continue
        kind = str(_get(body, "contentType", "contenttype", "contentthype") or "").lower()
        if kind.startswith("text/plain") and text is None:
            text = body["value"]
        elif ("html" in kind or "xml" in kind) and html is None and "nitf" not in kind:
            html = body["value"]
    return (text if isinstance(text, str) else None), (html if isinstance(html, str) else None)


def parse_ninjs(doc: Mapping[str, Any]) -> NinjsItem:
    """The parts of a ninjs 1.x–3.x item Sourcediff stores, its times in
    UTC; ``ValueError`` when it has no text, HTML or description, a time
    outside the years the databases keep (``platform.wire.storable_time``),
    or arrays and objects nested deeper than ``MAX_DEPTH``."""
    depth = _depth(doc)
    if depth > MAX_DEPTH:
        raise ValueError(f"the item nests {depth} levels deep; at most {MAX_DEPTH} are read")
    text, html = _bodies(doc)
    if not (text and text.strip()) and not (html and html.strip()):
        # Some wire items carry only a summary (NTB's flash items): keep it.
        summaries = [_text_of(d) for d in doc.get("descriptions") or []]
        text = "\n\n".join(s for s in summaries if s) or None
    if not (text and text.strip()) and not (html and html.strip()):
        raise ValueError("the ninjs item has no text, HTML or description")
    provider = _get(doc, "copyrightholder", "copyrightHolder", "provider")
    version = _get(doc, "version")
    return NinjsItem(
        uri=str(doc["uri"]),
        text=text if text and text.strip() else None,
        html=html if html and html.strip() else None,
        title=_text_of(_get(doc, "headlines", "headline", "title")),
        byline=_text_of(_get(doc, "by", "byline")),
        language=_get(doc, "language") if isinstance(doc.get("language"), str) else None,
        version=str(version) if version is not None else None,
        version_created=_datetime(doc, "versionCreated", "versioncreated"),
        first_created=_datetime(doc, "firstCreated", "firstcreated"),
        provider=_text_of(provider),
    )


def to_ninjs(
    *,
    uri: str,
    version: int,
    text: str,
    html: str | None,
    title: str | None,
    byline: str | None,
    language: str | None,
    version_created: datetime,
    first_created: datetime,
) -> dict[str, Any]:
    """A stored version as a ninjs 3.x news item."""
    doc: dict[str, Any] = {
        "$schema": NINJS_SCHEMA,
        "uri": uri,
        "type": "text",
        "version": str(version),
        "versionCreated": version_created.isoformat(),
        "firstCreated": first_created.isoformat(),
        "bodies": [{"role": "main", "contentType": "text/plain", "value": text}],
    }
    if html is not None:
        doc["bodies"].append({"role": "main", "contentType": "text/html", "value": html})
    if title is not None:
        doc["headlines"] = [{"role": "main", "value": title}]
    if byline is not None:
        doc["by"] = byline
    if language is not None:
        doc["language"] = language
    return doc
