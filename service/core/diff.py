"""Word-level diffs between two quotations: the edit script from one to the other.

Words are whitespace-delimited and compared by ``text.word_key`` (case,
punctuation, quote style and spelling variants folded), so ``"remarks,"``
against ``"remarks"`` is ``equal``, and each op keeps both spellings. The
alignment is rapidfuzz's optimal Indel alignment (longest common
subsequence), not difflib's heuristic with its junk rules; a delete run
next to an insert run becomes one ``replace``. The script is deterministic
and always rebuilds both sides:

>>> ops = word_diff("But we take this opportunity", "We take the opportunity")
>>> [(o.op, o.left, o.right) for o in ops]
[('delete', 'But', ''), ('equal', 'we take', 'We take'), ('replace', 'this', 'the'), \
('equal', 'opportunity', 'opportunity')]
>>> rebuild(ops)
('But we take this opportunity', 'We take the opportunity')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz.distance import Indel

from service.core.text import word_key, words

__all__ = ["DiffOp", "OpName", "count_words", "rebuild", "word_diff", "words_diff"]

OpName = Literal["equal", "insert", "delete", "replace"]


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One operation of an edit script, with the ``left`` and ``right`` words
    it covers (space-joined; ``""`` on the side an insert or delete does not
    touch)."""

    op: OpName
    left: str
    right: str


def count_words(chunk: str) -> int:
    """How many words ``chunk``, one side of a ``DiffOp``, covers (its words
    are joined by single spaces; ``""`` covers none)."""
    return len(chunk.split(" ")) if chunk else 0


def _keys(words: Sequence[str]) -> list[str]:
    # Pure punctuation ("—") has an empty key; keep it distinct from other
    # punctuation so a dash only equals a dash.
    return [word_key(w) or w for w in words]


def words_diff(left: Sequence[str], right: Sequence[str]) -> list[DiffOp]:
    """Edit script between two word lists (see the module docstring)."""
    ops: list[DiffOp] = []
    pending_del: list[str] = []
    pending_ins: list[str] = []

    def flush() -> None:
        if pending_del and pending_ins:
            ops.append(DiffOp("replace", " ".join(pending_del), " ".join(pending_ins)))
        elif pending_del:
            ops.append(DiffOp("delete", " ".join(pending_del), ""))
        elif pending_ins:
            ops.append(DiffOp("insert", "", " ".join(pending_ins)))
        pending_del.clear()
        pending_ins.clear()

    for op in Indel.opcodes(_keys(left), _keys(right)):
        i1, i2, j1, j2 = op.src_start, op.src_end, op.dest_start, op.dest_end
        if op.tag == "equal":
            flush()
            ops.append(DiffOp("equal", " ".join(left[i1:i2]), " ".join(right[j1:j2])))
        else:
            # Indel yields only delete and insert; a run of both is a replace.
            pending_del.extend(left[i1:i2])
            pending_ins.extend(right[j1:j2])
    flush()
    return ops


def word_diff(left: str, right: str) -> list[DiffOp]:
    """Word-level edit script from the text ``left`` to the text ``right``."""
    if left == right:
        # One run of equal words (none for a text without any), as the diff
        # of two equal lists is, without running it: unchanged sentences are
        # most of two versions of an article.
        same = " ".join(words(left))
        return [DiffOp("equal", same, same)] if same else []
    return words_diff(words(left), words(right))


def rebuild(ops: Sequence[DiffOp]) -> tuple[str, str]:
    """The left and right word sequences, space-joined, that ``ops`` cover."""
    left = " ".join(o.left for o in ops if o.left)
    right = " ".join(o.right for o in ops if o.right)
    return left, right
