"""Grouping the quotations of every article of a story into statements.

Public API:

- ``Member``: one article of the story (its latest version): the caller's
  ``key`` for it, its quotes, and optionally its outlet, publication time
  and an ``order`` that breaks ties between equal or unknown times.
- ``Variant``: one member's rendering of a statement: the quote's index,
  its relation and score against the canonical wording, the word diff from
  the canonical to it, and the indexes of its repeats in that member.
- ``Statement``: the canonical variant, all variants, the member where the
  statement appears first, the members that carry it and those that omit it.
- ``StoryAlignment``: the statements, and for each member the indexes of the
  statements it omits.
- ``align_story(members)``: group the quotes of all members into statements.

Members are ordered by publication time (unknown times last), then
``order``, then ``key``; "earlier" below means earlier in that order.

How quotes are grouped (star clustering around a canonical wording, never
transitive chaining):

1. Every quote of every member is collected. Repeats of the same words
   (equal ``text.keys``) within one member count once and are kept as the
   variant's ``repeats``. Quotes with no word keys are ignored.
2. Quotes are ranked for canonical priority: more words first, then earlier
   member, then earlier in the text. The canonical wording of a statement
   is thus the longest, earliest.
3. Greedy, in that rank: an unassigned quote becomes the canonical of a new
   statement; then every still-unassigned quote of *another* member that
   ``align.judge_keys`` matches with the canonical itself joins it, with the
   relation and score of that judgement. A quote joins only when it matches
   the canonical, so two quotes are never grouped merely because each
   matches some third quote: if A~B and B~C but A≁C, A and C share a
   statement only when both match its canonical. A member may bring several
   quotes to one statement (an outlet that splits a statement in two: both
   parts are partial to the canonical); the canonical's own member brings
   none besides it (its other quotes are statements of their own).
   One exception keeps the closest wordings together: a quote does not join
   a canonical when another still-unassigned quote of the canonical's member
   matches it more closely (identical before reworded before partial); it
   waits for that one. So "Says who?" in three outlets stays one statement
   even when one outlet also has the longer "Says who? Says who?".
4. Candidates come from inverted indexes, so quotes are never compared all
   against all: quotes with the same word keys, and quotes sharing a content
   word (any other match needs one, see ``align.judge_keys``). A content
   word in more than ``max(64, 4 * len(members))`` quotes is not used for
   candidates, which keeps hostile input bounded. A candidate with too few
   words in common to pass ``judge_keys``'s thresholds is not judged (this
   changes no result), and each pair of distinct wordings is judged once.
5. Statements are ordered by most carriers, then earliest first appearance,
   then the canonical's member and position in the text.
6. A statement's ``omitted_by`` lists the members that carry no variant of
   it; ``omissions[key]`` lists the statements member ``key`` omits (every
   member has an entry, possibly empty).

>>> from service.core.quotes.extract import Quote
>>> wire = Member("wire", [Quote("We will not export them.", 0, 24)], order=1)
>>> paper = Member(
...     "paper", [Quote("But we will not export them", 0, 27), Quote("fake", 30, 34)], order=2
... )
>>> story = align_story([paper, wire])
>>> [[(v.member, v.quote, v.relation) for v in s.variants] for s in story.statements]
[[('paper', 0, 'canonical'), ('wire', 0, 'reworded')], [('paper', 1, 'canonical')]]
>>> story.statements[0].first, story.statements[1].omitted_by, dict(story.omissions)
('wire', ('wire',), {'wire': (1,), 'paper': ()})
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Literal

from service.core.alignment.quotes import Judgement, Relation, content_words, judge_keys
from service.core.diff import DiffOp, words_diff
from service.core.quotes.extract import Quote
from service.core.text import keys, words

__all__ = ["Member", "Statement", "StoryAlignment", "Variant", "align_story"]

VariantRelation = Literal["canonical", "identical", "reworded", "partial"]

# A content word in more quotes than this (or 4 per member, if more) is not
# used to find candidates: see rule 4 of the module docstring.
_MIN_POSTINGS = 64

_CLOSENESS: dict[Relation, int] = {"partial": 0, "reworded": 1, "identical": 2}


@dataclass(frozen=True, slots=True)
class Member:
    """One article of the story (its latest version)."""

    key: str
    quotes: Sequence[Quote]
    outlet: str | None = None
    published: datetime | None = None  # None: unknown, after every known time
    order: int = 0  # breaks ties between equal or unknown times


@dataclass(frozen=True, slots=True)
class Variant:
    member: str
    quote: int
    relation: VariantRelation
    score: float  # 0-100 against the canonical, 100 for the canonical itself
    diff: tuple[DiffOp, ...]  # canonical's words to this one's; () for the canonical
    repeats: tuple[int, ...]  # the member's other quotes with the same words


@dataclass(frozen=True, slots=True)
class Statement:
    canonical: Variant
    variants: tuple[Variant, ...]  # canonical first, then by member and position
    first: str  # the earliest member that carries it
    carried_by: tuple[str, ...]  # earliest first
    omitted_by: tuple[str, ...]  # in member order


@dataclass(frozen=True, slots=True)
class StoryAlignment:
    statements: tuple[Statement, ...]
    omissions: Mapping[str, tuple[int, ...]]  # member key -> statements it omits


@dataclass(slots=True)
class _Wording:
    """One member's distinct wording: its first quote and its repeats."""

    member: int  # rank of the member
    quote: int
    repeats: tuple[int, ...]
    keys: list[str]
    content: list[str]
    position: int  # where the first occurrence starts in the text
    distinct: frozenset[str]  # the keys as a set, for ``_may_match``
    size: int  # len(keys)
    repeated: int  # size - len(distinct)


def _member_rank(m: Member) -> tuple[bool, datetime | None, int, str]:
    # ``published`` is only compared between members that both have one.
    return (m.published is None, m.published, m.order, m.key)


def _wordings(rank: int, quotes: Sequence[Quote]) -> list[_Wording]:
    by_keys: dict[tuple[str, ...], list[int]] = {}
    for i in sorted(range(len(quotes)), key=lambda i: (quotes[i].start, i)):
        k = tuple(keys(quotes[i].text))
        if k:
            by_keys.setdefault(k, []).append(i)
    return [
        _Wording(
            member=rank,
            quote=g[0],
            repeats=tuple(g[1:]),
            keys=list(k),
            content=content_words(k),
            position=quotes[g[0]].start,
            distinct=frozenset(k),
            size=len(k),
            repeated=len(k) - len(set(k)),
        )
        for k, g in by_keys.items()
    ]


def _may_match(
    a: _Wording, b: _Wording, min_similarity: float, min_cover: float, min_run: int
) -> bool:
    """False only when ``judge_keys`` cannot match the two: a bound, cheap
    next to the judgement, that spares judging most pairs sharing a word.

    Every verdict but *identical* (which needs equal lengths) needs ``m``
    words in common in order (``m`` <= the multiset overlap ``o``) and one of:
    similarity ``2m / (len a + len b) >= min_similarity``; a run of
    ``min_run`` words; or a window of the longer quote scoring ``min_cover``
    against the shorter (``s`` words), an Indel ratio ``2m / (s + w)`` with
    ``m <= w``, so at most ``2o / (s + o)``. The overlap is bounded by the
    shared distinct words plus the fewer repeated words of either side.
    """
    la, lb = a.size, b.size
    if la == lb:
        return True
    o = len(a.distinct & b.distinct) + min(a.repeated, b.repeated)
    s = min(la, lb)
    return (
        o >= min_run
        or (o >= 2 and 2 * o >= min_similarity * (la + lb) - 1e-9)
        or 2 * o >= min_cover * (s + o) - 1e-9
    )


def align_story(
    members: Sequence[Member],
    *,
    min_similarity: float = 0.6,
    min_content_similarity: float = 0.5,
    min_cover: float = 0.8,
    min_run: int = 6,
    partial_overhang: int = 3,
) -> StoryAlignment:
    """Group the quotes of a story's members into statements (see the
    module docstring). The keyword knobs are ``align.align_quotes``'s.

    Member keys must be unique; publication times must be comparable with
    each other (all naive or all aware).
    """
    ordered = sorted(members, key=_member_rank)
    names = [m.key for m in ordered]
    if len(set(names)) != len(names):
        raise ValueError("member keys must be unique")

    items = [w for rank, m in enumerate(ordered) for w in _wordings(rank, m.quotes)]
    # Canonical priority: longest, then earliest member, then earliest in text.
    items.sort(key=lambda w: (-w.size, w.member, w.position, w.quote))

    limit = max(_MIN_POSTINGS, 4 * len(ordered))
    by_word: dict[str, list[int]] = {}
    by_keys: dict[tuple[str, ...], list[int]] = {}
    for n, w in enumerate(items):
        for word in set(w.content):
            by_word.setdefault(word, []).append(n)
        by_keys.setdefault(tuple(w.keys), []).append(n)

    found: dict[int, list[int]] = {}

    def candidates(n: int) -> list[int]:
        """Quotes that may match ``items[n]``: same words or a content word
        shared, in canonical-priority order."""
        if n not in found:
            w = items[n]
            pool = set(by_keys[tuple(w.keys)])
            for word in set(w.content):
                postings = by_word[word]
                # A word in very many quotes tells them apart from none (and
                # would make the candidates quadratic): a real match shares
                # rarer ones.
                if len(postings) <= limit:
                    pool.update(postings)
            pool.discard(n)
            found[n] = sorted(pool)
        return found[n]

    # A verdict depends on the words alone, and outlets running the same
    # copy repeat them: each pair of distinct wordings is judged once.
    wording = {k: i for i, k in enumerate(by_keys)}
    ids = [wording[tuple(w.keys)] for w in items]
    verdicts: dict[tuple[int, int], Judgement | None] = {}

    def judge(a: int, b: int) -> Judgement | None:
        pair = (ids[a], ids[b])
        if pair not in verdicts:
            if not _may_match(items[a], items[b], min_similarity, min_cover, min_run):
                verdicts[pair] = None
                return None
            verdicts[pair] = judge_keys(
                items[a].keys,
                items[b].keys,
                items[a].content,
                items[b].content,
                min_similarity=min_similarity,
                min_content_similarity=min_content_similarity,
                min_cover=min_cover,
                min_run=min_run,
                partial_overhang=partial_overhang,
            )
        return verdicts[pair]

    assigned = [False] * len(items)

    def closer_in(member: int, c: int, relation: Relation) -> bool:
        """Whether another unassigned quote of ``member`` matches ``items[c]``
        more closely than ``relation``."""
        for d in candidates(c):
            if not assigned[d] and items[d].member == member:
                j = judge(d, c)
                if j is not None and _CLOSENESS[j.relation] > _CLOSENESS[relation]:
                    return True
        return False

    groups: list[list[tuple[int, VariantRelation, float]]] = []
    for n, canon in enumerate(items):
        if assigned[n]:
            continue
        assigned[n] = True
        group: list[tuple[int, VariantRelation, float]] = [(n, "canonical", 100.0)]
        for c in candidates(n):
            if assigned[c] or items[c].member == canon.member:
                continue
            j = judge(n, c)
            if j is None:
                continue
            # It waits for a closer wording of the same member (rule 3).
            if j.relation != "identical" and closer_in(canon.member, c, j.relation):
                continue
            assigned[c] = True
            group.append((c, j.relation, j.score))
        groups.append(group)

    texts = [[q.text for q in m.quotes] for m in ordered]
    built = [_statement(group, items, names, texts) for group in groups]
    # Most carriers, earliest first appearance, then the canonical's place.
    built.sort(key=lambda b: (-len(b[1].carried_by), b[0]))
    statements = tuple(st for _, st in built)
    omitted: dict[str, list[int]] = {k: [] for k in names}
    for s, statement in enumerate(statements):
        for k in statement.omitted_by:
            omitted[k].append(s)
    omissions = {k: tuple(v) for k, v in omitted.items()}
    return StoryAlignment(statements, MappingProxyType(omissions))


def _statement(
    group: list[tuple[int, VariantRelation, float]],
    items: Sequence[_Wording],
    names: Sequence[str],
    texts: Sequence[Sequence[str]],
) -> tuple[tuple[int, int, int, int], Statement]:
    """A group (canonical first) as a ``Statement``, with its sort key:
    first carrier's rank, the canonical's member rank, position and index."""
    canon = items[group[0][0]]
    canon_words = words(texts[canon.member][canon.quote])
    variants: list[Variant] = []
    for c, relation, score in sorted(
        group, key=lambda g: (g[1] != "canonical", items[g[0]].member, items[g[0]].position, g[0])
    ):
        w = items[c]
        diff = (
            ()
            if relation == "canonical"
            else tuple(words_diff(canon_words, words(texts[w.member][w.quote])))
        )
        variants.append(Variant(names[w.member], w.quote, relation, score, diff, w.repeats))
    carriers = sorted({items[c].member for c, _, _ in group})
    carrying = set(carriers)
    statement = Statement(
        canonical=variants[0],
        variants=tuple(variants),
        first=names[carriers[0]],
        carried_by=tuple(names[r] for r in carriers),
        omitted_by=tuple(k for r, k in enumerate(names) if r not in carrying),
    )
    return (carriers[0], canon.member, canon.position, canon.quote), statement
