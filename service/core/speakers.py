"""Who said a quotation, where the text says so.

Public API:

- ``attribute_speakers(text, spans)``: one speaker (or ``None``) per
  quotation span ``(start, end)`` (the inside of the marks), in order.

Rules, tried in order for each quotation:

1. right after the closing mark: ``," said X``, ``," X said``,
   ``," X was quoted as saying``, ``, according to X``;
2. right before the opening mark: a transcript prefix (``Keilar: "…"``),
   or ``X said: "…"`` / ``X told the paper that … "…"`` in the same
   sentence;
3. a quotation with no attribution that forms its own paragraph, or whose
   sentence has none, continues the previous quotation's speaker when that
   one is within the previous paragraph (wire-copy convention).

Pronouns (``he said``) resolve to the previous named speaker, or failing
that to the nearest preceding full name. Speakers are returned as the text
names them ("the official", "Mr Kirby"), trimmed of clauses.

>>> attribute_speakers('"Yes," said Ann Lee, a nurse.', [(1, 5)])
['Ann Lee']
>>> attribute_speakers('Mr Kirby said: "No."', [(16, 19)])
['Mr Kirby']
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["attribute_speakers"]

_VERBS = (
    r"said|says|say|asked|asks|added|adds|told|tells|wrote|writes|insisted|explained|"
    r"replied|replies|continued|warned|argued|noted|declared|stated|stressed|"
    r"recalled|remarked|responded|answered|claimed|conceded|admitted|acknowledged|"
    r"fired back|shot back|tweeted|posted|joked|quipped|agreed|cautioned|complained|"
    r"predicted|promised|announced|urged|suggested|observed|shouted|recounted|"
    r"confirmed|was quoted as saying|is quoted as saying|quoted .{1,80}? as saying"
)
_PRONOUNS = {"he", "she", "they", "i", "we", "it", "him", "her"}
_NAME_WORD = r"(?:[A-Z][\w'’.-]*|al|bin|de|van|von|der|da|di|le|la)"
# An attribution noun phrase: up to 9 words, no clause punctuation.
_NP = r"((?:the |a |an |[A-Za-z][\w'’.-]*\s+){0,8}?[A-Za-z][\w'’.-]*)"

_AFTER_VERB_FIRST = re.compile(
    r"^[\s,.!?—–-]{0,3}\s*(?:" + _VERBS + r")\s+" + _NP + r"(?=\s*(?:[,.;:!?(]|—|–|$|\s+(?:who|in|on|at|of|after|before|when|while|during|about|to|from|with|as)\b))"
)
_AFTER_SUBJECT_FIRST = re.compile(
    r"^[\s,.!?—–-]{0,3}\s*" + _NP + r"\s+(?:later |again |also |then |once |simply |quickly |"
    r"recently |previously |earlier |has |had |have |reportedly |)(?:" + _VERBS + r")\b"
)
_ACCORDING = re.compile(r"according to " + _NP + r"(?=\s*(?:[,.;:!?]|$))")
_TRANSCRIPT = re.compile(r"(?:^|\n)\s*(" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){0,3})\s*:\s*$")
_SUBJECT_BEFORE = re.compile(
    r"(?:^|[.!?]\s+|\n|,\s+)" + _NP + r"\s+(?:" + _VERBS + r")\b[^.!?\"“”]*$"
)
_FULL_NAME = re.compile(r"\b([A-Z][a-z][\w'’-]*(?:\s+[A-Z][\w'’-]+)+|(?:Mr|Mrs|Ms|Dr)\.?\s+[A-Z][\w'’-]+)")
_LEAD_WORDS = {"but", "and", "so", "then", "however", "meanwhile", "later", "earlier", "also"}


def _clean(np: str) -> str | None:
    words = np.strip(" ,.;:").split()
    while words and words[0].lower() in _LEAD_WORDS:
        words = words[1:]
    if not words or len(words) > 9:
        return None
    return " ".join(words)


def _sentence_tail(text: str, pos: int, limit: int = 220) -> str:
    chunk = text[pos : pos + limit]
    nl = chunk.find("\n")
    return chunk if nl < 0 else chunk[:nl]


def _sentence_head(text: str, pos: int, limit: int = 260) -> str:
    start = max(0, pos - limit)
    chunk = text[start:pos]
    nl = chunk.rfind("\n")
    return chunk if nl < 0 else chunk[nl + 1 :]


def _closing_end(text: str, end: int) -> int:
    """Index after the closing mark(s) that follow a quotation's inside."""
    i = end
    while i < len(text) and text[i] in "\"”»’'`\ufffd?" and i - end < 3:
        i += 1
    return i


def _after(text: str, end: int) -> str | None:
    tail = _sentence_tail(text, _closing_end(text, end))
    for pattern in (_AFTER_VERB_FIRST, _AFTER_SUBJECT_FIRST):
        m = pattern.match(tail)
        if m:
            return _clean(m.group(1))
    m = _ACCORDING.search(tail[:120])
    if m and not re.search(r"[\"“”]", tail[: m.start()]):
        return _clean(m.group(1))
    return None


def _before(text: str, start: int) -> str | None:
    head = _sentence_head(text, max(0, start - 1))
    m = _TRANSCRIPT.search(head)
    if m:
        return _clean(m.group(1))
    m = _SUBJECT_BEFORE.search(head)
    if m:
        return _clean(m.group(1))
    return None


def _resolve(who: str, previous: str | None, text: str, start: int) -> str | None:
    if who.lower() not in _PRONOUNS:
        return who
    if who.lower() in {"i", "we", "it"}:
        return previous
    if previous and previous.lower() not in _PRONOUNS:
        return previous
    names = _FULL_NAME.findall(text[max(0, start - 600) : start])
    return names[-1] if names else None


def attribute_speakers(text: str, spans: Sequence[tuple[int, int]]) -> list[str | None]:
    """One speaker or ``None`` per quotation span (see the module docstring)."""
    out: list[str | None] = []
    previous: str | None = None
    previous_end = -1
    for start, end in spans:
        who = _after(text, end) or _before(text, start)
        if who is not None:
            who = _resolve(who, previous, text, start)
        elif previous is not None and text.count("\n\n", previous_end, start) <= 1 and (
            "\n" in text[previous_end:start] or not text[previous_end:start].strip(" \"“”,")
        ):
            who = previous
        out.append(who)
        if who is not None:
            previous = who
        previous_end = end
    return out
