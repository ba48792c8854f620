"""Comparing two articles, given as text, HTML or a stored version.

A side is what the caller gave (``TextSource``, ``HtmlSource``,
``StoredSource``); ``compare_sides`` resolves both to text, checks the
service's limits and compares them with the core. Primary documents (a
transcript, a statement) are resolved as sides are, and
``check_primaries`` checks both sides' quotations against them. The JSON of
the result is ``service.compare.schemas.CompareResponse``.

Comparing may run in another process (``service.platform.compute``), which
cannot read the database: ``read_stored`` first turns stored sides into the
texts they hold, with the quotations stored with them when the running
extractor found those (so they are not extracted again), and ``input_size``
says how much there is to compare.

>>> from service.platform.config import Settings
>>> left, right = TextSource('"No deal," he said.'), HtmlSource("<p>She said: “No deal.”</p>")
>>> c = compare_sides(left, right, Settings())
>>> c.alignment.matches[0].relation, c.right.text
('identical', 'She said: “No deal.”')
>>> checked = check_primaries(c, primary_texts([TextSource("No deal.")], Settings()))
>>> [(index, sourced.verdict) for index, sourced in checked.left]
[(0, 'accurate')]
>>> read_stored([StoredSource("a1", 2)], lambda id, n: (f"{id} v{n}", "Outlet", None))
[TextSource(text='a1 v2', outlet='Outlet', quotes=None)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from service.core import Comparison, Quote, Side
from service.core.alignment.semantic import INSTALL
from service.core.alignment.semantic import MAX_SENTENCES as SEMANTIC_MAX_SENTENCES
from service.core.alignment.semantic import available as semantic_available
from service.core.compare import compare_extracted
from service.core.insight.primary import Sourced, source_quotes
from service.core.sentences import sentence_spans
from service.platform.config import Settings
from service.platform.errors import NotFound, PayloadTooLarge, Unprocessable
from service.platform.html import html_to_text

__all__ = [
    "HtmlSource",
    "PrimaryCheck",
    "Source",
    "StoredLoader",
    "StoredSource",
    "TextSource",
    "check_primaries",
    "compare_sides",
    "input_size",
    "primary_texts",
    "read_stored",
]


@dataclass(frozen=True, slots=True)
class TextSource:
    """A text to compare. ``quotes``, when given, are its quotations as
    ``extract_quotes`` finds them, which comparing then takes as they are:
    a stored version's, read back (``read_stored``), never a caller's."""

    text: str
    outlet: str | None = None
    quotes: tuple[Quote, ...] | None = None


@dataclass(frozen=True, slots=True)
class HtmlSource:
    html: str
    outlet: str | None = None


@dataclass(frozen=True, slots=True)
class StoredSource:
    article_id: str
    version: int | None = None


Source = TextSource | HtmlSource | StoredSource


# Reads a stored version: (article_id, version or None for the latest) to
# (text, outlet, quotes), the quotes None unless the running extractor
# found them; raises NotFound. Given by callers that have storage.
StoredLoader = Callable[[str, int | None], tuple[str, str | None, tuple[Quote, ...] | None]]


def compare_sides(
    left: Source,
    right: Source,
    settings: Settings,
    *,
    load: StoredLoader | None = None,
    passages: bool = True,
    semantic: bool = False,
) -> Comparison:
    """Compare two sides; raises ``NotFound``, ``PayloadTooLarge`` or
    ``Unprocessable`` (a side with no text, e.g. HTML with no article, or
    ``semantic`` asked of a server without the extra). ``load`` reads stored
    sides; without it they are not found. ``passages`` aligns the texts
    sentence by sentence; ``semantic`` does it by meaning too
    (``service.core.alignment.semantic``), so it needs ``passages``."""
    if semantic and not passages:
        raise Unprocessable('semantic mode aligns passages: it needs "passages": true')
    if semantic and not semantic_available():
        raise Unprocessable(f"semantic mode needs the 'semantic' extra on the server: {INSTALL}")
    left_read = _resolve("left", left, settings, load)
    right_read = _resolve("right", right, settings, load)
    if semantic:
        for name, text in (("left", left_read.text), ("right", right_read.text)):
            count = len(sentence_spans(text))
            if count > SEMANTIC_MAX_SENTENCES:
                raise Unprocessable(
                    f"{name}: semantic mode compares at most {SEMANTIC_MAX_SENTENCES:,} "
                    f"sentences a side, and this text has {count:,}; "
                    'compare it without "semantic"'
                )
    return compare_extracted(
        _side(left_read), _side(right_read), passages=passages, semantic=semantic
    )


def primary_texts(
    sources: Sequence[Source], settings: Settings, *, load: StoredLoader | None = None
) -> list[str]:
    """The texts of primary documents, resolved as sides are."""
    return [
        _resolve(f"primary[{i}]", source, settings, load).text for i, source in enumerate(sources)
    ]


@dataclass(frozen=True, slots=True)
class PrimaryCheck:
    """Both sides' quotations checked against primary documents: for each
    quotation, in text order, the index of the document that carries it
    best (``None`` when none does) and the check."""

    left: tuple[tuple[int | None, Sourced], ...]
    right: tuple[tuple[int | None, Sourced], ...]


def check_primaries(comparison: Comparison, primaries: Sequence[str]) -> PrimaryCheck:
    """Check the quotations of both sides of ``comparison`` against the
    ``primaries`` texts (see ``service.core.insight.primary``)."""
    return PrimaryCheck(
        tuple(source_quotes(comparison.left.quotes, primaries)),
        tuple(source_quotes(comparison.right.quotes, primaries)),
    )


def read_stored(sources: Sequence[Source], load: StoredLoader | None) -> list[Source]:
    """``sources`` with each stored version read (``load``) into the
    ``TextSource`` of its text, outlet and stored quotations, which compares
    the same; raises ``NotFound`` (always, without ``load``)."""
    return [_read(s, load) if isinstance(s, StoredSource) else s for s in sources]


def input_size(sources: Sequence[Source]) -> int:
    """The characters of text and HTML in ``sources`` (stored ones count
    nothing: read them first)."""
    return sum(
        len(s.text) if isinstance(s, TextSource) else len(s.html)
        for s in sources
        if not isinstance(s, StoredSource)
    )


def _read(source: StoredSource, load: StoredLoader | None) -> TextSource:
    # No id holds a NUL, and PostgreSQL fails a query that has one.
    if load is None or "\x00" in source.article_id:
        raise NotFound(f"article {source.article_id!r} not found")
    return TextSource(*load(source.article_id, source.version))


def _side(source: TextSource) -> Side:
    """The side ``source`` is, its quotations extracted unless it has them."""
    if source.quotes is None:
        return Side.of(source.text, source.outlet)
    return Side(source.text, source.quotes, source.outlet)


def _resolve(
    name: str, source: Source, settings: Settings, load: StoredLoader | None
) -> TextSource:
    """``source`` as a text, checked against the limits."""
    match source:
        case TextSource():
            read = source
        case HtmlSource(html, outlet):
            read = TextSource(html_to_text(html), outlet)
        case StoredSource():
            read = _read(source, load)
    text = read.text
    if len(text) > settings.max_text_chars:
        raise PayloadTooLarge(
            f"{name} text has {len(text):,} characters; the limit is "
            f"{settings.max_text_chars:,} per side"
        )
    if not text.strip():
        what = "HTML has no article text" if isinstance(source, HtmlSource) else "text is empty"
        raise Unprocessable(f"{name} {what}")
    return read
