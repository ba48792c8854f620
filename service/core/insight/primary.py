"""Quotations checked against a primary source: a transcript, a statement, a release.

``source_quote`` checks one quotation against a primary text,
``source_quotes`` many against the best of several, and ``verdict_counts``
counts the verdicts of a side's checks.

A primary text is searched as words, not as quotations: a transcript or a
release has no quotation marks around what its speakers said. The span is
the stretch of the primary's words most like the quotation (rapidfuzz's
partial ratio over words, as ``alignment.quotes`` finds a fragment in a
longer quote); it counts at a score of 80 for quotations of three words or
more, 100 for shorter ones.

>>> primary = "We stand ready. We have never exported weapons to Russia and we will not."
>>> s = source_quote("We have never exported arms to Russia", primary)
>>> s.verdict, [e.type for e in s.edits], s.span.text
('edited', ['substituted', 'trimmed'], 'We have never exported weapons to Russia')
>>> s.edits[1].left, s.span.after
('and we will not.', 'and we will not.')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from service.core.diff import DiffOp, word_diff
from service.core.insight.edits import Edit, classify_edits
from service.core.quotes.extract import Quote
from service.core.sentences import sentence_spans
from service.core.text import Token, WordCodes, keys, tokenize

__all__ = [
    "SourceSpan",
    "Sourced",
    "Verdict",
    "source_quote",
    "source_quotes",
    "verdict_counts",
]

Verdict = Literal["accurate", "trimmed", "edited", "not_found"]

_MIN_SCORE = 80.0
# A transcript's speaker label at the start of a line: "KEILAR:", "MR. COHEN:".
_LABEL = re.compile(r"(?m)^\s*[A-Z][A-Z.'’ -]{0,40}:\s*")


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Where a quotation's words stand in the primary text (offsets and
    words), with the context an outlet dropped: the rest of the sentence(s)
    around them and the sentences next to them."""

    start: int
    end: int
    text: str
    before: str  # the sentence's words before the span, and the sentence before that
    after: str  # the sentence's words after the span, and the sentence after that


@dataclass(frozen=True, slots=True)
class Sourced:
    """One quotation checked: its verdict (``accurate`` when its words are
    the source's whole sentence or sentences, ``trimmed`` when they are the
    source's words but stop inside a sentence, ``edited`` when words differ,
    ``not_found`` when the source does not carry it), its score, the span,
    the typed edits (left is the source, right the quotation) and the word
    diff from the source's words to the quotation's."""

    verdict: Verdict
    score: float
    span: SourceSpan | None
    edits: tuple[Edit, ...] = ()
    diff: tuple[DiffOp, ...] = ()


def _context(primary: str, start: int, end: int) -> tuple[str, str]:
    sentences = sentence_spans(primary)
    first = next((i for i, (s, e) in enumerate(sentences) if s <= start < e), 0)
    last = next((i for i, (s, e) in enumerate(sentences) if s < end <= e), len(sentences) - 1)
    lo = sentences[max(0, first - 1)][0]
    hi = sentences[min(len(sentences) - 1, last + 1)][1]
    return " ".join(primary[lo:start].split()), " ".join(primary[end:hi].split())


@dataclass(frozen=True, slots=True)
class _Primary:
    """A primary text read once for all the quotations looked up in it: its
    words (with their offsets) and those words encoded."""

    text: str
    tokens: tuple[Token, ...]  # the words that have a key
    codes: WordCodes
    encoded: str

    @classmethod
    def of(cls, text: str) -> _Primary:
        tokens = tuple(t for t in tokenize(text) if t.key)
        codes = WordCodes()
        return cls(text, tokens, codes, codes.encode(t.key for t in tokens))


def source_quote(quote: str, primary: str) -> Sourced:
    """Find ``quote`` in the ``primary`` text and say how faithfully it is
    quoted (see the module docstring)."""
    return _source(quote, _Primary.of(primary))


def _source(quote: str, prepared: _Primary) -> Sourced:
    primary, tokens = prepared.text, prepared.tokens
    q_keys = keys(quote)
    if not q_keys or not tokens:
        return Sourced("not_found", 0.0, None)
    q_code, p_code = prepared.codes.encode(q_keys), prepared.encoded
    hit = fuzz.partial_ratio_alignment(q_code, p_code)
    score = round(float(hit.score), 1) if hit is not None else 0.0
    need = _MIN_SCORE if len(q_keys) >= 3 else 100.0
    if hit is None or score < need:
        return Sourced("not_found", score, None)
    # The window is as long as the quotation; keep only the words it shares
    # with it at each end (a quotation with "But" in front ends a word early).
    window = p_code[hit.dest_start : hit.dest_end]
    blocks = [b for b in Indel.opcodes(q_code, window).as_matching_blocks() if b.size]
    first = hit.dest_start + blocks[0].b
    last = hit.dest_start + blocks[-1].b + blocks[-1].size - 1
    # Words the quotation has before its first shared word (or after its
    # last) stand for the source's words there when these are in the same
    # sentence: a changed first word is a substitution, not two cuts.
    s_start, s_end = _sentence_around(primary, tokens[first].start, tokens[last].end)
    for _ in range(blocks[0].a):
        if first > 0 and tokens[first - 1].start >= s_start:
            first -= 1
    for _ in range(len(q_keys) - blocks[-1].a - blocks[-1].size):
        if last + 1 < len(tokens) and tokens[last + 1].end <= s_end:
            last += 1
    start, end = tokens[first].start, tokens[last].end
    before, after = _context(primary, start, end)
    span = SourceSpan(start, end, primary[start:end], before, after)
    diff = tuple(word_diff(span.text, quote))
    edits = list(classify_edits(span.text, quote, diff))
    # A quotation that stops short of its sentence's end, or starts after its
    # start, trimmed the source: the words it left are in the context.
    s_start, s_end = _sentence_around(primary, start, end)
    for where, cut in (("start", primary[s_start:start]), ("end", primary[end:s_end])):
        cut = _LABEL.sub("", cut)  # a transcript's "KEILAR:" is no part of what was said
        if keys(cut):
            edits.append(Edit("trimmed", "right", where, " ".join(cut.split()), ""))  # type: ignore[arg-type]
    if any(e.type == "trimmed" for e in edits):
        edits = [e for e in edits if e.type != "case_punctuation_only"]
    verdict: Verdict = "accurate" if all(op.op == "equal" for op in diff) else "edited"
    if verdict == "accurate" and any(e.type == "trimmed" for e in edits):
        verdict = "trimmed"
    return Sourced(verdict, score, span, tuple(edits), diff)


def _sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    sentences = sentence_spans(text)
    s_start = next((s for s, e in sentences if s <= start < e), start)
    s_end = next((e for s, e in sentences if s < end <= e), end)
    return s_start, s_end


def source_quotes(
    quotes: Sequence[Quote], primaries: Sequence[str]
) -> list[tuple[int | None, Sourced]]:
    """Each quotation checked against every primary text: the index of the
    one that carries it best (``None`` when none does) and the check."""
    prepared = [_Primary.of(primary) for primary in primaries]
    checked: list[tuple[int | None, Sourced]] = []
    for quote in quotes:
        best: tuple[int | None, Sourced] = (None, Sourced("not_found", 0.0, None))
        for index, primary in enumerate(prepared):
            found = _source(quote.text, primary)
            rank = (found.verdict != "not_found", found.score)
            if rank > (best[1].verdict != "not_found", best[1].score):
                best = (index if found.verdict != "not_found" else None, found)
        checked.append(best)
    return checked


def verdict_counts(checked: Iterable[Sourced]) -> dict[Verdict, int]:
    """How many of ``checked`` have each verdict (every verdict, 0 when none)."""
    counts = dict.fromkeys(get_args(Verdict), 0)
    for sourced in checked:
        counts[sourced.verdict] += 1
    return counts
