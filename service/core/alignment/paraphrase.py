"""Paraphrased sentences found by their words, without a model: the
content words, names and figures of one sentence mostly recurring in one
sentence of the other text, in any order.

Two reports of one fact often share few words in order ("The city council
voted 7-2 on Tuesday to add dedicated bus lanes on Harbor Avenue" and
"Harbor Avenue will get bus lanes after the city council backed the plan
7-2 on Tuesday" score about 50 by wording, below ``passages.MIN_SCORE``),
yet carry the same names, figures and content words. So a sentence is also
read as its *content*: its word keys (``text.keys``) of three letters or
more that are not function words (``alignment.quotes.content_words``), and
every word with a digit; a name or a figure counts twice (it is what tells
two facts apart). Two sentences' content overlap is the weighted Dice
coefficient of their bags (``score``, 0–100); ``passages`` aligns a pair
at ``PARAPHRASE_MIN`` or more when it shares at least ``MIN_SHARED``
weight, so that two short sentences sharing a name or two do not align, and
when their other content words (``plain``: not names, not figures) overlap
by ``PLAIN_MIN`` or more, so that two different statements by one long-named
official ("A spokeswoman for the Harbour Bridge and Tunnel Authority,
Ines Calder, said ...") do not align on the name alone.

A name is a word key that is written capitalised somewhere in the two
texts other than as a sentence's first word, and never in lower case there
("Harbor" is a name, "The" is not), decided once for both texts (``names``)
so that a name starting one sentence still counts as one.

Weights are repeats: a content word is one symbol, a name or figure two,
so the weighted Dice is rapidfuzz's indel ratio of two sorted symbol
strings, computed natively, and ``blocker.OverlapIndex`` finds every pair
that may reach ``PARAPHRASE_MIN`` without scoring the others.

>>> a = "The city council voted 7-2 on Tuesday to add dedicated bus lanes on Harbor Avenue."
>>> b = "Harbor Avenue will get bus lanes after the city council backed the plan 7-2 on Tuesday."
>>> found = names([a, b])
>>> sorted(found)
['avenue', 'harbor', 'tuesday']
>>> score(content(a, found), content(b, found)) >= PARAPHRASE_MIN
True
>>> c = "Harbor Avenue was closed on Tuesday for repairs to a water main."
>>> score(content(a, found), content(c, names([a, c]))) >= PARAPHRASE_MIN
False
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from service.core.alignment.quotes import content_words
from service.core.text import word_key, words

__all__ = ["MIN_SHARED", "PARAPHRASE_MIN", "PLAIN_MIN", "content", "names", "plain", "score"]

# The least weighted content overlap (0–100) that aligns two sentences as a
# paraphrase: the most that keeps bench/passages/measure_newsedits.py where it
# was (50 aligned a wrong pair there); see measure_only_in.py.
PARAPHRASE_MIN = 55.0
# The least content weight two such sentences share (a name or figure is
# 2, another content word 1).
MIN_SHARED = 5
# The least overlap (0–100) of the two sentences' other content words.
PLAIN_MIN = 40.0


def _capitalised(word: str) -> bool | None:
    """Whether ``word`` starts with a capital letter (after any opening
    marks); ``None`` when it starts with no letter."""
    for ch in word:
        if ch.isalpha():
            return ch.isupper()
        if ch.isdigit():
            return None
    return None


def names(sentences: Iterable[str]) -> frozenset[str]:
    """The word keys written capitalised, other than first in a sentence,
    and never in lower case, in ``sentences`` (both texts' together)."""
    upper: set[str] = set()
    lower: set[str] = set()
    for sentence in sentences:
        for k, word in enumerate(words(sentence)):
            cap = _capitalised(word)
            if cap is None:
                continue
            key = word_key(word)
            if not cap:
                lower.add(key)
            elif k:
                upper.add(key)
    return frozenset(upper - lower)


def content(sentence: str, found_names: frozenset[str]) -> list[str]:
    """The weighted content of ``sentence``: its content words' keys, each
    name (in ``found_names``) and each word with a digit twice, sorted."""
    keys = [k for k in map(word_key, words(sentence)) if k]
    figures = [k for k in keys if _DIGIT.search(k)]
    kept = [k for k in content_words(keys) if not _DIGIT.search(k)]
    weighted = [k[:_STEM] for k in kept]
    weighted += [k[:_STEM] for k in kept if k in found_names] + figures + figures
    return sorted(weighted)


# A key with a digit in it is a figure (a regular expression: a generator
# over its characters cost a sixth of a whole comparison).
_DIGIT = re.compile(r"\d")

# Words are compared by their first six letters, a crude stem that is
# enough for the inflections of one word in two reports (decriminalise and
# decriminalizing, Jamaican and Jamaica's, establish and establishing).
_STEM = 6


def plain(weighted: Sequence[str], found_names: frozenset[str]) -> list[str]:
    """The content of ``weighted`` (a ``content`` list) that is neither a
    name nor a figure, sorted."""
    stems = {k[:_STEM] for k in found_names}
    return [k for k in weighted if k not in stems and not _DIGIT.search(k)]


def score(a: Sequence[str], b: Sequence[str]) -> float:
    """The weighted Dice overlap (0–100) of two ``content`` lists; 0 when
    they share less than ``MIN_SHARED`` (``plain`` is not looked at)."""
    if not a or not b:
        return 0.0
    shared = _shared(a, b)
    if shared < MIN_SHARED:
        return 0.0
    return 200.0 * shared / (len(a) + len(b))


def _shared(a: Sequence[str], b: Sequence[str]) -> int:
    """How many items two sorted lists have in common, repeats counted."""
    i = j = n = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            n += 1
            i += 1
            j += 1
        elif a[i] < b[j]:
            i += 1
        else:
            j += 1
    return n
