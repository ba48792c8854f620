"""Who said a quotation, where the text says so.

Rules, tried in order for each quotation:

1. right after the closing mark, in the same sentence: ``," said X``,
   ``," X said``, ``," X, a nurse, said``, ``," X was quoted as saying``,
   ``…" KCNA quoted X as saying``, ``," according to X``;
2. before the opening mark, in the same sentence: a transcript prefix
   (``Keilar: "…"``), ``X said: "…"``, ``X told the paper that … "…"``,
   ``according to X, "…"``;
3. a quotation with no attribution of its own takes the speaker of the
   previous quotation when that one is in the same sentence or paragraph
   (``"A," said X. "B."``), or when it opens its paragraph right after a
   paragraph with a quotation (the wire-copy convention for a speaker's
   next paragraph).

Pronouns (``he said``) resolve to the speaker of an earlier quotation in
the same paragraph, else to the first person's name in the nearest
preceding sentence that names one (the sentence's subject, usually), else
to the previous speaker. Speakers are returned as the text names them
("the official", "Mr Kirby"), trimmed of time and place phrases.

>>> attribute_speakers('"Yes," said Ann Lee, a nurse.', [(1, 5)])
['Ann Lee']
>>> attribute_speakers('Mr Kirby said: "No."', [(16, 19)])
['Mr Kirby']
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

__all__ = ["attribute_speakers"]

_VERB_WORDS = """said says say asked asks added adds told tells wrote writes insisted insists
explained explains replied replies continued warned warns argued argues noted notes declared
stated stressed stresses recalled recalls remarked responded answered claimed claims conceded
admitted acknowledged tweeted posted joked quipped agreed cautioned complained predicted
promised announced urged suggested observed shouted recounted confirmed clarified reiterated
emphasised emphasized maintained vowed pledged demanded denied accused accusing blamed called
described dismissed criticised criticized condemned countered testified wondered mused
reported reassured concluded retorted interjected snapped pressed""".split()
_VERBS = (
    r"(?:was|is|were|has been|had been)\s+quoted\s+as\s+saying|fired back|shot back|went on|"
    r"followed up|chimed in|" + "|".join(sorted(_VERB_WORDS, key=len, reverse=True))
)
_AUX = r"(?:(?:later|again|also|then|once|simply|quickly|recently|previously|earlier|has|had|"
_AUX += r"have|reportedly|would|will|had\s+previously|has\s+also|once\s+again|[a-z]{3,}ly)\s+)*"
# One word of a name or description: abbreviations keep their dots.
_W = r"(?:[A-Z][a-z]{0,3}\.|(?:[A-Z]\.){2,}|[\w'’-]+)"
_NP = rf"({_W}(?:\s+{_W}){{0,15}})"
_LEAD = r"^[\s,—–-]{0,4}"

_QUOTED_AS = re.compile(rf"\bquoted\s+{_NP}\s+as\s+saying")
_VERB_FIRST = re.compile(rf"{_LEAD}(?:{_VERBS})\s+{_NP}")
# The subject, then what stands in apposition to it, if anything.
_SUBJECT_FIRST = re.compile(rf"{_LEAD}{_NP}(?:\s*,([^\"“”.;]{{1,90}}?),)?\s+{_AUX}(?:{_VERBS})\b")
_ACCORDING = re.compile(rf"\b[Aa]ccording\s+to\s+{_NP}")
# A person's name: capitalised words (initials and titles with their dots).
_PERSON = re.compile(r"(?:[A-Z][\w'’-]*\.?\s+){0,3}[A-Z][\w'’-]+")
_TRANSCRIPT = re.compile(
    r"^\s*((?:Mr|Mrs|Ms|Dr)?\.?\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s*:\s*$"
)
_SUBJECT_BEFORE = re.compile(rf"{_NP}\s*,?\s+{_AUX}(?:{_VERBS})\b[^.!?\"“”]*$")
# Where a clause may start: a dateline's dash ("LONDON (Reuters) - ") too.
_CLAUSE_START = re.compile(
    r"(?:^|[;,]\s+|\s[—–]\s|\s--?\s|\s(?=(?:when|as|after|while|because|before|until|and|but)\s))"
)
# Two or more capitalised words. (A lookbehind for "not inside a word" would
# make scanning 2.5x slower; ``_full_names`` checks the character before.)
_NAME = re.compile(r"[A-Z][a-z][\w'’-]*(?:\s+(?:[A-Z]\.\s+)?[A-Z][\w'’-]+)+")
_PLACE_BEFORE = re.compile(r"\b(?:in|at|from|of|to|near|across|outside|inside|around)\s+$", re.I)
_QUOTED = re.compile(r"[\"“][^\"“”\n]*[\"”]")
_CAPITAL_BEFORE = re.compile(r"[A-Z][\w.'’-]*\s+$")
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+(?=[A-Z\"“‘])|\n")
# After a closing mark: a subordinate clause, not an attribution.
_SUBORDINATE = re.compile(
    r"[\s,—–-]{0,4}(?:when|while|after|before|because|until|if|although|though|unless|whether|"
    r"once|since)\s",
    re.IGNORECASE,
)
# A name then a comma, at the start of a clause: what a description that
# follows may stand in apposition to.
_NAME_THEN_COMMA = re.compile(
    r"(?:^|[;,]\s+|\s[—–]\s|\s--?\s)([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3})\s*,\s*$"
)
# A name that only modifies the name after it: "Trump aide Michael Cohen",
# "Trump's lawyer Michael Cohen".
_MODIFIER_OF_NEXT = re.compile(
    r"(?:'s|’s)?\s+(?:aide|adviser|advisor|lawyer|attorney|spokesman|spokeswoman|"
    r"spokesperson|ally|associate|confidant|deputy|envoy|official|minister|secretary|"
    r"chief|press secretary|campaign manager)\s+[A-Z]"
)

_PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it", "him", "her"})
_LEAD_WORDS = frozenset(
    """but and so then however meanwhile later earlier also as yet to which whom whose of for
    when while after before because until including among""".split()
)
# A speaker phrase ends where time, place or a relative clause begins.
_STOP_WORDS = frozenset(
    """on in at last earlier later this that who which whose yesterday today tonight also has
    had have was is were previously recently then again after before during when while since
    with about over as by to for here there now monday tuesday wednesday thursday friday
    saturday sunday reportedly and""".split()
)
_VERB_SET = frozenset(_VERB_WORDS)
_DETERMINERS = frozenset(
    "a an the his her its their our my your one another some two three this that".split()
)
_GROUPS = frozenset("police officials authorities sources witnesses residents analysts".split())
# Capitalised only because they open a sentence: never part of a name.
_SENTENCE_OPENERS = frozenset(
    """Yet But And So Then However Meanwhile Later Earlier Also As The A An In On At When If
    While After Before Since Although Though Because For With By From Now This That These
    Those It He She They We I""".split()
)
_PREPOSITIONS = frozenset(
    "in at from of to near across outside inside around on for by with after before during".split()
)
_SUBORDINATORS = frozenset(
    "when if as after before while because although though once unless until whether".split()
)
_ORG_WORDS = frozenset(
    """Authority Association Council Department Ministry University Police Church Court
    Convention Agency Committee Office Party Press Service Services House Senate Congress
    Government Commission Bureau Institute Organization Organisation Company Corporation
    Group News Times Post Journal Television Network Division Center Centre Board Union
    Nations Republic Federation Kingdom States Street Road Avenue Boulevard Hotel Casino
    Strip County City Airport""".split()
)


def _clean(np: str) -> str | None:
    words = np.split()
    while words and words[0].lower() in _LEAD_WORDS:
        words = words[1:]
    for i, w in enumerate(words):
        if i and (w.lower() in _STOP_WORDS or w.lower() in _VERB_SET):
            words = words[:i]
            break
    words = [w.strip(",;:") for w in words]
    # "Cohen repeatedly (asked)": an adverb before the verb is no part of him.
    while len(words) > 1 and words[-1].endswith("ly") and words[-1].islower():
        words.pop()
    # "said Ann Lee." reads "Lee." as an abbreviation; initialisms keep dots.
    if words and words[-1].endswith(".") and not re.fullmatch(r"(?:[A-Z]\.)+|Jr\.|Sr\.", words[-1]):
        words[-1] = words[-1].rstrip(".")
    if not words or len(words) > 10 or (len(words) == 1 and words[0].lower() in _DETERMINERS):
        return None
    first = words[0]
    if first.lower() in _SUBORDINATORS or first.lower() in _VERB_SET:
        return None  # "when …", "said …": a clause, not who said it
    if first.lower() in _PRONOUNS:
        return first.lower()
    if all(w[:1].islower() for w in words) and first.lower() not in _DETERMINERS | _GROUPS:
        return None
    return " ".join(words)


# Attribution is local: no search looks further than this from a quotation,
# which keeps the whole pass linear in the text however long its paragraphs.
_REACH = 600


def _paragraph_start(text: str, pos: int) -> int:
    """Start of ``pos``'s paragraph, or ``pos - _REACH`` if that is nearer."""
    floor = max(0, pos - _REACH)
    return max(floor, text.rfind("\n", floor, pos) + 1)


def _closing_end(text: str, end: int) -> int:
    """Index after the closing mark(s) that follow a quotation's inside."""
    i = end
    while i < len(text) and i - end < 3 and text[i] in "\"”»’'`\ufffd?":
        i += 1
    return i


# Words that start a verb of speech, single or multi-word ("fired back",
# "was quoted as saying": "quoted" suffices).
_VERB_STARTS = frozenset(_VERB_WORDS) | {"fired", "shot", "went", "followed", "chimed", "quoted"}
_LOWER_WORD = re.compile(r"[a-z]+")


def _has_verb(text: str) -> bool:
    return not _VERB_STARTS.isdisjoint(_LOWER_WORD.findall(text))


def _after(text: str, end: int) -> tuple[str | None, bool]:
    """Speaker named after the closing mark, and whether only as a source
    (``according to X``), which a nearer attribution may override."""
    start = _closing_end(text, end)
    limit = min(len(text), start + 240)
    newline = text.find("\n", start, limit)
    tail = text[start : limit if newline < 0 else newline]
    # Stop at the next quotation: its attribution is its own.
    cut = re.search(r"[\"“”«»]", tail)
    if cut:
        tail = tail[: cut.start()]
    sentence = _SENTENCE_END.search(tail)
    head_of_tail = tail if sentence is None else tail[: sentence.start() + 1]
    m = _QUOTED_AS.search(head_of_tail)
    if m:
        return _clean(m.group(1)), False
    # The verb patterns backtrack over a long alternation: try them only
    # where a verb of speech occurs at all. A subordinate clause right after
    # the quotation ('asked "says who?" when an anchor said Trump was
    # down') is about something else: the quotation's speaker is before it.
    attributes = _has_verb(tail) and not _SUBORDINATE.match(tail)
    for pattern in (_VERB_FIRST, _SUBJECT_FIRST) if attributes else ():
        m = pattern.match(tail)
        if m:
            who = _clean(m.group(1))
            if who:
                # "the governor, Gavin Newsom, said": the name, not the role.
                if pattern is _SUBJECT_FIRST and m.group(2) and _descriptive(who):
                    named = m.group(2).strip()
                    if _PERSON.fullmatch(named) and named.split()[0] not in _SENTENCE_OPENERS:
                        return named, False
                return who, False
    m = _ACCORDING.search(head_of_tail)
    return (_clean(m.group(1)), True) if m else (None, False)


def _before(text: str, start: int) -> str | None:
    opening = start - 1
    while opening > 0 and text[opening - 1] in "\"“„«‘'`":
        opening -= 1
    para = _paragraph_start(text, opening)
    head = text[max(para, opening - 300) : opening]
    if not head.strip():
        # A quotation paragraph introduced by the previous one ("…, the
        # ministry said:").
        previous = text[max(0, para - 300) : para].rstrip()
        if previous.endswith(":"):
            head = previous[previous.rfind("\n") + 1 :]
    m = _TRANSCRIPT.match(head)
    if m:
        return _clean(m.group(1))
    # Only the current sentence of the head speaks for this quotation.
    ends = list(_SENTENCE_END.finditer(head))
    sentence = head[ends[-1].end() :] if ends else head
    if re.search(r"[\"“”«»]", sentence):
        sentence = sentence[max(sentence.rfind(c) for c in '"“”«»') + 1 :]
    for pattern in (_QUOTED_AS, _ACCORDING):
        m = pattern.search(sentence)
        if m:
            return _clean(m.group(1))
    if not _has_verb(sentence):
        return None
    # The clause closest to the quotation names its speaker.
    for start_at in reversed([c.end() for c in _CLAUSE_START.finditer(sentence)]):
        m = _SUBJECT_BEFORE.match(sentence, start_at)
        if m:
            who = _clean(m.group(1))
            if who:
                return _appositive_name(sentence[:start_at], who) or who
    return None


def _descriptive(who: str) -> bool:
    """A description: "the …", "his …", "a …", or ending in a common noun
    ("Donald Trump's lawyer"), not a name."""
    words = who.split()
    return words[0].lower() in _DETERMINERS or who[:1].islower() or words[-1][:1].islower()


def _appositive_name(before: str, who: str) -> str | None:
    """The name a description stands in apposition to: in "William
    Brownfield, the US assistant secretary, said", the clause found is "the
    US assistant secretary" and ``before`` ends "William Brownfield, "."""
    if not _descriptive(who):
        return None
    m = _NAME_THEN_COMMA.search(before)
    if m is None:
        return None
    words = m.group(1).split()
    if words[0].lower() in _PREPOSITIONS:
        return None  # "In Las Vegas, the sheriff said": a place
    while words and words[0] in _SENTENCE_OPENERS:
        words = words[1:]
    if len(words) < 2 or any(w in _ORG_WORDS for w in words):
        return None
    return " ".join(words)


def _full_names(text: str) -> list[tuple[int, int, str]]:
    """``(start, end, name)`` of the person-like full names in ``text``."""
    found: list[tuple[int, int, str]] = []
    for m in _NAME.finditer(text):
        before = text[m.start() - 1 : m.start()]
        if before and (before.isalnum() or before in "._"):
            continue  # inside a word or an abbreviation
        if _PLACE_BEFORE.search(text, max(0, m.start() - 30), m.start()):
            continue  # "in Las Vegas", "from New York": places, not people
        words = m.group().split()
        while words and words[0] in _SENTENCE_OPENERS:
            words = words[1:]
        # "Las Vegas Police Officer Jose Hernandez": the person follows the
        # last organisation word; "the Associated Press" is no person.
        org = [i for i, w in enumerate(words) if w in _ORG_WORDS]
        if org:
            words = words[org[-1] + 1 :]
        elif text[max(0, m.start() - 4) : m.start()].lower().endswith("the "):
            continue
        if _MODIFIER_OF_NEXT.match(text, m.end()):
            continue  # "Trump aide Michael Cohen": Cohen is the one meant
        if len(words) >= 2:
            found.append((m.start(), m.end(), " ".join(words)))
    return found


def _lone_surnames(text: str, surnames: set[str]) -> list[tuple[int, int, str]]:
    """A surname met alone ("Kalashnikov said"), not inside a longer name."""
    found: list[tuple[int, int, str]] = []
    end = -1
    for start, name in _occurrences(text, surnames):
        if start < end:
            continue  # inside the surname just found
        end = start + len(name)
        window = max(0, start - 30)
        if not _CAPITAL_BEFORE.search(text, window, start) and not _PLACE_BEFORE.search(
            text, window, start
        ):
            found.append((start, end, name))
    return found


def _occurrences(text: str, words: set[str]) -> list[tuple[int, str]]:
    """Where each of ``words`` stands as a whole word in ``text``, in order
    (at one offset, the first word alphabetically): ``str.find`` per word,
    not one regular expression of them all, which a text's own set of
    names would have to compile anew."""
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
    before = at > 0 and _is_word(text[at - 1])
    after = at < len(text) and _is_word(text[at])
    return before != after


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


class _Narration:
    """The person names of a text's narration, found in one pass.

    Built once per text, and only when a pronoun needs resolving. Quoted
    words are masked (keeping offsets): they are not the narration's subjects.
    """

    def __init__(self, text: str) -> None:
        masked = _QUOTED.sub(lambda m: " " * len(m.group()), text)
        self.sentence_starts = [0] + [m.end() for m in _SENTENCE_END.finditer(masked)]
        full = _full_names(masked)
        surnames = {name.split()[-1] for _, _, name in full}
        self.names = sorted(full + _lone_surnames(masked, surnames))
        self.name_starts = [start for start, _, _ in self.names]

    def subject_before(self, pos: int) -> str | None:
        """First person's name in the nearest sentence before ``pos`` that
        names one (the part of ``pos``'s own sentence before it counts)."""
        i = bisect_right(self.name_starts, pos) - 1
        while i >= 0 and self.names[i][1] > pos:
            i -= 1
        if i < 0 or pos - self.names[i][0] > 1500:
            return None
        sentence = self.sentence_starts[bisect_right(self.sentence_starts, self.name_starts[i]) - 1]
        first = bisect_left(self.name_starts, sentence)
        return self.names[first][2]


def attribute_speakers(text: str, spans: Sequence[tuple[int, int]]) -> list[str | None]:
    """One speaker or ``None`` per quotation span ``(start, end)`` (the
    inside of the marks), in order (see the module docstring)."""
    out: list[str | None] = []
    narration: _Narration | None = None
    newlines = [m.start() for m in re.finditer("\n", text)]
    prev_who: str | None = None
    prev_para, prev_end = -1, 0
    for start, end in spans:
        para = newlines[i - 1] + 1 if (i := bisect_left(newlines, start)) else 0
        same_para = para == prev_para
        sentence = _sentence_start(text, para, start)
        same_sentence = same_para and sentence <= prev_end
        who, source_only = _after(text, end)
        from_after = who is not None
        if who is None:
            who = _before(text, start)
        if source_only and same_sentence and prev_who:
            who = prev_who  # '"A" and "B", according to the paper': A's speaker
        if who in _PRONOUNS:
            if who in {"i", "we", "it"} or (same_para and prev_who):
                who = prev_who
            else:
                if narration is None:
                    narration = _Narration(text)
                # "…," he said: the narration before the quote names him;
                # "He added that X was '…'": only sentences before this one do.
                cut = start if from_after else sentence
                who = narration.subject_before(cut) or prev_who
        elif who is None and prev_who is not None:
            opens_para = start - para <= 8 and not text[para:start].strip(" \t\"“„«‘'`")
            next_para = prev_para >= 0 and text.count("\n", prev_end, para) <= 2 and not same_para
            if same_para or (opens_para and next_para):
                who = prev_who
        out.append(who)
        prev_who = who if who is not None else (prev_who if same_para else None)
        prev_para, prev_end = para, end
    return out


def _sentence_start(text: str, para: int, pos: int) -> int:
    """Start of the sentence holding ``pos`` (within its paragraph, and
    within ``_REACH`` characters)."""
    floor = max(para, pos - _REACH)
    ends = [m.end() for m in _SENTENCE_END.finditer(text, floor, pos)]
    return ends[-1] if ends else floor
