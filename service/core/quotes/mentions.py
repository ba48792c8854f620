"""Mentions of a speaker: the words of a text that name who speaks.

``read_phrase(text, pos, limit)`` reads the noun phrase that starts at
``pos`` (a name, a description, an organisation or a pronoun) and says
what kind it is and where the person's name is inside it:

- a name keeps its title, initials, suffixes and a bracketed party tag
  ("Rep. Emanuel Cleaver II (D-Mo.)"); the name proper drops the title
  and a modifier before it ("Trump aide Michael Cohen" names Michael Cohen);
- a description keeps what completes it ("a spokesman for the agency",
  "an adviser to the governor", "one person with knowledge of the talks");
- anything else is no mention: a time phrase ("Late Sunday"), a word that
  only opens a sentence ("But", "The"), a clause ("that he", "in
  Kentucky"), a verb phrase ("owns the station"), a number, a noun that
  cannot speak ("the decision", "the legal battle").

>>> text = "said Rep. Ann Lee (D-Mo.) on Monday."
>>> p = read_phrase(text, 5, len(text))
>>> text[p.start : p.end], p.kind, text[p.name_start : p.name_end]
('Rep. Ann Lee (D-Mo.)', 'name', 'Ann Lee')
>>> p = read_phrase("a spokesman for the agency said", 0, 31)
>>> p.kind, p.end
('description', 26)
>>> read_phrase("Late Sunday the", 0, 15) is None
True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from service.core.quotes.cues import AUXILIARIES, is_cue, verb_like

__all__ = [
    "ROLE_NOUNS",
    "TITLES",
    "Mention",
    "Phrase",
    "is_time_word",
    "marked_matches",
    "name_words",
    "read_phrase",
]


@dataclass(frozen=True, slots=True)
class Mention:
    """The words at an attribution that name its speaker, as offsets into
    the text (``text == source[start:end]``): "the sheriff", "he",
    "Mr. Cohen"."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Phrase:
    """A noun phrase read from a text: ``kind`` is ``"name"``, ``"org"``,
    ``"description"`` or ``"pronoun"``; ``name_start:name_end`` is the
    person's (or organisation's) name inside it (the whole phrase for a
    description or a pronoun)."""

    start: int
    end: int
    kind: str
    name_start: int
    name_end: int


_ABBREVIATIONS = (
    "Mr|Mrs|Ms|Dr|Prof|Gov|Sen|Sens|Rep|Reps|Lt|Gen|Col|Maj|Capt|Cmdr|Adm|Sgt|Cpl|Pvt|Jr|Sr|"
    "St|Rev|Hon|Atty|Supt|Insp|Det|Amb|Pres|Sec|Ltd|Inc|Co|Corp|Bros|Dept|Univ|Mt|Ft|No|Calif|"
    "Fla|Tex|Mass|Ill|Ga|Va|Md|Pa|Mich|Wis|Minn|Conn|Ariz|Colo|Ore|Wash|Ky|Tenn|La|Ala|Miss|"
    "Mo|Okla|Kan|Neb|Nev|Del|Vt|Ind|Ark|Wyo|Mont|Jan|Feb|Aug|Sept|Sep|Oct|Nov|Dec"
)
# A bracketed aside, a word (abbreviations keep their dot), or a mark.
_TOKEN = re.compile(
    r"(\([^()\"“”\n]{1,40}\))"
    rf"|((?:[A-Za-z]\.){{2,}}|(?=[A-Z])(?:{_ABBREVIATIONS})\.|[A-Z]\.(?=\s+[A-Z])|\w[\w'’&-]*)"
    r"|(--|[^\s\w])"
)
# Titles before a name: part of the mention, not of the name.
TITLES = frozenset(
    """mr mr. mrs mrs. ms ms. dr dr. prof prof. gov gov. sen sen. sens. rep rep. reps. lt lt.
    gen gen. col col. maj maj. capt capt. cmdr cmdr. adm adm. sgt sgt. rev rev. hon hon. atty.
    amb. pres. sec. det. insp. supt. sir dame lord lady president vice governor senator
    representative congressman congresswoman mayor sheriff judge justice chief chairman
    chairwoman chair secretary minister prime deputy director general attorney ambassador
    commissioner speaker leader majority minority former acting interim first lady king queen
    prince princess pope cardinal bishop rabbi imam father sister brother coach captain
    officer detective sergeant lieutenant colonel major admiral professor doctor dean
    superintendent trooper agent spokesman spokeswoman spokesperson press state assistant
    associate executive managing senior junior nominee candidate presidential
    vice-presidential democratic republican gop sheikh emir ayatollah chancellor premier
    councilman councilwoman alderman assemblyman assemblywoman delegate""".split()
)
# Lower-case words inside a name.
_PARTICLES = frozenset(
    "de van von der den da di du la le del della bin ibn al el dos das ter".split()
)
# The nouns among them: what a title ends with ("Transport Secretary", "the
# former House Speaker"), where a name after it starts.
ROLE_NOUNS = TITLES - frozenset(
    """former acting interim first press state assistant associate executive managing senior
    junior presidential vice-presidential democratic republican gop majority minority prime
    vice deputy""".split()
)
_DETERMINERS = frozenset(
    "a an the his her its their our my your one another other some two three four several many "
    "this that these those both each every any no".split()
)
_PRONOUNS = frozenset("he she they i we it".split())
# Words that start no speaker phrase, or end one.
_STOPS = frozenset(
    """on in at by as about after before during since until when while if because though
    although whether where there here then now also again yet still just even only not
    never ever so than what who whom whose which that this to into onto over under through
    against without within between among amid per via upon and or but nor said says
    yesterday today tonight tomorrow earlier later last next ago despite during including
    unlike like following toward towards beyond behind""".split()
)
# What follows a description's head and completes it: "a person familiar
# with the talks", "a source close to the campaign".
_POSTMODIFIERS = frozenset("familiar close knowledgeable briefed involved".split())
_SIGNS = frozenset(
    "sign banner poster placard caption headline slogan billboard shirt t-shirt sticker".split()
)
_PRONOMINAL = frozenset("another others some many several most both one few".split())
_REFLEXIVES = frozenset("himself herself themselves itself myself ourselves".split())
# What completes a description or a name: "a spokesman for X", "Sen. Y of Ohio".
_COMPLEMENTS = frozenset("of for at with to from".split())
_TIME_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april
    june july august september october november december late early last this next earlier
    later yesterday today tonight
    tomorrow morning afternoon evening night week weekend month year day hour minute""".split()
)
_OPENERS = frozenset(
    """but and so yet then however meanwhile still also as thus instead indeed moreover
    furthermore besides otherwise nonetheless nevertheless finally first second now well
    oh yes no asked""".split()
)
_ORG_WORDS = frozenset(
    """authority association council department ministry university police church court
    convention agency committee office party press service services house senate congress
    government commission bureau institute organization organisation company corporation
    group news times post journal television network division center centre board union
    nations republic federation kingdom states street hotel casino county city airport
    foundation fund campaign club league inc. corp. co. ltd. llc bank reuters tribune
    herald magazine review radio tv cnn fox nbc abc cbs msnbc npr bbc pac administration
    school college hospital trust council""".split()
)
# A description must end in a noun that can speak or hold words.
_AGENT_SUFFIXES = (
    "er",
    "or",
    "ist",
    "ian",
    "ant",
    "ent",
    "man",
    "woman",
    "person",
    "ee",
    "ive",
    "ary",
    "ers",
    "ors",
    "ists",
    "ians",
    "ants",
    "ents",
    "men",
    "women",
    "people",
    "ees",
    "ives",
    "aries",
    "al",
    "als",
    "ess",
    "-old",
    "-olds",
)
_AGENTS = frozenset(
    """source sources official officials aide aides chief head staff staffer team family
    couple crowd audience woman man boy girl mother father wife husband son daughter child
    children parent parents friend friends judge jury panel board council union group
    committee agency department ministry company firm bank school university administration
    government party court campaign network newspaper paper daily outlet magazine station
    site website blog report reports poll polls survey study studies statement statements
    letter letters memo memos complaint lawsuit suit filing filings document documents
    book film article piece editorial ad ads advert video tweet tweets post posts email
    emails message messages note notes transcript release account indictment ruling
    order bill law plan platform proposal motion resolution analysis review audit
    estimate figures data record records guidance warning notice
    police authorities witness witnesses resident residents expert
    experts analyst analysts economist economists observer observers critic critics
    insider insiders ally allies rival rivals colleague colleagues host anchor guest
    victim victims suspect suspects candidate nominee press media outlets agencies
    groups companies firms banks pundit pundits historian historians scientist
    scientists doctor doctors nurse nurses lawmaker lawmakers legislator legislators
    senator senators governor governors mayor mayors sheriff president presidents
    secretary minister ministers director directors chair chairman chairwoman
    representative representatives congressman congresswoman delegate delegates voter
    voters supporter supporters donor donors commission commissions council organization
    organizations organisation organisations coalition institute foundation center centre
    office bureau embassy administration authority authorities regime navy army military
    pentagon kremlin house senate congress legislature parliament assembly caucus delegation
    museum library archive association alliance federation league club society union
    newsroom desk editors board""".split()
)


# Words a phrase cannot end with; words that are no name.
_DANGLING = _COMPLEMENTS | _DETERMINERS | {"and"}
_NO_NAME = _OPENERS | _DETERMINERS


@lru_cache(maxsize=4096)
def is_time_word(word: str) -> bool:
    """Whether ``word`` (any case) is a day, month or time word."""
    lw = word.lower()
    # "Jun." is a month, "Jun" (Ai Jun) a name.
    return lw.rstrip(".") in _TIME_WORDS or (lw.endswith(".") and lw[:-1] in _MONTHS)


_MONTHS = frozenset("jan feb mar apr jun jul aug sep sept oct nov dec".split())


def name_words(name: str) -> list[str]:
    """The words of a name without titles ("Sen. Ann Lee" → Ann, Lee)."""
    words = [w.strip(",") for w in name.split()]
    while len(words) > 1 and words[0].lower() in TITLES:
        words = words[1:]
    return words


def marked_matches(text: str, marks: str, pattern: re.Pattern[str]) -> list[re.Match[str]]:
    """``list(pattern.finditer(text))`` for a pattern whose every match
    starts with one of the characters ``marks`` (a sentence's final stop):
    tried only where ``str.find`` finds one, since a regular expression's
    search tests each character in turn, many times slower over an article.

    >>> [m.group() for m in marked_matches("No. Yes! Ok", ".!", re.compile(r"[.!] +"))]
    ['. ', '! ']
    """
    starts: list[int] = []
    for mark in marks:
        at = text.find(mark)
        while at >= 0:
            starts.append(at)
            at = text.find(mark, at + 1)
    found: list[re.Match[str]] = []
    end = 0
    for at in sorted(starts):
        if at < end:
            continue  # inside the match before
        m = pattern.match(text, at)
        if m is not None:
            found.append(m)
            end = m.end()
    return found


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _agent(word: str) -> bool:
    """Whether a description's last word is a noun that can speak."""
    lw = word.lower().rstrip("'’s")
    return (
        word.lower() in _AGENTS
        or lw in _AGENTS
        or lw in TITLES
        or word.lower().endswith(_AGENT_SUFFIXES)
    )


_LOWER_WORD = re.compile(r"[a-z][a-z'’-]*\b")
_QUANTITY_STARTS = frozenset(
    "about nearly almost roughly only just over more fewer less at".split()
)
# "About four in 10 voters", "at least half of voters", "60 percent of them".
_QUANTIFIER = re.compile(
    r"(?:(?:about|nearly|almost|roughly|only|just|over|more than|fewer than|less than|"
    r"at least)\s+)?"
    r"(?:(?:\d+|one|two|three|four|five|six|seven|eight|nine)\s+(?:in|out of)\s+(?:\d+|ten)|half|"
    r"a third|a quarter|two-thirds|three-quarters|a majority|most|\d[\d,.]*\s*(?:percent|%))"
    r"(?:\s+of)?\s+",
    re.IGNORECASE,
)


def read_phrase(text: str, pos: int, limit: int, *, things: bool = False) -> Phrase | None:
    """The speaker phrase starting at ``pos`` (within ``text[:limit]``), or
    ``None`` when what starts there names nobody (see the module doc).
    With ``things``, a description whose head is not a noun known to speak
    ("the community") is returned too, of kind ``"thing"``."""
    phrase = _quantified(text, pos, limit)
    if phrase is not None and phrase.kind == "thing" and not things:
        return None
    return phrase


def _quantified(text: str, pos: int, limit: int) -> Phrase | None:
    """``read_phrase`` with things."""
    first = _LOWER_WORD.match(text, pos, limit)
    if first is not None:
        # What the reader would turn down at once, turned down cheaply: a
        # stop word ("in", "said") or a verb ("called") opens no phrase.
        word = first.group()
        if word in _STOPS and word not in _QUANTITY_STARTS:
            return None
        if word not in _ADJECTIVES and word not in _PRONOMINAL and verb_like(word):
            return None
    quantity = _QUANTIFIER.match(text, pos, limit)
    if quantity is not None:
        group = _read(text, quantity.end(), limit)
        if group is None or group.kind == "pronoun":
            return None
        return Phrase(pos, group.end, "description", pos, group.end)
    return _read(text, pos, limit)


def _read(text: str, pos: int, limit: int) -> Phrase | None:
    """``read_phrase`` without quantities."""
    words: list[re.Match[str]] = []
    core = 0  # number of words before the first complement
    for m in _TOKEN.finditer(text, pos, limit):
        kind = m.lastindex  # which of the token's three groups it is
        if kind == 3:
            if m.group(3) in "'’" and words and text[m.start() - 1 : m.start()] in "sS":
                continue  # "the Koreas' leaders": a plural possessive
            break
        if kind == 1:
            if not words or not _capitalised(words[-1].group()):
                break
            words.append(m)
            continue
        word = m.group()
        lw = word.lower()
        if not _accept(words, core, word, lw, text, m.end(), limit):
            break
        if not core and (
            lw in _COMPLEMENTS
            or lw in _POSTMODIFIERS
            or (
                lw.endswith("ed")
                and words
                and word.islower()
                # "an unnamed official", "one retired general": an adjective.
                and words[-1].group().lower() not in _DETERMINERS
            )
        ):
            core = len(words)
        words.append(m)
        if len(words) >= 16:
            break
    if len(words) == 1 and words[0].group().lower() in _PRONOMINAL:
        # "Another tweeted", "Some said": someone, if a verb of speech follows.
        return Phrase(words[0].start(), words[0].end(), "thing", words[0].start(), words[0].end())
    while words and words[-1].group().lower() in _DANGLING:
        words.pop()
    core = min(core or len(words), len(words))
    return _phrase(text, words, core)


def _peek(text: str, end: int, limit: int) -> str:
    """The word token after offset ``end``, or ``""`` (a mark comes first)."""
    following = _TOKEN.search(text, end, limit)
    return (following.group(2) or "") if following is not None else ""


def _accept(
    words: list[re.Match[str]], core: int, word: str, lw: str, text: str, end: int, limit: int
) -> bool:
    """Whether ``word`` goes on the phrase ``words`` read so far."""
    if not words:
        # "Holding signs, …", "Asked about it, …": a participle, not a name.
        return lw not in _STOPS and not (
            lw.endswith(("ing", "ed"))
            and _capitalised(word)
            and _peek(text, end, limit).islower()
            and not verb_like(_peek(text, end, limit))
            and "," in text[end : min(limit, end + 80)]
        )
    previous = words[-1].group()
    if lw in _PRONOUNS or lw in ("who", "which", "that", "whose"):
        return False
    if lw in _COMPLEMENTS or lw == "and":
        # "an adviser to the governor", "Sen. Lee of Ohio", "Tanden and
        # Effron": only before a name or a determined noun phrase.
        nxt = _peek(text, end, limit)
        if not nxt or previous.lower() in _COMPLEMENTS or is_time_word(nxt):
            return False
        if _capitalised(nxt) or nxt.lower() in _DETERMINERS:
            return len(words) < 12
        return lw in ("of", "with") and not _capitalised(previous) and not verb_like(nxt.lower())
    if lw in _STOPS or is_time_word(word):
        return False
    if _capitalised(word) or lw in _DETERMINERS or word[:1].isdigit():
        return True
    if lw.endswith(("'s", "’s")):
        return True  # a possessive: "the country's envoy"
    if lw.endswith("ly") or lw in ("also", "then", "later", "again", "once"):
        return False
    if lw in AUXILIARIES:
        return False
    if lw.endswith("ed") and previous.lower() in _DETERMINERS and _peek(text, end, limit):
        return not is_cue(lw)  # "an unnamed official", "a registered Democrat"
    if lw in _REFLEXIVES:
        return False
    if lw.endswith("ed") and previous.islower() and _agent(previous) and not is_cue(lw):
        # "a source involved in the talks", "officials briefed on it", "an
        # aide assigned to the case"; not "the candidate appeared to say".
        nxt = _peek(text, end, limit)
        if nxt == "to":
            after = _TOKEN.search(text, text.find("to", end, limit) + 2, limit)
            word_after = after.group(2) or "" if after is not None else ""
            return _capitalised(word_after) or word_after.lower() in _DETERMINERS
        return nxt in ("in", "on", "with", "by", "at")
    if verb_like(lw):
        # A word in -s is a plural noun when a verb follows it ("several
        # groups granted"), a verb otherwise ("Henry reports that").
        if not lw.endswith("s") or lw.endswith("ss"):
            return False
        nxt = _peek(text, end, limit)
        if not nxt:
            # Before a comma: a noun right after "two" or "the" ("Two
            # engineers, …"), a verb otherwise ("the board writes, …").
            return previous.lower() in _DETERMINERS
        return nxt.islower() and verb_like(nxt) and not nxt.endswith("s")
    return True


def _phrase(text: str, words: list[re.Match[str]], core: int) -> Phrase | None:
    """Classify the words read (see ``read_phrase``)."""
    while words and words[0].group().lower() in _OPENERS:
        words = words[1:]
        core -= 1
    if not words or core <= 0:
        return None
    first = words[0].group()
    lf = first.lower()
    start, end = words[0].start(), words[-1].end()
    if lf in _PRONOUNS:
        return Phrase(start, words[0].end(), "pronoun", start, words[0].end())
    contracted = _CONTRACTION.fullmatch(lf)
    if contracted is not None and contracted.group(1) in _PRONOUNS:
        # "He’s predicting", "It’s been": the pronoun, without its verb.
        at = start + len(contracted.group(1))
        return Phrase(start, at, "pronoun", start, at)
    if (
        first[:1].isdigit()
        or is_time_word(first)
        or lf in _STOPS
        or (verb_like(lf) and first.islower() and not _adjective(lf, words))
    ):
        return None
    head = words[core - 1]
    if head.group(1) is not None or _capitalised(head.group()):
        return _named(text, words, core, start, end)
    if head.group().lower().rstrip("s") in _SIGNS:
        return None  # 'A sign reads "Closed"': display, not speech
    determined = lf in _DETERMINERS or lf.endswith(("'s", "’s"))
    if not _agent(head.group()):
        # A noun that may or may not speak ("the community", "the mogul"):
        # the caller decides by the verb that follows.
        if not determined or head.group().endswith(("ly", "ing")) or len(words) < 2:
            return None
        return Phrase(start, end, "thing", start, end)
    if (
        not determined
        and core == len(words)
        and not _plural(head.group())
        and all(w.group()[:1].islower() for w in words)
    ):
        # A bare singular noun with nothing to complete it ("power",
        # "email", "federal") is a word of the sentence, not a source;
        # "spokesman for the agency", "union members", "voters" are.
        return None
    return Phrase(start, end, "description", start, end)


_CONTRACTION = re.compile(r"([a-z]+)['’](?:s|re|ll|ve|d|m)")


def _plural(word: str) -> bool:
    lw = word.lower()
    return lw.endswith("s") or lw in ("people", "men", "women", "police", "staff", "media")


def _adjective(word: str, words: list[re.Match[str]]) -> bool:
    """Whether a first word in -ed is an adjective: "retired Army Gen. Ann
    Lee", "embattled chief executive", not "called the plan"."""
    if word not in _ADJECTIVES or len(words) < 2:
        return False
    second = words[1].group()
    return _capitalised(second) or (
        second.islower() and not verb_like(second) and second not in _NOT_NOUNS
    )


_NOT_NOUNS = _DANGLING | frozenset("her him them it us me his their its our".split())
# Participles that describe people ("a retired general", "an embattled
# mayor"): listed, since any verb in -ed may open a clause instead.
_ADJECTIVES = frozenset(
    """retired embattled unnamed unidentified registered elected indicted convicted disgraced
    renowned celebrated acclaimed ousted jailed detained wounded injured undecided avowed
    divorced widowed unaffiliated unaligned experienced seasoned beleaguered defeated disaffected
    disillusioned displaced self-described so-called longtime""".split()
)


def _named(text: str, words: list[re.Match[str]], core: int, start: int, end: int) -> Phrase | None:
    """A phrase whose head is capitalised: a person's name, an organisation,
    or a title standing for someone ("the former House Speaker")."""
    run = core
    while run > 0 and (
        _capitalised(words[run - 1].group())
        or words[run - 1].group(1) is not None
        # "Marieke de Vries", "Ludwig van Beethoven": a particle inside a name.
        or (
            run > 1
            and words[run - 1].group() in _PARTICLES
            and _capitalised(words[run - 2].group())
            and run < core
        )
    ):
        run -= 1
    names = [w for w in words[run:core] if w.group(1) is None]
    # "Late Sunday", "The": no name at all.
    if all(is_time_word(w.group()) or w.group().lower() in _NO_NAME for w in names):
        return None
    if names[-1].group().lower() in ROLE_NOUNS and not (run == 0 and len(names) > 1):
        return Phrase(start, end, "description", start, end)  # "the President"
    # The name proper follows the last title: "Transport Secretary Dana
    # Whitfield", "Sen. Ann Lee", "House Speaker Paul Ryan".
    titles = max(
        (i + 1 for i, w in enumerate(names[:-1]) if w.group().lower().rstrip(".") in ROLE_NOUNS),
        default=0,
    )
    proper = names[titles:]
    lowered = {w.group().lower() for w in proper}
    after_the = run > 0 and words[run - 1].group().lower() == "the"
    if lowered & _ORG_WORDS or after_the:
        name_start = words[run - 1].start() if after_the else proper[0].start()
        return Phrase(start, end, "org", name_start, proper[-1].end())
    return Phrase(start, end, "name", proper[0].start(), proper[-1].end())
