"""IPTC ninjs in and out: news items of any of ninjs 1.x, 2.x and 3.x, as
the standard writes them and as newsroom systems emit them, read into what
Sourcediff stores, and a stored version written as ninjs 3.x.

Recognising an item (``looks_like_ninjs``): a JSON object is a ninjs item
when it has an identity (``uri``; ``guid`` for the 1.x items some newsroom
systems write, Superdesk's among them) or a member only ninjs has
(``bodies``, ``headlines``, ``body_*``, ``versioncreated``, …). Everything
else in an item is ignored: the extension fields the standard allows
(``associations``, ``renditions``, ``profile``, ``service``, ``located``,
``extra``, …) never make an item fail.

Versions differ in spelling, and real providers differ again: 1.x has
``headline``, ``byline``, ``body_text``/``body_html``/``body_xhtml`` (any
``body_*``, ``headline_*`` and ``description_*`` by its pattern) and
lower-case ``versioncreated``; 2.x has ``headlines[]``, ``bodies[]`` with
``contenttype`` and ``by``; 3.x is camelCase (``versionCreated``,
``contentType``). The body:

1. text: ``body_text``, or the first of ``bodies[]`` that is
   ``text/plain`` (or has no content type and no markup);
2. HTML: the first HTML body of ``bodies[]`` (``text/html``,
   ``application/xhtml+xml``), then ``body_html``, ``body_xhtml``,
   ``body_richtext``, then any other ``body_*`` that holds markup. XML
   bodies of other kinds (NITF, a provider's own) are not read;
3. plain text wins over HTML (no extraction needed; both are kept), and a
   text item with neither is stored from its descriptions (wire flashes
   carry only those): ``descriptions[]`` but a ``creditline``, else
   ``description_text`` and the other ``description_*``. Pictures, video
   and audio have no article without a body, and are refused.

Every refusal is a ``NinjsError``: what is wrong and its RFC 6901 pointer
into the item (``/bodies/0/value``), for the problem the API answers.

>>> item = parse_ninjs({"uri": "urn:x", "headline": "H", "body_text": "Hi."})
>>> item.uri, item.title, item.text
('urn:x', 'H', 'Hi.')
>>> parse_ninjs({"guid": "tag:cms,2026:1", "body_html": "<p>Hi.</p>"}).uri
'tag:cms,2026:1'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from service.platform.wire import storable_time

__all__ = [
    "IDENTITIES",
    "MAX_DEPTH",
    "NinjsError",
    "NinjsItem",
    "looks_like_ninjs",
    "parse_ninjs",
    "pointer",
    "to_ninjs",
]

NINJS_SCHEMA = "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json"

# The members that identify an item, in the order they are read: ninjs'
# own ``uri``, then the ``guid`` of 1.x items as newsroom systems write them.
IDENTITIES = ("uri", "guid")

# Members that only a ninjs item has (Sourcediff's own article has none of
# them), of any version; with the patterns below they recognise an item
# that lacks its identity, so that it is told what it lacks.
_MARKERS = frozenset(
    """uri guid type version versioncreated versionCreated firstcreated firstCreated
    contentcreated contentCreated headline headlines bodies descriptions by
    copyrightholder copyrightHolder copyrightnotice copyrightNotice usageterms usageTerms
    pubstatus pubStatus urgency associations renditions profile located slugline ednote
    edNote subject subjects genre genres standard $standard infosources infoSources
    representationtype representationType altids altIds""".split()
)
_MARKER_PREFIXES = ("body_", "headline_", "description_")

# ``type`` values with no article in them unless they carry a body.
_MEDIA_TYPES = frozenset({"picture", "graphic", "video", "audio", "event", "planning"})

# The deepest nesting of arrays and objects an item may have. Real items
# nest a few levels (``associations`` holding items); one nested hundreds
# deep is no news item, and JSON that deep cannot be written back out (the
# serialiser stops at a depth of a few hundred: a 500 once).
MAX_DEPTH = 64


class NinjsError(ValueError):
    """A ninjs item Sourcediff cannot store: ``str(error)`` says why, and
    ``pointer`` is where in the item (RFC 6901; ``""`` the whole item)."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer


def pointer(*parts: str | int) -> str:
    """The RFC 6901 pointer to ``parts`` (``~`` and ``/`` escaped).

    >>> pointer("bodies", 0, "value"), pointer("a/b~c"), pointer()
    ('/bodies/0/value', '/a~1b~0c', '')
    """
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


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


def _identity(doc: Mapping[str, Any]) -> tuple[str, str] | None:
    """The member that identifies the item and its value, if any."""
    for name in IDENTITIES:
        value = doc.get(name)
        if isinstance(value, str) and value.strip():
            return name, value
    return None


def looks_like_ninjs(doc: Mapping[str, Any]) -> bool:
    """Whether a JSON object is shaped as a ninjs item: it has an identity
    (``uri``, ``guid``) or a member that only ninjs items have.

    >>> looks_like_ninjs({"guid": "x"}), looks_like_ninjs({"headline": "H", "body_main": "B"})
    (True, True)
    >>> looks_like_ninjs({"outlet": "Daily", "text": "T"}), looks_like_ninjs({})
    (False, False)
    """
    return any(
        name in _MARKERS or name.startswith(_MARKER_PREFIXES) for name in doc if name != "uri"
    ) or any(name in doc for name in IDENTITIES)


@dataclass(frozen=True, slots=True)
class NinjsItem:
    """A news item as ninjs names its parts, which is what Sourcediff takes
    from one: ninjs items read here, and NewsML-G2 items too
    (``service.platform.newsml``; ninjs is NewsML-G2's JSON rendering, so
    ``uri`` is a newsItem's ``guid``). ``where`` holds the pointer of each
    field that came from a JSON item (``{"title": "/headlines/0/value"}``)."""

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
    where: Mapping[str, str] = field(default_factory=dict, compare=False)


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _first(doc: Mapping[str, Any], *names: str) -> tuple[str, Any] | None:
    """The first of ``names`` that ``doc`` fills, with its value."""
    for name in names:
        if _filled(doc.get(name)):
            return name, doc[name]
    return None


def _text_of(value: Any, at: str) -> tuple[str, str] | None:
    """A string, or the ``value`` (else ``name``) of an object, or of the
    list's ``main`` entry (else its first); with its pointer.

    >>> _text_of([{"role": "sub", "value": "b"}, {"role": "main", "value": "a"}], "/h")
    ('a', '/h/1/value')
    """
    if isinstance(value, str):
        return value, at
    if isinstance(value, Mapping):
        found = _first(value, "value", "name")
        if found is not None and isinstance(found[1], str):
            return found[1], f"{at}/{found[0]}"
        return None
    if isinstance(value, list) and value:
        mains = [
            i for i, v in enumerate(value) if isinstance(v, Mapping) and v.get("role") == "main"
        ]
        index = mains[0] if mains else 0
        return _text_of(value[index], f"{at}/{index}")
    return None


def _field(doc: Mapping[str, Any], *names: str) -> tuple[str, str] | None:
    """The text of the first of ``names`` that ``doc`` fills, and where."""
    for name in names:
        if _filled(doc.get(name)):
            found = _text_of(doc[name], pointer(name))
            if found is not None:
                return found
    return None


def _datetime(doc: Mapping[str, Any], *names: str) -> datetime | None:
    """The first of ``names`` that holds a time, in UTC (naive taken as
    UTC). A value that is no time is left out, as providers' odd spellings
    are; a time outside what the databases store is a ``NinjsError``."""
    found = _first(doc, *names)
    if found is None or not isinstance(found[1], str):
        return None
    name, value = found
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    try:
        return storable_time(moment)
    except ValueError as exc:
        raise NinjsError(f"`{name}` {exc}", pointer(name)) from None


def _markup(value: str) -> bool:
    return value.lstrip().startswith("<")


def _kind(body: Mapping[str, Any]) -> str | None:
    found = _first(body, "contentType", "contenttype")
    return str(found[1]).lower() if found is not None else None


@dataclass(frozen=True, slots=True)
class _Body:
    value: str
    html: bool
    at: str


def _listed_bodies(doc: Mapping[str, Any]) -> Iterator[_Body]:
    """The text and HTML bodies of 2.x and 3.x ``bodies[]``, in order; a
    body whose value is not a string is a ``NinjsError``."""
    bodies = doc.get("bodies")
    if not isinstance(bodies, list):
        return
    for i, body in enumerate(bodies):
        if not isinstance(body, Mapping):
            continue
        value, kind = body.get("value"), _kind(body)
        if not isinstance(value, str):
            where = pointer("bodies", i, "value")
            raise NinjsError(f"body {i}'s `value` is not a string", where)
        if kind is None:
            yield _Body(value, _markup(value), pointer("bodies", i, "value"))
        elif kind.startswith("text/plain") or kind == "plain":
            yield _Body(value, False, pointer("bodies", i, "value"))
        elif "html" in kind:
            yield _Body(value, True, pointer("bodies", i, "value"))


# 1.x bodies by name: text, then HTML, then any other ``body_*`` by its content.
_TEXT_BODY = "body_text"
_HTML_BODIES = ("body_html", "body_xhtml", "body_richtext")


def _named_bodies(doc: Mapping[str, Any]) -> Iterator[_Body]:
    if isinstance(doc.get(_TEXT_BODY), str):
        yield _Body(doc[_TEXT_BODY], False, pointer(_TEXT_BODY))
    for name in _HTML_BODIES:
        if isinstance(doc.get(name), str):
            yield _Body(doc[name], True, pointer(name))
    for name, value in doc.items():
        known = name == _TEXT_BODY or name in _HTML_BODIES
        if name.startswith("body_") and not known and isinstance(value, str):
            yield _Body(value, _markup(value), pointer(name))


def _bodies(doc: Mapping[str, Any]) -> tuple[_Body | None, _Body | None]:
    """The item's text and HTML bodies (``None`` for a kind it lacks): the
    first that is not blank of each, ``body_text`` before ``bodies[]``, and
    ``bodies[]`` before ``body_html`` and the other HTML ``body_*``."""
    listed, named = list(_listed_bodies(doc)), list(_named_bodies(doc))
    text = next((b for b in [*named, *listed] if not b.html and b.value.strip()), None)
    html = next((b for b in [*listed, *named] if b.html and b.value.strip()), None)
    return text, html


def _descriptions(doc: Mapping[str, Any]) -> tuple[str, str] | None:
    """A text item's summaries as its text, and where they start; a
    ``creditline`` is no summary (AP puts its name there)."""
    listed = doc.get("descriptions")
    if isinstance(listed, list):
        found = [
            value
            for i, d in enumerate(listed)
            if not (isinstance(d, Mapping) and d.get("role") == "creditline")
            for value in [_text_of(d, pointer("descriptions", i))]
            if value is not None and value[0].strip()
        ]
        if found:
            return "\n\n".join(value for value, _ in found), found[0][1]
    for name, value in doc.items():
        if name.startswith("description_") and isinstance(value, str) and value.strip():
            return value, pointer(name)
    return None


def _creditline(doc: Mapping[str, Any]) -> tuple[str, str] | None:
    for i, d in enumerate(doc.get("descriptions") or []):
        credit = isinstance(d, Mapping) and d.get("role") == "creditline"
        if credit and isinstance(d.get("value"), str) and d["value"].strip():
            return d["value"], pointer("descriptions", i, "value")
    return None


def _media(doc: Mapping[str, Any]) -> str | None:
    """The item's ``type`` when it is one with no article but its body."""
    kind = doc.get("type")
    return kind if isinstance(kind, str) and kind in _MEDIA_TYPES else None


def _no_body(doc: Mapping[str, Any]) -> NinjsError:
    kind = _media(doc)
    if kind is not None:
        return NinjsError(f"the item is of type `{kind}` with no text body; only text is stored")
    return NinjsError(
        "the ninjs item has no text, HTML or description: give `body_text`, `body_html`, "
        "`body_xhtml`, `bodies[]` with a text/plain or text/html `value`, or `descriptions`"
    )


def parse_ninjs(doc: Mapping[str, Any]) -> NinjsItem:
    """The parts of a ninjs 1.x–3.x item Sourcediff stores, its times in
    UTC; ``NinjsError`` when it has no identity, no text, HTML or
    description, a time outside the years the databases keep
    (``platform.wire.storable_time``), or arrays and objects nested deeper
    than ``MAX_DEPTH``."""
    depth = _depth(doc)
    if depth > MAX_DEPTH:
        raise NinjsError(f"the item nests {depth} levels deep; at most {MAX_DEPTH} are read")
    identity = _identity(doc)
    if identity is None:
        raise NinjsError("the item has no `uri` (nor a 1.x `guid`) to identify it", "/uri")
    text, html = _bodies(doc)
    where = {"uri": pointer(identity[0])}
    body_text = text.value if text is not None else None
    if text is not None:
        where["text"] = text.at
    if html is not None:
        where["html"] = html.at
    if text is None and html is None:
        summary = None if _media(doc) else _descriptions(doc)
        if summary is None:
            raise _no_body(doc)
        body_text, where["text"] = summary
    fields = {
        "title": _field(doc, "headlines", "headline", "headline_main", "title"),
        "byline": _field(doc, "by", "byline"),
        "language": _field(doc, "language"),
        "provider": _field(doc, "copyrightholder", "copyrightHolder", "provider")
        or _creditline(doc)
        or _field(doc, "infosources", "infoSources", "infosource"),
    }
    where |= {name: found[1] for name, found in fields.items() if found is not None}
    version = doc.get("version")
    return NinjsItem(
        uri=identity[1],
        text=body_text,
        html=html.value if html is not None else None,
        title=fields["title"][0] if fields["title"] else None,
        byline=fields["byline"][0] if fields["byline"] else None,
        language=fields["language"][0] if fields["language"] else None,
        version=str(version) if isinstance(version, str | int) else None,
        version_created=_datetime(doc, "versionCreated", "versioncreated"),
        first_created=_datetime(doc, "firstCreated", "firstcreated"),
        provider=fields["provider"][0] if fields["provider"] else None,
        where=where,
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
