"""The cue lexicon's shape that the clause rules rely on."""

from __future__ import annotations

from service.core.quotes.cues import CUES, is_cue


def test_every_cue_is_lower_case() -> None:
    # ``clauses._cue_clause`` looks words up in CUES without lowering them
    # or asking whether they are lower case: "Says" and "SAID" are no cues.
    assert all(cue.islower() for cue in CUES)
    assert is_cue("said") and not is_cue("Said")
