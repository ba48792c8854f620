"""Sourcediff's algorithmic core: quotes extracted, aligned and diffed.

Pure Python over the standard library, rapidfuzz (whose batch scorer
answers in numpy arrays) and sentencex (sentence boundaries): no web
framework, no database, no network. Results are plain immutable data
(frozen dataclasses); the core writes no JSON: each feature's schemas
(``service.compare.schemas``, ``service.checks.schemas``) define the wire
shapes and build them from these results.
Everything here is usable as a library::

    >>> from service.core import compare_texts
    >>> result = compare_texts('"We are ready," she said.', 'She said: "We are ready."')
    >>> result.alignment.matches[0].relation
    'identical'
"""

from service.core.alignment.quotes import Alignment, Match, Relation, align_quotes, compare_quotes
from service.core.alignment.rules import DEFAULT_RULES, MatchRules
from service.core.compare import Comparison, Side, compare_texts
from service.core.diff import DiffOp, rebuild, word_diff
from service.core.quotes.extract import Quote, extract_quotes
from service.core.text import Token, fingerprint, fold_marks, normalize, tokenize, word_key

__all__ = [
    "DEFAULT_RULES",
    "Alignment",
    "Comparison",
    "DiffOp",
    "Match",
    "MatchRules",
    "Quote",
    "Relation",
    "Side",
    "Token",
    "align_quotes",
    "compare_quotes",
    "compare_texts",
    "extract_quotes",
    "fingerprint",
    "fold_marks",
    "normalize",
    "rebuild",
    "tokenize",
    "word_diff",
    "word_key",
]
