"""The ``POST /v1/compare`` body of a comparison, as its schema writes it.

``body`` builds it with ``CompareResponse.of`` and dumps it as the route
does (JSON mode, unset optional fields left out); test_schemas.py holds
that this is the route's body byte for byte. Here: the contract's shape
(docs/compare-api.md), the quotes' ids, each extra field (typed edits,
echoes, attribution drift, passages, primary documents) and each model's
JSON. What the core finds is asserted on its dataclasses in tests/core.
"""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from service.compare.schemas import (
    CompareResponse,
    DiffOpOut,
    EchoOut,
    EditOut,
    PrimaryOut,
    QuoteOut,
)
from service.compare.service import HtmlSource, PrimaryCheck, TextSource
from service.core import Comparison, DiffOp, Quote, compare_texts
from service.core.compare import quote_ids
from service.core.insight.analysis import SideEcho
from service.core.insight.echoes import find_echo
from service.core.insight.edits import Edit
from service.core.insight.primary import source_quotes
from service.core.quotes.extract import extract_quotes
from tests.core import test_attribution as attribution
from tests.core import test_echoes as echoes
from tests.core import test_edits as edits
from tests.core import test_primary as primary
from tests.core._samples import REGIONAL, WIRE
from tests.core.test_properties import SETTINGS, article, article_pair, noise_text, words_of


def body(c: Comparison, *, html: bool = False) -> dict[str, Any]:
    """The response body of ``c``; with ``html``, both sides as read from
    HTML pages (the body then carries each side's text)."""
    source = HtmlSource if html else TextSource
    left, right = source(c.left.text, c.left.outlet), source(c.right.text, c.right.outlet)
    return CompareResponse.of(c, left, right).model_dump(mode="json", exclude_unset=True)


class TestResponseBody:
    def test_shape_follows_the_contract(self) -> None:
        full = body(compare_texts(WIRE, REGIONAL, left_outlet="AP", right_outlet="Gazette"))
        # The contract's fields, and the insight's extra ones (the contract allows extras).
        contract = {"left", "right", "matches", "left_only", "right_only"}
        assert set(full) == contract | {"echoes", "attribution_drift", "passages"}
        core = body(compare_texts(WIRE, REGIONAL, insight=False, passages=False))
        assert set(core) == contract and all("edits" not in m for m in core["matches"])
        assert full["left"]["outlet"] == "AP" and full["right"]["outlet"] == "Gazette"
        for side, text in (("left", WIRE), ("right", REGIONAL)):
            for q in full[side]["quotes"]:
                assert set(q) == {"id", "text", "start", "end", "speaker", "speaker_mention"}
                assert text[q["start"] : q["end"]] == q["text"]
        for m in full["matches"]:
            assert set(m) == {"left", "right", "relation", "score", "diff", "edits"}
            assert m["relation"] in {"identical", "reworded", "partial"}
            assert 0 <= m["score"] <= 100
            for op in m["diff"]:
                assert set(op) == {"op", "left", "right"}
                assert op["op"] in {"equal", "insert", "delete", "replace"}

    def test_ids_are_sequential_in_text_order(self) -> None:
        found = body(compare_texts(WIRE, REGIONAL))
        for side, prefix in (("left", "L"), ("right", "R")):
            qs = found[side]["quotes"]
            assert [q["id"] for q in qs] == [f"{prefix}{i}" for i in range(1, len(qs) + 1)]
            assert [q["start"] for q in qs] == sorted(q["start"] for q in qs)

    def test_every_quote_accounted_for_exactly_once(self) -> None:
        found = body(compare_texts(WIRE, REGIONAL))
        for side in ("left", "right"):
            ids = {q["id"] for q in found[side]["quotes"]}
            matched = {m[side] for m in found["matches"]}
            only = set(found[f"{side}_only"])
            assert matched | only == ids
            assert not matched & only

    def test_html_sides_carry_their_text_and_no_outlet(self) -> None:
        found = body(compare_texts("a", "b"), html=True)
        assert found["left"] == {"quotes": [], "text": "a"}
        assert found["right"] == {"quotes": [], "text": "b"}
        assert found["matches"] == [] and found["left_only"] == [] and found["right_only"] == []

    def test_json_serialisable(self) -> None:
        found = body(compare_texts(WIRE, REGIONAL))
        assert json.loads(json.dumps(found)) == found

    def test_identical_match_body(self) -> None:
        found = body(
            compare_texts(
                'He said "reckless remarks" again.', "She repeated “reckless remarks” today."
            )
        )
        assert found["matches"] == [
            {
                "left": "L1",
                "right": "R1",
                "relation": "identical",
                "score": 100.0,
                "diff": [{"op": "equal", "left": "reckless remarks", "right": "reckless remarks"}],
                "edits": [],
            }
        ]


class TestModels:
    """Each piece of the body as its model writes it."""

    def test_a_quote(self) -> None:
        assert QuoteOut.of(Quote("fake", 10, 14, "Moscow"), "L2").model_dump() == {
            "id": "L2",
            "text": "fake",
            "start": 10,
            "end": 14,
            "speaker": "Moscow",
            "speaker_mention": None,
        }

    def test_a_quote_with_the_words_that_name_its_speaker(self) -> None:
        # Issue 16: the speaker is the person, the mention the words used.
        text = 'County Sheriff Jane Roe spoke.\n\n"The road is closed," the sheriff said.'
        (quote,) = body(compare_texts(text, text))["left"]["quotes"]
        assert quote["speaker"] == "Jane Roe"
        at = text.index("the sheriff")
        assert quote["speaker_mention"] == {"text": "the sheriff", "start": at, "end": at + 11}

    def test_a_diff_op(self) -> None:
        assert DiffOpOut.of(DiffOp("replace", "claimed", "took away")).model_dump() == {
            "op": "replace",
            "left": "claimed",
            "right": "took away",
        }

    def test_an_edit(self) -> None:
        assert EditOut.of(Edit("inserted", "right", "start", "", "But")).model_dump() == {
            "type": "inserted",
            "side": "right",
            "where": "start",
            "left": "",
            "right": "But",
        }

    def test_an_echo(self) -> None:
        echo = find_echo("tarnishing", "It was an attempt to tarnish its image, he said.", [])
        assert echo is not None
        # The right's quotation R1, omitted by the left, echoed in the left.
        assert EchoOut.of(SideEcho("right", 0, echo), "R1").model_dump() == {
            "quote": "R1",
            "echoed_in": "left",
            "start": 21,
            "end": 28,
            "text": "tarnish",
            "sentence": "It was an attempt to tarnish its image, he said.",
            "score": echo.score,
            "kind": "indirect",
        }


def test_a_splice_is_in_the_edits_of_each_match() -> None:
    found = body(compare_texts(edits.AP_SPLICED, edits.REUTERS_APART))
    spliced = {
        "type": "spliced",
        "side": "left",
        "where": "inside",
        "left": edits.ONE,
        "right": f"{edits.FIRST} / {edits.SECOND}",
    }
    assert len(found["matches"]) == 2
    assert all(spliced in m["edits"] for m in found["matches"])


class TestAttributionDrift:
    def test_a_named_source_against_an_anonymous_one(self) -> None:
        unnamed = attribution.SEOUL_REUTERS.replace(
            "Defence Minister Lee Jong-sup", "the defence minister"
        )
        found = body(compare_texts(attribution.SEOUL_AP, unnamed))
        assert found["attribution_drift"][0] == {
            "left": "L1",
            "right": "R1",
            "left_speaker": "Lee Jong-sup",
            "right_speaker": "a ministry official",
            "kind": "named_vs_anonymous",
        }

    def test_another_named_person(self) -> None:
        other = attribution.SEOUL_REUTERS.replace(
            "a ministry official said", "said Prime Minister Han Duck-soo"
        )
        (entry,) = body(compare_texts(attribution.SEOUL_AP, other))["attribution_drift"]
        assert (entry["left"], entry["right"], entry["kind"]) == ("L1", "R1", "different_person")
        assert entry["right_speaker"] == "Han Duck-soo"

    def test_no_drift_is_an_empty_list(self) -> None:
        same = body(compare_texts(attribution.SEOUL_AP, attribution.SEOUL_AP))
        assert same["attribution_drift"] == []
        bare = (
            "SEOUL (Reuters) - South Korea said on Tuesday it would respond firmly.\n\n"
            'The message from Seoul was clear: "We will not back down."'
        )
        assert body(compare_texts(attribution.SEOUL_AP, bare))["attribution_drift"] == []


class TestEchoes:
    def test_the_pairs_frightening_is_echoed_as_frighten(self, pair_texts: tuple[str, str]) -> None:
        left, right = pair_texts
        c = compare_texts(left, right)
        assert c.insight is not None
        (frightening,) = [i for i, q in enumerate(c.right.quotes) if q.text == "frightening"]
        echo = c.insight.echo_of("right", frightening)
        assert echo is not None
        (entry,) = [e for e in body(c)["echoes"] if e["text"] == "frighten"]
        assert entry["quote"] == f"R{frightening + 1}" and entry["echoed_in"] == "left"
        assert (entry["start"], entry["end"], entry["kind"]) == (echo.start, echo.end, "indirect")

    def test_a_quote_run_as_the_outlets_own_words(self) -> None:
        (entry,) = body(compare_texts(echoes.SEOUL_AP, echoes.SEOUL_REUTERS))["echoes"]
        assert entry["quote"] == "L1" and entry["echoed_in"] == "right"
        assert entry["kind"] == "narration"


def test_the_body_carries_the_passages(pair_texts: tuple[str, str]) -> None:
    passages = body(compare_texts(*pair_texts))["passages"]
    # The headline and byline, where the texts have them, come apart from
    # the body's passages (issue 20, finding 3).
    assert {"left_only", "right_only", "aligned"} <= set(passages)
    assert set(passages) <= {"left_only", "right_only", "aligned", "heading"}
    for part in passages.get("heading", []):
        assert part["part"] in {"headline", "byline"}
        assert part["relation"] in {"same", "changed", "left_only", "right_only"}
    for item in passages["aligned"]:
        assert item["relation"] in {"same", "reworded", "split", "merged"}
        assert item["left"] and item["right"]
    left, _ = pair_texts
    assert passages["aligned"] and passages["left_only"]
    for passage in passages["left_only"]:
        assert left[passage["start"] : passage["end"]] == passage["text"]


def primary_field(left: str, right: str, primaries: list[str]) -> dict[str, Any]:
    """The ``primary`` field for the quotations of ``left`` and ``right``
    checked against ``primaries``."""
    lq, rq = extract_quotes(left), extract_quotes(right)
    checked = PrimaryCheck(tuple(source_quotes(lq, primaries)), tuple(source_quotes(rq, primaries)))
    ids = quote_ids("L", len(lq)), quote_ids("R", len(rq))
    return PrimaryOut.of(checked, *ids).model_dump(mode="json")


class TestPrimary:
    def test_verdicts_per_quote_and_counts_per_side(self) -> None:
        report = primary_field(
            primary.ARTICLE, primary.ARTICLE_RIGHT, [primary.STATEMENT, primary.BRIEFING]
        )
        assert report["summary"] == {
            "left": {"accurate": 1, "trimmed": 1, "edited": 1, "not_found": 1},
            "right": {"accurate": 1, "trimmed": 0, "edited": 0, "not_found": 1},
        }
        assert [(e["quote"], e["primary"], e["verdict"]) for e in report["left"]] == [
            ("L1", 0, "accurate"),
            ("L2", 0, "trimmed"),
            ("L3", None, "not_found"),
            ("L4", 0, "edited"),
        ]
        first = report["left"][0]
        assert set(first) == {"quote", "primary", "verdict", "score", "source", "edits", "diff"}
        assert first["source"]["text"] == primary.ALLIES
        assert set(first["source"]) == {"start", "end", "text", "context_before", "context_after"}
        trimmed = report["left"][1]
        assert trimmed["source"]["context_after"].startswith("since the invasion began.")
        assert report["left"][2]["source"] is None
        substituted = [e for e in report["left"][3]["edits"] if e["type"] == "substituted"]
        assert [(e["left"], e["right"]) for e in substituted] == [("allies", "partners")]

    def test_no_quotes(self) -> None:
        report = primary_field("", "", [primary.STATEMENT])
        zero = {"accurate": 0, "trimmed": 0, "edited": 0, "not_found": 0}
        assert report == {"summary": {"left": zero, "right": zero}, "left": [], "right": []}


def check_quotes(text: str, quotes: list[dict[str, Any]]) -> None:
    previous_end = -1
    for q in quotes:
        assert text[q["start"] : q["end"]] == q["text"]
        mention = q["speaker_mention"]
        assert (mention is None) == (q["speaker"] is None)
        if mention is not None:
            assert text[mention["start"] : mention["end"]] == mention["text"]
        assert q["start"] >= previous_end
        assert q["start"] < q["end"]
        previous_end = q["end"]


def check_body(left: str, right: str, found: dict[str, Any]) -> None:
    """The body of the comparison of ``left`` and ``right`` keeps the
    contract (tests/core/test_properties.py holds it on the core's results)."""
    texts = {"left": left, "right": right}
    quote_text: dict[str, dict[str, str]] = {}
    for side in ("left", "right"):
        quotes = found[side]["quotes"]
        check_quotes(texts[side], quotes)
        ids = [q["id"] for q in quotes]
        assert len(set(ids)) == len(ids)
        quote_text[side] = {q["id"]: q["text"] for q in quotes}
        matched = {m[side] for m in found["matches"]}
        only = found[f"{side}_only"]
        assert len(set(only)) == len(only)
        assert matched <= set(ids)
        assert set(only) <= set(ids)
        assert matched | set(only) == set(ids), "a quote is in no match and no *_only list"
        assert not matched & set(only), "a quote is both matched and *_only"
    pairs = [(m["left"], m["right"]) for m in found["matches"]]
    assert len(set(pairs)) == len(pairs), "a pair appears in two matches"
    for m in found["matches"]:
        assert m["relation"] in ("identical", "reworded", "partial")
        assert 0 <= m["score"] <= 100
        lefts = " ".join(op["left"] for op in m["diff"] if op["left"])
        rights = " ".join(op["right"] for op in m["diff"] if op["right"])
        assert lefts == words_of(quote_text["left"][m["left"]])
        assert rights == words_of(quote_text["right"][m["right"]])
        for op in m["diff"]:
            assert op["op"] in ("equal", "insert", "delete", "replace")
            assert (op["left"] == "") == (op["op"] == "insert")
            assert (op["right"] == "") == (op["op"] == "delete")


@SETTINGS
@given(article_pair())
def test_compare_body_honours_the_contract(pair: tuple[str, str]) -> None:
    left, right = pair
    check_body(left, right, body(compare_texts(left, right)))


@SETTINGS
@given(st.one_of(noise_text, article))
def test_noise_against_articles_honours_the_contract(text: str) -> None:
    other = "“We will not raise taxes on families this year,” said Ann Lee. “Says who?”"
    check_body(text, other, body(compare_texts(text, other)))
    check_body(other, text, body(compare_texts(other, text)))
