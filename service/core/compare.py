"""Two-text comparison, the core's entry point: extract both texts'
quotations, align and diff them, and (by default) add the editorial
insight and the sentence alignment, in one call (``compare_texts``).

>>> c = compare_texts('He said "no deal," firmly.', 'She heard "No deal!" twice.')
>>> [(m.relation, m.score) for m in c.alignment.matches]
[('identical', 100.0)]
>>> c.as_dict()["matches"][0]["left"], c.as_dict()["matches"][0]["right"]
('L1', 'R1')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from service.core.alignment.passages import PassageAlignment, align_passages
from service.core.alignment.quotes import Alignment, align_quotes
from service.core.insight.analysis import Insight, analyse
from service.core.quotes.extract import Quote, extract_quotes

__all__ = ["Comparison", "Side", "compare_texts", "quote_ids"]


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

    def as_dict(self, *, include_text: bool = False) -> dict[str, Any]:
        """The ``POST /v1/compare`` response body, as the compare contract
        (docs/compare-api.md) fixes it; quotes are ``L1``…, ``R1``….

        ``include_text`` adds each side's compared text, which clients need
        when it was extracted from HTML (the offsets point into it). With an
        ``insight``, each match also has its typed ``edits`` and the body
        the ``echoes`` and ``attribution_drift`` (``service.core.insight.analysis``):
        extra fields, which the contract allows. With ``passages``, the
        body has the sentence alignment and the passages each side lacks
        (``service.core.alignment.passages``).
        """
        lids = quote_ids("L", len(self.left.quotes))
        rids = quote_ids("R", len(self.right.quotes))

        def side(s: Side, ids: list[str]) -> dict[str, Any]:
            body: dict[str, Any] = {
                "quotes": [q.as_dict(qid) for qid, q in zip(ids, s.quotes, strict=True)]
            }
            if s.outlet is not None:
                body["outlet"] = s.outlet
            if include_text:
                body["text"] = s.text
            return body

        a = self.alignment
        matches = [
            {
                "left": lids[m.left],
                "right": rids[m.right],
                "relation": m.relation,
                "score": m.score,
                "diff": [op.as_dict() for op in m.diff],
            }
            for m in a.matches
        ]
        body = {
            "left": side(self.left, lids),
            "right": side(self.right, rids),
            "matches": matches,
            "left_only": [lids[i] for i in a.left_only],
            "right_only": [rids[i] for i in a.right_only],
        }
        if self.insight is not None:
            for match, pair in zip(matches, self.insight.pairs, strict=True):
                match["edits"] = [e.as_dict() for e in pair.edits]
            body |= self.insight.as_dict(a, self.left, self.right, lids, rids)
        if self.passages is not None:
            body["passages"] = self.passages.as_dict()
        return body


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
    ls, rs = Side.of(left, left_outlet), Side.of(right, right_outlet)
    alignment = align_quotes(ls.quotes, rs.quotes)
    found = analyse(ls, rs, alignment) if insight else None
    sentences = align_passages(left, right, semantic=semantic) if passages else None
    return Comparison(ls, rs, alignment, found, sentences)
