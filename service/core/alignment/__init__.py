"""Alignment: which quotation of one text is which of another.

``quotes`` aligns two texts' quotations and judges a pair, under the
thresholds of ``rules``; ``stories`` groups the quotations of a whole
story's articles into statements; ``blocker`` finds the candidate pairs both
judge; ``passages`` aligns two texts sentence by sentence (by meaning too
with ``semantic``, an extra); ``shingles`` files quotations for search.
"""

__all__: list[str] = []
