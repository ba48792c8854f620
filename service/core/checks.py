"""Coverage regression checks: what a candidate text lost against a baseline.

Public API:

- ``FindingKind``: ``dropped_quote | reworded_quote | partial_quote |
  speaker_changed | added_quote | removed_passage``.
- ``KINDS``, ``ALIASES`` (``dropped`` → ``dropped_quote`` …) and
  ``parse_kinds(names)``.
- ``Policy``: which kinds fail the check (``fail_on``; by default dropped
  and reworded quotes) and the least size of a removed passage
  (``min_passage_words``).
- ``Span``: a stretch of one text: offsets, text, and for a quotation its id
  (``L1``… in the baseline, ``R1``… in the candidate) and speaker.
- ``Finding``: one change, with the span in each text it concerns (``None``
  where the text has none), whether the policy fails on it, and for a
  matched quotation its relation, score and word diff.
- ``CheckResult``: ``passed`` and the findings, in baseline order.
- ``check(comparison, policy)``: the findings of a ``Comparison`` whose left
  side is the baseline and right side the candidate.

What each kind means:

- ``dropped_quote``: a baseline quotation with no counterpart in the
  candidate (the comparison's ``left_only``).
- ``reworded_quote`` / ``partial_quote``: a matched pair whose wording is
  not identical; partial is the trimmed or extended kind.
- ``speaker_changed``: a matched pair whose speakers are both known and
  share no name word ("John Kirby" and "Kirby" are one speaker).
- ``added_quote``: a candidate quotation the baseline lacks (reported,
  failing only when a policy asks).
- ``removed_passage``: a run of at least ``min_passage_words`` baseline
  words that the candidate's optimal word alignment does not keep (a
  paragraph cut, or rewritten beyond recognition), with the candidate
  offset where it would have stood. Looked for only when the policy fails
  on it: between two outlets' articles most of the text is "removed", and
  the whole-text alignment is the check's dearest step.

>>> from service.core.compare import compare_texts
>>> base, cand = '"We will win," he said. "Never," she said.', '"We will surely win," he said.'
>>> c = compare_texts(base, cand)
>>> result = check(c, Policy())
>>> result.passed, [(f.kind, f.fails) for f in result.findings]
(False, [('reworded_quote', True), ('dropped_quote', True)])
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from rapidfuzz.distance import Indel

from .compare import Comparison, quote_ids
from .diff import DiffOp
from .quotes import Quote
from .text import Token, tokenize, word_key

__all__ = [
    "ALIASES",
    "DEFAULT_FAIL_ON",
    "DEFAULT_PASSAGE_WORDS",
    "KINDS",
    "CheckResult",
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


def parse_kinds(names: Iterable[str]) -> frozenset[FindingKind]:
    """Kinds by name or alias (``ValueError`` naming an unknown one)."""
    found: set[FindingKind] = set()
    for name in names:
        key = name.strip().lower()
        if key in ALIASES:
            found.add(ALIASES[key])
        elif key in KINDS:
            found.add(key)
        else:
            known = ", ".join([*KINDS, *ALIASES])
            raise ValueError(f"unknown finding kind {name!r}; known: {known}")
    return frozenset(found)


@dataclass(frozen=True, slots=True)
class Policy:
    fail_on: frozenset[FindingKind] = DEFAULT_FAIL_ON
    min_passage_words: int = DEFAULT_PASSAGE_WORDS

    def as_dict(self) -> dict[str, Any]:
        return {
            "fail_on": [k for k in KINDS if k in self.fail_on],
            "min_passage_words": self.min_passage_words,
        }


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int
    text: str
    quote_id: str | None = None
    speaker: str | None = None

    @classmethod
    def of_quote(cls, quote: Quote, qid: str) -> Span:
        return cls(quote.start, quote.end, quote.text, qid, quote.speaker)

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"start": self.start, "end": self.end, "text": self.text}
        if self.quote_id is not None:
            body["quote_id"] = self.quote_id
            body["speaker"] = self.speaker
        return body


@dataclass(frozen=True, slots=True)
class Finding:
    kind: FindingKind
    fails: bool
    message: str
    baseline: Span | None
    candidate: Span | None
    relation: str | None = None
    score: float | None = None
    diff: tuple[DiffOp, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": self.kind,
            "fails": self.fails,
            "message": self.message,
            "baseline": self.baseline.as_dict() if self.baseline else None,
            "candidate": self.candidate.as_dict() if self.candidate else None,
        }
        if self.relation is not None:
            body |= {
                "relation": self.relation,
                "score": self.score,
                "diff": [op.as_dict() for op in self.diff],
            }
        return body


@dataclass(frozen=True, slots=True)
class CheckResult:
    passed: bool
    policy: Policy
    findings: tuple[Finding, ...]

    def as_dict(self) -> dict[str, Any]:
        counts = {k: 0 for k in KINDS}
        for f in self.findings:
            counts[f.kind] += 1
        return {
            "passed": self.passed,
            "policy": self.policy.as_dict(),
            "summary": {
                "failures": sum(f.fails for f in self.findings),
                "findings": len(self.findings),
                **counts,
            },
            "findings": [f.as_dict() for f in self.findings],
        }


def _names(speaker: str) -> set[str]:
    return {k for w in speaker.split() if len(k := word_key(w)) >= 2}


def same_speaker(a: str | None, b: str | None) -> bool | None:
    """Whether two attributions name one speaker (``None``: unknown).

    >>> same_speaker("John Kirby", "Kirby"), same_speaker("Kirby", "Psaki")
    (True, False)
    >>> same_speaker("Kirby", None) is None
    True
    """
    if not a or not b:
        return None
    return bool(_names(a) & _names(b))


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _removed_passages(baseline: str, candidate: str, min_words: int) -> list[tuple[Span, Span]]:
    """Runs of ``min_words`` or more baseline words the alignment drops,
    each with the (empty) candidate span where they would have stood."""
    old, new = tokenize(baseline), tokenize(candidate)
    old_keys = [t.key or t.word for t in old]
    new_keys = [t.key or t.word for t in new]
    found: list[tuple[Span, Span]] = []
    run_start: int | None = None
    run_end = 0
    at = 0
    # Indel yields equal, delete and insert; deletes separated only by
    # inserts are one removed run (a passage replaced by other words).
    for op in Indel.opcodes(old_keys, new_keys):
        if op.tag == "delete":
            if run_start is None:
                run_start, at = op.src_start, op.dest_start
            run_end = op.src_end
        elif op.tag == "equal":
            if run_start is not None and run_end - run_start >= min_words:
                found.append(_passage(baseline, candidate, old, new, run_start, run_end, at))
            run_start = None
    if run_start is not None and run_end - run_start >= min_words:
        found.append(_passage(baseline, candidate, old, new, run_start, run_end, at))
    return found


def _passage(
    baseline: str,
    candidate: str,
    old: list[Token],
    new: list[Token],
    first: int,
    last: int,
    at: int,
) -> tuple[Span, Span]:
    start, end = old[first].start, old[last - 1].end
    where = new[at].start if at < len(new) else len(candidate)
    return Span(start, end, baseline[start:end]), Span(where, where, "")


def check(comparison: Comparison, policy: Policy) -> CheckResult:
    """The findings of ``comparison`` (left: baseline, right: candidate)."""
    left, right = comparison.left, comparison.right
    lids = quote_ids("L", len(left.quotes))
    rids = quote_ids("R", len(right.quotes))
    found: list[tuple[int, int, Finding]] = []

    def add(order: int, kind: FindingKind, message: str, **parts: Any) -> None:
        finding = Finding(kind, kind in policy.fail_on, message, **parts)
        found.append((order, len(found), finding))

    for m in comparison.alignment.matches:
        lq, rq = left.quotes[m.left], right.quotes[m.right]
        spans = {
            "baseline": Span.of_quote(lq, lids[m.left]),
            "candidate": Span.of_quote(rq, rids[m.right]),
        }
        if m.relation != "identical":
            kind: FindingKind = "reworded_quote" if m.relation == "reworded" else "partial_quote"
            add(
                lq.start,
                kind,
                f"quote {m.relation}: “{_short(lq.text)}” → “{_short(rq.text)}”",
                relation=m.relation,
                score=m.score,
                diff=m.diff,
                **spans,
            )
        if same_speaker(lq.speaker, rq.speaker) is False:
            add(
                lq.start,
                "speaker_changed",
                f"“{_short(lq.text, 50)}” is credited to {rq.speaker}, not {lq.speaker}",
                relation=m.relation,
                score=m.score,
                diff=m.diff,
                **spans,
            )
    for i in comparison.alignment.left_only:
        q = left.quotes[i]
        add(
            q.start,
            "dropped_quote",
            f"quote dropped: “{_short(q.text)}”",
            baseline=Span.of_quote(q, lids[i]),
            candidate=None,
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
        for gone, where in _removed_passages(left.text, right.text, policy.min_passage_words):
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
