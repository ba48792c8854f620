"""Sentences of news text, as offsets into it (``sentence_spans``).

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
from bisect import bisect_right
from functools import cached_property, lru_cache

from sentencex import get_sentence_boundaries

__all__ = ["WHOLE", "WINDOW", "LineSentences", "sentence_spans"]

_CLOCK = re.compile(r"\b[ap]\.m\.\s*$", re.IGNORECASE)
_CONTINUES = re.compile(
    r"(?:[a-z]|(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep"
    r"|Oct|Nov|Dec|EST|EDT|GMT|UTC|ET|PT)"
)


def _pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The lines of ``text[start:end]``, each without the whitespace around
    it; blank ones dropped."""
    segment = text[start:end]
    pieces = []
    at = start
    for line in segment.split("\n") if "\n" in segment else (segment,):
        stripped = line.lstrip()
        if stripped:
            left = at + len(line) - len(stripped)
            pieces.append((left, left + len(stripped.rstrip())))
        at += len(line) + 1
    return pieces


@lru_cache(maxsize=16)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    """``(start, end)`` of each sentence, in order: ``text[start:end]`` is
    the sentence without the whitespace around it."""
    # Cached: a comparison may segment a text more than once (its passages,
    # the context of each primary-source quote). At most 16 texts are held.
    return _segment(text)


# sentencex pairs quotation marks by looking ahead for the closing one, which
# costs time quadratic in a run of opening marks that never close (32,000
# "“" took 0.3 s, a million minutes, holding the GIL). A text of up to WHOLE
# characters (every news article in the labelled sets is shorter) goes to it
# whole, as always; a longer one a window at a time: of each window's
# segments all but the last are kept, and the next window starts where that
# last one did, so a sentence shorter than a window is read whole, with
# what follows it. A "sentence" longer than a window is cut at its end. So
# the time is bounded for short texts and linear for long ones (two windows
# in a row move on by at least one window's length). The price, on long
# texts only: a quotation that runs across a window's start may pair its
# marks differently there, and be cut into sentences differently.
WHOLE = 40_000
WINDOW = 4_000


def _boundaries(text: str) -> list[tuple[int, int]]:
    """sentencex's segments of ``text`` as ``(start, end)``; past ``WHOLE``
    characters, read a window of at most ``WINDOW`` at a time."""
    if len(text) <= WHOLE:
        return [(b["start_index"], b["end_index"]) for b in get_sentence_boundaries("en", text)]
    found: list[tuple[int, int]] = []
    at = 0
    while at < len(text):
        end = min(len(text), at + WINDOW)
        segments = [
            (at + b["start_index"], at + b["end_index"])
            for b in get_sentence_boundaries("en", text[at:end])
        ]
        if end == len(text):
            found += segments
            break
        if len(segments) > 1:
            # The last segment may run on past the window: read it again.
            found += segments[:-1]
            at = segments[-1][0]
        else:  # one sentence as long as the window: cut it there
            found.append((at, end))
            at = end
    return found


def _segment(text: str) -> tuple[tuple[int, int], ...]:
    spans: list[tuple[int, int]] = []
    for start, end in _boundaries(text):
        segment = text[start:end]
        if not segment:
            continue
        if "\n" in segment or segment[0].isspace() or segment[-1].isspace():
            # Line breaks inside a segment end sentences too.
            pieces = _pieces(text, start, end)
        else:  # most segments: one line, nothing around it to strip
            pieces = [(start, end)]
        for piece in pieces:
            # Only a sentence ending "m." may be joined (``_joins``): tested
            # here first, as most are not.
            if (
                spans
                and text[spans[-1][1] - 2 : spans[-1][1]] in _M_DOT
                and _joins(text, spans[-1], piece)
            ):
                spans[-1] = (spans[-1][0], piece[1])
                continue
            spans.append(piece)
    return tuple(spans)


# What ``_joins`` reads first: the end of "a.m." or "p.m.", in either case.
_M_DOT = frozenset({"m.", "M."})


def _joins(text: str, previous: tuple[int, int], piece: tuple[int, int]) -> bool:
    """Whether ``piece`` continues the sentence ``previous`` ends with
    "a.m."/"p.m." (on the same line)."""
    if text[previous[1] - 2 : previous[1]].lower() != "m.":
        return False
    between = text[previous[1] : piece[0]]
    return (
        "\n" not in between
        and _CLOCK.search(text, previous[0], previous[1]) is not None
        and _CONTINUES.match(text, piece[0]) is not None
    )


class LineSentences:
    """The sentence around an offset of ``text``, segmenting only the line
    that holds it (on first use, then kept). Since every line break ends a
    sentence, this is the sentence ``sentence_spans(text)`` has there; for
    the few look-ups of a long text, it is much cheaper.

    >>> lines = LineSentences("One. Two here.\\nThree.")
    >>> lines.around(6), lines.around(16)
    ((5, 14), (15, 21))
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._lines: dict[int, tuple[tuple[int, int], ...]] = {}

    @cached_property
    def _starts(self) -> list[int]:
        # Where each line starts, on first use: most finders are made for
        # look-ups that need no sentence (a story page makes one for each
        # member that omits a statement).
        return [0, *(m.end() for m in re.finditer("\n", self.text))]

    def around(self, pos: int) -> tuple[int, int]:
        """``(start, end)`` of the sentence holding offset ``pos``; a
        position between sentences is a span of its own, ``(pos, pos)``."""
        line = bisect_right(self._starts, pos) - 1
        spans = self._lines.get(line)
        if spans is None:
            start = self._starts[line]
            end = self._starts[line + 1] - 1 if line + 1 < len(self._starts) else len(self.text)
            spans = tuple((start + a, start + b) for a, b in _segment(self.text[start:end]))
            self._lines[line] = spans
        k = bisect_right(spans, (pos, len(self.text))) - 1
        if k >= 0 and spans[k][0] <= pos < spans[k][1]:
            return spans[k]
        return (pos, pos)
