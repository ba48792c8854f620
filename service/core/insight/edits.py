"""How one quotation was changed into another: typed edits beside the word diff.

``classify_edits`` types the edits between two matched quotations from
their word diff (``diff.word_diff``); ``splices`` finds the quotations that
run together statements the other side carries as separate quotations.

What each type means (several can apply to one pair):

- ``trimmed``: one quotation lacks words at its start or end that the other
  has; ``side`` is the shorter (the cut one), ``where`` says which end.
- ``ellipsis``: one side marks words it leaves out with ``…`` or ``...``;
  ``side`` is the side with the mark.
- ``substituted``: words changed (``left`` → ``right``); spelling variants
  and case do not count (the diff compares word keys).
- ``inserted``: words one side has inside the quotation and the other
  lacks, a connective added in front ("But"), or a bracketed clarification
  ("[the UN Security Council]"); ``side`` is the side that has the words.
- ``spliced``: one quotation runs together two statements that the other
  side quotes apart: it matches two of the other side's quotations that
  cover different stretches of it; ``side`` is the side of the long one.
- ``retranslated``: the same statement with most of its content words
  different (another translation, or a paraphrase kept in quotation marks).
- ``case_punctuation_only``: the same words, with case, punctuation or
  quotation marks changed.

>>> from service.core.diff import word_diff
>>> a, b = "We will never leave", "But we will not leave [the city]"
>>> [(e.type, e.side, e.where) for e in classify_edits(a, b, word_diff(a, b))]
[('inserted', 'right', 'start'), ('substituted', None, 'inside'), ('inserted', 'right', 'end')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, get_args

from rapidfuzz import fuzz

from service.core.alignment.quotes import Alignment, content_words
from service.core.diff import DiffOp, count_words
from service.core.quotes.extract import Quote
from service.core.text import keys, word_key, words

__all__ = ["EDIT_TYPES", "Edit", "EditType", "SideName", "Where", "classify_edits", "splices"]

EditType = Literal[
    "trimmed",
    "ellipsis",
    "substituted",
    "inserted",
    "spliced",
    "retranslated",
    "case_punctuation_only",
]
EDIT_TYPES: tuple[EditType, ...] = get_args(EditType)
SideName = Literal["left", "right"]
Where = Literal["start", "end", "inside"]

# A lone word added in front that only links the quotation to what came before.
_CONNECTIVES = frozenset("but and so yet or now well also then still".split())
_ELLIPSES = ("…", "...", ". . .")
# Below this share of content words kept, a reworded pair is a retranslation.
_RETRANSLATED = 0.5


@dataclass(frozen=True, slots=True)
class Edit:
    """One edit: its type, the ``side`` it concerns, where it is (``start``,
    ``end`` or ``inside``) and the words on each side."""

    type: EditType
    side: SideName | None = None
    where: Where | None = None
    left: str = ""
    right: str = ""


def _is_ellipsis(word: str) -> bool:
    return word.strip("[]()") in _ELLIPSES


def _touches_ellipsis(word: str) -> bool:
    return any(mark in word for mark in _ELLIPSES)


def _bracketed(chunk: str) -> bool:
    return "[" in chunk and "]" in chunk


def classify_edits(left: str, right: str, diff: Sequence[DiffOp]) -> tuple[Edit, ...]:
    """The edits that turn the quotation ``left`` into ``right`` (their word
    diff is ``diff``); ``()`` when the two are the same words as written."""
    changes = [i for i, op in enumerate(diff) if op.op != "equal"]
    if not changes:
        if left.split() == right.split():
            return ()
        return (Edit("case_punctuation_only", where="inside", left=left, right=right),)

    # The words as written, for the ellipsis marks next to a cut; only an
    # insertion or deletion needs them.
    needs_words = any(diff[i].op in ("insert", "delete") for i in changes)
    lw = words(left) if needs_words else []
    rw = words(right) if needs_words else []
    edits: list[Edit] = []
    i = j = 0  # words of left and right before the current op
    last = len(diff) - 1
    for index, op in enumerate(diff):
        n_left, n_right = count_words(op.left), count_words(op.right)
        if op.op != "equal":
            where: Where = "start" if index == 0 else "end" if index == last else "inside"
            edits.extend(_edit(op, where, lw, rw, i, j, n_left, n_right))
        i, j = i + n_left, j + n_right

    if any(e.type == "substituted" for e in edits) and _retranslated(left, right):
        edits.append(Edit("retranslated", where="inside", left=left, right=right))
    # Punctuation changes beside real ones are not worth an edit of their own.
    if any(e.type != "case_punctuation_only" for e in edits):
        edits = [e for e in edits if e.type != "case_punctuation_only"]
    elif len(edits) > 1:
        edits = [Edit("case_punctuation_only", where="inside", left=left, right=right)]
    return tuple(edits)


def _edit(
    op: DiffOp, where: Where, lw: list[str], rw: list[str], i: int, j: int, nl: int, nr: int
) -> list[Edit]:
    """The edit(s) one non-equal op of the diff stands for; ``i``/``j`` are
    the words before it on each side, ``nl``/``nr`` the words it covers."""
    # Words one side lacks where the other marks a cut: an ellipsis.
    if op.op == "replace" and all(_is_ellipsis(w) for w in op.right.split(" ")):
        return [Edit("ellipsis", "right", where, op.left, op.right)]
    if op.op == "replace" and all(_is_ellipsis(w) for w in op.left.split(" ")):
        return [Edit("ellipsis", "left", where, op.left, op.right)]
    if op.op == "delete" and _cut_marked(rw, j):
        return [Edit("ellipsis", "right", where, op.left, "")]
    if op.op == "insert" and _cut_marked(lw, i):
        return [Edit("ellipsis", "left", where, "", op.right)]
    if op.op in ("delete", "insert"):
        side: SideName = "left" if op.op == "delete" else "right"
        chunk = op.left or op.right
        if not keys(chunk):  # only punctuation or a bare ellipsis mark
            return [Edit("case_punctuation_only", side, where, op.left, op.right)]
        lone_connective = where == "start" and count_words(chunk) == 1
        if _bracketed(chunk) or (lone_connective and word_key(chunk) in _CONNECTIVES):
            return [Edit("inserted", side, where, op.left, op.right)]
        if where == "inside":
            return [Edit("inserted", side, where, op.left, op.right)]
        cut: SideName = "right" if side == "left" else "left"
        return [Edit("trimmed", cut, where, op.left, op.right)]
    # A replace: a bracketed clarification, or words changed.
    if _bracketed(op.right) and not _bracketed(op.left):
        return [Edit("inserted", "right", where, op.left, op.right)]
    if _bracketed(op.left) and not _bracketed(op.right):
        return [Edit("inserted", "left", where, op.left, op.right)]
    edits = [Edit("substituted", None, where, op.left, op.right)]
    # A replace at an end that is mostly extra words on one side is a cut too.
    if where != "inside" and abs(nl - nr) >= 3:
        cut_side: SideName = "left" if nl < nr else "right"
        edits.append(Edit("trimmed", cut_side, where, op.left, op.right))
    return edits


def _cut_marked(words: list[str], at: int) -> bool:
    """Whether the words around position ``at`` (a gap in ``words``) carry an
    ellipsis mark: the word before it ends with one or the word after starts."""
    before = words[at - 1] if at > 0 else ""
    after = words[at] if at < len(words) else ""
    return _touches_ellipsis(before[-4:]) or _touches_ellipsis(after[:4])


def _retranslated(left: str, right: str) -> bool:
    lc, rc = content_words(keys(left)), content_words(keys(right))
    if min(len(lc), len(rc)) < 3:
        return False
    shared = len(set(lc) & set(rc))
    return shared / min(len(set(lc)), len(set(rc))) < _RETRANSLATED


def splices(
    alignment: Alignment, left: Sequence[Quote], right: Sequence[Quote]
) -> dict[tuple[SideName, int], Edit]:
    """Quotations (by side and index) that splice statements together: each
    matches two or more quotations of the other side that cover stretches of
    it overlapping by less than half of the shorter."""
    partners: dict[tuple[SideName, int], list[int]] = {}
    for m in alignment.matches:
        partners.setdefault(("left", m.left), []).append(m.right)
        partners.setdefault(("right", m.right), []).append(m.left)
    found: dict[tuple[SideName, int], Edit] = {}
    for (side, index), others in partners.items():
        if len(others) < 2:
            continue
        long_quote = (left if side == "left" else right)[index].text
        other_side = right if side == "left" else left
        spans = []
        for k in others:
            hit = fuzz.partial_ratio_alignment(other_side[k].text.casefold(), long_quote.casefold())
            if hit is not None and hit.score >= 70:
                spans.append((hit.dest_start, hit.dest_end, k))
        spans.sort()
        for (s1, e1, k1), (s2, e2, k2) in pairwise(spans):
            overlap = max(0, min(e1, e2) - max(s1, s2))
            if overlap < 0.5 * min(e1 - s1, e2 - s2):
                texts = (other_side[k1].text, other_side[k2].text)
                found[(side, index)] = Edit(
                    "spliced",
                    side,
                    "inside",
                    long_quote if side == "left" else " / ".join(texts),
                    long_quote if side == "right" else " / ".join(texts),
                )
                break
    return found
