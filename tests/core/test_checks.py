"""Regression checks in the core: findings, policies, passages, speakers."""

from __future__ import annotations

import pytest

from service.core.checks import KINDS, Policy, check, parse_kinds, same_speaker
from service.core.compare import compare_texts

BASE = (
    '"We have never exported weapons to Russia," the vice director said. '
    'He called the reports "reckless remarks". '
    '"The United States should keep its mouth shut," said Kim Yo Jong.'
)


def kinds(baseline: str, candidate: str, policy: Policy | None = None) -> list[tuple[str, bool]]:
    result = check(compare_texts(baseline, candidate), policy or Policy())
    return [(f.kind, f.fails) for f in result.findings]


def test_an_unchanged_text_passes_with_no_findings() -> None:
    result = check(compare_texts(BASE, BASE), Policy())
    assert result.passed and result.findings == ()


def test_a_dropped_quote_fails_and_points_at_the_baseline() -> None:
    candidate = BASE.replace('He called the reports "reckless remarks". ', "")
    result = check(compare_texts(BASE, candidate), Policy())
    assert not result.passed
    (finding,) = result.findings
    assert finding.kind == "dropped_quote" and finding.candidate is None
    assert finding.baseline is not None
    assert BASE[finding.baseline.start : finding.baseline.end] == "reckless remarks"


def test_a_reworded_quote_fails_by_default_a_partial_one_does_not() -> None:
    reworded = BASE.replace("never exported weapons", "never exported arms")
    assert kinds(BASE, reworded) == [("reworded_quote", True)]
    trimmed = BASE.replace("The United States should keep its mouth shut", "keep its mouth shut")
    assert kinds(BASE, trimmed) == [("partial_quote", False)]
    assert kinds(BASE, trimmed, Policy(parse_kinds(["partial"]))) == [("partial_quote", True)]


def test_an_added_quote_is_reported_but_passes() -> None:
    candidate = BASE + ' "We will respond," an official said.'
    result = check(compare_texts(BASE, candidate), Policy())
    assert result.passed and [(f.kind, f.fails) for f in result.findings] == [
        ("added_quote", False)
    ]


def test_a_changed_speaker() -> None:
    candidate = BASE.replace("said Kim Yo Jong", "said Choe Son Hui")
    assert kinds(BASE, candidate, Policy(parse_kinds(["speaker"]))) == [("speaker_changed", True)]
    same = BASE.replace("said Kim Yo Jong", "said Kim")
    assert kinds(BASE, same, Policy(parse_kinds(["speaker"]))) == []
    assert same_speaker("Kim Yo Jong", None) is None


def test_removed_passages_over_a_size() -> None:
    extra = " ".join(f"word{i}" for i in range(40))
    baseline = f"{BASE}\n\nA passage of reporting follows here: {extra}.\n\nThe end."
    candidate = f"{BASE}\n\nThe end."
    policy = Policy(parse_kinds(["passage"]), min_passage_words=30)
    result = check(compare_texts(baseline, candidate), policy)
    (finding,) = result.findings
    assert finding.kind == "removed_passage" and finding.fails
    assert finding.baseline is not None and finding.candidate is not None
    assert baseline[finding.baseline.start : finding.baseline.end].startswith("A passage")
    assert finding.candidate.start == finding.candidate.end == candidate.index("The end.")
    smaller = Policy(parse_kinds(["passage"]), min_passage_words=100)
    assert check(compare_texts(baseline, candidate), smaller).findings == ()


def test_kinds_parse_by_name_or_alias_and_refuse_others() -> None:
    assert parse_kinds(["dropped", "reworded_quote"]) == {"dropped_quote", "reworded_quote"}
    assert parse_kinds(KINDS) == set(KINDS)
    assert parse_kinds(["spliced", "speaker"]) == {"spliced", "speaker_changed"}
    with pytest.raises(ValueError, match="unknown finding kind or edit type 'moved'"):
        parse_kinds(["moved"])


def test_a_policy_fails_on_typed_edits_and_attribution_drift() -> None:
    baseline = (
        '"We have never exported weapons to Russia and we will not," said Pak Jong Chon.\n'
        '"We will honour every commitment we made," he added.'
    )
    candidate = (
        '"We have never exported arms to Russia," a defence official said.\n'
        "The official said the country would honour every commitment it had made."
    )
    result = check(compare_texts(baseline, candidate), Policy(parse_kinds(["substituted"])))
    by_kind = {f.kind: f for f in result.findings}
    pair = by_kind["partial_quote"]
    assert pair.fails and {e.type for e in pair.edits} == {"substituted", "trimmed"}
    drifted = by_kind["speaker_changed"]
    assert drifted.drift == "named_vs_anonymous" and not drifted.fails
    dropped = by_kind["dropped_quote"]
    assert dropped.echo is not None and dropped.echo.text == "honour every commitment it had made."
    assert not result.passed
    lenient = check(compare_texts(baseline, candidate), Policy(parse_kinds(["inserted"])))
    assert lenient.passed
    strict = check(compare_texts(baseline, candidate), Policy(parse_kinds(["speaker"])))
    assert not strict.passed and [f.kind for f in strict.findings if f.fails] == ["speaker_changed"]


def test_findings_are_counted_and_in_baseline_order() -> None:
    candidate = BASE.replace("never exported weapons", "never exported arms").replace(
        'He called the reports "reckless remarks". ', ""
    )
    result = check(compare_texts(BASE, candidate), Policy())
    assert sum(f.fails for f in result.findings) == 2
    assert [f.kind for f in result.findings].count("dropped_quote") == 1
    starts = [f.baseline.start for f in result.findings if f.baseline is not None]
    assert len(starts) == len(result.findings) and starts == sorted(starts)
    assert result.policy == Policy(frozenset({"dropped_quote", "reworded_quote"}), 30)
