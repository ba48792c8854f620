"""Sentences of news text, as offsets into it.

Public API:

- ``sentence_spans(text)``: ``(start, end)`` of each sentence, in order;
  ``text[start:end]`` is the sentence without the whitespace around it.

Segmentation is sentencex's (Wikimedia's rule-based segmenter, in Rust):
abbreviations ("U.S.", "Jan. 25", "Sen.", initials) do not end a sentence,
and a quotation of several sentences stays with its attribution when the
closing mark is followed by it (``"We go. Now," he said.``). On top of it:

- every line break ends a sentence: a paragraph, a caption, a dateline or
  a byline line is never run into the next;
- "a.m."/"p.m." before a weekday, a month or a lower-case word does not end
  one ("at 5 p.m. Tuesday.").

>>> text = 'The U.S. left on Jan. 25 at 5 p.m. Tuesday. "We go. Now," he said.\\nA caption'
>>> [text[s:e] for s, e in sentence_spans(text)]
['The U.S. left on Jan. 25 at 5 p.m. Tuesday.', '"We go. Now," he said.', 'A caption']
"""

from __future__ import annotations

import re

from sentencex import get_sentence_boundaries

__all__ = ["sentence_spans"]

_CLOCK = re.compile(r"\b[ap]\.m\.\s*$", re.IGNORECASE)
_CONTINUES = re.compile(
    r"(?:[a-z]|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep"
    r"|Oct|Nov|Dec|EST|EDT|GMT|UTC|ET|PT)"
)


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for boundary in get_sentence_boundaries("en", text):
        start, end = boundary["start_index"], boundary["end_index"]
        # Line breaks inside a segment end sentences too.
        for line in re.finditer(r"[^\n]+", text[start:end]):
            piece = _trimmed(text, start + line.start(), start + line.end())
            if piece is None:
                continue
            if spans and _joins(text, spans[-1], piece):
                spans[-1] = (spans[-1][0], piece[1])
            else:
                spans.append(piece)
    return spans


def _joins(text: str, previous: tuple[int, int], piece: tuple[int, int]) -> bool:
    """Whether ``piece`` continues the sentence ``previous`` ends with
    "a.m."/"p.m." (on the same line)."""
    between = text[previous[1] : piece[0]]
    return (
        "\n" not in between
        and _CLOCK.search(text, previous[0], previous[1]) is not None
        and _CONTINUES.match(text, piece[0]) is not None
    )
