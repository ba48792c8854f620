"""Two-text comparison, the core's entry point: extract both texts'
quotations, align and diff them, and (by default) add the editorial
insight and the sentence alignment, in one call (``compare_texts``).

>>> c = compare_texts('He said "no deal," firmly.', 'She heard "No deal!" twice.')
>>> [(m.relation, m.score) for m in c.alignment.matches]
[('identical', 100.0)]
>>> [(m.left, m.right) for m in c.alignment.matches], quote_ids("L", len(c.left.quotes))
([(0, 0)], ['L1'])

Sides whose quotations are known already (a stored version's, read back
from the database by the service) are compared by ``compare_extracted``,
which is ``compare_texts`` without the extraction.

A comparison is plain immutable data: quotes are named by their index on
their side (``quote_ids`` gives the ``L1``, ``R1`` … that reports use). Its
JSON, the ``POST /v1/compare`` body, is defined by
``service.compare.schemas.CompareResponse``, not here.
"""

from __future__ import annotations

from dataclasses import dataclass

from service.core.alignment.passages import PassageAlignment, align_passages
from service.core.alignment.quotes import Alignment, align_quotes
from service.core.insight.analysis import Insight, analyse
from service.core.quotes.extract import Quote, extract_quotes

__all__ = ["Comparison", "Side", "compare_extracted", "compare_texts", "quote_ids"]


@dataclass(frozen=True, slots=True)
class Side:
    """One compared text, its quotes and its outlet's name, if given."""

    text: str
    quotes: tuple[Quote, ...]
    outlet: str | None = None

    @classmethod
    def of(cls, text: str, outlet: str | None = None) -> Side:
        return cls(text, tuple(extract_quotes(text)), outlet)


def quote_ids(prefix: str, count: int) -> list[str]:
    """Stable ids for a side's quotes, in text order: ``L1``, ``L2`` …"""
    return [f"{prefix}{i}" for i in range(1, count + 1)]


@dataclass(frozen=True, slots=True)
class Comparison:
    """Both sides, their quotes' alignment, and optionally the insight on it
    and the two texts' sentence alignment."""

    left: Side
    right: Side
    alignment: Alignment
    insight: Insight | None = None
    passages: PassageAlignment | None = None


def compare_texts(
    left: str,
    right: str,
    *,
    left_outlet: str | None = None,
    right_outlet: str | None = None,
    insight: bool = True,
    passages: bool = True,
    semantic: bool = False,
) -> Comparison:
    """Extract the quotes of both texts, align them and diff each pair;
    with ``insight`` (the default), also type each pair's edits and find
    attribution drift and unquoted echoes; with ``passages`` (the default),
    align the texts sentence by sentence and find what each side lacks (by
    meaning too with ``semantic``, an extra: ``service.core.alignment.semantic``)."""
    return compare_extracted(
        Side.of(left, left_outlet),
        Side.of(right, right_outlet),
        insight=insight,
        passages=passages,
        semantic=semantic,
    )


def compare_extracted(
    left: Side,
    right: Side,
    *,
    insight: bool = True,
    passages: bool = True,
    semantic: bool = False,
) -> Comparison:
    """``compare_texts`` of two sides whose quotes are given: each side's
    ``quotes`` must be what ``extract_quotes`` finds in its ``text`` (then
    the comparison is the same as ``compare_texts``'s).

    >>> left = Side.of('"No deal," he said.')
    >>> compare_extracted(left, Side.of("She said: “No deal.”")).alignment.matches[0].relation
    'identical'
    """
    alignment = align_quotes(left.quotes, right.quotes)
    found = analyse(left, right, alignment) if insight else None
    sentences = align_passages(left.text, right.text, semantic=semantic) if passages else None
    return Comparison(left, right, alignment, found, sentences)
