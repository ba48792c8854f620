"""A comparison as a report for people at a terminal (``sourcediff compare``).

The report opens with a summary (quotes per side, matches per relation,
omissions), then each match with its word diff inline, then each side's
quotes the other omits, with their speakers; with the comparison's insight,
each match's typed edits and attribution drift and each omitted quote's
unquoted echo; with its passages, the passages each side alone has. The
inline diff shows the words only the left side has in red, struck through,
and those only the right side has in green; without colour they are marked
``[-left's-]`` and ``{+right's+}`` as ``wdiff`` does, so nothing is lost in a
pipe, and the Matches heading says which side is which. Edits are said by
which side has which words (``service.core.insight.wording``), never as
"inserted (left)", which reads as if the left outlet had inserted them.

>>> from service.core import compare_texts
>>> c = compare_texts('"We take this chance," he said.', 'She said: "We take the chance."')
>>> print(render_report(c, left_name="a.txt", right_name="b.txt", color=False))
... # doctest: +ELLIPSIS
a.txt ↔ b.txt
  left: 1 quote · right: 1 quote
  1 match: 1 reworded
  0 only in left · 0 only in right
<BLANKLINE>
Matches ([-words-] only in a.txt, {+words+} only in b.txt)
  L1 ↔ R1  reworded ...
    We take [-this-] {+the+} chance,
    edits: a.txt has “this” where b.txt has “the”
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import typer

from service.core import Comparison, DiffOp, Quote, Relation
from service.core.compare import quote_ids
from service.core.insight.analysis import SideName
from service.core.insight.edits import Edit
from service.core.insight.wording import plain

__all__ = ["render_report"]

_RELATION_COLORS: dict[Relation, str] = {
    "identical": "green",
    "reworded": "yellow",
    "partial": "cyan",
}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "es" if word.endswith("ch") else "s")


class _Style:
    def __init__(self, color: bool) -> None:
        self.color = color

    def __call__(
        self,
        text: str,
        *,
        fg: str | None = None,
        bold: bool | None = None,
        dim: bool | None = None,
        underline: bool | None = None,
        strikethrough: bool | None = None,
    ) -> str:
        if not self.color:
            return text
        return typer.style(
            text, fg=fg, bold=bold, dim=dim, underline=underline, strikethrough=strikethrough
        )

    def deleted(self, words: str) -> str:
        return self(words, fg="red", strikethrough=True) if self.color else f"[-{words}-]"

    def inserted(self, words: str) -> str:
        return self(words, fg="green", underline=True) if self.color else f"{{+{words}+}}"


def _diff_line(ops: Sequence[DiffOp], style: _Style) -> str:
    parts: list[str] = []
    for op in ops:
        if op.op == "equal":
            parts.append(op.left)
        if op.op in ("delete", "replace"):
            parts.append(style.deleted(op.left))
        if op.op in ("insert", "replace"):
            parts.append(style.inserted(op.right))
    return " ".join(parts)


def _speaker(quote: Quote) -> str:
    return quote.speaker or "speaker unknown"


def render_report(comparison: Comparison, *, left_name: str, right_name: str, color: bool) -> str:
    """The report on ``comparison`` (see the module docstring)."""
    style = _Style(color)
    ids = {
        "left": quote_ids("L", len(comparison.left.quotes)),
        "right": quote_ids("R", len(comparison.right.quotes)),
    }
    names = {"left": left_name, "right": right_name}
    lines = _summary(comparison, names, style)
    lines += _matches(comparison, ids, names, style)
    lines += _omitted(comparison, ids, names, style)
    lines += _passages(comparison, names, style)
    return "\n".join(lines)


def _summary(comparison: Comparison, names: dict[str, str], style: _Style) -> list[str]:
    alignment = comparison.alignment
    relations = Counter(m.relation for m in alignment.matches)
    by_relation = ", ".join(
        style(f"{relations[r]} {r}", fg=fg) for r, fg in _RELATION_COLORS.items() if relations[r]
    )
    return [
        style(f"{names['left']} ↔ {names['right']}", bold=True),
        f"  left: {_plural(len(comparison.left.quotes), 'quote')} · "
        f"right: {_plural(len(comparison.right.quotes), 'quote')}",
        f"  {_plural(len(alignment.matches), 'match')}"
        + (f": {by_relation}" if by_relation else ""),
        f"  {len(alignment.left_only)} only in left · {len(alignment.right_only)} only in right",
    ]


def _matches(
    comparison: Comparison, ids: dict[str, list[str]], names: dict[str, str], style: _Style
) -> list[str]:
    """Each matched pair: its relation and score, its word diff inline, its
    speakers, and (with insight) its typed edits and attribution drift."""
    matches = comparison.alignment.matches
    left, right = names["left"], names["right"]
    legend = f"({style.deleted('words')} only in {left}, {style.inserted('words')} only in {right})"
    lines = ["", f"{style('Matches', bold=True)} {legend}"] if matches else []
    for k, m in enumerate(matches):
        lq, rq = comparison.left.quotes[m.left], comparison.right.quotes[m.right]
        relation = style(m.relation, fg=_RELATION_COLORS[m.relation])
        lines.append(f"  {ids['left'][m.left]} ↔ {ids['right'][m.right]}  {relation} {m.score:.1f}")
        lines.append(f"    {_diff_line(m.diff, style)}")
        if lq.speaker or rq.speaker:
            lines.append(style(f"    said by: {_speaker(lq)} | {_speaker(rq)}", dim=True))
        if comparison.insight is not None:
            pair = comparison.insight.pairs[k]
            if pair.edits:
                lines.append(style(f"    edits: {_edits(pair.edits, left, right)}", dim=True))
            if pair.drift is not None:
                lines.append(style(f"    attribution drift: {_DRIFT[pair.drift]}", fg="magenta"))
    return lines


def _omitted(
    comparison: Comparison, ids: dict[str, list[str]], names: dict[str, str], style: _Style
) -> list[str]:
    """Each side's quotes the other omits, with speakers and (with insight)
    where the other side still carries their words unquoted."""
    lines: list[str] = []
    sides: tuple[tuple[SideName, Sequence[Quote], Sequence[int]], ...] = (
        ("left", comparison.left.quotes, comparison.alignment.left_only),
        ("right", comparison.right.quotes, comparison.alignment.right_only),
    )
    for side, quotes, only in sides:
        if only:
            lines += ["", style(f"Only in {side} ({names[side]})", bold=True)]
        other = "right" if side == "left" else "left"
        for i in only:
            said = style(f"— {_speaker(quotes[i])}", dim=True)
            lines.append(f"  {ids[side][i]}  “{quotes[i].text}”  {said}")
            insight = comparison.insight
            echo = insight.echo_of(side, i) if insight is not None else None
            if echo is not None:
                lines.append(style(f"    echoed unquoted in {other}: {echo.sentence}", dim=True))
    return lines


def _passages(comparison: Comparison, names: dict[str, str], style: _Style) -> list[str]:
    """The passages each side alone carries, paragraph by paragraph."""
    found = comparison.passages
    if found is None:
        return []
    lines: list[str] = []
    for side, passages in (("left", found.left_only), ("right", found.right_only)):
        if passages:
            lines += ["", style(f"Passages only in {side} ({names[side]})", bold=True)]
        for passage in passages:
            where = f"offsets {passage.start}–{passage.end}, {passage.words} words"
            lines.append(style(f"  {where}", dim=True))
            paragraphs = (line.strip() for line in passage.text.splitlines())
            lines += [f"    {paragraph}" for paragraph in paragraphs if paragraph]
    return lines


_DRIFT = {
    "different_person": "credited to different people",
    "named_vs_anonymous": "named on one side, anonymous on the other",
}


def _edits(edits: Sequence[Edit], left: str, right: str) -> str:
    """Each edit said by which side has which words: ``only b.txt has: “the”``."""
    return "; ".join(plain(e, left, right) for e in edits)
