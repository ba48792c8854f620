"""Where the words around one quotation name its speaker.

``Context(text, spans)`` prepares a text once: its narration (the text
with the insides of its quotations blanked, offsets kept, so quoted words
never pass for the narration's subjects or verbs) and its paragraphs.
``find(context, start, end)`` then tries, in order (before and after
swap places when the quotation ends its sentence, ``Lee said: "…." Others
agreed.``: an attribution before it is its own, what follows may be
someone else's):

1. a label: ``WALLACE: …`` opening the quotation, ``Name:`` or ``Name,
   Outlet:`` opening its paragraph, ``" ― Name`` closing it;
2. after the closing mark: ``," said X``, ``," X said``, ``," X, a
   nurse at St. Mary's Hospital Inc., said``, ``," Rep. Ann Lee (D-Mo.)
   fumed``, ``," suggests Dr. Lee`` (after a comma inside the marks any verb
   attributes: the layout says so); ``," according to X``;
3. before the opening mark, in its sentence: ``according to X,``, ``as X
   put it,``, ``with X saying,``, ``X said:``, ``As X acknowledges:``, a
   clause whose verb cues speech (``X told reporters that … "…"``) or a
   participle (``X dismissed it, calling it "…"``, ``by saying,``): its
   subject; a label before a colon (``… - Pew Research: "…"``); a
   title-case headline's subject (``Lee Says 'No' To Talks``);
4. a fragment in narration: the subject of the nearest clause before it
   (``X called the plan "…"``, ``X took to Twitter to accuse Y of being
   "…"``).

A match is a ``Found``: the phrase read (see ``mentions.read_phrase``), the
rule's name, and whether it is only a source (``according to``).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Literal, overload

from service.core.quotes.cues import AUXILIARIES, BASES, CUES, PARTICIPLES, is_cue, verb_like
from service.core.quotes.mentions import Phrase, is_time_word, marked_matches, read_phrase

__all__ = ["Context", "Found", "cue_subject_in", "find"]


@dataclass(frozen=True, slots=True)
class Found:
    """A speaker phrase found for a quotation, and how."""

    phrase: Phrase
    rule: str
    source_only: bool = False


_MARKS = "\"“”„«»‘’'`"
_MARK = re.compile(r"[\"“”„«»]")
_INSIDE = re.compile(r"[^\n]")
# Words whose full stop ends no sentence ("Sen.", "Calif."; the stops of
# "U.S." follow single capitals, which end none either).
_ABBREVIATIONS = frozenset(
    """Mr Mrs Ms Dr Prof Gov Sen Rep Lt Gen Col Capt Sgt Jr Sr St Rev Inc Ltd Co Corp No Mt Ft
    Calif Fla Mass Pa Va Md Ga Mich Ill Wash Jan Feb Aug Sept Oct Nov Dec""".split()
)
_SENTENCE_END = re.compile(r"[.!?][\"”’']{0,2}\s+(?=[A-Z\"“‘(])")
_FINAL = frozenset(".!?")
# Where a clause may start: a dateline's dash too ("LONDON (Reuters) - ").
# Each alternative opens with one character of the first class, which the
# pattern consumes before choosing by lookbehind: a pattern that opens with
# a character class is scanned for it in C, where an alternation is tried
# at every character (twice as slow over an article).
_CLAUSE_START = re.compile(
    r"[;,:”\"\s](?:(?<=[;,:])\s+|(?<=[”\"])\s+(?=[A-Za-z])|(?<=\s)[—–―]\s*|(?<=\s)--?\s"
    r"|(?<=\s)(?=(?:when|as|after|while|because|before|until|but|that|though|although|since|if|"
    r"so)\s)|(?<=\s)(?=(?:and|which)\s+(?:he|she|they|it|we|I|the|a|an|his|her|its|their|[A-Z])"
    r"\w*\s))"
)
_LEADING = frozenset(
    """in on at with after during following despite amid since for from under as when while if
    though although because before until once by over throughout unlike like among""".split()
)
# "A letter obtained by The Associated Press warns": a participle between
# a subject and its verb.
_BY_PHRASE = re.compile(
    r"\s+[a-z]+(?:ed|en)\s+by\s+(?:the\s+)?(?:[A-Z][\w.'’&-]*\s+)*[A-Z][\w.'’&-]*(?=\s+[a-z])"
)
_LEADING_TIME = re.compile(
    r"(?:(?:late|early|last|this|next)\s+)?(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|"
    r"February|March|April|May|June|July|August|September|October|November|December|week|"
    r"month|year|morning|afternoon|evening|night|weekend)(?:\s+(?:morning|afternoon|evening|"
    r"night|\d{1,2}))?,?\s+"
)
_LINKS = frozenset(
    """when as after while because before until and but that though although since if so which
    including""".split()
)
_SKIPPABLE = AUXILIARIES | frozenset(
    "also then later again once not never still just even already first repeatedly reportedly "
    "has had have would will could should may might did does do is was were are been be being "
    "previously recently earlier initially himself herself themselves itself".split()
)
_WORD = re.compile(r"[A-Za-z][\w'’-]*")
# "on Thursday", "earlier in September", "last week": between subject and verb.
_TIME_PHRASE = re.compile(
    r"(?:\s+(?:on|in|at|during|earlier|later|last|this|next|late|early|that))+\s+(?:the\s+)?"
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|May|June|July|"
    r"August|September|October|November|December|week|month|year|morning|afternoon|evening|"
    r"night|weekend|day|\d{4})\b(?:\s+(?:morning|afternoon|evening|night))?,?"
)
_PREPOSED = frozenset("the a an his her their its our my your this these those such".split())


# Spaces of other widths read as plain ones (one character each: offsets hold).
# (Each replaced on its own where ``in`` finds it: ``str.translate`` looks
# every character up in its table, a third of a millisecond on an article,
# and a regular expression's search over a character class tests every
# character too.)
_SPACES = "\u00a0\u2002\u2003\u2007\u2009\u200a\u202f\u205f"


def _mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """``text`` with the inside of each span blanked (line breaks kept) and
    every space a plain one."""
    pieces: list[str] = []
    at = 0
    for start, end in spans:
        if start < at:
            continue
        pieces.append(text[at:start])
        inside = text[start:end]
        blank = _INSIDE.sub(" ", inside) if "\n" in inside else " " * len(inside)
        # A quotation that ends its sentence ends it in the narration too
        # (quotations are trimmed: their last character is their last).
        pieces.append(blank[:-1] + inside[-1] if inside[-1:] in _FINAL else blank)
        at = end
    pieces.append(text[at:])
    masked = "".join(pieces)
    if not masked.isascii():
        for space in _SPACES:
            if space in masked:
                masked = masked.replace(space, " ")
    # A mis-decoded closing mark ("\ufffd?") is a mark, not a question mark.
    return masked.replace("\ufffd?", "\ufffd”")


class Context:
    """A text prepared for the rules (see the module docstring)."""

    def __init__(self, text: str, spans: Sequence[tuple[int, int]]) -> None:
        self.text = text
        self.narration = _mask(text, spans)
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.quote_starts = [start for start, _ in spans]

    def paragraph(self, pos: int) -> tuple[int, int]:
        """``(start, end)`` of the line holding ``pos``."""
        i = bisect_left(self.newlines, pos)
        start = self.newlines[i - 1] + 1 if i else 0
        end = self.newlines[i] if i < len(self.newlines) else len(self.text)
        return start, end

    @cached_property
    def sentences(self) -> list[int]:
        """Where each narration sentence after the first starts, in order."""
        narr = self.narration
        return [
            m.end()
            for m in marked_matches(narr, ".!?", _SENTENCE_END)
            if narr[m.start()] != "." or not _abbreviated(narr, m.start())
        ]

    def sentence_end(self, pos: int, limit: int) -> int:
        """End of the narration sentence holding ``pos`` (its final mark
        included), not after ``limit``."""
        sentences = self.sentences
        i = bisect_right(sentences, pos)
        if i >= len(sentences) or sentences[i] > limit:
            return limit
        end = sentences[i]
        while end > pos and self.narration[end - 1].isspace():
            end -= 1
        return end

    def sentence_start(self, floor: int, pos: int) -> int:
        """Start of the narration sentence holding ``pos``, not before
        ``floor``; an abbreviation ("Sen.", "U.S.") ends none."""
        # Attribution is local: no rule looks further back than _REACH, which
        # keeps the pass linear however long a paragraph runs unpunctuated.
        if floor < pos - _REACH:
            floor = pos - _REACH
        sentences = self.sentences
        i = bisect_right(sentences, pos) - 1
        return sentences[i] if i >= 0 and sentences[i] > floor else floor


def _abbreviated(text: str, stop: int) -> bool:
    """Whether the word right before the full stop at ``stop`` is an
    abbreviation or an initial: read back over its characters (no
    abbreviation has six), not searched for at each sentence end."""
    begin = stop
    while begin > 0 and stop - begin < 6 and (text[begin - 1].isalnum() or text[begin - 1] == "_"):
        begin -= 1
    word = text[begin:stop]
    return word in _ABBREVIATIONS or (len(word) == 1 and "A" <= word <= "Z")


_REACH = 600


def _skip(text: str, pos: int, limit: int, chars: str = " \t,") -> int:
    while pos < limit and text[pos] in chars:
        pos += 1
    return pos


def _last_char(text: str, hi: int) -> str:
    """The last character of ``text[:hi]`` that is no space, or ``""`` (read
    back from ``hi``: the text before it may be most of an article)."""
    while hi > 0 and text[hi - 1].isspace():
        hi -= 1
    return text[hi - 1 : hi]


def _word_at(text: str, pos: int, limit: int) -> re.Match[str] | None:
    return _WORD.match(text, _skip(text, pos, limit, " \t"), limit)


_CONTRACTED_VERB = re.compile(r"['’](?:s|re|ll|ve|d)\b")


def _after_verbs(text: str, pos: int, limit: int, *, any_verb: bool) -> re.Match[str] | None:
    """The verb a subject ending at ``pos`` governs: skipping adverbs and
    auxiliaries ("later", "has also"), the first cue, or (``any_verb``) the
    first finite-looking verb or auxiliary; ``None`` when something else
    comes first."""
    seen_aux: re.Match[str] | None = None
    contracted = _CONTRACTED_VERB.match(text, pos, limit)
    if contracted is not None:
        pos = contracted.end()  # "He’s predicting": the auxiliary in the pronoun
    for step in range(5):
        time = _TIME_PHRASE.match(text, pos, limit) or _BY_PHRASE.match(text, pos, limit)
        if time is not None:
            pos = time.end()
        m = _word_at(text, pos, limit)
        if m is None or not m.group().islower():
            break
        word = m.group()
        if word == "who" and step == 0:
            pos = m.end()  # "an officer who described it as": the officer
            continue
        if is_cue(word) or (any_verb and verb_like(word) and word not in _SKIPPABLE):
            return m
        if word not in _SKIPPABLE and not word.endswith("ly"):
            break
        if word in AUXILIARIES and seen_aux is None:
            seen_aux = m
        pos = m.end()
    return seen_aux if any_verb else None


def _apposition_end(text: str, pos: int, limit: int) -> int | None:
    """After a subject, the end of what stands in apposition to it (``,
    chief strategist at IG Ltd., ``), or ``None`` when no comma follows."""
    if text[pos : pos + 1] != ",":
        return None
    at = pos
    for _ in range(3):
        comma = text.find(",", at + 1, min(limit, pos + 160))
        if comma < 0:
            return None
        if ";" in text[at + 1 : comma]:
            return None
        nxt = _word_at(text, comma + 1, limit)
        if (
            nxt is not None
            and nxt.group().islower()
            and (
                is_cue(nxt.group())
                or nxt.group() in _SKIPPABLE
                or nxt.group().endswith("ly")
                or verb_like(nxt.group())
            )
        ):
            return comma + 1
        at = comma
    return None


def _subject(
    text: str, pos: int, limit: int, *, any_verb: bool
) -> tuple[Phrase, re.Match[str]] | None:
    """A subject phrase at ``pos`` and the verb it governs: ``X said``,
    ``X, a nurse, said``, ``the governor, Ann Lee, said`` (the name); a
    noun not known to speak only before a verb of speech ("the community
    has concluded")."""
    phrase = read_phrase(text, pos, limit, things=True)
    if phrase is None:
        return None
    verb = _after_verbs(text, phrase.end, limit, any_verb=any_verb)
    if phrase.kind == "thing":
        # "The community has concluded", not "A sign reads".
        if verb is None or not is_cue(verb.group()) or verb.group().startswith("read"):
            return None
        phrase = replace(phrase, kind="description")
    if verb is not None:
        return phrase, verb
    if text.startswith(", ", phrase.end):
        # "Gov. Ann Lee (R-OH), said": a stray comma.
        verb = _word_at(text, phrase.end + 1, limit)
        if verb is not None and is_cue(verb.group()) and not verb.group().endswith("ing"):
            return phrase, verb
    after = _apposition_end(text, phrase.end, limit)
    if after is None:
        return None
    verb = _after_verbs(text, after, limit, any_verb=any_verb)
    if verb is None:
        return None
    if phrase.kind == "description":
        named = read_phrase(text, _skip(text, phrase.end, limit), limit)
        if named is not None and named.kind == "name" and named.end + 1 == after:
            return named, verb
    return phrase, verb


def _closing_end(text: str, end: int) -> int:
    """Index after the closing mark(s) that follow a quotation's inside."""
    i = end
    while (
        i < len(text)
        and i - end < 4
        and (text[i] in _CLOSERS or (text[i] == " " and text[i + 1 : i + 2] in _DOUBLE_CLOSERS))
    ):
        i += 1  # a space only between marks: "… 'Well done,' " said Lee"
    return i


_CLOSERS = frozenset("\"”»’'`\ufffd?")
_DOUBLE_CLOSERS = frozenset('"”»')


def _opening(text: str, start: int) -> int:
    """Index of the first opening mark before a quotation's inside."""
    i = start
    while i > 0 and start - i < 3 and text[i - 1] in "\"“„«‘'`":
        i -= 1
    return i


def _bodies(text: str, pos: int, hi: int) -> list[int]:
    """Where the subject of a clause starting at ``pos`` may start: right
    there, or after what leads it: a linking word ("and", "when"), a
    relative link ("to which"), a time phrase ("On Tuesday the …"), an
    adverbial up to its comma ("In a speech in Ohio, …")."""
    first = _word_at(text, pos, hi)
    if first is None:
        return []
    lw = first.group().lower()
    comma = text.find(",", first.end(), hi)
    if first.group()[0].isupper() and (lw.endswith(("ing", "ed")) or is_time_word(lw)):
        # "Holding signs, the protesters …", "Asked about it, Lee said",
        # "Tuesday at the convention, Lee said".
        return [first.start(), _skip(text, comma, hi)] if comma >= 0 else [first.start()]
    if lw not in _LINKS and lw not in _LEADING:
        return [first.start()]
    after = _skip(text, first.end(), hi, " \t")
    nxt = _word_at(text, after, hi)
    if nxt is not None and nxt.group().lower() in ("which", "whom"):
        return [_skip(text, nxt.end(), hi, " \t")]
    time = _LEADING_TIME.match(text, after, hi)
    out = [time.end()] if time is not None else []
    if lw in _LINKS or lw == "once":
        out.append(after)  # "when Lee said", not "in Kentucky, said"
    if comma >= 0 and lw in _LEADING:
        out.append(_skip(text, comma, hi))
    return out


# Clause starts tried back from a quotation or a verb: a subject further
# away than this many clauses is the sentence's first, which is always tried
# (so a sentence of a hundred quotations costs what one of ten does).
_MAX_CLAUSES = 4


def _clause_starts(text: str, lo: int, hi: int) -> list[int]:
    """Where the clauses of ``text[lo:hi]`` may start: ``lo`` and the last
    ``_MAX_CLAUSES`` clause boundaries."""
    found = [m.end() for m in _CLAUSE_START.finditer(text, lo, hi)]
    return [lo, *found[-_MAX_CLAUSES:]]


@overload
def _clause_subject(
    text: str, lo: int, hi: int, *, any_verb: bool, verb: Literal[False] = False
) -> Phrase | None: ...
@overload
def _clause_subject(
    text: str, lo: int, hi: int, *, any_verb: bool, verb: Literal[True]
) -> tuple[Phrase, re.Match[str]] | None: ...
def _clause_subject(
    text: str, lo: int, hi: int, *, any_verb: bool, verb: bool = False
) -> Phrase | tuple[Phrase, re.Match[str]] | None:
    """The subject of the nearest clause of ``text[lo:hi]`` that has one
    (a leading adverbial skipped: "In January, X said"), and with ``verb``
    its verb."""
    starts = _clause_starts(text, lo, hi)
    for pos in reversed(starts):
        for at in _bodies(text, pos, hi):
            found = _subject(text, at, hi, any_verb=any_verb)
            if found is not None:
                return found if verb else found[0]
    return None


_INNER_LABEL = re.compile(r"([A-Z][A-Za-z.'’-]+(?: [A-Z][A-Za-z.'’-]+){0,2})\s?:\s")
_DASH = re.compile(r"\s*(?:[―—–]|--?)\s*")
_TRANSCRIPT = re.compile(
    r"\s*((?:Mr|Mrs|Ms|Dr)?\.?\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})"
    r"(?:,\s+(?:[Tt]he\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})?\s*:\s*$"
)


def _label(ctx: Context, start: int, end: int) -> Found | None:
    """``WALLACE: …`` inside the marks, ``Name:`` or ``Name, Outlet:``
    before them at the paragraph's start, or ``" ― Name`` closing it."""
    text = ctx.text
    para, para_end = ctx.paragraph(start)
    opening = _opening(text, start)
    if _blank(_SPACE_RUN, text, para, opening):
        m = _INNER_LABEL.match(text, start, end)
        if m is not None and (m.group(1).isupper() or len(m.group(1).split()) >= 2):
            phrase = read_phrase(text, start, m.end(1))
            if phrase is not None and phrase.kind in ("name", "org"):
                return Found(phrase, "label")
    else:
        m = (
            _TRANSCRIPT.fullmatch(ctx.narration, para, opening)
            if opening - para < 120 and _last_char(ctx.narration, opening) == ":"
            else None
        )
        if m is not None:
            phrase = read_phrase(text, m.start(1), m.end(1))
            if phrase is not None and phrase.kind in ("name", "org"):
                return Found(phrase, "label")
    at = _closing_end(text, end)
    dash = _DASH.match(text, at, para_end)
    if dash is not None and dash.end() > at and text[at : at + 1] != ",":
        phrase = read_phrase(text, dash.end(), para_end)
        if phrase is not None and _blank(_SIGN_OFF, text, phrase.end, para_end):
            return Found(phrase, "label")
    if _blank(_SIGN_OFF, text, at, para_end) and para_end < len(text):
        # A quotation paragraph signed in the next one: "- Ann Lee."
        signed = _SIGNATURE.match(text, para_end)
        if signed is not None:
            line_end = ctx.paragraph(signed.end())[1]
            phrase = read_phrase(text, signed.end(), line_end)
            if phrase is not None and phrase.kind in ("name", "org"):
                return Found(phrase, "label")
    return None


_SPACE_RUN = re.compile(r"\s*")
_SIGN_OFF = re.compile(r"[ .,\t\r]*")


def _blank(run: re.Pattern[str], text: str, lo: int, hi: int) -> bool:
    """Whether ``text[lo:hi]`` is all ``run`` (read up to its first other
    character, not copied: a paragraph may be long)."""
    m = run.match(text, lo, hi)
    return m is not None and m.end() == hi


_SIGNATURE = re.compile(r"\s{1,4}(?:[-—–―]|--)\s*(?=[A-Z])")


def _after(ctx: Context, start: int, end: int) -> Found | None:
    """The speaker named after the closing mark, in the same sentence."""
    text, narr = ctx.text, ctx.narration
    at = _closing_end(text, end)
    # The sentence after the closing mark: a quotation's own final stop
    # ends no sentence for its attribution ('"We won." Lee said.').
    stop = ctx.sentence_end(_skip(narr, at, len(narr), " \t"), min(ctx.paragraph(at)[1], at + 400))
    nxt = _MARK.search(narr, at, stop)
    limit = nxt.start() if nxt is not None else stop
    # After ',"' (or '?"', '!"') the sentence goes on: what follows is its
    # attribution if it is a subject and a verb, whatever the verb.
    goes_on = text[end - 1 : end] in ",?!—–-:"
    pos = _skip(narr, at, limit)
    first = _word_at(narr, pos, limit)
    if first is None:
        return None
    word = first.group()
    if word.islower() and is_cue(word) and not word.endswith("ing"):
        phrase = read_phrase(narr, _skip(narr, first.end(), limit), limit)
        if phrase is not None:
            return Found(phrase, "after")
    if word == "as":
        # '"…" as Lee put it on Monday'
        found = _subject(narr, first.end(), limit, any_verb=False)
        if found is not None:
            return Found(found[0], "after")
    # '"…." Lee called it "…"': a new sentence with a quotation of its own.
    if goes_on or nxt is None:
        found = _subject(narr, pos, limit, any_verb=goes_on)
        # '"…." He touted his wins': after a full stop, only a short
        # sentence is an attribution ('"…." Lee said on Monday.').
        if found is not None and (goes_on or len(narr[found[1].end() : limit].split()) <= 5):
            phrase, verb = found
            if verb.group() == "quoted":
                return _quoted_as(narr, verb.end(), limit) or Found(phrase, "after")
            return Found(phrase, "after")
    return _according(narr, pos, limit) or (_trailing(narr, pos, stop) if nxt is None else None)


def _trailing(text: str, pos: int, stop: int) -> Found | None:
    """An attribution closing the sentence: ``…, the group says.``,
    ``…, said Ann Lee, a nurse.``, ``…, Lee said on Monday.``, ``…, as
    Lee put it.`` (after one of the last three commas)."""
    comma = stop
    for _ in range(3):
        comma = text.rfind(", ", pos, comma)
        if comma < 0:
            return None
        found = _closing_clause(text, comma + 2, stop)
        if found is not None:
            return found
    return None


def _closing_clause(text: str, at: int, stop: int) -> Found | None:
    """The attribution clause at ``at`` that runs to the sentence's end."""
    first = _word_at(text, at, stop)
    if first is None:
        return None
    if first.group() == "as":
        at = first.end()
        first = _word_at(text, at, stop)
        if first is None:
            return None
    if first.group().islower() and is_cue(first.group()) and not first.group().endswith("ing"):
        phrase = read_phrase(text, _skip(text, first.end(), stop), stop)
    else:
        found = _subject(text, at, stop, any_verb=False)
        if found is None or len(text[found[1].end() : stop].split()) > 5:
            return None
        phrase = found[0]
    if phrase is None:
        return None
    rest = text[phrase.end : stop]
    # What follows the speaker: a few words ("on Monday"), or an
    # apposition ("…, a nurse at the hospital").
    if len(rest.split()) > 6 and not rest.startswith(","):
        return None
    return Found(phrase, "after")


# These patterns open with a literal, checking the boundary (and a first
# letter of either case) behind it: a literal lets the engine jump to where
# it stands, while a pattern opening with \b is tried at every character
# (some 50 ns each). A match of a pattern that leaves its first letter
# behind starts one character later: it is searched for from one past ``pos``.
_ACCORDING = re.compile(r"ccording(?<=\b[Aa]ccording)\s+to\s+")
_QUOTED_AS = re.compile(r"quoted(?<=\bquoted)\s+")


def _according(text: str, pos: int, limit: int) -> Found | None:
    """``according to X`` in the rest of the sentence: a source only."""
    end = _SENTENCE_END.search(text, pos, limit)
    m = _ACCORDING.search(text, pos + 1, end.start() + 1 if end else limit)
    if m is None:
        return None
    phrase = read_phrase(text, m.end(), limit)
    return Found(phrase, "according", source_only=True) if phrase is not None else None


def _quoted_as(text: str, pos: int, limit: int) -> Found | None:
    """``quoted X as saying``: X."""
    phrase = read_phrase(text, _skip(text, pos, limit), limit)
    if phrase is None or not text.startswith(" as ", phrase.end):
        return None
    return Found(phrase, "after")


_MAX_QUOTES_BACK = 6


def _head(ctx: Context, start: int) -> tuple[int, int] | None:
    """``(lo, hi)``: the narration of the quotation's sentence before its
    opening mark, or the last sentence of the previous paragraph when the
    quotation opens its own and that paragraph ends with a colon."""
    opening = _opening(ctx.text, start)
    para, _ = ctx.paragraph(opening)
    lo = ctx.sentence_start(para, opening)
    # A sentence of many quotations: its attribution is among the last few.
    k = bisect_left(ctx.quote_starts, start) - _MAX_QUOTES_BACK
    if k >= 0:
        lo = max(lo, _opening(ctx.text, ctx.quote_starts[k]))
    if ctx.narration[lo:opening].strip():
        return lo, opening
    end = para - 1
    while end > 0 and ctx.text[end - 1].isspace():
        end -= 1
    if end <= 0 or ctx.text[end - 1] != ":" or para - end > 4:
        return None
    prev_para, _ = ctx.paragraph(end - 1)
    return ctx.sentence_start(prev_para, end - 1), end


def _before(ctx: Context, start: int) -> Found | None:
    """The speaker the quotation's sentence names before its opening mark."""
    span = _head(ctx, start)
    if span is None:
        return None
    lo, hi = span
    narr = ctx.narration
    for rule in (_source_phrase, _participle, _colon, _cue_clause, _title_case):
        found = rule(narr, lo, hi)
        if found is not None:
            return found
    if _last_char(narr, hi) == ":":
        return None  # "The message was clear:" (see ``_colon``)
    phrase = _fragment_subject(narr, lo, hi)
    return Found(phrase, "fragment") if phrase is not None else None


def _fragment_subject(text: str, lo: int, hi: int) -> Phrase | None:
    """The subject of the clause a fragment sits in, or of the clause that
    clause completes: in "X found in 2014 that Y is "…"", X."""
    starts = _clause_starts(text, lo, hi)
    for j in range(len(starts) - 1, -1, -1):
        for at in _bodies(text, starts[j], hi):
            found = _subject(text, at, hi, any_verb=True)
            if found is None or _expletive(text, found[0]):
                continue  # "It has not helped that …": no one
            if j and text.startswith("that ", starts[j]) and _completes(text, lo, starts[j]):
                outer = _clause_subject(text, lo, starts[j], any_verb=True)
                if outer is not None:
                    return outer
            return found[0]
    return None


def _expletive(text: str, phrase: Phrase) -> bool:
    return phrase.kind == "pronoun" and text[phrase.start : phrase.end].lower() == "it"


def _completes(text: str, lo: int, that: int) -> bool:
    """Whether the "that" at ``that`` opens a clause completing a verb
    ("found in 2014 that", "argues that"), not one after a noun ("the
    plan that")."""
    word = _tail_word(text, lo, that)
    if word is None:
        return False
    w = word.group()
    return w.isdigit() or (w.islower() and (verb_like(w) or is_time_word(w) or w.endswith("ly")))


_AS_PUT_IT = re.compile(r"s(?<=\b[Aa]s)\s+")  # searched for from one past lo
_MODALS = frozenset("will would could should might may can must shall".split())
_PLURAL_SUBJECTS = frozenset("they we i you to did do does people".split())


def _source_phrase(text: str, lo: int, hi: int) -> Found | None:
    """``according to X,``, ``as X put it,``, ``X was quoted as saying``."""
    last: Found | None = None
    for m in _ACCORDING.finditer(text, lo + 1, hi):
        phrase = read_phrase(text, m.end(), hi)
        if phrase is not None:
            last = Found(phrase, "according")
    for m in _AS_PUT_IT.finditer(text, lo + 1, hi):
        # "As X put it, …", "as Breitbart News reported, …".
        found = _subject(text, m.end(), hi, any_verb=False)
        if found is not None and not found[1].group().endswith("ing"):
            last = Found(found[0], "before")
    for m in _QUOTED_AS.finditer(text, lo, hi):
        last = _quoted_as(text, m.end(), hi) or last
    return last


def _tail_word(text: str, lo: int, hi: int) -> re.Match[str] | None:
    """The last word of ``text[lo:hi]`` (marks and spaces after it skipped)."""
    end = hi
    while end > lo and text[end - 1] in " \t,:—–-\n":
        end -= 1
    start = end
    while start > lo and (text[start - 1].isalnum() or text[start - 1] in "'’-"):
        start -= 1
    return _WORD.fullmatch(text, start, end) if start < end else None


def _participle(text: str, lo: int, hi: int) -> Found | None:
    """``, saying, "…"``, ``by saying``, ``calling it "…"``, ``with X saying``:
    whose words the participle introduces."""
    word = _tail_word(text, lo, hi)
    if word is not None and word.group() in ("it", "him", "her", "them", "this", "that"):
        word = _tail_word(text, lo, word.start())
    if word is None or word.group() not in PARTICIPLES:
        return None
    return _participle_subject(text, lo, word)


def _participle_subject(text: str, lo: int, word: re.Match[str]) -> Found | None:
    """The subject of the participle ``word``: the phrase right before it
    after "with"/"of" ("with X saying", "footage of X asking"), else the
    subject of the clause it hangs on."""
    window = text[max(lo, word.start() - 120) : word.start()]
    for m in re.finditer(r"\b(?:with|of|shows|showed|show)\s+", window):
        pos = max(lo, word.start() - 120) + m.end()
        phrase = read_phrase(text, pos, word.start())
        if phrase is not None and not text[phrase.end : word.start()].strip():
            return Found(phrase, "participle")
    # The clause it hangs on is the sentence's main one, as a rule ("X
    # repeated that Y recites it, calling him …": X), else the nearest.
    for at in _bodies(text, lo, word.start()):
        found = _subject(text, at, word.start(), any_verb=True)
        if found is not None:
            return Found(found[0], "participle")
    phrase = _clause_subject(text, lo, word.start(), any_verb=True)
    return Found(phrase, "participle") if phrase is not None else None


def _colon(text: str, lo: int, hi: int) -> Found | None:
    """``X said:``, ``As X acknowledges:``, ``The Times reports:``."""
    end = hi
    while end > lo and text[end - 1] in " \t\n":
        end -= 1
    if end <= lo or text[end - 1] != ":":
        return None
    found = _clause_subject(text, lo, end - 1, any_verb=True, verb=True)
    if found is not None:
        phrase, verb = found
        if is_cue(verb.group()) or not _is_document(text, phrase):
            return Found(phrase, "before")  # not "The message was clear:"
    # A label: "… - Pew Research: “…”", "More from Jones: “…”".
    name = _LABEL_BEFORE.search(text, max(lo, end - 80), end - 1)
    if name is not None:
        label = read_phrase(text, name.start(1), end - 1)
        if label is not None and label.kind in ("name", "org") and label.end == end - 1:
            return Found(label, "label")
    return None


_LABEL_BEFORE = re.compile(
    r"(?:^|[-—–―…:]\s*|\.\.\.\s*|\bfrom\s+)((?:[A-Z][\w.'’&-]*\s+){0,5}[A-Z][\w.'’&-]*)\s*$"
)
_DOCUMENTS = frozenset(
    """message statement report letter memo release post tweet email video ad sign banner
    headline caption note notice poster slogan""".split()
)


def _is_document(text: str, phrase: Phrase) -> bool:
    """Whether a description names a document or a sign ("the message from
    Seoul"), which says nothing unless a verb of speech says so."""
    if phrase.kind != "description":
        return False
    head = ""
    for word in _WORD.findall(text, phrase.start, phrase.end):
        if word.lower() in _PREPOSITIONS:
            break
        head = word.lower()
    return head.rstrip("s") in _DOCUMENTS or head in _DOCUMENTS


def _cue_clause(text: str, lo: int, hi: int) -> Found | None:
    """The subject of the last verb of speech before the quotation
    (``X told reporters that the plan was "…"``)."""
    words = list(_WORD.finditer(text, lo, hi))
    tried = 0
    for i in range(len(words) - 1, -1, -1):
        word = words[i].group()
        if word not in CUES:  # (every cue is lower case)
            continue
        tried += 1
        if tried > _MAX_CUES:
            return None
        before = words[i - 1].group().lower() if i else ""
        if before in _PREPOSED or before.endswith(("'s", "’s")):
            continue  # "his remarks", "the report": nouns
        if before in _MODALS:
            continue  # "Americans will say no": no one has said it
        if word in BASES and not (before in _PLURAL_SUBJECTS or before.endswith("s")):
            continue  # "for comment", "a call": nouns
        if word.endswith("s") and i >= 2 and words[i - 2].group().lower() in _PREPOSITIONS:
            continue  # "of Republican claims": a noun
        answered = _RESPONSE_TO.match(text, words[i].end(), hi)
        if answered is not None:
            # "X responds to Lee's 'Says who?'": what is answered is Lee's.
            phrase = read_phrase(text, answered.start(1), answered.end(1) - 2)
            if phrase is not None and phrase.end == answered.end(1) - 2:
                return Found(phrase, "before")
            return None
        if word.endswith("ing"):
            return _participle_subject(text, lo, words[i])
        phrase = _cue_subject(text, lo, hi, words[i])
        if phrase is not None:
            return Found(phrase, "before")
    return None


# A verb of speech's object that is someone's words: "responds to Lee's".
_RESPONSE_TO = re.compile(r"\s+(?:\S+\s+){0,3}?to\s+((?:\S+\s+){0,3}?\S+['’]s)\s*$")
_POSSESSOR = re.compile(r"((?:[A-Z][\w.'’&-]*\s+){0,3}[A-Z][\w.'’&-]*?)['’]s\s*$")


def _possessor(text: str, lo: int, hi: int) -> Found | None:
    """Whose words a quotation right after a possessive is, in a headline:
    ``Twitter Mocks Lee's 'Says Who?'``. (In body copy the sentence's own
    attribution is likelier: "Graham said Trump's "…" plan".)"""
    m = _POSSESSOR.search(text, max(lo, hi - 80), hi)
    if m is None:
        return None
    phrase = read_phrase(text, m.start(1), m.end(1))
    if phrase is None or phrase.kind not in ("name", "org") or phrase.end != m.end(1):
        return None
    return Found(phrase, "before")


def _title_case(text: str, lo: int, hi: int) -> Found | None:
    """A headline or digest line in title case: ``Okafor Says Of The Union,
    "…"``, ``Lee Claims 'Nothing' Changed``, ``Lee Hammers Board Over
    'Waste'``: the subject of its first verb; ``Lee: Board Has 'No Plan'``:
    the label; ``Twitter Mocks Lee's 'Says Who?'``: the possessor."""
    words = list(_WORD.finditer(text, lo, hi))
    if len(words) < 2 or any(
        w.group()[0].islower() and w.group() not in _TITLE_LOWER for w in words
    ):
        return None
    colon = text.find(":", lo, hi)
    if colon >= 0 and len(_WORD.findall(text, lo, colon)) <= 4:
        label = read_phrase(text, words[0].start(), colon)
        if label is not None and label.kind in ("name", "org") and label.end == colon:
            return Found(label, "label")
    possessor = _possessor(text, lo, hi)
    if possessor is not None:
        return possessor
    for cue in words[1:]:
        word = cue.group().lower()
        if word in _TITLE_LOWER or word.endswith("ing") or not (is_cue(word) or verb_like(word)):
            continue
        phrase = read_phrase(text, words[0].start(), cue.start())
        if (
            phrase is not None
            and phrase.kind in ("name", "org")
            and not text[phrase.end : cue.start()].strip()
        ):
            return Found(phrase, "label")
        return None
    return None


_TITLE_LOWER = frozenset("of to in on at for and the a an with by from if as or vs".split())


def _cue_subject(text: str, lo: int, hi: int, cue: re.Match[str]) -> Phrase | None:
    """The subject whose verb is ``cue``: the phrase of the nearest clause
    start from which subject, apposition and adverbs lead to it."""
    starts = _clause_starts(text, lo, cue.start())
    for j in range(len(starts) - 1, -1, -1):
        for at in _bodies(text, starts[j], cue.start()):
            found = _subject(text, at, cue.end(), any_verb=False)
            if found is not None and found[1].start() == cue.start():
                return _apposed(text, starts, j, found[0])
    return _cue_subject_otherwise(text, lo, hi, cue, starts[-1])


def _apposed(text: str, starts: list[int], j: int, phrase: Phrase) -> Phrase:
    """The name a description found at clause start ``starts[j]`` stands in
    apposition to ("Ann Lee, a former adviser, said": Ann Lee), else the
    description."""
    if phrase.kind != "description" or j == 0 or _last_char(text, starts[j]) != ",":
        return phrase
    comma = text.rfind(",", starts[j - 1], starts[j])
    for at in _bodies(text, starts[j - 1], comma):
        named = read_phrase(text, at, comma)
        if named is not None and named.kind == "name" and named.end == comma:
            return named
    return phrase


_PREPOSITIONS = frozenset("of for to with about on in by from at against".split())
# Verbs of speech tried back from a quotation (the nearest names its speaker).
_MAX_CUES = 2
_PASSIVE = re.compile(r"\s+by\s+")
_NAME_BEFORE = re.compile(
    r"(?:^|\s)((?:[A-Z][\w.'’-]*\s+){0,4}[A-Z][\w'’-]+(?:\s+\([^()]{1,14}\))?)\s+(?:[a-z]+ly\s+)?$"
)
_COORDINATED = re.compile(r"\b(?:and|but|then|or)\s+(?:[a-z]+\s+){0,4}$")


def _adjuncts(text: str, pos: int, cue: re.Match[str]) -> bool:
    """Whether ``text[pos:cue.start()]`` holds only adjuncts (a time or a
    prepositional phrase: "last week in a note to the board"), no verb
    or relative clause of its own."""
    words = _WORD.findall(text, pos, cue.start())
    if not words or len(words) > 12 or ";" in text[pos : cue.start()]:
        return False
    first = words[0].lower()
    if first not in _PREPOSITIONS and first not in ("last", "earlier", "later", "this"):
        return False
    return not any(
        w.islower()
        and (w in AUXILIARIES or is_cue(w) or w in _RELATIVES or (len(w) > 4 and w.endswith("ed")))
        for w in words
    )


_RELATIVES = frozenset("who whom which that whose where when".split())


def _cue_subject_otherwise(
    text: str, lo: int, hi: int, cue: re.Match[str], clause: int
) -> Phrase | None:
    """A cue's subject when no clause start leads to it: the verb first
    ('"…," said X'), a passive ("was asked by X"), a name right before it
    ("Saturday at the convention Sen. Ann Lee (D-MA) said"), or the subject
    of the clause it is coordinated with ("X did Y but admitted …")."""
    if _WORD.search(text, clause, cue.start()) is None:
        return read_phrase(text, _skip(text, cue.end(), hi, " \t"), hi)
    by = _PASSIVE.match(text, cue.end(), hi)
    if by is not None and text[max(lo, cue.start() - 6) : cue.start()].rstrip().endswith(
        ("was", "were", "been", "is", "are")
    ):
        return read_phrase(text, by.end(), hi)
    for at in _bodies(text, clause, cue.start()):
        # "Ms Ruiz last week in a note to the planning board said": the
        # subject, then adjuncts only.
        phrase = read_phrase(text, at, cue.start())
        if phrase is not None and phrase.kind != "pronoun" and _adjuncts(text, phrase.end, cue):
            return phrase
    window = max(lo, cue.start() - 80)
    name = _NAME_BEFORE.search(text, window, cue.start())
    if name is not None:
        phrase = read_phrase(text, name.start(1), cue.start())
        if phrase is not None and phrase.kind in ("name", "org"):
            return phrase
    link = _COORDINATED.search(text, window, cue.start())
    if link is not None:
        # "X joked that Y was it, but went on to say": X's second verb.
        for at in _bodies(text, lo, link.start()):
            found = _subject(text, at, link.start(), any_verb=True)
            if found is not None:
                return found[0]
        return _clause_subject(text, lo, link.start(), any_verb=True)
    return None


def cue_subject_in(text: str, lo: int, hi: int) -> Phrase | None:
    """Who the last verb of speech in ``text[lo:hi]`` has speaking, if any
    (an indirect attribution: "…, said Ann Lee of the union.")."""
    found = _cue_clause(text, lo, hi)
    return found.phrase if found is not None else None


def find(ctx: Context, start: int, end: int) -> Found | None:
    """The speaker phrase the words around quotation ``text[start:end]``
    give (see the module docstring), or ``None``."""
    label = _label(ctx, start, end)
    if label is not None:
        return label
    following = _word_at(ctx.narration, _closing_end(ctx.text, end), len(ctx.text))
    if ctx.text[end - 1 : end] in _FINAL and (following is None or not following.group().islower()):
        # A quotation that ends its sentence: an attribution before it
        # ("Lee said: "…."") is its own; what follows may be another's.
        before = _before(ctx, start)
        if before is not None and before.rule != "fragment":
            return before
        return _after(ctx, start, end) or before
    return _after(ctx, start, end) or _before(ctx, start)
