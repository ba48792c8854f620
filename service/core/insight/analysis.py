"""Editorial insight on a comparison: how each quote changed, echoes, drift.

``analyse`` gathers, for two sides and their quotes' alignment, each
matched pair's typed edits (``service.core.insight.edits``) and attribution
drift (``service.core.insight.attribution``), and the unquoted echoes of the
quotations one side omits (``service.core.insight.echoes``).

>>> from service.core.compare import compare_texts
>>> c = compare_texts('"We will win," said Ann Lee.', '"But we will win," a minister said.')
>>> [e.type for e in c.insight.pairs[0].edits], c.insight.pairs[0].drift
(['inserted'], 'named_vs_anonymous')
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from service.core.alignment.quotes import Alignment
from service.core.insight.attribution import DriftKind, drift
from service.core.insight.echoes import Echo, EchoFinder
from service.core.insight.edits import Edit, SideName, classify_edits, splices

if TYPE_CHECKING:
    from service.core.compare import Side

__all__ = ["Insight", "PairInsight", "SideEcho", "SideName", "analyse"]


@dataclass(frozen=True, slots=True)
class PairInsight:
    """One matched pair's typed edits and its attribution drift, if any."""

    edits: tuple[Edit, ...]
    drift: DriftKind | None


@dataclass(frozen=True, slots=True)
class SideEcho:
    """An omitted quotation's unquoted echo on the other side."""

    side: SideName  # the side of the omitted quotation
    index: int
    echo: Echo


@dataclass(frozen=True, slots=True)
class Insight:
    """A comparison's pair insights (parallel to its alignment's matches)
    and echoes."""

    pairs: tuple[PairInsight, ...]
    echoes: tuple[SideEcho, ...]

    def echo_of(self, side: SideName, index: int) -> Echo | None:
        """The echo of quote ``index`` of ``side``, if it has one."""
        return next((e.echo for e in self.echoes if (e.side, e.index) == (side, index)), None)


def analyse(left: Side, right: Side, alignment: Alignment) -> Insight:
    """Typed edits and drift for every match of ``alignment`` between the
    sides ``left`` and ``right``, and the echoes of the quotes each omits."""
    spliced = splices(alignment, left.quotes, right.quotes)
    pairs = []
    for m in alignment.matches:
        lq, rq = left.quotes[m.left], right.quotes[m.right]
        edits = list(classify_edits(lq.text, rq.text, m.diff))
        for key in (("left", m.left), ("right", m.right)):
            if key in spliced:
                edits.append(spliced[key])
        drifted = drift(lq.speaker, rq.speaker, left_text=left.text, right_text=right.text)
        pairs.append(PairInsight(tuple(edits), drifted))
    echoes = []
    for side, omitted, quotes, other in (
        ("left", alignment.left_only, left.quotes, right),
        ("right", alignment.right_only, right.quotes, left),
    ):
        if not omitted:
            continue
        finder = EchoFinder(other.text, [(q.start, q.end) for q in other.quotes])
        found = finder.find_all([quotes[i].text for i in omitted])
        for i, echo in zip(omitted, found, strict=True):
            if echo is not None:
                echoes.append(SideEcho(side, i, echo))  # type: ignore[arg-type]
    return Insight(tuple(pairs), tuple(echoes))
