"""Who said a quotation, and the words that say so.

For each quotation, ``clauses.find`` looks for the words around it that
name a speaker (a label, an attribution after or before the marks, the
subject of the clause a fragment sits in). A quotation with none takes:

- the speaker of the previous quotation when it is in the same paragraph
  or sentence (``"A," said X. "B."``), or when it opens its paragraph
  right after a paragraph with a quotation (the wire-copy convention for a
  speaker's next paragraph);
- the speaker of an indirect attribution right before it (``…, said X of
  Y. "B."``: the sentence before names who is talking);
- in an exchange (two people's quotations in consecutive paragraphs, one
  of them a question and the next not, or the reverse), the other side.

The mention found is then resolved to a person (``coref.Cast``): a name to
its fullest form in the text ("Mr. Cohen" → "Michael Cohen"), a definite
description to the person the text introduced with that role ("the
sheriff" → "Jane Roe"), a pronoun to the speaker before it in the
paragraph or the person the sentence before names. Each result keeps the
mention: the words at the attribution, with their offsets.

>>> [a.speaker for a in attribute('"Yes," said Ann Lee, a nurse.', [(1, 5)])]
['Ann Lee']
>>> attribute('Sheriff Jo Roe came. "No," the sheriff said.', [(22, 25)])[0].mention
Mention(text='the sheriff', start=27, end=38)
>>> attribute_speakers('Mr Kirby said: "No."', [(16, 19)])
['Kirby']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from service.core.quotes.clauses import Context, Found, cue_subject_in, find
from service.core.quotes.coref import ROLE_TITLES, Cast
from service.core.quotes.mentions import ROLE_NOUNS, Mention, Phrase, name_words

__all__ = ["Attribution", "attribute", "attribute_speakers"]


@dataclass(frozen=True, slots=True)
class Attribution:
    """A quotation's speaker (the person's fullest name in the text, or a
    description or organisation as the text gives it; ``None`` when the
    text names no source) and the mention at its attribution."""

    speaker: str | None
    mention: Mention | None = None


_NOBODY = Attribution(None, None)
# Descriptions that stand for a person the text may have named.
_PERSON_ROLES = (
    frozenset(ROLE_TITLES)
    | ROLE_NOUNS
    | frozenset(
        """official aide adviser advisor lawyer attorney spokesman spokeswoman spokesperson
        analyst economist expert strategist chief executive founder owner candidate nominee
        businessman billionaire mogul host anchor moderator reporter author singer actor
        actress star lawmaker legislator mother father wife husband widow son daughter
        pastor priest chairman""".split()
    )
)
_ROLE_QUALIFIERS = frozenset(
    "vice deputy assistant lieutenant attorney press prime surgeon associate chief".split()
)
_COMPLEMENT_WORDS = frozenset("of for at with to from and who in on".split())


class _Resolver:
    """Mentions to speakers, with the text's cast read on first need."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._cast: Cast | None = None

    @property
    def cast(self) -> Cast:
        if self._cast is None:
            self._cast = Cast(self.ctx.narration)
        return self._cast

    def speaker(self, phrase: Phrase) -> str:
        """The speaker a name, organisation or description stands for."""
        text = self.ctx.text
        named = text[phrase.name_start : phrase.name_end]
        whole = text[phrase.start : phrase.end]
        if phrase.kind == "name" and " and " in whole:
            return whole  # "Ana Ruiz and Li Wen": both of them
        if phrase.kind == "name":
            words = name_words(named)
            return self.cast.fullest(words, phrase.start) or " ".join(_plain(w) for w in words)
        if phrase.kind == "org":
            return named
        words = named.split()
        head, qualifier = words[0].lower(), ""
        for w in words[1:]:
            if w.lower() in _COMPLEMENT_WORDS:
                break
            head, qualifier = w.lower(), head
        # "the vice president", "the press secretary" are other roles than
        # the president's or a secretary's: left as the text gives them.
        if (
            words[0].lower() in ("the", "this")
            and head in _PERSON_ROLES
            and qualifier not in _ROLE_QUALIFIERS
        ):
            person = self.cast.role(head, phrase.start)
            if person is not None:
                return self.cast.fullest(person.split(), phrase.start) or person
        return named

    def pronoun(self, pos: int) -> str | None:
        """The person the narration names last before ``pos``'s sentence."""
        return self.cast.subject_before(pos)


def _plain(word: str) -> str:
    """A name word without a possessive ending or a trailing comma."""
    word = word.rstrip(",")
    return word[:-2] if word.endswith(("'s", "’s")) else word


def _mention(text: str, phrase: Phrase) -> Mention:
    return Mention(text[phrase.start : phrase.end], phrase.start, phrase.end)


class _Attributor:
    """One pass over a text's quotations, in order (see ``attribute``): the
    state the continuation rules need is the previous result and where it
    was."""

    def __init__(self, text: str, spans: Sequence[tuple[int, int]]) -> None:
        self.ctx = Context(text, spans)
        self.resolver = _Resolver(self.ctx)
        self.prev = _NOBODY
        self.prev_para, self.prev_end = -1, 0
        # The speaker before the previous one, and where that quotation
        # ended: the other side of an exchange.
        self.other = _NOBODY
        self.other_end = -1

    def next(self, start: int, end: int) -> Attribution:
        """The attribution of the quotation ``text[start:end]``."""
        ctx = self.ctx
        para = ctx.paragraph(start)[0]
        same_para = para == self.prev_para
        sentence = ctx.sentence_start(para, start)
        found = find(ctx, start, end)
        if found is not None and found.source_only and same_para and sentence <= self.prev_end:
            found = None  # '"A" and "B", according to the paper': A's speaker
        if found is not None:
            result = self._resolve(found, same_para, start, sentence)
        else:
            result = self._continued(para, start, sentence)
        if result.speaker is not None and result.speaker != self.prev.speaker:
            self.other, self.other_end = self.prev, self.prev_end
        self.prev = result if result.speaker is not None else (self.prev if same_para else _NOBODY)
        self.prev_para, self.prev_end = para, end
        return result

    def _resolve(self, found: Found, same_para: bool, start: int, sentence: int) -> Attribution:
        """The speaker of a mention found around the quotation at ``start``."""
        phrase = found.phrase
        mention = _mention(self.ctx.text, phrase)
        if phrase.kind != "pronoun":
            return Attribution(self.resolver.speaker(phrase), mention)
        prev = self.prev
        if mention.text.lower() in ("i", "we", "it") or (same_para and prev.speaker):
            return Attribution(prev.speaker, mention if prev.speaker else None)
        # '"…," he said': the narration before the quotation names him; "He
        # added that X was '…'": only sentences before this one do.
        cut = start if phrase.start > start else sentence
        who = self.resolver.pronoun(cut) or prev.speaker
        return Attribution(who, mention if who else None)

    def _continued(self, para: int, start: int, sentence: int) -> Attribution:
        """The speaker of a quotation with no attribution of its own."""
        text, prev = self.ctx.text, self.prev
        same_para = para == self.prev_para
        opens_para = start - para <= 8 and not text[para:start].strip(" \t\"“„«‘'`")
        indirect = self._indirect(para, start, sentence, opens_para)
        if indirect is not None and (indirect[1] > self.prev_end or prev.speaker is None):
            return indirect[0]
        if prev.speaker is None:
            return _NOBODY
        next_para = (
            self.prev_para >= 0 and text.count("\n", self.prev_end, para) <= 2 and not same_para
        )
        if opens_para and next_para and self._answers(start):
            return self.other
        return prev if same_para or (opens_para and next_para) else _NOBODY

    def _answers(self, start: int) -> bool:
        """Whether a quotation opening its paragraph, with no attribution,
        takes a turn in an exchange: the two quotations before it are two
        people's in consecutive paragraphs, and of it and the previous one,
        one is a question ("Alone?" the judge asked. / "Yes.")."""
        text, other = self.ctx.text, self.other
        if other.speaker is None or self.other_end < 0:
            return False
        # (Counted only over a short gap: the count stays linear in the text.)
        if (
            self.prev_para - self.other_end > 400
            or text.count("\n", self.other_end, self.prev_para) > 2
        ):
            return False
        asked = text[max(0, self.prev_end - 1) : self.prev_end] == "?"
        asks = text[start : self.ctx.paragraph(start)[1]].rstrip(" \t\"”’'").endswith("?")
        return asked != asks

    def _indirect(
        self, para: int, start: int, sentence: int, opens_para: bool
    ) -> tuple[Attribution, int] | None:
        """An indirect attribution in the sentence right before a quotation
        that opens its own sentence (``…, said X of Y. "B."``), and where."""
        ctx = self.ctx
        if ctx.narration[sentence:start].strip(" \t\"“„«‘'`"):
            return None
        if sentence > para:
            hi = sentence
        elif opens_para and para > 1:
            hi = para - 1
            while hi > 0 and ctx.text[hi - 1].isspace():
                hi -= 1
            if para - hi > 4:
                return None
        else:
            return None
        lo = ctx.sentence_start(ctx.paragraph(max(0, hi - 1))[0], max(0, hi - 1))
        if any(c in ctx.narration[lo:hi] for c in '"“”'):
            return None
        found = cue_subject_in(ctx.narration, lo, hi)
        if found is None or found.kind == "pronoun":
            return None
        return Attribution(self.resolver.speaker(found), _mention(ctx.text, found)), found.start


def attribute(text: str, spans: Sequence[tuple[int, int]]) -> list[Attribution]:
    """One ``Attribution`` per quotation span ``(start, end)`` (the inside of
    the marks, in order); see the module docstring."""
    attributor = _Attributor(text, spans)
    return [attributor.next(start, end) for start, end in spans]


def attribute_speakers(text: str, spans: Sequence[tuple[int, int]]) -> list[str | None]:
    """One speaker or ``None`` per quotation span (see ``attribute``)."""
    return [a.speaker for a in attribute(text, spans)]
