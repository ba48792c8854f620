"""Text normalisation shared by extraction, alignment and diffs.

Every comparison in the core works on *word keys*: a word with its case,
punctuation, quote style and common British/American spelling folded
(``word_key``). Marks and exotic spaces are folded character for character
(``fold_marks``), so an offset into the folded text is an offset into the
original; mojibake punctuation (UTF-8 read as Windows-1252 or Latin-1) is
put right with a map back to the original offsets (``repair_mojibake``).
Two quotations are *identical* when their keys are (``normalize``), and two
words that still differ may be one word spelt two ways (``SpellingRule``).
``WordCodes`` turns words into single characters so that rapidfuzz's string
scorers compare sequences of words; ``fingerprint`` tells versions of an
article apart.

>>> normalize("“Jamaica’s own business,” he said")
'jamaicas own business he said'
>>> normalize("Criminal organisations") == normalize("criminal organizations")
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel

__all__ = [
    "NAME_SPELLING",
    "WORD_SPELLING",
    "SpellingRule",
    "Token",
    "WordCodes",
    "fingerprint",
    "fold_marks",
    "keys",
    "normalize",
    "repair_mojibake",
    "tokenize",
    "word_key",
    "words",
]

# One code point in, one code point out: offsets survive folding.
_FOLD = str.maketrans(
    {
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u2033": '"',  # ″
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2039": "'",  # ‹
        "\u203a": "'",  # ›
        "\u2032": "'",  # ′
        "`": "'",
        "\u00b4": "'",  # ´
        "\u00a0": " ",  # no-break space
        "\u2007": " ",  # figure space
        "\u202f": " ",  # narrow no-break space
        "\u200b": " ",  # zero-width space: a word break
        # Soft hyphens, joiners, bidi marks and other format characters are
        # not word breaks: they stay inside their word, and ``word_key``
        # drops them (so "tar\u00adnishing" matches "tarnishing").
    }
)
_FOLD_PAIRS = tuple((chr(code), str(folded)) for code, folded in _FOLD.items())

_WORD = re.compile(r"\S+")
_NON_WORD = re.compile(r"[\W_]+")

# Spelling variants that an editor would not call a change of wording.
# Applied to both sides, so they only need to map variants onto one form.
_SPELLING = {"ok": "okay", "o.k.": "okay"}
_SUFFIXES = (
    ("isation", "ization"),
    ("isations", "izations"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
    ("ise", "ize"),
    ("ogue", "og"),
    ("our", "or"),
    ("ours", "ors"),
    ("oured", "ored"),
    ("ouring", "oring"),
    ("lled", "led"),
    ("lling", "ling"),
)


def fold_marks(text: str) -> str:
    """Fold quote styles, exotic spaces and invisible characters, keeping length.

    Curly, low, guillemet and backtick marks become ASCII; NBSP, other
    spaces and the zero-width space become a plain space (a word break).
    Soft hyphens, joiners, bidi marks and other format characters are no
    word breaks: they stay, and ``word_key`` drops them. One code point
    for one code point, so every offset into the result is one into ``text``.

    >>> fold_marks("«Oui»\u00a0‘no’")
    '"Oui" \\'no\\''
    """
    # One ``str.replace`` per character present, not ``str.translate``: with
    # a table of non-ASCII characters that runs a dictionary look-up per
    # character of the text, about 100 times slower on an article.
    for mark, folded in _FOLD_PAIRS:
        if mark in text:
            text = text.replace(mark, folded)
    return text


@dataclass(frozen=True, slots=True)
class Token:
    """A whitespace-delimited word of a text, ``text[start:end] == word``."""

    word: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return word_key(self.word)


def tokenize(text: str) -> list[Token]:
    """Split ``text`` on whitespace (including NBSP and the zero-width
    space), keeping each word as written.

    >>> [t.word for t in tokenize("a\u00a0b  c")]
    ['a', 'b', 'c']
    """
    return [
        Token(text[m.start() : m.end()], m.start(), m.end())
        for m in _WORD.finditer(fold_marks(text))
    ]


def words(text: str) -> list[str]:
    """The words of ``text`` as written: ``[t.word for t in tokenize(text)]``.

    >>> words("“Yes,”\u00a0she\u200bsaid")
    ['“Yes,”', 'she', 'said']
    """
    folded = fold_marks(text)
    if folded == text:
        return text.split()
    return [text[m.start() : m.end()] for m in _WORD.finditer(folded)]


def keys(text: str) -> list[str]:
    """The non-empty word keys of ``text``, in order (pure punctuation dropped).

    >>> keys("“U.N.” — it’s colour!")
    ['un', 'its', 'color']
    """
    return list(filter(None, map(word_key, fold_marks(text).split())))


def _mojibake_table() -> dict[str, str]:
    """Mis-decoded forms of the punctuation news copy uses, to the right
    character: UTF-8 read as Windows-1252 (a byte it leaves undefined comes
    through as U+FFFD, as the C1 control of the same number, or not at
    all) and as Latin-1."""
    table: dict[str, str] = {}
    for char in "‘’‚‛“”„‟–—―…•′″‹›€™":
        raw = char.encode("utf-8")
        latin = raw.decode("latin-1")
        table[latin] = char
        windows = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in raw)
        table[windows] = char
        if windows != raw.decode("cp1252", errors="replace"):
            table[raw.decode("cp1252", errors="replace")] = char
    return table


_MOJIBAKE = _mojibake_table()
# Longest first; a bare "â€" is a closing double mark whose last byte was
# dropped (Windows-1252 has no character for it), unless more follows.
_MOJIBAKE_RE = re.compile(
    "|".join(map(re.escape, sorted(_MOJIBAKE, key=len, reverse=True)))
    + "|â€(?![\u0080-\u00bf\u0152-\u2122\ufffd])"
)


def repair_mojibake(text: str) -> tuple[str, list[int] | None]:
    """``(repaired, origin)``: ``text`` with its mojibake punctuation put
    right, and ``origin[i]``, the offset in ``text`` of the repaired text's
    offset ``i`` (one more entry, for the end). ``(text, None)`` when there
    is nothing to repair.

    >>> fixed, origin = repair_mojibake("â€œHi,â€ he said")
    >>> fixed, origin[1], origin[4]
    ('“Hi,” he said', 3, 6)
    """
    if "â" not in text:
        return text, None
    pieces: list[str] = []
    origin: list[int] = []
    at = 0
    for m in _MOJIBAKE_RE.finditer(text):
        pieces.append(text[at : m.start()])
        origin.extend(range(at, m.start()))
        pieces.append(_MOJIBAKE.get(m.group(), "”"))
        origin.append(m.start())
        at = m.end()
    if not origin:
        return text, None
    pieces.append(text[at:])
    origin.extend(range(at, len(text) + 1))
    return "".join(pieces), origin


@lru_cache(maxsize=65536)
def word_key(word: str) -> str:
    """Comparison key of one word: case, accents' composition, punctuation and
    spelling variants folded. Pure punctuation gives ``""``.

    >>> word_key("U.N.")
    'un'
    >>> word_key("Colour,")
    'color'
    """
    if "â" in word:
        word = repair_mojibake(word)[0]
    folded = unicodedata.normalize("NFKC", word).casefold()
    if folded in _SPELLING:
        return _SPELLING[folded]
    key = _NON_WORD.sub("", folded)
    key = _SPELLING.get(key, key)
    if len(key) >= 6:
        for british, american in _SUFFIXES:
            if key.endswith(british):
                return key[: -len(british)] + american
    return key


@dataclass(frozen=True, slots=True)
class SpellingRule:
    """When two word keys are one word spelt two ways (defence/defense,
    Zelenskyy/Zelenskiy): both at least ``min_length`` letters long and at
    least ``min_similarity`` of their letters shared in order (rapidfuzz's
    normalised Indel similarity).

    >>> WORD_SPELLING.same("programme", "program"), WORD_SPELLING.same("affect", "effect")
    (True, False)
    >>> NAME_SPELLING.same("ahmed", "ahmad"), WORD_SPELLING.same("ahmed", "ahmad")
    (True, False)
    """

    min_length: int
    min_similarity: float

    def same(self, a: str, b: str) -> bool:
        """Whether ``a`` and ``b`` are equal or one word spelt two ways."""
        return a == b or (
            min(len(a), len(b)) >= self.min_length
            and Indel.normalized_similarity(a, b) >= self.min_similarity
        )


# Two rules, because a letter means more in a word than in a name. In a
# quotation, short words one letter apart are usually different words
# (their/there, affect/effect), so only long words nearly alike count as one.
WORD_SPELLING = SpellingRule(min_length=6, min_similarity=0.85)
# A speaker's name is rarer and its transliterations vary more (Ahmed/Ahmad,
# Zelenskyy/Zelenskiy), so names are looser: five letters, 80% shared.
NAME_SPELLING = SpellingRule(min_length=5, min_similarity=0.8)


class WordCodes(dict[str, str]):
    """Words to one character each, by first appearance (from the start of
    Unicode's private-use area on), so that rapidfuzz's string scorers
    compare sequences of words: a score counts words, and an alignment never
    starts or ends inside one. One instance encodes all the texts compared.

    >>> codes = WordCodes()
    >>> codes.encode(["we", "will", "win"]) == codes.encode("we will win".split())
    True
    >>> len(codes.encode(["we", "win", "again"])), len(codes)
    (3, 4)
    """

    def __missing__(self, word: str) -> str:
        code = self[word] = chr(0xE000 + len(self))
        return code

    def encode(self, words: Iterable[str]) -> str:
        return "".join(map(self.__getitem__, words))


def normalize(text: str) -> str:
    """The comparison key of a text: its word keys joined by single spaces."""
    return " ".join(keys(text))


def fingerprint(text: str) -> str:
    r"""Content hash of a text for deduplicating versions: SHA-256 (hex) of
    the text with quote styles, invisible characters and whitespace runs
    folded, so the same article resubmitted with other line wrapping or
    curly quotes is the same version, while any change of words, case or
    punctuation is a new one.

    >>> fingerprint("“Yes,”  he said.\n") == fingerprint('"Yes," he said.')
    True
    >>> fingerprint("Yes, he said.") == fingerprint("yes, he said.")
    False
    """
    folded = " ".join(fold_marks(unicodedata.normalize("NFC", text)).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()
