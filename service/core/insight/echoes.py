"""Unquoted echoes: a quotation's words carried by another text without marks.

An echo is what a dropped quotation left behind: the outlet kept the words
but not the marks, reporting the speech ("he said the remarks were...") or
presenting the words as its own. ``EchoFinder`` looks quotations up in one
text; words inside that text's own quotations are quotations, not echoes.

How: each word becomes a stem (its comparison key cut to five letters, so
"discrediting" meets "discredit"); the echo is the shortest stretch of the
text's unquoted words, within one sentence, holding the most of the
quotation's distinct content stems. It counts when it holds

- a quotation of one to three words, one or two of them content words:
  all of them, each at least five letters (a single common word is
  everywhere, and one word of a longer sentence is not its echo);
- a longer quotation: at least three stems and 60% of them, in a stretch at
  most three times the quotation's length.

The score is the share of the quotation's content stems found, tempered by
how closely the stretch's wording follows the quotation (rapidfuzz's
token-set ratio).

>>> text = "Talk of a deal with the rebels is a bid to discredit the ministry, he said."
>>> echo = find_echo("discrediting", text, [])
>>> echo.text, echo.kind, text[echo.start:echo.end]
('discredit', 'indirect', 'discredit')
"""

from __future__ import annotations

import re
import string
from bisect import bisect_right
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from rapidfuzz import fuzz

from service.core.alignment.quotes import content_words
from service.core.sentences import LineSentences
from service.core.text import keys, word_key

__all__ = ["Echo", "EchoFinder", "EchoKind", "TokenOpenings", "find_echo"]

EchoKind = Literal["indirect", "narration"]

_STEM = 5
# Speech reported without marks: "said that", "according to", "accused".
_REPORTING = re.compile(
    r"\b(?:said|says|say|told|tells|according to|claimed|claims|accused|accuses|denied|"
    r"denies|called|calls|described|describes|insisted|insists|warned|warns|argued|argues|"
    r"stressed|added|noted|stated|announced|asserted|alleged|wrote|writes|urged|dismissed)\b",
    re.IGNORECASE,
)
_SPACE = re.compile(r"\s+")
_WORD_REST = re.compile(r"\S*")
# Words too common in news copy to carry an echo alone.
_COMMON = frozenset(
    """people country state government police official officials president minister
    report reports said world years today think going would""".split()
)


@dataclass(frozen=True, slots=True)
class Echo:
    """Where a text carries a quotation's words outside quotation marks: the
    span (offsets into that text, and its words), the sentence around it, a
    score (0–100), and ``kind``: ``indirect`` when the sentence reports
    speech ("said", "according to"), ``narration`` when it presents the
    words as the outlet's own."""

    start: int
    end: int
    text: str
    sentence: str
    score: float
    kind: EchoKind


def _stem(key: str) -> str:
    return key[:_STEM]


@dataclass(frozen=True, slots=True)
class _Wanted:
    """What a quotation's echo needs: its content stems, how many of them
    must be found, and the longest stretch (in words) they may span; for
    ``may_echo``, the alphabetic prefixes of its stems (one a stem: two
    stems may share one) and how many stems have another."""

    keys: tuple[str, ...]
    stems: frozenset[str]
    need: int
    limit: int
    prefixes: tuple[str, ...]
    others: int

    @classmethod
    def of(cls, quote: str) -> _Wanted | None:
        quote_keys = keys(quote)
        stems = frozenset(_stem(k) for k in content_words(quote_keys) if k not in _COMMON)
        if not stems:
            return None
        short = len(stems) <= 2
        if short and (len(quote_keys) > 3 or any(len(s) < _STEM for s in stems)):
            return None
        need = len(stems) if short else max(3, -(-len(stems) * 6 // 10))
        prefixes = tuple(s[:4] for s in stems if s[:4].isalpha())
        return cls(
            tuple(quote_keys),
            stems,
            need,
            max(6, 3 * len(quote_keys)),
            prefixes,
            len(stems) - len(prefixes),
        )

    def may_echo(self, openings: AbstractSet[str]) -> bool:
        """Whether a text whose words open with ``EchoFinder._openings`` may
        hold ``need`` of the stems: those whose prefix is no word's opening
        there cannot be found (a prefix with other characters than letters
        is looked up by pattern, and may be). A story page asks it of every
        statement a member omits, about 2,000 times: the prefixes are
        counted in C (``map``), not in a generator."""
        return self.others + sum(map(openings.__contains__, self.prefixes)) >= self.need


# A story page looks each omitted statement up in every member's text that
# omits it: what it needs is worked out once.
@lru_cache(maxsize=4096)
def _wanted(quote: str) -> _Wanted | None:
    return _Wanted.of(quote)


# The first four characters of a run of letters and digits (``str.isalnum``:
# ``\\w`` without the underscore), or all of a shorter one.
_OPENING = re.compile(r"(?<![^\W_])[^\W_]{1,4}")

# Characters that end a token of news copy and are no letter or digit
# (``str.isalnum`` is false for each, as the tests hold): stripped, they
# leave most tokens one run of letters and digits.
_EDGES = "".join(sorted(set(string.punctuation) | set("“”‘’‚„«»‹›–—―…•·")))

# Up to this many prefixes of one length, each is found by str.find;
# more (a story page's) by one pass over the text's words.
_FIND_AT_MOST = 40


@lru_cache(maxsize=8)
def _opening(length: int) -> re.Pattern[str]:
    """The first ``length`` characters of a run of letters and digits
    (``str.isalnum``: ``\\w`` without the underscore) that has as many."""
    return re.compile(rf"(?<![^\W_])[^\W_]{{{length}}}")


class TokenOpenings:
    """The openings (``EchoFinder._openings``) of whitespace-separated
    tokens of lowered text, worked out the first time a text has them.
    Texts that share their words share one: a story page gives one to the
    finders of all its members' texts (on ``bench_search``'s story, 14,800
    distinct tokens of theirs, 3,300 distinct in all).

    >>> TokenOpenings().of({"(u.s.-led", "talks,", "--"}) == {"u", "s", "led", "talk", "tal"}
    True
    """

    def __init__(self, *, max_texts: int = 0) -> None:
        # Plain dicts, so that the set operations below take their fast
        # paths: a token's first opening ("" for none), the openings of its
        # other runs where it has several ("u.s."), and each opening's first
        # three characters.
        self._first: dict[str, str] = {}
        self._more: dict[str, list[str]] = {}
        self._three: dict[str, str] = {}
        # The openings of whole texts (``of_text``), at most ``max_texts``.
        self.max_texts = max_texts
        self._texts: dict[str, AbstractSet[str]] = {}

    @property
    def size(self) -> int:
        """Tokens and texts whose openings it holds."""
        return len(self._first) + len(self._texts)

    def of_text(self, lowered: str) -> AbstractSet[str]:
        """The openings of the words of ``lowered`` (lowered text), kept for
        the next ``max_texts`` texts asked for (then all are forgotten and
        kept again): a story's page is asked for again and again with most
        of its members' texts unchanged."""
        found = self._texts.get(lowered)
        if found is None:
            found = self.of(set(lowered.split()))
            if self.max_texts:
                if len(self._texts) >= self.max_texts:
                    self._texts.clear()
                self._texts[lowered] = found
        return found

    def of(self, tokens: set[str]) -> set[str]:
        """The openings of all of ``tokens`` (distinct tokens of lowered
        text). Looked up in C (``map``) but for tokens not seen before."""
        new = tokens.difference(self._first)
        if new:
            self._read(new)
        openings = set(map(self._first.__getitem__, tokens))
        for token in tokens.intersection(self._more):
            openings.update(self._more[token])
        openings.discard("")
        new = openings.difference(self._three)
        if new:
            self._three.update({opening: opening[:3] for opening in new})
        openings.update(map(self._three.__getitem__, list(openings)))
        return openings

    def _read(self, tokens: set[str]) -> None:
        # Stripped of the punctuation at its ends, a token is most often one
        # run of letters and digits (``str.isalnum`` is ``[^\W_]`` for every
        # character, as the tests hold); the others ("u.s.", "1,500", "--")
        # go through the pattern.
        cores = {token: token.strip(_EDGES) for token in tokens}
        self._first.update({t: core[:4] for t, core in cores.items() if core.isalnum()})
        for token, core in cores.items():
            if not core.isalnum():
                runs = _OPENING.findall(core)
                self._first[token] = runs[0] if runs else ""
                if len(runs) > 1:
                    self._more[token] = runs[1:]


class EchoFinder:
    """Finds echoes in one text, whose own quotations are the spans
    ``quoted``. ``find_all`` looks many quotations up in one pass over the
    text: a regular expression of all their stems, so the text is read once
    (in C) however many quotations are looked up. A stem found more than
    ``max_postings`` times is too common to place an echo. Finders of
    texts that share their words may share ``tokens`` (see ``TokenOpenings``)."""

    def __init__(
        self,
        text: str,
        quoted: Sequence[tuple[int, int]],
        *,
        max_postings: int = 48,
        tokens: TokenOpenings | None = None,
    ) -> None:
        self.text = text
        self.tokens = TokenOpenings() if tokens is None else tokens
        self.spans = sorted(quoted)
        self.starts = [s for s, _ in self.spans]
        self.max_postings = max_postings
        self._lowered: str | None = None
        # Only a look-up that finds enough stems needs sentences: of the
        # lines its hits are on.
        self.sentences = LineSentences(text)

    def find(self, quote: str) -> Echo | None:
        """The best unquoted echo of the quotation ``quote``, or ``None``."""
        return self.find_all([quote])[0]

    def find_all(self, quotes: Sequence[str]) -> list[Echo | None]:
        """The best unquoted echo of each quotation (``None`` where none)."""
        wanted = [_wanted(q) for q in quotes]
        union = set().union(*(w.stems for w in wanted if w is not None))
        if len(union) > _FIND_AT_MOST and self.lowered is not None:
            # Many quotations (a story page looks up every statement a member
            # omits): nearly all lack the words to echo here, which the
            # openings of the text's words tell in one pass, before any is
            # looked up. 33 of 2,041 look-ups on bench_search's story passed.
            openings = self._openings()
            wanted = [w if w is not None and w.may_echo(openings) else None for w in wanted]
            union = set().union(*(w.stems for w in wanted if w is not None))
        if not union:
            return [None] * len(quotes)
        postings = self._postings(union)
        return [None if w is None else self._find(w, postings) for w in wanted]

    def _openings(self) -> AbstractSet[str]:
        """The first three and the first four characters of every run of
        letters and digits of the lowered text (shorter runs whole): each
        alphabetic prefix that ``_candidates`` may find is one of them.

        Read from the text's distinct tokens (split at whitespace, which no
        run crosses), each token's openings worked out once by
        ``self.tokens``, rather than by ``_OPENING`` over the whole text: a
        story page reads some 50 texts for this, which share most of their
        words."""
        assert self.lowered is not None
        return self.tokens.of_text(self.lowered)

    def _postings(self, stems: set[str]) -> dict[str, list[int]]:
        """Where each stem starts an unquoted word: character offsets."""
        found: dict[str, list[int]] = {}
        for pos in self._candidates({s[:4] for s in stems}):
            word = self.text[pos : self._word_end(pos)]
            stem = _stem(word_key(word))
            if stem in stems and not self._quoted(pos):
                found.setdefault(stem, []).append(pos)
        return {s: p for s, p in found.items() if len(p) <= self.max_postings}

    def _candidates(self, prefixes: set[str]) -> list[int]:
        """Offsets of words that start with one of ``prefixes`` (a stem's
        first four letters: its spelling may be folded, "honou…" is the stem
        "honor", so the stem itself confirms). Plain letters are looked up
        in the lowered text: a few with ``str.find``, many (a story page
        looks hundreds up in each member's text, and a scan for each cost
        2.5 ms a text) at each run of letters and digits, by its first three
        or four characters, in one pass over the text for each length.
        Prefixes with digits or other characters are found by a regular
        expression that lets punctuation stand between them ("1,500")."""
        text, lowered = self.text, self.lowered
        found: list[int] = []
        plain = {p for p in prefixes if p.isalpha()} if lowered is not None else set()
        by_length: dict[int, set[str]] = {}
        for prefix in plain:
            by_length.setdefault(len(prefix), set()).add(prefix)
        for length, same_length in by_length.items():
            assert lowered is not None
            if len(same_length) <= _FIND_AT_MOST:
                # A few prefixes (a comparison's omitted quotations): a scan
                # of the text for each, in C, costs less than a pass in Python.
                for prefix in same_length:
                    at = lowered.find(prefix)
                    while at != -1:
                        if at == 0 or not lowered[at - 1].isalnum():
                            found.append(at)
                        at = lowered.find(prefix, at + 1)
            else:
                found += [
                    m.start()
                    for m in _opening(length).finditer(lowered)
                    if m.group() in same_length
                ]
        rest = prefixes - plain
        if rest:
            parts = {"[^\\w\\s]?".join(map(re.escape, p)) for p in rest}
            pattern = "|".join(sorted(parts, key=len, reverse=True))
            found.extend(
                m.start() for m in re.finditer(rf"(?<!\w)(?:{pattern})", text, re.IGNORECASE)
            )
        return sorted(set(found))

    @property
    def lowered(self) -> str | None:
        """The text lowered, when lowering keeps every offset (else None)."""
        if self._lowered is None:
            lowered = self.text.lower()
            self._lowered = lowered if len(lowered) == len(self.text) else ""
        return self._lowered or None

    def _quoted(self, pos: int) -> bool:
        # A span excludes its marks: a word starting on the opening mark is in.
        k = bisect_right(self.starts, pos + 1) - 1
        return k >= 0 and pos <= self.spans[k][1]

    def _word_end(self, pos: int) -> int:
        m = _WORD_REST.match(self.text, pos)
        return m.end() if m else pos

    def _words(self, start: int, end: int) -> int:
        """Words from the one at ``start`` to the one at ``end``."""
        return len(_SPACE.findall(self.text, start, end)) + 1

    def _find(self, wanted: _Wanted, postings: dict[str, list[int]]) -> Echo | None:
        hits = sorted((pos, stem) for stem in wanted.stems for pos in postings.get(stem, ()))
        if len({stem for _, stem in hits}) < wanted.need:
            return None
        best: tuple[int, int, int, int] | None = None  # (-found, words, first, last)
        sentence = [self.sentences.around(pos) for pos, _ in hits]
        for a in range(len(hits)):
            seen: set[str] = set()
            for b in range(a, len(hits)):
                if sentence[b] != sentence[a]:
                    break
                words = self._words(hits[a][0], hits[b][0])
                if words > wanted.limit:
                    break
                seen.add(hits[b][1])
                if len(seen) >= wanted.need:
                    candidate = (-len(seen), words, a, b)
                    if best is None or candidate < best:
                        best = candidate
        if best is None:
            return None
        found, first, last = -best[0], best[2], best[3]
        start, end = hits[first][0], self._word_end(hits[last][0])
        s_start, s_end = sentence[first]
        text = self.text
        span, context = text[start:end], text[s_start:s_end].strip()
        coverage = found / len(wanted.stems)
        wording = fuzz.token_set_ratio(" ".join(wanted.keys), " ".join(keys(span))) / 100
        score = round(100 * coverage * (0.75 + 0.25 * wording), 1)
        kind: EchoKind = "indirect" if _REPORTING.search(context) else "narration"
        return Echo(start, end, span, context, score, kind)


def find_echo(quote: str, text: str, quoted: Sequence[tuple[int, int]]) -> Echo | None:
    """The best unquoted echo of the quotation ``quote`` in ``text`` (see the
    module docstring), or ``None``. To look up many quotations in one text,
    build one ``EchoFinder``."""
    return EchoFinder(text, quoted).find(quote)
