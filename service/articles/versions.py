"""What changed between two versions of one article.

The word diff is rapidfuzz's optimal alignment of the two texts' words (see
``service.core.diff``), so it rebuilds both versions exactly word for word.
The quotation changes come from aligning the two versions' quotes with the
same rules as ``POST /v1/compare``: ``removed`` quotes only the old version
has, ``added`` ones only the new has, ``changed`` pairs whose wording moved
(reworded or partial, with their word diff), and a count of ``unchanged``.

The sentence changes use NewsEdits' categories (Spangher et al., 2022),
from the two versions aligned sentence by sentence
(``service.core.alignment.passages``): ``added`` and ``deleted`` sentences, ``edited``
ones (reworded, split or merged, with their word diff), ``moved`` ones (out
of order against the rest; a moved sentence may be edited too), and a count
of those ``unchanged``.

>>> changes = version_diff('He said "we will win".', 'He said "we will surely win".')
>>> [(m.relation, changes.quotes.old[m.left].text, changes.quotes.new[m.right].text)
...  for m in changes.quotes.changed]
[('reworded', 'we will win', 'we will surely win')]
>>> [op.op for op in changes.words]
['equal', 'insert', 'equal']
"""

from __future__ import annotations

from dataclasses import dataclass

from service.core import Match, Quote, align_quotes, extract_quotes, word_diff
from service.core.alignment.passages import AlignedSentences, PassageAlignment, align_passages
from service.core.diff import DiffOp

__all__ = ["QuoteDiff", "SentenceDiff", "VersionChanges", "sentence_changes", "version_diff"]


@dataclass(frozen=True, slots=True)
class QuoteDiff:
    """The two versions' quotations (``old``, ``new``) and how they moved:
    indexes of those ``added`` to the new and ``removed`` from the old, the
    pairs whose wording ``changed``, and how many stayed the same."""

    old: tuple[Quote, ...]
    new: tuple[Quote, ...]
    added: tuple[int, ...]
    removed: tuple[int, ...]
    changed: tuple[Match, ...]
    unchanged: int


@dataclass(frozen=True, slots=True)
class SentenceDiff:
    """NewsEdits' sentence-level edits: indexes of the sentences ``added``
    (into ``alignment.right``) and ``deleted`` (into ``alignment.left``), the
    aligned sentences ``edited`` and ``moved``, and how many are unchanged."""

    alignment: PassageAlignment
    added: tuple[int, ...]
    deleted: tuple[int, ...]
    edited: tuple[AlignedSentences, ...]
    moved: tuple[AlignedSentences, ...]
    unchanged: int


@dataclass(frozen=True, slots=True)
class VersionChanges:
    """The word diff from the old text to the new, and the quotation and
    sentence changes."""

    words: tuple[DiffOp, ...]
    quotes: QuoteDiff
    sentences: SentenceDiff


def version_diff(
    old: str,
    new: str,
    *,
    old_quotes: tuple[Quote, ...] | None = None,
    new_quotes: tuple[Quote, ...] | None = None,
) -> VersionChanges:
    """What changed from ``old`` to ``new``. ``old_quotes`` and
    ``new_quotes`` are the texts' quotations when known (a stored
    version's, as ``extract_quotes`` finds them); those not given are
    extracted."""
    if old_quotes is None:
        old_quotes = tuple(extract_quotes(old))
    if new_quotes is None:
        new_quotes = tuple(extract_quotes(new))
    alignment = align_quotes(old_quotes, new_quotes)
    quotes = QuoteDiff(
        old=old_quotes,
        new=new_quotes,
        added=alignment.right_only,
        removed=alignment.left_only,
        changed=tuple(m for m in alignment.matches if m.relation != "identical"),
        unchanged=sum(m.relation == "identical" for m in alignment.matches),
    )
    words = tuple(word_diff(old, new))
    return VersionChanges(words, quotes, sentence_changes(align_passages(old, new)))


def sentence_changes(p: PassageAlignment) -> SentenceDiff:
    """NewsEdits' sentence-level edits between two versions (see above)."""
    moved = set(map(id, p.moved()))
    return SentenceDiff(
        alignment=p,
        added=tuple(j for passage in p.right_only for j in passage.sentences),
        deleted=tuple(i for passage in p.left_only for i in passage.sentences),
        edited=tuple(a for a in p.aligned if a.relation != "same"),
        moved=tuple(a for a in p.aligned if id(a) in moved),
        unchanged=sum(a.relation == "same" and id(a) not in moved for a in p.aligned),
    )
