"""Grouping the quotations of every article of a story into statements.

Each article (a ``Member``) brings its quotations; the result is a
``StoryAlignment``: the statements, each a canonical wording and every
member's variant of it, and the statements each member omits.

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
   ``alignment.quotes.judge_keys`` matches with the canonical itself joins
   it, with the relation and score of that judgement. A quote joins only when it matches
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
4. Candidates come from an inverted index (``alignment.blocker``), so quotes
   are never compared all against all: quotes with the same word keys, and
   quotes sharing a content word (any other match needs one). A content
   word in more than ``max(MAX_POSTINGS, 4 * len(members))`` quotes is not
   used for candidates, and a quote's candidates stop at that many: its
   content words are taken rarest first (a variant shares the rare ones),
   and the word that fills the place gives its quotes in canonical-priority
   order. So a quote is judged against a bounded number of others however
   long it is or however its words are spread, and the work grows linearly
   with the quotes (for a given number of members), not with their words
   times their postings. A candidate with too few words in common to pass
   the ``rules``' thresholds is not judged (this changes no result), and
   each pair of distinct wordings is judged once.
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
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Literal

from service.core.alignment.blocker import MAX_POSTINGS, Blocker
from service.core.alignment.quotes import Judgement, Relation, content_words, judge_keys
from service.core.alignment.rules import DEFAULT_RULES, MatchRules
from service.core.diff import DiffOp, words_diff
from service.core.quotes.extract import Quote
from service.core.text import keys, words

__all__ = [
    "Member",
    "Statement",
    "StoryAlignment",
    "StoryMemo",
    "Variant",
    "VariantRelation",
    "align_story",
]

# How a variant relates to its statement's canonical wording.
VariantRelation = Literal["canonical", "identical", "reworded", "partial"]


@dataclass(slots=True)
class StoryMemo:
    """What ``align_story`` keeps between calls (its ``memo``), for calls
    with the same rules: a story aligned again with most of its quotations
    unchanged (one article has a new version) works out only what it has
    not met before. Each entry is a pure function of its key, so an
    alignment is the same with a memo or without; the caller bounds its
    ``size``.

    - ``verdicts``: ``judge_keys`` on a pair of wordings, by their word
      keys in the order judged;
    - ``diffs``: a variant's word diff against its canonical wording, by
      the two texts;
    - ``words``: a quotation's word keys and content words, by its text;
    - ``wordings``: a member's distinct wordings, by its rank in the story
      and its quotations' texts and offsets (most members of a story
      aligned again are as they were, and in the same place).
    """

    verdicts: dict[tuple[tuple[str, ...], tuple[str, ...]], Judgement | None] = field(
        default_factory=dict
    )
    diffs: dict[tuple[str, str], tuple[DiffOp, ...]] = field(default_factory=dict)
    words: dict[str, tuple[tuple[str, ...], list[str]]] = field(default_factory=dict)
    wordings: dict[tuple[int, tuple[tuple[str, int], ...]], list[_Wording]] = field(
        default_factory=dict
    )

    @property
    def size(self) -> int:
        """Entries kept, of all four kinds."""
        return len(self.verdicts) + len(self.diffs) + len(self.words) + len(self.wordings)


# A story of many members allows a content word in more quotes than the
# blocker's default before it stops finding candidates: four per member.
_POSTINGS_PER_MEMBER = 4

_CLOSENESS: dict[Relation, int] = {"partial": 0, "reworded": 1, "identical": 2}


@dataclass(frozen=True, slots=True)
class Member:
    """One article of the story (its latest version): the caller's ``key``
    for it, its quotes, and optionally its outlet, publication time and an
    ``order`` that breaks ties between equal or unknown times."""

    key: str
    quotes: Sequence[Quote]
    outlet: str | None = None
    published: datetime | None = None  # None: unknown, after every known time
    order: int = 0  # breaks ties between equal or unknown times


@dataclass(frozen=True, slots=True)
class Variant:
    """One member's rendering of a statement."""

    member: str
    quote: int
    relation: VariantRelation
    score: float  # 0-100 against the canonical, 100 for the canonical itself
    diff: tuple[DiffOp, ...]  # canonical's words to this one's; () for the canonical
    repeats: tuple[int, ...]  # the member's other quotes with the same words


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of the story: its canonical variant, all its variants,
    the member where it appears first, and the members that carry it and
    those that omit it."""

    canonical: Variant
    variants: tuple[Variant, ...]  # canonical first, then by member and position
    first: str  # the earliest member that carries it
    carried_by: tuple[str, ...]  # earliest first
    omitted_by: tuple[str, ...]  # in member order


@dataclass(frozen=True, slots=True)
class StoryAlignment:
    """The statements, and for each member the statements it omits."""

    statements: tuple[Statement, ...]
    omissions: Mapping[str, tuple[int, ...]]  # member key -> statements it omits


@dataclass(slots=True)
class _Wording:
    """One member's distinct wording: its first quote and its repeats."""

    member: int  # rank of the member
    quote: int
    repeats: tuple[int, ...]
    keys: tuple[str, ...]
    content: list[str]
    position: int  # where the first occurrence starts in the text
    distinct: frozenset[str]  # the keys as a set, for ``_may_match``
    size: int  # len(keys)
    repeated: int  # size - len(distinct)


# One group: the canonical's index first, then each quote that joined it,
# with its relation and score against the canonical.
_Group = list[tuple[int, VariantRelation, float]]


def _member_rank(m: Member) -> tuple[bool, datetime | None, int, str]:
    # ``published`` is only compared between members that both have one.
    return (m.published is None, m.published, m.order, m.key)


def _wordings(rank: int, quotes: Sequence[Quote], memo: StoryMemo) -> list[_Wording]:
    """The member's distinct wordings (repeats of the same words in one),
    found in ``memo`` or worked out and kept there. Never changed after:
    the memo's lists are shared by the alignments that find them."""
    key = (rank, tuple([(q.text, q.start) for q in quotes]))
    found = memo.wordings.get(key)
    if found is None:
        found = memo.wordings[key] = _distinct_wordings(rank, quotes, memo)
    return found


def _distinct_wordings(rank: int, quotes: Sequence[Quote], memo: StoryMemo) -> list[_Wording]:
    by_keys: dict[tuple[str, ...], list[int]] = {}
    content_of: dict[tuple[str, ...], list[str]] = {}
    for i in sorted(range(len(quotes)), key=lambda i: (quotes[i].start, i)):
        text = quotes[i].text
        found = memo.words.get(text)
        if found is None:
            k = tuple(keys(text))
            found = memo.words[text] = (k, content_words(k))
        k, content = found
        if k:
            by_keys.setdefault(k, []).append(i)
            content_of[k] = content
    return [
        _Wording(
            member=rank,
            quote=g[0],
            repeats=tuple(g[1:]),
            keys=k,
            content=content_of[k],
            position=quotes[g[0]].start,
            distinct=frozenset(k),
            size=len(k),
            repeated=len(k) - len(set(k)),
        )
        for k, g in by_keys.items()
    ]


def _may_match(a: _Wording, b: _Wording, rules: MatchRules) -> bool:
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
        o >= rules.min_run
        or (o >= 2 and 2 * o >= rules.min_similarity * (la + lb) - 1e-9)
        or 2 * o >= rules.min_cover * (s + o) - 1e-9
    )


class _Clustering:
    """The greedy star clustering of rule 3 over wordings in canonical-priority
    order, with the state its steps share: the blocker that finds candidates
    (rule 4) and each wording's candidates once found, the verdicts reached
    so far, and which wordings already belong to a statement."""

    def __init__(
        self,
        items: Sequence[_Wording],
        members: int,
        rules: MatchRules,
        known: StoryMemo,
    ) -> None:
        self.items = items
        self.rules = rules
        self.blocker = Blocker(
            [w.keys for w in items],
            [w.content for w in items],
            max_postings=max(MAX_POSTINGS, _POSTINGS_PER_MEMBER * members),
        )
        self.found: dict[int, list[int]] = {}
        # A verdict depends on the words alone, and outlets running the same
        # copy repeat them: each pair of distinct wordings is judged once.
        wording = {k: i for i, k in enumerate(self.blocker.by_keys)}
        self.ids = [wording[w.keys] for w in items]
        self.verdicts: dict[tuple[int, int], Judgement | None] = {}
        # Verdicts of earlier alignments, by the wordings' keys.
        self.known = known.verdicts
        self.keys_of = list(self.blocker.by_keys)
        self.assigned = [False] * len(items)

    def groups(self) -> list[_Group]:
        """Every statement's group, canonical first, in canonical order."""
        return [self.gather(n) for n in range(len(self.items)) if not self.assigned[n]]

    def gather(self, n: int) -> _Group:
        """Make ``items[n]`` a canonical and gather the quotes that join it."""
        canon = self.items[n]
        self.assigned[n] = True
        group: _Group = [(n, "canonical", 100.0)]
        for c in self.candidates(n):
            if self.assigned[c] or self.items[c].member == canon.member:
                continue
            j = self.judge(n, c)
            if j is None:
                continue
            # It waits for a closer wording of the same member (rule 3).
            if j.relation != "identical" and self.closer_in(canon.member, c, j.relation):
                continue
            self.assigned[c] = True
            group.append((c, j.relation, j.score))
        return group

    def candidates(self, n: int) -> list[int]:
        """Quotes that may match ``items[n]``, in canonical-priority order:
        those with the same words, then those sharing a content word, its
        rarest words first, until there are ``max_postings`` (rule 4)."""
        if n not in self.found:
            w = self.items[n]
            blocker, cap = self.blocker, self.blocker.max_postings
            pool = set(blocker.by_keys.get(w.keys, ()))
            # Rarest first, then by the word itself: the same input gives the
            # same candidates in every process, whatever its hash seed.
            rarest = sorted((len(blocker.by_word[c]), c) for c in set(w.content))
            for size, word in rarest:
                if size > cap or len(pool) >= cap:
                    break
                postings = blocker.by_word[word]
                if len(pool) + size <= cap:
                    pool.update(postings)
                    continue
                for c in postings:  # earliest in canonical priority first
                    pool.add(c)
                    if len(pool) >= cap:
                        break
            pool.discard(n)
            self.found[n] = sorted(pool)
        return self.found[n]

    def judge(self, a: int, b: int) -> Judgement | None:
        """``judge_keys`` on ``items[a]`` and ``items[b]``, once per pair of
        distinct wordings, skipped when ``_may_match`` rules a match out."""
        pair = (self.ids[a], self.ids[b])
        if pair not in self.verdicts:
            x, y = self.items[a], self.items[b]
            verdict = None
            if _may_match(x, y, self.rules):
                key = (self.keys_of[pair[0]], self.keys_of[pair[1]])
                if key in self.known:
                    verdict = self.known[key]
                else:
                    verdict = judge_keys(x.keys, y.keys, x.content, y.content, rules=self.rules)
                    self.known[key] = verdict
            self.verdicts[pair] = verdict
        return self.verdicts[pair]

    def closer_in(self, member: int, c: int, relation: Relation) -> bool:
        """Whether another unassigned quote of ``member`` matches ``items[c]``
        more closely than ``relation``."""
        for d in self.candidates(c):
            if not self.assigned[d] and self.items[d].member == member:
                j = self.judge(d, c)
                if j is not None and _CLOSENESS[j.relation] > _CLOSENESS[relation]:
                    return True
        return False


def align_story(
    members: Sequence[Member],
    *,
    rules: MatchRules = DEFAULT_RULES,
    memo: StoryMemo | None = None,
) -> StoryAlignment:
    """Group the quotes of a story's members into statements (see the
    module docstring), judging pairs by ``rules``.

    ``memo``, when given, is read and added to: what this alignment works
    out that a later one may need again (see ``StoryMemo``), for later
    calls *with the same rules*. The answer is the same with it or without.

    Member keys must be unique; publication times must be comparable with
    each other (all naive or all aware).
    """
    ordered = sorted(members, key=_member_rank)
    names = [m.key for m in ordered]
    if len(set(names)) != len(names):
        raise ValueError("member keys must be unique")

    memo = memo if memo is not None else StoryMemo()
    items = [w for rank, m in enumerate(ordered) for w in _wordings(rank, m.quotes, memo)]
    # Canonical priority: longest, then earliest member, then earliest in text.
    items.sort(key=lambda w: (-w.size, w.member, w.position, w.quote))
    groups = _Clustering(items, len(ordered), rules, memo).groups()

    texts = [[q.text for q in m.quotes] for m in ordered]
    built = [_statement(group, items, names, texts, memo.diffs) for group in groups]
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
    group: _Group,
    items: Sequence[_Wording],
    names: Sequence[str],
    texts: Sequence[Sequence[str]],
    diffs: dict[tuple[str, str], tuple[DiffOp, ...]],
) -> tuple[tuple[int, int, int, int], Statement]:
    """A group (canonical first) as a ``Statement``, with its sort key:
    first carrier's rank, the canonical's member rank, position and index;
    each variant's diff found in ``diffs``, or computed and kept there."""
    canon = items[group[0][0]]
    canon_text = texts[canon.member][canon.quote]
    canon_words: list[str] | None = None
    variants: list[Variant] = []
    for c, relation, score in sorted(
        group, key=lambda g: (g[1] != "canonical", items[g[0]].member, items[g[0]].position, g[0])
    ):
        w = items[c]
        diff: tuple[DiffOp, ...] = ()
        if relation != "canonical":
            text = texts[w.member][w.quote]
            found = diffs.get((canon_text, text))
            if found is None:
                if canon_words is None:
                    canon_words = words(canon_text)
                found = diffs[(canon_text, text)] = tuple(words_diff(canon_words, words(text)))
            diff = found
        variants.append(Variant(names[w.member], w.quote, relation, score, diff, w.repeats))
    carriers = sorted({items[c].member for c, _, _ in group})
    # The members between and after the carriers, in rank order: most
    # statements are carried by few of a story's members.
    omitted_by: list[str] = []
    after = 0
    for r in carriers:
        omitted_by += names[after:r]
        after = r + 1
    omitted_by += names[after:]
    statement = Statement(
        canonical=variants[0],
        variants=tuple(variants),
        first=names[carriers[0]],
        carried_by=tuple(names[r] for r in carriers),
        omitted_by=tuple(omitted_by),
    )
    return (carriers[0], canon.member, canon.position, canon.quote), statement
