"""Passages that signal (issue 20, finding 3): a paraphrase is aligned, not
"only in"; a headline and a byline are compared as such, never passages.
Every sentence here is invented."""

from __future__ import annotations

from service.core.alignment.heading import find_heading
from service.core.alignment.passages import align_passages

_COUNCIL = "The city council voted 7-2 on Tuesday to add dedicated bus lanes on Harbor Avenue."
_HARBOR = "Harbor Avenue will get bus lanes after the city council backed the plan 7-2 on Tuesday."
_START = "Transit director Mara Quill said work on the lanes would start on March 3."
_START_AGAIN = "Work starts March 3, according to Mara Quill, the city's transit director."


def test_a_paraphrase_with_the_same_names_and_figures_is_aligned() -> None:
    left = f"{_COUNCIL} {_START} Residents packed the hall."
    right = f"{_HARBOR} {_START_AGAIN} Fireworks lit the sky over the pier."
    p = align_passages(left, right)
    assert [(a.left, a.right, a.relation) for a in p.aligned] == [
        ((0,), (0,), "reworded"),
        ((1,), (1,), "reworded"),
    ]
    assert [x.text for x in p.left_only] == ["Residents packed the hall."]
    assert [x.text for x in p.right_only] == ["Fireworks lit the sky over the pier."]


def test_one_long_name_in_common_does_not_make_a_paraphrase() -> None:
    left = "Tomas Reyle of the Harbor Avenue Business Association praised the plan as overdue."
    right = (
        "The Harbor Avenue Business Association's Tomas Reyle declined to discuss "
        "the lawsuit tenants filed."
    )
    p = align_passages(left, right)
    assert p.aligned == ()
    assert len(p.left_only) == len(p.right_only) == 1


def test_a_changed_headline_is_reported_as_a_headline_not_a_passage() -> None:
    left = f"Council backs Harbor Avenue bus lanes\n\n{_COUNCIL}\n\nResidents packed the hall."
    right = f"Bus lanes coming to Harbor Avenue\n\n{_COUNCIL}"
    p = align_passages(left, right)
    (headline,) = p.heading
    assert headline.part == "headline" and headline.relation == "changed"
    assert headline.left is not None and headline.right is not None
    assert headline.left.text == "Council backs Harbor Avenue bus lanes"
    assert headline.right.text == "Bus lanes coming to Harbor Avenue"
    assert 0 < headline.score < 100
    assert [x.text for x in p.left_only] == ["Residents packed the hall."]
    assert p.right_only == ()


def test_the_same_headline_is_same_and_a_headline_one_side_lacks_is_its_own() -> None:
    same = align_passages(f"Bus lanes approved\n\n{_COUNCIL}", f"Bus lanes approved\n\n{_HARBOR}")
    assert [(h.part, h.relation, h.score) for h in same.heading] == [("headline", "same", 100.0)]
    one = align_passages(f"Bus lanes approved\n\n{_COUNCIL}", _HARBOR)
    assert [(h.part, h.relation) for h in one.heading] == [("headline", "left_only")]
    assert one.left_only == one.right_only == ()


def test_a_byline_is_not_a_passage() -> None:
    left = f"Bus lanes approved\nBy Ann Roe, City Wire\n\n{_COUNCIL}"
    right = f"By Lee Park and Sam Ode\n\n{_HARBOR}"
    p = align_passages(left, right)
    assert p.left_only == p.right_only == ()
    parts = {h.part: h for h in p.heading}
    assert parts["headline"].relation == "left_only"
    byline = parts["byline"]
    assert byline.relation == "changed"
    assert byline.left is not None and byline.left.text == "By Ann Roe, City Wire"
    assert byline.right is not None and byline.right.text == "By Lee Park and Sam Ode"


def test_the_heading_rule_leaves_a_lead_in_the_body() -> None:
    # A first line ending as a sentence does, one of several sentences, a
    # long one, or one with nothing after it: not a headline.
    for text in (
        f"{_COUNCIL}\n\nResidents packed the hall.",
        "Lanes approved. Work starts soon\n\nMore below.",
        "The long first line of this piece runs on and on without any full stop at "
        "its end at all\n\nMore below.",
        "Bus lanes approved",
    ):
        found = find_heading(text)
        assert found.headline is None and found.byline is None, text
    assert find_heading("Nearby, by the pier\n\nMore.").byline is None
