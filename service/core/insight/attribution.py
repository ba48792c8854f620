"""Attribution drift: one statement credited to different sources.

``drift`` tells how two attributions of one statement differ:
``different_person`` (two named sources that share no name) or
``named_vs_anonymous`` (a named person against a description such as "a
defence official"); ``None`` when they agree or either is unknown.

Decisions: a quotation with no speaker on one side is not drift (the
speaker extraction missing an attribution is far likelier than an outlet
dropping one, and it would drown real drift); two descriptions ("the
official", "a defence official") are never drift, since nothing says they
are different people.

>>> drift("John Kirby", "Kirby"), drift("Kirby", "Psaki")
(None, 'different_person')
>>> drift("a defence official", "Pak Jong Chon"), drift("the official", "a defence official")
('named_vs_anonymous', None)
>>> drift("Defence Minister Lee Jong-sup", "a defence ministry official")
'named_vs_anonymous'
>>> drift("Volodymyr Zelenskyy", "President Zelenskiy")

A change of title, or a name given in part, is no drift; two first names
with one surname are two people:

>>> drift("Mr. Cohen", "Michael Cohen"), drift("Sen. Ann Lee", "Ann Lee")
(None, None)
>>> drift("Bill Clinton", "Hillary Clinton")
'different_person'
"""

from __future__ import annotations

from typing import Literal

from service.core.quotes.mentions import TITLES
from service.core.text import NAME_SPELLING, word_key

__all__ = ["DriftKind", "drift", "is_named", "same_speaker"]

DriftKind = Literal["different_person", "named_vs_anonymous"]

# Words that open a description rather than a name.
_DESCRIPTIVE = frozenset(
    "a an the one another some two three several his her its their this that".split()
)
# Titles and honorifics: not names by themselves.
_TITLES = frozenset(
    """mr mrs ms miss dr sir dame lord lady prof sgt lt col gen capt rev president
    minister secretary spokesman spokeswoman spokesperson senator rep governor mayor
    officer detective chief""".split()
) | {word_key(t) for t in TITLES}


def _name(speaker: str) -> list[str]:
    """The keys of the name an attribution ends with: its last run of
    capitalised words that are not titles ("White House spokesperson John
    Kirby" → john, kirby; "Defence Minister Lee Jong-sup" → lee, jongsup)."""
    run: list[str] = []
    last: list[str] = []
    for word in speaker.split():
        key = word_key(word)
        if word[:1].isupper() and key and key not in _TITLES and key not in _DESCRIPTIVE:
            run.append(key)
            last = run
        else:
            run = []
    return last


def is_named(speaker: str) -> bool:
    """A name: a capitalised word that is not a title, in an attribution that
    does not open as a description ("a defence official", "the official")
    or end as one ("Donald Trump's lawyer").

    >>> is_named("Mr Kirby"), is_named("KCNA"), is_named("a vice director"), is_named("officials")
    (True, True, False, False)
    >>> is_named("Donald Trump's lawyer"), is_named("Marieke de Vries")
    (False, True)
    """
    words = speaker.split()
    if not words or word_key(words[0]) in _DESCRIPTIVE or _ends_described(words):
        return False
    return bool(_name(speaker))


def _ends_described(words: list[str]) -> bool:
    """Whether an attribution ends with a common noun after a name: "Donald
    Trump's lawyer", "Trump aide" (a description, not the person's name)."""
    return len(words) > 1 and words[-1][:1].islower() and words[0][:1].isupper()


def same_speaker(a: str | None, b: str | None) -> bool | None:
    """Whether two named attributions name one speaker: their names share a
    word (``None`` when either is unknown or only a description).

    >>> same_speaker("John Kirby", "Kirby"), same_speaker("Kirby", "Psaki")
    (True, False)
    >>> same_speaker("White House press secretary Karine Jean-Pierre", "White House's John Kirby")
    False
    >>> same_speaker("Kirby", None) is None, same_speaker("the official", "the minister") is None
    (True, True)
    """
    if not a or not b:
        return None
    names_a, names_b = _name_or_words(a), _name_or_words(b)
    if not names_a or not names_b:
        return None
    if _two_first_names(names_a, names_b):
        return False
    # Transliterations (Zelenskyy, Zelenskiy) are one name.
    return any(NAME_SPELLING.same(x, y) for x in names_a for y in names_b)


def _two_first_names(a: list[str], b: list[str]) -> bool:
    """Two full names with one surname and different first names ("Bill
    Clinton", "Hillary Clinton"); an initial, a short form ("Mike",
    "Michael"; "Dan", "Daniel") or a common nickname is the same first name.

    >>> _two_first_names(["bill", "clinton"], ["hillary", "clinton"])
    True
    >>> _two_first_names(["bill", "clinton"], ["william", "j", "clinton"])
    False
    """
    if len(a) < 2 or len(b) < 2 or not NAME_SPELLING.same(a[-1], b[-1]):
        return False
    # Either first name among the other's given names ("Ted Cruz", "Rafael
    # Edward Cruz") is one person.
    return not any(_one_given_name(a[0], y) for y in b[:-1]) and not any(
        _one_given_name(b[0], x) for x in a[:-1]
    )


def _one_given_name(x: str, y: str) -> bool:
    if len(x) < 2 or len(y) < 2 or x.startswith(y) or y.startswith(x):
        return True
    return NAME_SPELLING.same(x, y) or _NICKNAMES.get(x, x) == _NICKNAMES.get(y, y)


# Short forms that are no prefix of the name they stand for.
_NICKNAMES = {
    nick: name
    for name, nicks in (
        ("william", "bill billy will"),
        ("robert", "bob bobby rob"),
        ("james", "jim jimmy"),
        ("michael", "mike mick"),
        ("thomas", "tom tommy"),
        ("joseph", "joe joey"),
        ("richard", "dick rick ricky"),
        ("edward", "ted ned eddie"),
        ("elizabeth", "liz beth betsy betty"),
        ("katherine", "kate kathy katie"),
        ("anthony", "tony"),
        ("lawrence", "larry"),
        ("john", "jack johnny"),
        ("henry", "hank"),
        ("charles", "chuck charlie"),
        ("andrew", "andy drew"),
        ("margaret", "peggy meg maggie"),
        ("rebecca", "becky"),
        ("bernard", "bernie"),
        ("gerald", "jerry"),
        ("stephen", "steve"),
    )
    for nick in nicks.split()
}


def _name_or_words(speaker: str) -> list[str]:
    """The name, or for an attribution written all in lower case ("kirby")
    that is no description, its words; a description has none."""
    if is_named(speaker):
        return _name(speaker)
    if _anonymous(speaker):
        return []
    return [k for w in speaker.split() if len(k := word_key(w)) >= 3 and k not in _TITLES]


def drift(
    left: str | None,
    right: str | None,
    *,
    left_text: str | None = None,
    right_text: str | None = None,
) -> DriftKind | None:
    """How the attributions ``left`` and ``right`` of one statement differ
    (``None`` when they agree, or either is unknown).

    With the two articles' texts, drift that the texts explain away is not
    reported: a description ("the CNN host") in an article that names the
    other side's speaker elsewhere most likely refers back to them, and two
    names each found in both articles point at an attribution misread
    rather than a statement credited to someone else.

    >>> drift("William Brownfield", "the US official", right_text="... William Brownfield said")
    """
    if not left or not right or left == right:
        return None
    named_left, named_right = is_named(left), is_named(right)
    if named_left and named_right:
        if same_speaker(left, right):
            return None
        if _mentions(right_text, left) and _mentions(left_text, right):
            return None
        return "different_person"
    if named_left != named_right and _anonymous(right if named_left else left):
        named, other_text = (left, right_text) if named_left else (right, left_text)
        return None if _mentions(other_text, named) else "named_vs_anonymous"
    return None


def _mentions(text: str | None, speaker: str) -> bool:
    """Whether ``text`` names ``speaker`` (by the last word of their name)."""
    name = _name(speaker)
    if text is None or not name:
        return False
    surname = speaker.split()[-1].strip(".,;:'’")
    return len(surname) >= 3 and surname in text


# Plural sources that stand for no one in particular.
_GROUPS = frozenset("officials sources police witnesses residents analysts diplomats".split())


def _anonymous(speaker: str) -> bool:
    """A description of a source rather than a misspelt name: it opens as a
    description ("a defence official") or names a group ("officials")."""
    words = speaker.split()
    first = word_key(words[0])
    return (
        first in _DESCRIPTIVE
        or _ends_described(words)
        or any(word_key(w) in _GROUPS for w in words)
    )
