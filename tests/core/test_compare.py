"""service.core.compare: two articles in, the API.md response body out."""

from __future__ import annotations

import json
from typing import Any

from service.core import Comparison, Side, compare_texts
from service.core.compare import quote_ids

# Two outlets on one (invented) story: a wire version and a regional paper's
# rewrite with its own reporting, curly marks and a split statement.
WIRE = """Dockers walk out as port talks collapse

ROTTERDAM, Netherlands (AP) — Dock workers at Europe's busiest port walked off the job \
Thursday after talks over automation broke down, leaving hundreds of ships waiting offshore.

"We did not want this strike, but the company left us no choice," said union leader \
Marieke de Vries. "Every offer they made cut jobs."

The port authority called the walkout "deeply irresponsible" and said it would seek a \
court order.

"Ships are already diverting to Antwerp and Hamburg. Every day of this strike costs the \
region millions," port spokesman Erik Jansen said. "We are asking both sides to return to \
the table."

Union members voted 87% in favour of the strike last week.

"It's not about money," said crane operator Sven Bakker, 44. "It's about whether there \
will be a job here for my son."
"""

REGIONAL = """Port strike: 'No choice', says union

Dockers in Rotterdam stopped work on Thursday, and the port authority says the strike is \
"deeply irresponsible".

Union leader Marieke de Vries told reporters: “We didn’t want this strike, but the company \
left us no choice.”

Port spokesman Erik Jansen said ships were “already diverting to Antwerp and Hamburg”.

“Every day of this strike costs the region millions,” he said.

“We are asking both sides to return to the table,” Jansen added.

Shop owners near the docks said trade had slowed. “Nobody is buying anything this week,” \
said Fatima El Amrani, who runs a café on the quay.
"""


def by_text(body: dict[str, Any], side: str) -> dict[str, str]:
    return {q["id"]: q["text"] for q in body[side]["quotes"]}


def named_matches(body: dict[str, Any]) -> set[tuple[str, str, str]]:
    lt, rt = by_text(body, "left"), by_text(body, "right")
    return {(lt[m["left"]], rt[m["right"]], m["relation"]) for m in body["matches"]}


class TestTwoOutlets:
    def test_quotes_on_each_side(self) -> None:
        body = compare_texts(WIRE, REGIONAL).as_dict()
        assert list(by_text(body, "left").values()) == [
            "We did not want this strike, but the company left us no choice,",
            "Every offer they made cut jobs.",
            "deeply irresponsible",
            "Ships are already diverting to Antwerp and Hamburg. Every day of this strike "
            "costs the region millions,",
            "We are asking both sides to return to the table.",
            "It's not about money,",
            "It's about whether there will be a job here for my son.",
        ]
        assert list(by_text(body, "right").values()) == [
            "No choice",
            "deeply irresponsible",
            "We didn’t want this strike, but the company left us no choice.",
            "already diverting to Antwerp and Hamburg",
            "Every day of this strike costs the region millions,",
            "We are asking both sides to return to the table,",
            "Nobody is buying anything this week,",
        ]

    def test_matches_and_relations(self) -> None:
        body = compare_texts(WIRE, REGIONAL).as_dict()
        assert named_matches(body) == {
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
        body = compare_texts(WIRE, REGIONAL).as_dict()
        lt, rt = by_text(body, "left"), by_text(body, "right")
        assert sorted(lt[i] for i in body["left_only"]) == [
            "Every offer they made cut jobs.",
            "It's about whether there will be a job here for my son.",
            "It's not about money,",
        ]
        assert [rt[i] for i in body["right_only"]] == ["Nobody is buying anything this week,"]

    def test_speakers(self) -> None:
        body = compare_texts(WIRE, REGIONAL).as_dict()
        left = {q["text"]: q["speaker"] for q in body["left"]["quotes"]}
        assert left["Every offer they made cut jobs."] == "union leader Marieke de Vries"
        assert left["It's not about money,"] == "crane operator Sven Bakker"
        right = {q["text"]: q["speaker"] for q in body["right"]["quotes"]}
        # "he said" resolves to the man named in the previous paragraph.
        assert "Jansen" in (right["Every day of this strike costs the region millions,"] or "")
        assert right["We are asking both sides to return to the table,"] == "Jansen"
        assert right["Nobody is buying anything this week,"] == "Fatima El Amrani"

    def test_swapping_sides_swaps_the_result(self) -> None:
        forward = named_matches(compare_texts(WIRE, REGIONAL).as_dict())
        backward = named_matches(compare_texts(REGIONAL, WIRE).as_dict())
        assert {(r, lft, rel) for lft, r, rel in backward} == forward


class TestResponseBody:
    def test_shape_follows_the_contract(self) -> None:
        body = compare_texts(WIRE, REGIONAL, left_outlet="AP", right_outlet="Gazette").as_dict()
        # The contract's fields, and the insight's extra ones (API.md allows extras).
        contract = {"left", "right", "matches", "left_only", "right_only"}
        assert set(body) == contract | {"echoes", "attribution_drift", "passages"}
        core = compare_texts(WIRE, REGIONAL, insight=False, passages=False).as_dict()
        assert set(core) == contract and all("edits" not in m for m in core["matches"])
        assert body["left"]["outlet"] == "AP" and body["right"]["outlet"] == "Gazette"
        for side, text in (("left", WIRE), ("right", REGIONAL)):
            for q in body[side]["quotes"]:
                assert set(q) == {"id", "text", "start", "end", "speaker"}
                assert text[q["start"] : q["end"]] == q["text"]
        for m in body["matches"]:
            assert set(m) == {"left", "right", "relation", "score", "diff", "edits"}
            assert m["relation"] in {"identical", "reworded", "partial"}
            assert 0 <= m["score"] <= 100
            for op in m["diff"]:
                assert set(op) == {"op", "left", "right"}
                assert op["op"] in {"equal", "insert", "delete", "replace"}

    def test_ids_are_sequential_in_text_order(self) -> None:
        body = compare_texts(WIRE, REGIONAL).as_dict()
        for side, prefix in (("left", "L"), ("right", "R")):
            qs = body[side]["quotes"]
            assert [q["id"] for q in qs] == [f"{prefix}{i}" for i in range(1, len(qs) + 1)]
            assert [q["start"] for q in qs] == sorted(q["start"] for q in qs)

    def test_every_quote_accounted_for_exactly_once(self) -> None:
        body = compare_texts(WIRE, REGIONAL).as_dict()
        for side in ("left", "right"):
            ids = {q["id"] for q in body[side]["quotes"]}
            matched = {m[side] for m in body["matches"]}
            only = set(body[f"{side}_only"])
            assert matched | only == ids
            assert not matched & only

    def test_include_text_and_no_outlet(self) -> None:
        body = compare_texts("a", "b").as_dict(include_text=True)
        assert body["left"] == {"quotes": [], "text": "a"}
        assert body["right"] == {"quotes": [], "text": "b"}
        assert body["matches"] == [] and body["left_only"] == [] and body["right_only"] == []

    def test_json_serialisable(self) -> None:
        body = compare_texts(WIRE, REGIONAL).as_dict()
        assert json.loads(json.dumps(body)) == body

    def test_identical_match_body(self) -> None:
        body = compare_texts(
            'He said "reckless remarks" again.', "She repeated “reckless remarks” today."
        ).as_dict()
        assert body["matches"] == [
            {
                "left": "L1",
                "right": "R1",
                "relation": "identical",
                "score": 100.0,
                "diff": [{"op": "equal", "left": "reckless remarks", "right": "reckless remarks"}],
                "edits": [],
            }
        ]


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
