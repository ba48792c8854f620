"""Text normalisation shared by extraction, alignment and diffs.

Public API:

- ``fold_marks(text)``: the same text, one code point for one code point, with
  curly/guillemet/backtick quote marks folded to ASCII, NBSP and other spaces
  to a plain space, and the zero-width space too (a word break). Soft
  hyphens, joiners, bidi marks and other format characters are no word
  breaks: they stay, and ``word_key`` drops them.
  Because the length never changes, every offset into the folded text is an
  offset into the original.
- ``Token``: one whitespace-delimited word with its offsets.
- ``tokenize(text)``: the tokens of a text.
- ``words(text)``: just the words, as written (faster than ``tokenize``).
- ``keys(text)``: the non-empty word keys of a text, in order.
- ``word_key(word)``: the comparison key of one word (case, punctuation and
  common British/American spelling folded), ``""`` for pure punctuation.
- ``normalize(text)``: the comparison key of a whole text, the word keys
  joined by single spaces; two quotes are *identical* when these are equal.
- ``repair_mojibake(text)``: the text with curly marks, dashes and the
  like that were UTF-8 read as Windows-1252 or Latin-1 ("â€œ", "â€™")
  put right, and for each of its offsets the original's (``None`` when
  there was nothing to repair).
- ``WordCodes``: words to one character each, so that rapidfuzz's string
  scorers compare sequences of words (``codes.encode(words)``).
- ``fingerprint(text)``: SHA-256 (hex) of the text with quote styles,
  invisible characters and whitespace runs folded, so resubmitting the same
  article with different line wrapping or curly quotes is the same version,
  while any change of words, case or punctuation is a new one.

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

__all__ = [
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
    r"""Content hash of a text for deduplicating versions.

    >>> fingerprint("“Yes,”  he said.\n") == fingerprint('"Yes," he said.')
    True
    >>> fingerprint("Yes, he said.") == fingerprint("yes, he said.")
    False
    """
    folded = " ".join(fold_marks(unicodedata.normalize("NFC", text)).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()
