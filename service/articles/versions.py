"""What changed between two versions of one article.

Public API:

- ``version_diff(old, new)``: the word-level diff of the two texts and,
  listed apart, the quotation changes, as a response body.

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

>>> body = version_diff('He said "we will win".', 'He said "we will surely win".')
>>> [(q["relation"], q["old"]["text"], q["new"]["text"]) for q in body["quotes"]["changed"]]
[('reworded', 'we will win', 'we will surely win')]
>>> [op["op"] for op in body["diff"]]
['equal', 'insert', 'equal']
"""

from __future__ import annotations

from typing import Any

from service.core import align_quotes, extract_quotes, word_diff
from service.core.alignment.passages import AlignedSentences, PassageAlignment, align_passages

__all__ = ["sentence_changes", "version_diff"]


def version_diff(old: str, new: str) -> dict[str, Any]:
    old_quotes, new_quotes = extract_quotes(old), extract_quotes(new)
    alignment = align_quotes(old_quotes, new_quotes)
    changed = [
        {
            "relation": m.relation,
            "score": m.score,
            "old": old_quotes[m.left].as_dict(f"L{m.left + 1}"),
            "new": new_quotes[m.right].as_dict(f"R{m.right + 1}"),
            "diff": [op.as_dict() for op in m.diff],
        }
        for m in alignment.matches
        if m.relation != "identical"
    ]
    return {
        "diff": [op.as_dict() for op in word_diff(old, new)],
        "quotes": {
            "added": [new_quotes[i].as_dict(f"R{i + 1}") for i in alignment.right_only],
            "removed": [old_quotes[i].as_dict(f"L{i + 1}") for i in alignment.left_only],
            "changed": changed,
            "unchanged": sum(m.relation == "identical" for m in alignment.matches),
        },
        "sentences": sentence_changes(align_passages(old, new)),
    }


def sentence_changes(p: PassageAlignment) -> dict[str, Any]:
    """NewsEdits' sentence-level edits between two versions (see above)."""
    moved = set(map(id, p.moved()))

    def pair(a: AlignedSentences) -> dict[str, Any]:
        return {
            "old": [p.left[i].as_dict(i) for i in a.left],
            "new": [p.right[j].as_dict(j) for j in a.right],
            "relation": a.relation,
            "score": a.score,
            "diff": [op.as_dict() for op in a.diff],
        }

    return {
        "added": [p.right[j].as_dict(j) for passage in p.right_only for j in passage.sentences],
        "deleted": [p.left[i].as_dict(i) for passage in p.left_only for i in passage.sentences],
        "edited": [pair(a) for a in p.aligned if a.relation != "same"],
        "moved": [pair(a) for a in p.aligned if id(a) in moved],
        "unchanged": sum(a.relation == "same" and id(a) not in moved for a in p.aligned),
    }
