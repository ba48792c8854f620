"""The headline and byline at the top of an article's text, found so that
passages compare them as what they are, not as body sentences.

A text side is plain text, and many arrive with the headline as their first
line and sometimes a byline under it. Counted as body, a headline one
outlet wrote differently is "only in" both sides, and a byline is a passage
no other outlet can carry. A changed headline is news of its own, so it is
compared with the other side's headline instead (``compare_heading``).

The rule is conservative: it would rather leave a headline in the body than
take a lead sentence out of it.

- **Headline**: the text's first line, when it is one sentence
  (``sentences.sentence_spans``) standing as a paragraph of its own (a
  blank line or a byline line after it, and more text after that), of
  ``HEADLINE_MAX_WORDS`` words or fewer, starting with a capital letter, a
  digit or a quotation mark, and not ending as a body sentence does (with
  ``.``, ``,``, ``;`` or ``:``, closing marks aside): headlines carry no
  full stop, leads do. Not a byline itself.
- **Byline**: the first line, or the line right after the headline, when it
  is "By" (any case) and a capitalised name, ``BYLINE_MAX_WORDS`` words or
  fewer ("By Jane Doe and Ann Roe, City Wire").

An HTML side is the page's main text (``platform.html``), which holds a
headline only when the article body does; the rule reads it the same way.

>>> text = "Council backs bus lanes\\nBy Ann Roe, City Wire\\n\\nThe council voted 7-2 on Tuesday."
>>> found = find_heading(text)
>>> text[slice(*found.headline)], text[slice(*found.byline)]
('Council backs bus lanes', 'By Ann Roe, City Wire')
>>> find_heading("The council voted on Tuesday.\\n\\nIt was 7-2.")
Heading(headline=None, byline=None)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from service.core.sentences import sentence_spans

__all__ = ["BYLINE_MAX_WORDS", "HEADLINE_MAX_WORDS", "Heading", "find_heading"]

# Longer first lines are standfirsts, captions or leads more often than
# headlines (the dev clusters' headlines have 3 to 13 words).
HEADLINE_MAX_WORDS = 16
BYLINE_MAX_WORDS = 12

_BYLINE = re.compile(r"(?i:by)\s+[\"“‘']?[A-Z]")
_CLOSING = "\"'”’)]»"
_BODY_END = ".,;:"
_OPENING = "\"'“‘«"


@dataclass(frozen=True, slots=True)
class Heading:
    """Offsets ``(start, end)`` of a text's headline and byline, each
    ``None`` when the text has none by the rule of the module docstring."""

    headline: tuple[int, int] | None
    byline: tuple[int, int] | None


def _lines(text: str, count: int) -> list[tuple[int, int, bool]]:
    """The first ``count`` non-blank lines as ``(start, end, blank_after)``,
    without the whitespace around them."""
    found: list[tuple[int, int, bool]] = []
    at = 0
    while at < len(text) and len(found) < count:
        nl = text.find("\n", at)
        end = len(text) if nl < 0 else nl
        line = text[at:end]
        if line.strip():
            start = at + len(line) - len(line.lstrip())
            found.append((start, start + len(line.strip()), False))
        elif found:
            found[-1] = (*found[-1][:2], True)
        at = end + 1
    return found


def _is_byline(line: str) -> bool:
    return _BYLINE.match(line) is not None and len(line.split()) <= BYLINE_MAX_WORDS


def _is_headline(text: str, start: int, end: int) -> bool:
    line = text[start:end]
    if len(line.split()) > HEADLINE_MAX_WORDS or _is_byline(line):
        return False
    first = line[0]
    if not (first.isupper() or first.isdigit() or first in _OPENING):
        return False
    if line.rstrip(_CLOSING)[-1:] in _BODY_END:
        return False
    # One sentence: a line of several is a lead paragraph.
    return len(sentence_spans(line)) == 1


def find_heading(text: str) -> Heading:
    """The headline and byline at the top of ``text`` (see the module
    docstring)."""
    lines = _lines(text, 3)
    headline = byline = None
    if len(lines) >= 2:
        start, end, blank = lines[0]
        if _is_byline(text[start:end]):
            byline = (start, end)
        elif _is_headline(text, start, end):
            second = lines[1]
            if _is_byline(text[second[0] : second[1]]):
                if len(lines) == 3:
                    headline, byline = (start, end), second[:2]
            elif blank:
                headline = (start, end)
    return Heading(headline, byline)
