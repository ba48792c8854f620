"""One way of saying a typed edit, for every view (issue 20, finding 2).

Two outlets' quotations have no direction: neither "inserted" nor "deleted"
words, only words one outlet has and the other lacks. So an edit is said by
which outlet has which words, by the outlets' names where they are known
("only City Wire has: single"). The words one side has and the other lacks
are the *marked* words; every view marks them the same way (struck through
on the page: the other side lacks them; between ``[- -]``/``{+ +}`` in the
terminal, which also names the side).

Where a baseline is defined (a check's baseline against its candidate, an
older version against a newer) the same edit is said as what the candidate
dropped or added.

``say`` gives the sentence as segments, ``(text, marked)``, for views that
mark words (the page); ``plain`` gives it as one line with the marked words
in quotation marks (the terminal, JUnit, check findings).

>>> from service.core.diff import word_diff
>>> from service.core.insight.edits import classify_edits
>>> a, b = "from the people", "from people"
>>> (edit,) = classify_edits(a, b, word_diff(a, b))
>>> plain(edit, "The Daily", "City Wire")
'only The Daily has: “the”'
>>> plain(edit, "the baseline", "the candidate", baseline=True)
'the candidate dropped: “the”'
"""

from __future__ import annotations

from service.core.insight.edits import Edit, SideName

__all__ = ["Segment", "plain", "say"]

Segment = tuple[str, bool]  # text, and whether it is words one side alone has

_WHERE = {"start": ", at the start", "end": ", at the end", "inside": ""}


def say(edit: Edit, left: str, right: str, *, baseline: bool = False) -> tuple[Segment, ...]:
    """``edit`` said with the sides' names ``left`` and ``right``; with
    ``baseline``, ``left`` is the baseline and what is said is what the
    candidate (``right``) dropped or added."""
    name = {"left": left, "right": right}
    where = _WHERE.get(edit.where or "inside", "")
    if edit.type in ("inserted", "trimmed", "ellipsis"):
        side, words = _owner(edit)
        if edit.type == "ellipsis":
            marker = _other(side)
            lead = f"{name[marker]} marks a cut with an ellipsis"
            if not words:
                return ((lead, False),)
            return ((f"{lead}; {_has(name, side, baseline)}{where}: ", False), (words, True))
        return ((f"{_has(name, side, baseline)}{where}: ", False), (words, True))
    if edit.type == "substituted":
        if baseline:
            return (
                (f"{right} has ", False),
                (edit.right, True),
                (" for ", False),
                (edit.left, True),
            )
        return (
            (f"{left} has ", False),
            (edit.left, True),
            (f" where {right} has ", False),
            (edit.right, True),
        )
    if edit.type == "spliced":
        side = edit.side or "left"
        return ((f"{name[side]} runs two statements together as one quotation", False),)
    if edit.type == "retranslated":
        return (("most words differ (another translation, or a paraphrase in quotes)", False),)
    return (("the same words; only case or punctuation differ", False),)


def plain(edit: Edit, left: str, right: str, *, baseline: bool = False) -> str:
    """``say``'s sentence as one line, the marked words in quotation marks."""
    return "".join(
        f"“{text}”" if marked else text
        for text, marked in say(edit, left, right, baseline=baseline)
    )


def _owner(edit: Edit) -> tuple[SideName, str]:
    """The side that has the words the other lacks, and those words."""
    if edit.type == "inserted":
        side: SideName = edit.side or ("left" if edit.left else "right")
    elif edit.type == "trimmed":
        side = _other(edit.side or "left")  # ``side`` is the cut one
    else:  # an ellipsis: ``side`` marks the cut, the other has the words
        side = _other(edit.side or "left")
    words = edit.left if side == "left" else edit.right
    return side, words.strip()


def _other(side: SideName) -> SideName:
    return "right" if side == "left" else "left"


def _has(name: dict[str, str], side: SideName, baseline: bool) -> str:
    if baseline:
        return f"{name['right']} dropped" if side == "left" else f"{name['right']} added"
    return f"only {name[side]} has"
