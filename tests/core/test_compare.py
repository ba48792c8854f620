"""service.core.compare: two articles in, their quotations aligned out.

What the comparison finds is asserted here on the core's dataclasses; the
``POST /v1/compare`` body built from it is tests/compare/test_body.py's."""

from __future__ import annotations

from service.core import Comparison, Side, compare_texts
from service.core.compare import quote_ids

from ._samples import REGIONAL, WIRE


def texts(c: Comparison, side: str) -> list[str]:
    """The quotations of ``side``, in text order."""
    return [q.text for q in (c.left if side == "left" else c.right).quotes]


def named_matches(c: Comparison) -> set[tuple[str, str, str]]:
    lt, rt = texts(c, "left"), texts(c, "right")
    return {(lt[m.left], rt[m.right], m.relation) for m in c.alignment.matches}


class TestTwoOutlets:
    def test_quotes_on_each_side(self) -> None:
        c = compare_texts(WIRE, REGIONAL)
        assert texts(c, "left") == [
            "We did not want this strike, but the company left us no choice,",
            "Every offer they made cut jobs.",
            "deeply irresponsible",
            "Ships are already diverting to Antwerp and Hamburg. Every day of this strike "
            "costs the region millions,",
            "We are asking both sides to return to the table.",
            "It's not about money,",
            "It's about whether there will be a job here for my son.",
        ]
        assert texts(c, "right") == [
            "No choice",
            "deeply irresponsible",
            "We didn’t want this strike, but the company left us no choice.",
            "already diverting to Antwerp and Hamburg",
            "Every day of this strike costs the region millions,",
            "We are asking both sides to return to the table,",
            "Nobody is buying anything this week,",
        ]

    def test_matches_and_relations(self) -> None:
        assert named_matches(compare_texts(WIRE, REGIONAL)) == {
            (
                "We did not want this strike, but the company left us no choice,",
                "We didn’t want this strike, but the company left us no choice.",
                "reworded",
            ),
            (
                "We did not want this strike, but the company left us no choice,",
                "No choice",
                "partial",
            ),
            ("deeply irresponsible", "deeply irresponsible", "identical"),
            (
                "Ships are already diverting to Antwerp and Hamburg. Every day of this strike "
                "costs the region millions,",
                "already diverting to Antwerp and Hamburg",
                "partial",
            ),
            (
                "Ships are already diverting to Antwerp and Hamburg. Every day of this strike "
                "costs the region millions,",
                "Every day of this strike costs the region millions,",
                "partial",
            ),
            (
                "We are asking both sides to return to the table.",
                "We are asking both sides to return to the table,",
                "identical",
            ),
        }

    def test_omissions(self) -> None:
        c = compare_texts(WIRE, REGIONAL)
        lt, rt = texts(c, "left"), texts(c, "right")
        assert sorted(lt[i] for i in c.alignment.left_only) == [
            "Every offer they made cut jobs.",
            "It's about whether there will be a job here for my son.",
            "It's not about money,",
        ]
        assert [rt[i] for i in c.alignment.right_only] == ["Nobody is buying anything this week,"]

    def test_speakers(self) -> None:
        c = compare_texts(WIRE, REGIONAL)
        left = {q.text: q.speaker for q in c.left.quotes}
        assert left["Every offer they made cut jobs."] == "Marieke de Vries"
        assert left["It's not about money,"] == "Sven Bakker"
        right = {q.text: q.speaker for q in c.right.quotes}
        # "he said" resolves to the man named in the previous paragraph.
        assert "Jansen" in (right["Every day of this strike costs the region millions,"] or "")
        # "Jansen said": the fullest form the text gives of him.
        assert right["We are asking both sides to return to the table,"] == "Erik Jansen"
        assert right["Nobody is buying anything this week,"] == "Fatima El Amrani"

    def test_swapping_sides_swaps_the_result(self) -> None:
        forward = named_matches(compare_texts(WIRE, REGIONAL))
        backward = named_matches(compare_texts(REGIONAL, WIRE))
        assert {(r, lft, rel) for lft, r, rel in backward} == forward


class TestObjects:
    def test_comparison_holds_sides_and_alignment(self) -> None:
        c = compare_texts(WIRE, REGIONAL, left_outlet="AP")
        assert isinstance(c, Comparison)
        assert c.left == Side.of(WIRE, "AP")
        assert c.right.text == REGIONAL and c.right.outlet is None
        assert len(c.alignment.matches) == 6

    def test_quote_ids(self) -> None:
        assert quote_ids("L", 3) == ["L1", "L2", "L3"]
        assert quote_ids("R", 0) == []

    def test_self_comparison_is_all_identical(self) -> None:
        c = compare_texts(WIRE, WIRE)
        n = len(c.left.quotes)
        assert [(m.left, m.right, m.relation) for m in c.alignment.matches] == [
            (i, i, "identical") for i in range(n)
        ]
        assert c.alignment.left_only == () and c.alignment.right_only == ()
