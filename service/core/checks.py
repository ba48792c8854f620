"""Coverage regression checks: what a candidate text lost against a baseline.

``check`` reads a ``Comparison`` whose left side is the baseline and right
side the candidate, and reports its findings; a ``Policy`` says which kinds
of finding, and which typed edits of a matched quotation
(``service.core.insight.edits.EDIT_TYPES``: ``spliced``, ``substituted``
…), fail the check. Kinds may be named by alias (``dropped`` for
``dropped_quote``…, see ``ALIASES`` and ``parse_kinds``).

What each kind means:

- ``dropped_quote``: a baseline quotation with no counterpart in the
  candidate (the comparison's ``left_only``).
- ``reworded_quote`` / ``partial_quote``: a matched pair whose wording is
  not identical; partial is the trimmed or extended kind.
- ``speaker_changed``: a matched pair whose attributions drift
  (``service.core.insight.attribution``): two named sources sharing no name ("John
  Kirby" and "Kirby" are one speaker), or a named one against an anonymous
  description; the finding says which (``drift``).
- ``added_quote``: a candidate quotation the baseline lacks (reported,
  failing only when a policy asks).
- ``removed_passage``: a passage of at least ``min_passage_words`` words
  (adjacent baseline sentences) that the candidate has no counterpart of
  in the sentence alignment (``service.core.alignment.passages``): a paragraph cut,
  or rewritten beyond recognition; with the candidate offset where it
  would have stood. Reported only when the policy fails on it: between two
  outlets' articles much of the text is one side's own.

A matched pair's finding (reworded, partial, or identical when a policy
fails on one of its edits) carries its typed ``edits``; it fails when its
kind or any of its edit types is in ``fail_on``. A dropped quotation whose
words the candidate still carries without marks has its ``echo``.

>>> from service.core.compare import compare_texts
>>> base, cand = '"We will win," he said. "Never," she said.', '"We will surely win," he said.'
>>> c = compare_texts(base, cand)
>>> result = check(c, Policy())
>>> result.passed, [(f.kind, f.fails) for f in result.findings]
(False, [('reworded_quote', True), ('dropped_quote', True)])
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from service.core.alignment.passages import PassageAlignment, align_passages
from service.core.compare import Comparison, quote_ids
from service.core.diff import DiffOp
from service.core.insight.analysis import analyse
from service.core.insight.attribution import DriftKind, same_speaker
from service.core.insight.echoes import Echo
from service.core.insight.edits import EDIT_TYPES, Edit, EditType
from service.core.insight.wording import plain
from service.core.quotes.extract import Quote

__all__ = [
    "ALIASES",
    "DEFAULT_FAIL_ON",
    "DEFAULT_PASSAGE_WORDS",
    "FAIL_ON",
    "KINDS",
    "CheckResult",
    "FailOn",
    "Finding",
    "FindingKind",
    "Policy",
    "Span",
    "check",
    "parse_kinds",
    "same_speaker",
]

FindingKind = Literal[
    "dropped_quote",
    "reworded_quote",
    "partial_quote",
    "speaker_changed",
    "added_quote",
    "removed_passage",
]
KINDS: tuple[FindingKind, ...] = get_args(FindingKind)
ALIASES: dict[str, FindingKind] = {
    "dropped": "dropped_quote",
    "reworded": "reworded_quote",
    "partial": "partial_quote",
    "speaker": "speaker_changed",
    "added": "added_quote",
    "passage": "removed_passage",
}
DEFAULT_FAIL_ON: frozenset[FindingKind] = frozenset({"dropped_quote", "reworded_quote"})
DEFAULT_PASSAGE_WORDS = 30
_WORDING = frozenset({"reworded_quote", "partial_quote"})


# What a policy can fail on: finding kinds, and typed edits of a quotation.
FailOn = FindingKind | EditType
FAIL_ON: tuple[FailOn, ...] = (*KINDS, *EDIT_TYPES)


def parse_kinds(names: Iterable[str]) -> frozenset[FailOn]:
    """Kinds (by name or alias) and edit types (``ValueError`` naming an
    unknown one)."""
    found: set[FailOn] = set()
    for name in names:
        key = name.strip().lower()
        if key in ALIASES:
            found.add(ALIASES[key])
        elif key in FAIL_ON:
            found.add(key)
        else:
            known = ", ".join([*FAIL_ON, *ALIASES])
            raise ValueError(f"unknown finding kind or edit type {name!r}; known: {known}")
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Policy:
    """Which kinds and typed edits fail the check (by default dropped and
    reworded quotes), and the least size of a removed passage."""

    fail_on: frozenset[FailOn] = DEFAULT_FAIL_ON
    min_passage_words: int = DEFAULT_PASSAGE_WORDS


@dataclass(frozen=True, slots=True)
class Span:
    """A stretch of one text: offsets, text, and for a quotation its id
    (``L1``… in the baseline, ``R1``… in the candidate) and speaker."""

    start: int
    end: int
    text: str
    quote_id: str | None = None
    speaker: str | None = None

    @classmethod
    def of_quote(cls, quote: Quote, qid: str) -> Span:
        return cls(quote.start, quote.end, quote.text, qid, quote.speaker)


@dataclass(frozen=True, slots=True)
class Finding:
    """One change, with the span in each text it concerns (``None`` where
    the text has none), whether the policy fails on it, and for a matched
    quotation its relation, score, word diff and typed edits."""

    kind: FindingKind
    fails: bool
    message: str
    baseline: Span | None
    candidate: Span | None
    relation: str | None = None
    score: float | None = None
    diff: tuple[DiffOp, ...] = field(default=())
    edits: tuple[Edit, ...] = field(default=())
    drift: DriftKind | None = None
    echo: Echo | None = None


@dataclass(frozen=True, slots=True)
class CheckResult:
    """Whether the check passed, under which policy, and the findings in
    baseline order."""

    passed: bool
    policy: Policy
    findings: tuple[Finding, ...]


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _removed_passages(
    passages: PassageAlignment, candidate: str, min_words: int
) -> list[tuple[Span, Span]]:
    """The baseline's passages of ``min_words`` or more words that the
    candidate has no counterpart of, each with the (empty) candidate span
    where it would have stood: before the sentence that renders the next
    baseline sentence the candidate keeps."""
    kept = sorted((a.left[0], passages.right[a.right[0]].start) for a in passages.aligned)
    found: list[tuple[Span, Span]] = []
    for passage in passages.left_only:
        if passage.words < min_words:
            continue
        after = next((at for first, at in kept if first > passage.sentences[-1]), len(candidate))
        found.append((Span(passage.start, passage.end, passage.text), Span(after, after, "")))
    return found


def _said(edits: Sequence[Edit]) -> str:
    """What the candidate dropped or added, as every view says it."""
    said = (plain(e, "the baseline", "the candidate", baseline=True) for e in edits)
    return "; ".join(dict.fromkeys(said))


def check(comparison: Comparison, policy: Policy) -> CheckResult:
    """The findings of ``comparison`` (left: baseline, right: candidate)."""
    left, right = comparison.left, comparison.right
    lids = quote_ids("L", len(left.quotes))
    rids = quote_ids("R", len(right.quotes))
    insight = comparison.insight or analyse(left, right, comparison.alignment)
    found: list[tuple[int, int, Finding]] = []

    def failing(edits: tuple[Edit, ...]) -> bool:
        return any(e.type in policy.fail_on for e in edits)

    def add(order: int, kind: FindingKind, message: str, **parts: Any) -> None:
        # A pair's edits fail its wording finding, not its speaker finding.
        edits: tuple[Edit, ...] = parts.get("edits", ()) if kind in _WORDING else ()
        fails = kind in policy.fail_on or failing(edits)
        finding = Finding(kind, fails, message, **parts)
        found.append((order, len(found), finding))

    for m, pair in zip(comparison.alignment.matches, insight.pairs, strict=True):
        lq, rq = left.quotes[m.left], right.quotes[m.right]
        parts = {
            "baseline": Span.of_quote(lq, lids[m.left]),
            "candidate": Span.of_quote(rq, rids[m.right]),
            "relation": m.relation,
            "score": m.score,
            "diff": m.diff,
            "edits": pair.edits,
        }
        if m.relation != "identical" or failing(pair.edits):
            kind: FindingKind = "partial_quote" if m.relation == "partial" else "reworded_quote"
            how = _said(pair.edits) or m.relation
            message = f"quote {m.relation} ({how}): “{_short(lq.text)}” → “{_short(rq.text)}”"
            add(lq.start, kind, message, **parts)
        if pair.drift is not None:
            add(
                lq.start,
                "speaker_changed",
                f"“{_short(lq.text, 50)}” is credited to {rq.speaker}, not {lq.speaker}",
                drift=pair.drift,
                **parts,
            )
    for i in comparison.alignment.left_only:
        q = left.quotes[i]
        echo = insight.echo_of("left", i)
        remains = f" (its words remain unquoted: “{_short(echo.text)}”)" if echo else ""
        add(
            q.start,
            "dropped_quote",
            f"quote dropped: “{_short(q.text)}”{remains}",
            baseline=Span.of_quote(q, lids[i]),
            candidate=None,
            echo=echo,
        )
    for i in comparison.alignment.right_only:
        q = right.quotes[i]
        add(
            len(left.text) + q.start,
            "added_quote",
            f"quote added: “{_short(q.text)}”",
            baseline=None,
            candidate=Span.of_quote(q, rids[i]),
        )
    if "removed_passage" in policy.fail_on:
        passages = comparison.passages or align_passages(left.text, right.text)
        for gone, where in _removed_passages(passages, right.text, policy.min_passage_words):
            words = len(gone.text.split())
            add(
                gone.start,
                "removed_passage",
                f"{words} words removed: “{_short(gone.text)}”",
                baseline=gone,
                candidate=where,
            )
    findings = tuple(f for _, _, f in sorted(found, key=lambda t: (t[0], t[1])))
    return CheckResult(not any(f.fails for f in findings), policy, findings)
