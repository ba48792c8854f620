"""What the pages show, computed from the core's results: pure, no web code.

A side-by-side comparison (``comparison_view``) is each side's quotations
as a page shows them (``QuoteView``: relation to the other side, or
``omitted``, partners, and words as runs with the ones the other side
changed marked), each side's paragraphs as pieces (plain text, a
quotation's part, or text of a passage the other side lacks) with the
omitted quotations flagged in the margin, and the matched pairs with their
typed edits and drift. A version diff is one stream of runs showing the old
text becoming the new (``unified_runs``).

>>> from service.core.diff import word_diff
>>> [(r.mark, r.text) for r in marked_runs("But we win", word_diff("But we win", "we win"), "left")]
[('del', 'But'), (None, ' we win')]
>>> [(r.mark, r.text) for r in unified_runs("a b\\nc", "a x\\nc", word_diff("a b\\nc", "a x\\nc"))]
[(None, 'a '), ('del', 'b'), (None, ' '), ('ins', 'x'), (None, '\\nc')]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal
from urllib.parse import urlsplit

from service.core import Comparison
from service.core.alignment.passages import Passage, PassageAlignment
from service.core.alignment.quotes import Match
from service.core.diff import DiffOp, count_words
from service.core.insight.echoes import Echo
from service.core.insight.edits import Edit
from service.core.quotes.extract import Quote
from service.core.text import tokenize

__all__ = [
    "RELATIONS",
    "ComparisonView",
    "PairView",
    "Paragraph",
    "QuoteFragment",
    "QuoteView",
    "Run",
    "SideView",
    "Unshared",
    "comparison_view",
    "link_target",
    "marked_runs",
    "unified_runs",
]


def link_target(url: str | None) -> str | None:
    """``url`` when a page may make it a link: an http(s) URL with a host.
    Anything else an article's ``url`` holds (a ``urn:``, a ninjs ``uri``, a
    ``javascript:`` or ``data:`` URL) is shown as text, never as a link.

    >>> link_target("https://daily.example/a1"), link_target("HTTP://x.example")
    ('https://daily.example/a1', 'HTTP://x.example')
    >>> [link_target(u) for u in ("javascript:alert(1)", " https://x.example", "urn:x:1", "https:///x")]
    [None, None, None, None]
    """
    if url is None or not url.lower().startswith(("http://", "https://")):
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:  # a malformed IPv6 literal, say
        return None
    return url if host else None


Mark = Literal["ins", "del"] | None
SideName = Literal["left", "right"]

# Relation → (symbol, label): the page never shows a relation by colour alone.
RELATIONS: dict[str, tuple[str, str]] = {
    "identical": ("=", "identical"),
    "reworded": ("≈", "reworded"),
    "partial": ("⊂", "partial"),
    "omitted": ("∅", "only on this side"),
    "canonical": ("★", "canonical wording"),  # a story's reference wording
}
_RANK = {"identical": 0, "reworded": 1, "partial": 2}


@dataclass(frozen=True, slots=True)
class Run:
    text: str
    mark: Mark = None


def _merge(runs: list[Run]) -> list[Run]:
    merged: list[Run] = []
    for run in runs:
        if run.text and merged and merged[-1].mark == run.mark:
            merged[-1] = Run(merged[-1].text + run.text, run.mark)
        elif run.text:
            merged.append(run)
    return merged


def marked_runs(text: str, ops: Sequence[DiffOp], side: SideName) -> list[Run]:
    """``text`` (one side of the word diff ``ops``) as runs, the words that
    only ``side`` has marked ``del`` on either side: one mark for "the other
    side lacks these words" in every view of a comparison (struck through),
    where ``ins`` for the right side's read as words someone added. Whitespace
    between words stays as written. Should the ops not cover ``text`` word
    for word, the text comes back unmarked rather than wrongly marked."""
    tokens = tokenize(text)
    changed: Mark = "del"
    runs: list[Run] = []
    pos = k = 0
    for op in ops:
        n = count_words(op.left if side == "left" else op.right)
        if n == 0:
            continue
        if k + n > len(tokens):
            return [Run(text)]
        start, end = tokens[k].start, tokens[k + n - 1].end
        runs.append(Run(text[pos:start]))
        runs.append(Run(text[start:end], None if op.op == "equal" else changed))
        pos, k = end, k + n
    if k != len(tokens):
        return [Run(text)]
    runs.append(Run(text[pos:]))
    return _merge(runs)


def unified_runs(old: str, new: str, ops: Sequence[DiffOp]) -> list[Run]:
    """One stream showing ``old`` becoming ``new``: shared and inserted words
    as ``new`` writes them (with its spacing and line breaks), deleted words
    as ``old`` did, each deletion before the insertion that replaces it."""
    old_tokens, new_tokens = tokenize(old), tokenize(new)
    runs: list[Run] = []
    i = j = 0
    new_pos = 0  # how far into ``new`` the stream has reached

    def take_new(n: int, mark: Mark) -> None:
        nonlocal j, new_pos
        start, end = new_tokens[j].start, new_tokens[j + n - 1].end
        runs.append(Run(new[new_pos:start]))
        runs.append(Run(new[start:end], mark))
        j, new_pos = j + n, end

    for op in ops:
        n_old, n_new = count_words(op.left), count_words(op.right)
        if i + n_old > len(old_tokens) or j + n_new > len(new_tokens):
            break
        if op.op == "equal":
            take_new(n_new, None)
            i += n_old
            continue
        if n_old:
            start, end = old_tokens[i].start, old_tokens[i + n_old - 1].end
            # The gap before a deletion comes from ``new`` (where it sits).
            if j < len(new_tokens) or new_pos < len(new):
                gap = new[new_pos : new_tokens[j].start] if j < len(new_tokens) else new[new_pos:]
                runs.append(Run(gap))
                new_pos += len(gap)
            elif runs:
                runs.append(Run(" "))
            runs.append(Run(old[start:end], "del"))
            runs.append(Run(" "))  # keeps it apart from what follows
            i += n_old
        if n_new:
            take_new(n_new, "ins")
    runs.append(Run(new[new_pos:]))
    return _merge(runs)


@dataclass(frozen=True, slots=True)
class QuoteView:
    id: str
    quote: Quote
    relation: str
    partners: tuple[str, ...]
    score: float | None
    runs: tuple[Run, ...]

    @property
    def symbol(self) -> str:
        return RELATIONS[self.relation][0]

    @property
    def label(self) -> str:
        return RELATIONS[self.relation][1]


@dataclass(frozen=True, slots=True)
class QuoteFragment:
    """The part of a quotation inside one paragraph (a quotation running on
    over a line break is shown in pieces; ``first`` holds its anchor)."""

    view: QuoteView
    runs: tuple[Run, ...]
    first: bool
    kind: ClassVar[str] = "quote"


@dataclass(frozen=True, slots=True)
class Unshared:
    """Plain text of a passage the other side lacks (``first``: where the
    passage begins)."""

    text: str
    first: bool
    kind: ClassVar[str] = "unshared"


@dataclass(frozen=True, slots=True)
class Paragraph:
    pieces: tuple[str | QuoteFragment | Unshared, ...]
    flagged: tuple[QuoteView, ...]
    # The passages the other side lacks that begin in this paragraph.
    passages: tuple[Passage, ...] = ()


@dataclass(frozen=True, slots=True)
class SideView:
    name: SideName
    outlet: str | None
    quotes: tuple[QuoteView, ...]
    paragraphs: tuple[Paragraph, ...]

    @property
    def omitted(self) -> tuple[QuoteView, ...]:
        return tuple(q for q in self.quotes if q.relation == "omitted")


@dataclass(frozen=True, slots=True)
class PairView:
    left: QuoteView
    right: QuoteView
    relation: str
    score: float
    diff: tuple[DiffOp, ...]
    edits: tuple[Edit, ...] = ()
    drift: str | None = None

    @property
    def id(self) -> str:
        return f"{self.left.id}-{self.right.id}"

    @property
    def left_runs(self) -> list[Run]:
        """The left quotation's words, those the right one lacks marked."""
        return marked_runs(self.left.quote.text, self.diff, "left")

    @property
    def right_runs(self) -> list[Run]:
        """The right quotation's words, those the left one lacks marked."""
        return marked_runs(self.right.quote.text, self.diff, "right")

    @property
    def symbol(self) -> str:
        return RELATIONS[self.relation][0]


@dataclass(frozen=True, slots=True)
class ComparisonView:
    left: SideView
    right: SideView
    pairs: tuple[PairView, ...]
    echoes: dict[str, Echo] = field(default_factory=dict)  # by omitted quotation's id

    @property
    def drifted(self) -> tuple[PairView, ...]:
        return tuple(p for p in self.pairs if p.drift is not None)

    @property
    def counts(self) -> dict[str, int]:
        """Matched pairs by relation, every relation present (0 when none)."""
        found = Counter(p.relation for p in self.pairs)
        return {r: found[r] for r in ("identical", "reworded", "partial")}


def _paragraphs(
    text: str, quotes: Sequence[QuoteView], passages: Sequence[Passage] = ()
) -> tuple[Paragraph, ...]:
    """``text`` cut at line breaks into paragraphs, each quotation's runs
    placed where it stands and the plain text of ``passages`` (the ones the
    other side lacks) set apart (blank lines are dropped)."""
    paragraphs: list[Paragraph] = []
    pending = sorted(quotes, key=lambda q: q.quote.start)
    spans = sorted((p.start, p.end) for p in passages)
    offset = 0
    for line in text.split("\n"):
        start, end = offset, offset + len(line)
        offset = end + 1
        pieces: list[str | QuoteFragment | Unshared] = []
        flagged: list[QuoteView] = []
        pos = start
        for view in pending:
            q = view.quote
            if q.end <= start or q.start >= end:
                continue
            lo, hi = max(q.start, start), min(q.end, end)
            if lo < pos:
                continue  # overlaps a quotation already placed
            pieces += _plain(text, pos, lo, spans)
            runs = tuple(_slice(view.runs, lo - q.start, hi - q.start))
            # A quotation running on over a line break is shown in pieces.
            first = q.start >= start
            pieces.append(QuoteFragment(view, runs, first))
            if first and view.relation == "omitted":
                flagged.append(view)
            pos = hi
        if text[start:end].strip():
            pieces += _plain(text, pos, end, spans)
            opened = tuple(p for p in passages if start <= p.start < end)
            paragraphs.append(Paragraph(tuple(p for p in pieces if p), tuple(flagged), opened))
    return tuple(paragraphs)


def _plain(text: str, lo: int, hi: int, spans: Sequence[tuple[int, int]]) -> list[str | Unshared]:
    """``text[lo:hi]`` (no quotation in it), the parts inside ``spans`` as
    ``Unshared``."""
    out: list[str | Unshared] = []
    for start, end in spans:
        if end <= lo or start >= hi:
            continue
        a, b = max(start, lo), min(end, hi)
        if a > lo:
            out.append(text[lo:a])
        out.append(Unshared(text[a:b], a == start))
        lo = b
    if lo < hi:
        out.append(text[lo:hi])
    return out


def _slice(runs: Sequence[Run], lo: int, hi: int) -> list[Run]:
    """The runs' text between offsets ``lo`` and ``hi`` of their joined text."""
    out: list[Run] = []
    at = 0
    for run in runs:
        a, b = max(lo, at), min(hi, at + len(run.text))
        if a < b:
            out.append(Run(run.text[a - at : b - at], run.mark))
        at += len(run.text)
    return out


_NO_PASSAGES = PassageAlignment((), (), (), (), ())


def _closeness(m: Match) -> tuple[int, float]:
    return _RANK[m.relation], -m.score


def comparison_view(comparison: Comparison) -> ComparisonView:
    """The side-by-side view of ``comparison``: each quotation's relation
    (its closest match when it has several), partners and marked words."""
    lq, rq = comparison.left.quotes, comparison.right.quotes
    lids = [f"L{i}" for i in range(1, len(lq) + 1)]
    rids = [f"R{i}" for i in range(1, len(rq) + 1)]
    # Per side, each quotation's partners and its closest match (identical
    # before reworded before partial, then the higher score).
    partners: dict[SideName, dict[int, list[str]]] = {"left": {}, "right": {}}
    closest: dict[SideName, dict[int, Match]] = {"left": {}, "right": {}}
    for m in comparison.alignment.matches:
        sides: tuple[tuple[SideName, int, str], ...] = (
            ("left", m.left, rids[m.right]),
            ("right", m.right, lids[m.left]),
        )
        for name, index, partner in sides:
            partners[name].setdefault(index, []).append(partner)
            known = closest[name].get(index)
            if known is None or _closeness(m) < _closeness(known):
                closest[name][index] = m

    def views(name: SideName, quotes: Sequence[Quote], ids: list[str]) -> list[QuoteView]:
        out = []
        for i, (qid, q) in enumerate(zip(ids, quotes, strict=True)):
            m = closest[name].get(i)
            if m is None:
                out.append(QuoteView(qid, q, "omitted", (), None, (Run(q.text),)))
                continue
            runs = tuple(marked_runs(q.text, m.diff, name))
            out.append(QuoteView(qid, q, m.relation, tuple(partners[name][i]), m.score, runs))
        return out

    left_views, right_views = views("left", lq, lids), views("right", rq, rids)
    insight = comparison.insight
    found = insight.pairs if insight else [None] * len(comparison.alignment.matches)
    pairs = tuple(
        PairView(
            left_views[m.left],
            right_views[m.right],
            m.relation,
            m.score,
            m.diff,
            p.edits if p else (),
            p.drift if p else None,
        )
        for m, p in zip(comparison.alignment.matches, found, strict=True)
    )
    ids = {"left": lids, "right": rids}
    echoes = {ids[e.side][e.index]: e.echo for e in insight.echoes} if insight else {}
    unshared = comparison.passages or _NO_PASSAGES
    left = SideView(
        "left",
        comparison.left.outlet,
        tuple(left_views),
        _paragraphs(comparison.left.text, left_views, unshared.left_only),
    )
    right = SideView(
        "right",
        comparison.right.outlet,
        tuple(right_views),
        _paragraphs(comparison.right.text, right_views, unshared.right_only),
    )
    return ComparisonView(left, right, pairs, echoes)
