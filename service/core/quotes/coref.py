"""The people a text names, to resolve a mention to a person.

``Cast(narration)`` reads once the person names of a text whose quotations
are masked out (quoted words do not introduce anyone), then answers:

- ``fullest(words, pos)``: the fullest form the text gives of a name
  ("Trump" → "Donald J. Trump", "Mr. Cohen" → "Michael Cohen"); of several
  people who share a surname, the one named last before ``pos``;
- ``role(head, pos)``: the person a definite description stands for ("the
  sheriff" after "County Sheriff Jane Roe", "the senator" after "Sen. Ann
  Lee", "the official" after "Ann Lee, a State Department official");
- ``subject_before(pos)``: the first person named in the nearest sentence
  before ``pos`` that names one (what "he said" refers to when no quotation
  before it has a speaker).

>>> cast = Cast("County Sheriff Jane Roe spoke. Later Mr. Roe left. The sheriff said no.")
>>> cast.fullest(["Mr.", "Roe"], 40), cast.role("sheriff", 60)
('Jane Roe', 'Jane Roe')
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from functools import lru_cache

from service.core.quotes.mentions import ROLE_NOUNS, TITLES, is_time_word, marked_matches

__all__ = ["ROLE_TITLES", "Cast"]

# Two or more capitalised words (initials and "Jr." allowed), or a title
# and one capitalised word ("Sen. Lee", "President Obama").
_NAME = re.compile(
    r"[A-Z][a-z][\w'’-]*(?:[ \t]+(?:[A-Z]\.[ \t]+)*[A-Z][\w'’-]+)+"
    r"(?:,?[ \t]+(?:Jr|Sr)\.|[ \t]+I{2,3}\b)?"
)
_PLACE_WORDS = ("in", "at", "from", "near", "across", "outside", "inside", "around", "to")
_PLACE_BEFORE = re.compile(rf"\b(?:{'|'.join(_PLACE_WORDS)})\s+$", re.I)
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+(?=[A-Z\"“‘])|\n")
_OPENERS = frozenset(
    """Yet But And So Then However Meanwhile Later Earlier Also As The A An In On At When If
    While After Before Since Although Though Because For With By From Now This That These
    Those It He She They We I His Her Their Its Our My Rival Former Late Other Many Some Most
    Several Few All Both Each Every Presumptive Despite Among Including Unlike During Under Over
    Only Even Just Still Why How What Where Who Here There Recall Like Amid Following Without
    Against Through Please Dear""".split()
)
# Words that end an organisation's or a place's name ("Harbour Authority",
# "Central Park"): a name run is the person named after the last of them.
# Not those that are also common surnames (Park, Church, House): "Council
# member Lee Park" is a person, and a place or organisation so named is
# still found by what stands before it ("in", "the").
_ORG_WORDS = frozenset(
    """Authority Association Council Department Ministry University Police Court
    Convention Agency Committee Office Party Press Service Services Senate Congress
    Government Commission Bureau Institute Organization Organisation Company Corporation
    Group News Times Post Journal Television Network Division Center Centre Board Union
    Nations Republic Federation Kingdom States Street Road Avenue Boulevard Hotel Casino
    Strip County City Airport Foundation Fund Campaign Club League Bank Street Review
    Magazine Radio School College Hospital Trust Administration America Americans Democrats
    Republicans Islands Island River Valley Mountains Sea Ocean Square""".split()
)
# A name that only modifies the name after it: "Trump aide Michael Cohen".
_MODIFIER_OF_NEXT = re.compile(
    r"(?:'s|’s)?\s+(?:aide|adviser|advisor|lawyer|attorney|spokesman|spokeswoman|"
    r"spokesperson|ally|associate|confidant|deputy|envoy|official|minister|secretary|"
    r"chief|press secretary|campaign manager)\s+[A-Z]"
)
# What a title abbreviation or word stands for, as the head of a description.
ROLE_TITLES = {
    "senator": ("Sen.", "Senator", "senator", "Sens."),
    "governor": ("Gov.", "Governor", "governor"),
    "representative": ("Rep.", "Representative", "representative", "congressman", "congresswoman"),
    "congressman": ("Rep.", "Congressman", "congressman"),
    "congresswoman": ("Rep.", "Congresswoman", "congresswoman"),
    "president": ("President", "president", "Pres."),
    "general": ("Gen.", "General", "general"),
    "doctor": ("Dr.", "Doctor", "doctor"),
    "professor": ("Prof.", "Professor", "professor"),
}


def _whole_word(text: str, start: int, end: int) -> bool:
    return not text[start - 1 : start].isalnum() and not text[end : end + 1].isalnum()


@lru_cache(maxsize=4096)
def _words(name: str) -> tuple[str, ...]:
    """The words of ``name`` without the titles and openers before it."""
    words = tuple(w.rstrip(",") for w in name.split())
    while words and (words[0] in _OPENERS or words[0].lower() in TITLES):
        words = words[1:]
    return words


def _key(word: str) -> str:
    """A name word for matching: case and a possessive ending dropped."""
    word = word.lower()
    return word[:-2] if word.endswith(("'s", "’s")) else word


_FORMS_REACH = 30_000
_MAX_FORMS = 32
# The capitalised words right before an offset, and right after one.
_NAME_WORD = re.compile(r"[A-Z][\w'’-]*|[A-Z][a-z]{0,3}\.|[A-Z]\.")


def _run_before(text: str, at: int) -> tuple[int, list[str]] | None:
    """Where the (up to four) capitalised words right before ``at`` start,
    and the words ("Sen. Ann" before "Lee"); ``None`` when there are none.
    Read back word by word: a regular expression anchored at ``at`` would be
    tried at every offset of its window."""
    words: list[str] = []
    start = at
    while len(words) < 4:
        end = start
        while end > 0 and text[end - 1] in " \t":
            end -= 1
        if end == start:
            break
        begin = end
        while begin > 0 and not text[begin - 1].isspace():
            begin -= 1
        if begin == end or not _NAME_WORD.fullmatch(text, begin, end):
            break
        words.append(text[begin:end])
        start = begin
    return (start, words[::-1]) if words else None


_RUN_AFTER = re.compile(
    r"[ \t]+((?:[A-Z]\.[ \t]+)*[A-Z][a-z][\w'’-]*"
    r"(?:[ \t]+(?:[A-Z]\.[ \t]+)*(?:(?:de|van|von|der|del|da|di|le|la|bin|al)[ \t]+)?"
    r"[A-Z][\w'’-]+)*)"
)
_RUN_END = re.compile(r"((?:[A-Z][\w'’.-]*[ \t]+){0,3}[A-Z][\w'’-]+)$")


class Cast:
    """The person names of a text (see the module docstring). Nothing is
    read up front: each question reads what it needs (the forms of one
    surname, the words around one role) and keeps the answer."""

    def __init__(self, narration: str) -> None:
        self.text = narration
        self._forms: dict[str, dict[tuple[str, ...], list[int]]] = {}
        # For a name, where each fuller form of it stands, with the fullest
        # form of that person (see ``fullest``); for a stretch of text, the
        # first person it names (see ``subject_before``). Like ``_forms``,
        # read from the window around ``around``.
        self._fuller: dict[tuple[str, ...], list[tuple[list[int], str]]] = {}
        self._first: dict[tuple[int, int], tuple[int, tuple[str, ...]] | None] = {}
        self.around = 0  # where the last question was asked
        self._sentence_starts: list[int] | None = None

    def forms(self, surname: str) -> dict[tuple[str, ...], list[int]]:
        """Each full name in the text ending with ``surname`` (its case
        ignored when it is upper case: "PENCE"), with the offsets where it
        stands, in order. At most ``_MAX_FORMS`` different names are kept
        (a text naming more people of one surname is no article)."""
        key = _key(surname)
        found = self._forms.get(key)
        if found is not None:
            return found
        found = {}
        text = self.text
        plain = surname[:-2] if surname.endswith(("'s", "’s")) else surname
        # The whole of an article; a window of a text longer than any (so
        # that a text of many names stays linear).
        lo, hi = max(0, self.around - _FORMS_REACH), self.around + _FORMS_REACH
        for variant in {plain, plain.capitalize() if plain.isupper() else plain}:
            at = text.find(variant, lo, hi)
            while at != -1:
                end = at + len(variant)
                if _whole_word(text, at, end) and not _RUN_AFTER.match(text, end):
                    run = _run_before(text, at)
                    if run is not None and not _place_or_org(text, run[0]):
                        words = _person_words(" ".join([*run[1], variant]))
                        if len(words) >= 2 and (words in found or len(found) < _MAX_FORMS):
                            found.setdefault(words, []).append(run[0])
                at = text.find(variant, end, hi)
        for offsets in found.values():
            offsets.sort()
        self._forms[key] = found
        return found

    def fullest(self, words: list[str], pos: int) -> str | None:
        """The fullest form of the name ``words`` (titles allowed), or
        ``None`` when the text gives none fuller."""
        name = _words(" ".join(words))
        if not name:
            return None
        if abs(pos - self.around) > _FORMS_REACH // 2:
            self.around = pos
            self._forms.clear()
            self._fuller.clear()
            self._first.clear()
        fuller = self._fuller.get(name)
        if fuller is None:
            fuller = self._fuller[name] = self._fuller_forms(name)
        if not fuller:
            return None

        def last_before(offsets: list[int]) -> int:
            i = bisect_left(offsets, pos)
            return offsets[i - 1] if i else -1

        # The person named last before ``pos`` (else first after it) …
        latest = max(fuller, key=lambda c: last_before(c[0]))
        if last_before(latest[0]) < 0:
            latest = min(fuller, key=lambda c: c[0][0])
        return latest[1]

    def _fuller_forms(self, name: tuple[str, ...]) -> list[tuple[list[int], str]]:
        """The forms of the text that hold every word of ``name``: where each
        stands, and the longest form the text gives of the same person (same
        first and last word), as ``fullest`` answers it."""
        forms = self.forms(name[-1])
        wanted = {_key(w) for w in name}
        candidates = [form for form in forms if wanted <= {_key(w) for w in form}]
        longest: dict[str, tuple[str, ...]] = {}
        for form in candidates:
            first = _key(form[0])
            if len(form) > len(longest.get(first, ())):
                longest[first] = form
        return [
            (forms[form], " ".join(_plain(w) for w in longest[_key(form[0])]))
            for form in candidates
        ]

    def role(self, head: str, pos: int) -> str | None:
        """The name of the person the role ``head`` ("sheriff") stands for
        at ``pos``: the nearest mention of the role before it that names
        someone, going back over definite ones ("the sheriff") and stopping
        at one that introduces someone unnamed ("a defence official")."""
        text = self.text
        found: list[tuple[int, str]] = []
        for form in ROLE_TITLES.get(head, (head, head.capitalize())):
            at = text.rfind(form, max(0, pos - 3000), pos)
            while at >= 0 and len(found) < 40:
                if _whole_word(text, at, at + len(form)):
                    found.append((at, form))
                at = text.rfind(form, max(0, pos - 3000), at)
        for at, form in sorted(found, reverse=True):
            name = self._named_at(at, form)
            if name is not None:
                return self.fullest(name.split(), at) or name
            if not text[max(0, at - 5) : at].lower().endswith(("the ", "this ")):
                return None
        return None

    def _named_at(self, at: int, form: str) -> str | None:
        """The name the role word at ``at`` introduces: the name right after
        it ("Sheriff Jane Roe", "spokesman Glen Caplin"), or the name the
        apposition it stands in follows ("Jane Roe, the county sheriff")."""
        text = self.text
        after = _RUN_AFTER.match(text, at + len(form))
        if after is not None:
            words = _person_words(after.group(1))
            if words:
                return " ".join(words)
        clause = text[max(0, at - 160) : at]
        comma = clause.rfind(", ")
        if comma < 0 or re.search(r"[.;\"“”]", clause[comma:]):
            return None
        before = _RUN_END.search(clause, 0, comma)
        if before is None:
            return None
        words = _person_words(before.group(1))
        return " ".join(words) if words else None

    def subject_before(self, pos: int) -> str | None:
        """First person's name in the nearest sentence before ``pos`` that
        names one (the part of ``pos``'s own sentence before it counts), in
        its fullest form; a surname alone counts ("Kalashnikov said"), if
        the text gives it in full somewhere. Sentences are read back from
        ``pos``, not the whole text: a pronoun's antecedent is near."""
        if self._sentence_starts is None:
            ends = marked_matches(self.text, ".!?\n", _SENTENCE_END)
            self._sentence_starts = [0] + [m.end() for m in ends]
        starts = self._sentence_starts
        k = bisect_right(starts, pos) - 1
        hi, floor = pos, pos - 1500
        while k >= 0 and hi > max(0, floor):
            stretch = (starts[k], hi)
            if stretch in self._first:
                found = self._first[stretch]
            else:
                found = self._first[stretch] = self._first_person(*stretch)
            if found is not None:
                at, words = found
                return self.fullest(list(words), at + 1) or " ".join(words)
            hi = starts[k]
            k -= 1
        return None

    def _first_person(self, lo: int, hi: int) -> tuple[int, tuple[str, ...]] | None:
        """The first person mention in ``text[lo:hi]``: a full name (not a
        place, an organisation, a modifier of the next name or a heading),
        or a surname met alone that the text gives in full."""
        text = self.text
        skip = lo
        for m in _CAPITAL.finditer(text, lo, hi):
            start = m.start()
            name = _NAME.match(text, start, hi) if start >= skip else None
            if name is not None and (start == 0 or not text[start - 1].isalnum()):
                # Capitalised words are read as one name ("Mr Cohen"); a
                # run that is no full name may still hold a surname.
                skip = name.end()
                words = _person_words(name.group())
                if (
                    len(words) >= 2
                    and not _place_or_org(text, start)
                    and not _MODIFIER_OF_NEXT.match(text, name.end())
                    and not _title_line(text, start, name.end())
                ):
                    return start, words
            word = m.group()
            if word in _OPENERS or word.lower() in TITLES or not _boundary(text, m.end()):
                continue
            window = max(0, start - 30)
            before = _CAPITAL_BEFORE.search(text, window, start)
            if before is not None and before.group(1).lower() not in TITLES:
                continue
            if not _place_before(text, window, start) and self.forms(word):
                return start, (word,)
        return None


def _title_line(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a whole line of its own, with no
    punctuation: a heading or page furniture ("Story Continued Below"), not
    a sentence's subject."""
    return text[start - 1 : start] in ("", "\n") and text[end : end + 1] in ("", "\n")


def _plain(word: str) -> str:
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _place_or_org(text: str, start: int) -> bool:
    """Whether capitalised words starting at ``start`` follow a place
    preposition ("in New York") or "the" ("the Associated Press")."""
    window = text[max(0, start - 12) : start]
    return _place_before(window, 0, len(window)) or window.lower().endswith("the ")


def _place_before(text: str, lo: int, hi: int) -> bool:
    """Whether ``text[lo:hi]`` ends with a place preposition and a space
    (``_PLACE_BEFORE``), searched for only when the words before ``hi``
    could be one: a search tries every offset of its window."""
    stretch = text[lo:hi]
    before = stretch.rstrip()
    if len(before) == len(stretch):
        return False
    # (Case is folded as the search folds it only in ASCII: "ın".)
    if stretch.isascii() and not before.lower().endswith(_PLACE_WORDS):
        return False
    return _PLACE_BEFORE.search(text, lo, hi) is not None


@lru_cache(maxsize=4096)
def _person_words(run: str) -> tuple[str, ...]:
    """The words of a person's name in a run of capitalised words: titles
    and sentence openers dropped, and what precedes an organisation word
    ("Las Vegas Police Officer Jose Hernandez": Jose Hernandez)."""
    words = _words(run)
    org = [i for i, w in enumerate(words) if w in _ORG_WORDS]
    if org:
        words = _words(" ".join(words[org[-1] + 1 :]))
    # "FBI Director James Comey": the name follows the last title;
    # "Thursday Brexit" is no name, nor is "New Hampshire".
    cut = [i for i, w in enumerate(words[:-1]) if w.lower().rstrip(".") in ROLE_NOUNS]
    cut += [i for i, w in enumerate(words) if is_time_word(w)]
    words = words[max(cut) + 1 :] if cut else words
    if words and (words[0] in _PLACE_STARTS or all(w in _PLACES for w in words)):
        return ()
    return words


# Words that start a place's name, and places a capitalised run may be.
_PLACE_STARTS = frozenset(
    "New North South East West Saint San Santa Los Las Fort Mount Lake Port Upper Lower".split()
)
_PLACES = frozenset(
    """Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia
    Hawaii Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts
    Michigan Minnesota Mississippi Missouri Montana Nebraska Nevada Hampshire Jersey Mexico York
    Carolina Dakota Ohio Oklahoma Oregon Pennsylvania Rhode Island Tennessee Texas Utah Vermont
    Virginia Washington Wisconsin Wyoming America United States Kingdom Britain England Scotland
    Wales Ireland France Germany Italy Spain Russia China Japan Korea India Pakistan Iran Iraq
    Syria Israel Egypt Turkey Ukraine Canada Brazil Cuba Afghanistan Libya Africa Europe Asia
    Chicago Boston Miami Detroit Houston Dallas Atlanta Philadelphia Baltimore Cleveland Denver
    Seattle Phoenix Orleans Angeles Vegas Francisco Diego Iowa DC D.C.""".split()
)


_CAPITAL_BEFORE = re.compile(r"([A-Z][\w.'’-]*)\s+$")
_CAPITAL = re.compile(r"[A-Z][\w'’-]*")


def _lone_surnames(text: str, surnames: set[str]) -> list[tuple[int, int, str]]:
    """A surname met alone ("Kalashnikov said", "Mr. Cohen"), not inside a
    longer name or a place phrase."""
    found: list[tuple[int, int, str]] = []
    end = -1
    for start, name in _occurrences(text, surnames):
        if start < end:
            continue  # inside the surname just found
        end = start + len(name)
        window = max(0, start - 30)
        before = _CAPITAL_BEFORE.search(text, window, start)
        if before is not None and before.group(1).lower() not in TITLES:
            continue
        if not _PLACE_BEFORE.search(text, window, start):
            found.append((start, end, name))
    return found


def _occurrences(text: str, words: set[str]) -> list[tuple[int, str]]:
    """Where each of ``words`` stands as a whole word in ``text``, in order:
    ``str.find`` per word, not one regular expression of them all, which a
    text's own set of names would have to compile anew."""
    found: list[tuple[int, str]] = []
    for word in words:
        at = text.find(word)
        while at != -1:
            if _boundary(text, at) and _boundary(text, at + len(word)):
                found.append((at, word))
            at = text.find(word, at + 1)
    return sorted(found)


def _boundary(text: str, at: int) -> bool:
    """Whether offset ``at`` of ``text`` is a word boundary (``\\b``)."""
    before = at > 0 and (text[at - 1].isalnum() or text[at - 1] == "_")
    after = at < len(text) and (text[at].isalnum() or text[at] == "_")
    return before != after
