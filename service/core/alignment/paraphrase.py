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
two facts apart). ``content`` takes the sentence's keys, which
``passages`` has already. Two sentences' content overlap is the weighted Dice
coefficient of their bags (``score``, 0–100); ``passages`` aligns a pair
at ``PARAPHRASE_MIN`` or more when it shares at least ``MIN_SHARED``
weight, so that two short sentences sharing a name or two do not align, and
when their other content words (not names, not figures: ``weigh``) overlap
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
>>> score(content(keys(a), found), content(keys(b), found)) >= PARAPHRASE_MIN
True
>>> c = "Harbor Avenue was closed on Tuesday for repairs to a water main."
>>> score(content(keys(a), found), content(keys(c), names([a, c]))) >= PARAPHRASE_MIN
False
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import compress, count, filterfalse
from operator import itemgetter
from typing import Any, cast

import numpy as np

from service.core.alignment.quotes import content_words
from service.core.text import keys, word_key, words

__all__ = [
    "MIN_SHARED",
    "PARAPHRASE_MIN",
    "PLAIN_MIN",
    "Names",
    "content",
    "keys",
    "names",
    "names_of_words",
    "numbered_parts",
    "score",
    "weigh",
]

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


class Names(frozenset[str]):
    """The names found in two texts (``names``), and their stems (the first
    ``_STEM`` letters), which ``weigh`` leaves out of a sentence's other
    words: made once per alignment, not once per sentence."""

    stems: frozenset[str]

    def __new__(cls, found: Iterable[str] = ()) -> Names:
        self = super().__new__(cls, found)
        self.stems = frozenset(k[:_STEM] for k in self)
        return self


def names(sentences: Iterable[str]) -> Names:
    """The word keys written capitalised, other than first in a sentence,
    and never in lower case, in ``sentences`` (both texts' together)."""
    return names_of_words(map(words, sentences))


def names_of_words(sentences: Iterable[Sequence[str]]) -> Names:
    """``names`` of sentences given as their words as written (``text.words``,
    or a sentence split on whitespace with its marks folded: folding changes
    no letter, so no word's case, and no word key)."""
    # Each distinct word is looked at once (most recur): those first in a
    # sentence apart, since they count only when written in lower case.
    firsts: set[str] = set()
    rest: set[str] = set()
    for found in sentences:
        if found:
            firsts.add(found[0])
            rest.update(found[1:])
    every = firsts | rest
    cases = _cases(every)
    # A word first in its sentence and nowhere else counts only in lower case.
    # Look-ups of this text's words (``None`` for a word not in the case),
    # never a pass over the cases kept, which hold many texts' words.
    upper_keys: set[str | None] = set(map(cases.upper.get, rest))
    upper_keys.difference_update(map(cases.lower.get, every))
    upper_keys.discard(None)
    return Names(cast("set[str]", upper_keys))


class _Cases:
    """Words as written, by their case (``_capitalised``), each with its
    key (``text.word_key``): those that start capitalised (``upper``), those
    that start in lower case (``lower``), and every word looked at
    (``seen``; a word starting with no letter is in neither of the others).
    Kept from one alignment to the next, as ``text.word_key`` keeps its
    keys, since most words of news recur: then a text's names come from
    set operations, not a look at each of its words."""

    __slots__ = ("lower", "seen", "upper")

    def __init__(self) -> None:
        self.upper: dict[str, str] = {}
        self.lower: dict[str, str] = {}
        self.seen: set[str] = set()

    def add(self, found: set[str]) -> None:
        """Look at the words of ``found`` not seen before."""
        new = found - self.seen
        for word in new:
            first = word[0]
            cap = first.isupper() if first.isalpha() else _capitalised(word)
            if cap is not None:
                (self.upper if cap else self.lower)[word] = word_key(word)
        # Added after ``upper`` and ``lower``: a word seen is in its set.
        self.seen |= new


# The cases kept (``_Cases``); past _CASES_HELD words they are replaced by
# empty ones, which a caller still reading the old ones does not disturb.
_CASES_HELD = 100_000
_held = _Cases()


def _cases(found: set[str]) -> _Cases:
    """The cases kept, with the words of ``found`` among them."""
    global _held
    cases = _held
    if len(cases.seen) > _CASES_HELD:
        cases = _held = _Cases()
    cases.add(found)
    return cases


def content(sentence_keys: Sequence[str], found_names: frozenset[str]) -> list[str]:
    """The weighted content of a sentence given as its word keys
    (``text.keys``): its content words' keys, each name (in
    ``found_names``) and each word with a digit twice, sorted."""
    return weigh(sentence_keys, Names(found_names))[0]


def weigh(sentence_keys: Sequence[str], found_names: Names) -> tuple[list[str], list[str]]:
    """A sentence's ``content`` (from its word keys) and its other content
    words, those that are neither a name (nor share a name's stem) nor a
    figure, each sorted.

    >>> found = names(["He met Ines Calder in Harbour on Monday."])
    >>> content, others = weigh(keys("Calder said Harbour needs 12 buses."), found)
    >>> content
    ['12', '12', 'buses', 'calder', 'calder', 'harbor', 'harbor', 'needs', 'said']
    >>> others
    ['buses', 'needs', 'said']
    """
    weighted: list[str] = []
    others: list[str] = []
    for k in sentence_keys:
        symbol, times, other = _part(k, found_names)
        weighted += [symbol] * times
        if other:
            others.append(symbol)
    weighted.sort()
    others.sort()
    return weighted, others


def _part(key: str, found_names: Names) -> tuple[str, int, bool]:
    """What one word key adds to a sentence's weighted content, how many
    times, and whether it is one of its other content words: a figure
    itself twice; a content word its stem, twice for a name, and as another
    word unless it is a name or shares a name's stem; any other word
    nothing (no times)."""
    symbol, kind = _kinds[key]
    if kind == _CONTENT:
        if key in found_names:
            return symbol, 2, False
        return symbol, 1, symbol not in found_names.stems
    return symbol, kind, False


# ``_kind``'s kinds of word key (a figure counts twice, whatever the names).
_OTHER, _CONTENT, _FIGURE = 0, 1, 2


class _Kinds(dict[str, tuple[str, int]]):
    """What a word key is, the names aside (``_kind``), by key, kept as
    ``text.word_key`` keeps its keys (the same words recur in every text),
    up to _KINDS_HELD keys; read with ``__getitem__``, which works out a
    missing one."""

    def __missing__(self, key: str) -> tuple[str, int]:
        if len(self) >= _KINDS_HELD:
            self.clear()
        kind = self[key] = _kind(key)
        return kind


def _kind(key: str) -> tuple[str, int]:
    """What a word key is, the names aside: ``(key, _FIGURE)``, ``(stem,
    _CONTENT)`` for a content word, ``(key, _OTHER)`` for any other word."""
    if not key.isalpha() and _DIGIT.search(key):
        return key, _FIGURE
    if not content_words((key,)):
        return key, _OTHER
    return key[:_STEM], _CONTENT


_KINDS_HELD = 65_536
_kinds = _Kinds()


def numbered_parts(
    keys: Sequence[str], found_names: Names, numbers: dict[str, int]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """What ``_part`` says of each of ``keys`` (distinct word keys), as
    arrays: how many times its symbol counts in a sentence's content,
    whether it is one of the sentence's other content words, and its
    symbol's number in ``numbers`` (word keys numbered in order of first
    appearance), to which the symbols new to it are added, numbered on in
    the order of their keys. So ``passages`` builds every sentence's
    content with array operations, not key by key.

    >>> found = names(["He met Ines Calder in Harbour on Monday."])
    >>> sentence = keys("Calder said Harbour needs 12 buses.")
    >>> numbers = {k: n for n, k in enumerate(sentence)}  # distinct keys, numbered in order
    >>> times, other, number = numbered_parts(sentence, found, numbers)
    >>> decode = {n: w for w, n in numbers.items()}
    >>> counted = [decode[n] for n, t in zip(number, times, strict=True) for _ in range(t)]
    >>> sorted(counted) == weigh(sentence, found)[0]
    True
    >>> sorted(decode[n] for n, o in zip(number, other, strict=True) if o)
    ['buses', 'needs', 'said']
    """
    size = len(keys)
    kinds_of = list(map(_kinds.__getitem__, keys))
    symbols = list(map(itemgetter(0), kinds_of))
    kinds = np.fromiter(map(itemgetter(1), kinds_of), np.int8, size)
    # The symbols counted, new ones numbered in order (as encoding them one
    # sentence after another would).
    counted = dict.fromkeys(compress(symbols, (kinds != _OTHER).tolist()))
    numbers.update(zip(filterfalse(numbers.__contains__, counted), count(len(numbers))))
    number = np.fromiter(map(numbers.__getitem__, symbols), np.int64, size)
    # Names and their stems are few: found by their numbers, not by a look
    # at every key.
    named = np.zeros(size, np.bool_)
    named[[n for n in map(numbers.get, found_names) if n is not None and n < size]] = True
    near_name = np.isin(number, [n for n in map(numbers.get, found_names.stems) if n is not None])
    content = kinds == _CONTENT
    times = np.where(content, np.where(named, 2, 1), np.where(kinds == _FIGURE, 2, 0))
    other = content & ~named & ~near_name
    return times, other, number


# A key with a digit in it is a figure (a regular expression: a generator
# over its characters cost a sixth of a whole comparison).
_DIGIT = re.compile(r"\d")

# Words are compared by their first six letters, a crude stem that is
# enough for the inflections of one word in two reports (decriminalise and
# decriminalizing, Jamaican and Jamaica's, establish and establishing).
_STEM = 6


def score(a: Sequence[str], b: Sequence[str]) -> float:
    """The weighted Dice overlap (0–100) of two ``content`` lists; 0 when
    they share less than ``MIN_SHARED`` (the other words, ``weigh``'s
    second list, are not looked at)."""
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
