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

>>> body = version_diff('He said "we will win".', 'He said "we will surely win".')
>>> [(q["relation"], q["old"]["text"], q["new"]["text"]) for q in body["quotes"]["changed"]]
[('reworded', 'we will win', 'we will surely win')]
>>> [op["op"] for op in body["diff"]]
['equal', 'insert', 'equal']
"""

from __future__ import annotations

from typing import Any

from service.core import align_quotes, extract_quotes, word_diff

__all__ = ["version_diff"]


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
    }
