"""Words that attribute speech, and words that look like verbs.

A *cue* is a verb that reports speech or writing in any tense ("said",
"says", "fumed", "implores", "acknowledges"): every form of each verb
in the lexicon below, regular forms made by rule and irregular ones listed.
Where the layout alone shows an attribution (``"…," X gushed.``), any
word that looks like a verb serves (``verb_like``): a past form in -ed, a
present form in -s after a name, an auxiliary or a listed irregular form.

>>> is_cue("implored"), is_cue("suggests"), is_cue("saying"), is_cue("table")
(True, True, True, False)
>>> verb_like("gushed"), verb_like("is"), verb_like("senator")
(True, True, False)
"""

from __future__ import annotations

from functools import lru_cache

__all__ = ["AUXILIARIES", "BASES", "CUES", "PARTICIPLES", "is_cue", "verb_like"]

# Base forms whose -s, -ed and -ing forms are made by rule.
_REGULAR = """add admit acknowledge affirm agree allege announce answer argue ask assert
assure attest blast blame boast brag call caution charge chide chime claim comment complain
concede conclude confess confide confirm contend continue counter crow cry declare decry
demand deny describe dismiss echo emphasise emphasize estimate exclaim explain fume gripe
groan grumble gush guess hint imply implore insist inform instruct interject interrupt
joke lament laugh lecture marvel mention mock muse mutter note object observe offer opine
plead pledge point post praise predict proclaim promise protest quip rage rail rant reason
recall recount reflect reiterate rejoin remark remember reply report respond retort
reveal rule scoff scold scream shout sigh sneer snap speculate state stress suggest
summarise summarize tease testify thunder tout trumpet tweet urge vent venture vow wail
warn whisper wonder worry yell advise assess boom caution characterize characterise
complain criticize criticise condemn question recommend reassure reckon relate repeat
respond signal threaten acknowledge concur disagree dispute explain lash quote remind
insist press applaud welcome label brand dub deride ridicule slam accuse charge fault""".split()
# Irregular forms, and multi-form verbs whose rule forms would be wrong.
_IRREGULAR = """say says said saying tell tells told telling write writes wrote written
writing speak speaks spoke spoken speaking think thinks thought thinking put puts putting
read reads reading sing sings sang singing swear swears swore sworn swearing go goes went
going fire fires fired firing shoot shoots shot shooting forecast forecasts forecasting
""".split()
# Auxiliaries and common irregular past forms: verbs, though not cues.
AUXILIARIES = frozenset(
    """is was were are am be been being has had have having will would can could shall should
    may might must did does do took takes made makes gave gives came comes saw sees got gets
    began begins sent sends felt feels left leaves kept keeps held holds brought brings found
    finds knew knows ran runs led leads set sets met meets stood stands became becomes chose
    chooses drew draws threw throws won wins lost loses paid pays heard hears meant means
    sought seeks taught teaches wants needs seems appears uses calls tries tried shook struck
    wore drove rode rose fell flew grew threw blew broke froze stole woke bore tore hid bit lit
    slid slept wept swept dealt built spent lent bent sold fought bought caught ran sang rang
    sank drank swam sat stood hung dug stuck fled fed bled sped""".split()
)
# Participles that introduce a quotation after a clause: ", saying, …".
PARTICIPLES = frozenset(
    """saying asking adding telling writing noting arguing calling insisting explaining
    warning declaring stating claiming describing responding replying tweeting posting
    quipping joking suggesting urging stressing acknowledging promising vowing announcing
    predicting charging complaining demanding boasting recalling musing""".split()
)


def _forms(base: str) -> tuple[str, ...]:
    """-s, -ed and -ing forms of a regular verb (spelling rules for -e, -y,
    consonant doubling of short verbs ending consonant-vowel-consonant)."""
    if base.endswith("e"):
        return base + "s", base + "d", base[:-1] + "ing"
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        return base[:-1] + "ies", base[:-1] + "ied", base + "ing"
    if base.endswith(("s", "sh", "ch", "x", "z", "o")):
        return base + "es", base + "ed", base + "ing"
    if (
        len(base) <= 4
        and base[-1] not in "aeiouwy"
        and base[-2] in "aeiou"
        and base[-3] not in "aeiou"
    ):
        return base + "s", base + base[-1] + "ed", base + base[-1] + "ing"
    return base + "s", base + "ed", base + "ing"


# Base forms: a verb only after a plural subject, a modal or "to".
BASES = frozenset(_REGULAR) | frozenset(
    "say tell write speak think put read sing swear go fire shoot forecast".split()
)
CUES = frozenset(_IRREGULAR) | frozenset(
    form for base in _REGULAR for form in (base, *_forms(base))
)
# -ed words that are not past forms.
_NOT_PAST = frozenset("need seed speed feed bed red shed breed greed creed hundred embed".split())
# -s words that are common nouns after a name ("Trump supporters").
_NOT_PRESENT = frozenset(
    """supporters officials voters aides members leaders allies sources critics donors
    news years times states affairs campaigns forces others""".split()
)


def is_cue(word: str) -> bool:
    """Whether lower-case ``word`` is a verb of speech in any form."""
    return word in CUES


@lru_cache(maxsize=4096)
def verb_like(word: str) -> bool:
    """Whether lower-case ``word`` looks like a finite verb: a cue, an
    auxiliary or common irregular form, a word in -ed, or a word in -s that
    is not a common plural noun (the caller knows a subject precedes it)."""
    if word in CUES or word in AUXILIARIES:
        return True
    if len(word) >= 5 and word.endswith("ed"):
        return word not in _NOT_PAST
    return (
        len(word) >= 4
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is", "ics", "ness"))
        and word not in _NOT_PRESENT
    )
