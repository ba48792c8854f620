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
"""

from __future__ import annotations

from typing import Literal

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
)


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
    does not open as a description ("a defence official", "the official").

    >>> is_named("Mr Kirby"), is_named("KCNA"), is_named("a vice director"), is_named("officials")
    (True, True, False, False)
    """
    words = speaker.split()
    if not words or word_key(words[0]) in _DESCRIPTIVE:
        return False
    return bool(_name(speaker))


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
    # Transliterations (Zelenskyy, Zelenskiy) are one name.
    return any(NAME_SPELLING.same(x, y) for x in names_a for y in names_b)


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
    first = word_key(speaker.split()[0])
    return first in _DESCRIPTIVE or any(word_key(w) in _GROUPS for w in speaker.split())
