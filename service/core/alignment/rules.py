"""The thresholds that decide when two quotations are one statement.

Every aligner of quotations (two texts in ``alignment.quotes``, a whole
story in ``alignment.stories``) judges pairs with the same rules, passed as
one ``MatchRules`` object rather than five keywords forwarded by hand.
``DEFAULT_RULES`` is what the service uses; a caller that wants stricter or
looser matching builds its own with ``dataclasses.replace``:

>>> from dataclasses import replace
>>> strict = replace(DEFAULT_RULES, min_similarity=0.95, min_run=20)
>>> strict.min_similarity, strict.min_cover
(0.95, 0.8)
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_RULES", "MatchRules"]


@dataclass(frozen=True, slots=True)
class MatchRules:
    """When a pair of quotations is *reworded* or *partial* (see
    ``alignment.quotes.judge_keys``); every similarity is on word keys.

    ``min_similarity``
        The word-level Indel similarity (shared words in order, over both
        lengths) that makes a pair *reworded*.
    ``min_content_similarity``
        The same over content words alone, also needed for *reworded*, so
        that shared function words cannot make two statements one.
    ``min_cover``
        How well (0–1) the shorter quotation must match its best window of
        the longer one to be a fragment of it: *partial*.
    ``min_run``
        A run of this many words in common makes an overlap: *partial*.
    ``partial_overhang``
        How many words one side must extend past the other for *partial* to
        win over *reworded*.
    """

    min_similarity: float = 0.6
    min_content_similarity: float = 0.5
    min_cover: float = 0.8
    min_run: int = 6
    partial_overhang: int = 3


DEFAULT_RULES = MatchRules()
