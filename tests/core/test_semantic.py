"""The optional semantic similarity (service.core.alignment.semantic): sentences
scored by meaning with the all-MiniLM-L6-v2 model that the ``semantic``
extra installs, offline.

Skipped without the extra; with SOURCEDIFF_REQUIRE_SEMANTIC=1 its absence
fails the run instead.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from service.core.alignment import semantic

if not semantic.available():
    if os.environ.get("SOURCEDIFF_REQUIRE_SEMANTIC") == "1":
        pytest.fail(
            "SOURCEDIFF_REQUIRE_SEMANTIC=1 but the semantic extra is not installed: "
            "pip install 'sourcediff[semantic]'",
            pytrace=False,
        )
    pytest.skip(
        "the semantic extra is not installed (pip install 'sourcediff[semantic]')",
        allow_module_level=True,
    )

# Paraphrases in other words, each left sentence's counterpart at a
# different place on the right.
LEFT = [
    "The president resigned on Tuesday.",
    "Thousands of people were evacuated as the fire spread.",
    "The company reported a loss of $3 billion for the quarter.",
    "The council approved the budget for road repairs.",
]
RIGHT = [
    "The firm lost three billion dollars in the three months to June.",
    "On Tuesday the head of state stepped down.",
    "Councillors voted to fund the repair of roads.",
    "The blaze forced the evacuation of several thousand residents.",
]
COUNTERPART = [1, 3, 0, 2]
UNRELATED = [
    "The team won the cup final on penalties.",
    "A new species of frog was found in the rainforest.",
    "The recipe calls for two eggs and a cup of flour.",
]

# A fresh interpreter with no Hub variables, no Hub cache and every way out
# to the network refused (and counted): it scores LEFT against RIGHT.
NO_NETWORK = """
import json, socket, sys
attempts = []
def refuse(*args, **kwargs):
    attempts.append(repr(args[1:] or args)[:80])
    raise OSError("network refused by the test")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import os
from service.core.alignment import semantic
scores = semantic.similarity_matrix(json.loads(sys.argv[1]), json.loads(sys.argv[2]))
print(json.dumps({
    "scores": scores.tolist(),
    "attempts": attempts,
    "offline": [os.environ.get("HF_HUB_OFFLINE"), os.environ.get("TRANSFORMERS_OFFLINE")],
}))
"""

MISSING = """
import sys
from pathlib import Path
sys.modules["sentence_transformers"] = None  # as if not installed
from service.core.alignment import semantic
print(semantic.available())
try:
    semantic.similarity_matrix(["a"], ["b"])
except semantic.SemanticUnavailable as exc:
    print(exc)
"""


def test_paraphrases_that_share_few_words_score_high() -> None:
    scores = semantic.similarity_matrix(LEFT, RIGHT)
    # Each sentence's best match is its paraphrase.
    assert scores.argmax(axis=1).tolist() == COUNTERPART
    pairs = [float(scores[i, j]) for i, j in enumerate(COUNTERPART)]
    # The longer paraphrases clear passages' MIN_SCORE (55) by a margin...
    assert min(pairs[1:]) >= 65, pairs
    # ...the short one (few words to go on) scores lower, still well above
    # the rest of its row.
    others = [float(s) for j, s in enumerate(scores[0]) if j != COUNTERPART[0]]
    assert pairs[0] >= 30 and pairs[0] >= max(others) + 15, (pairs[0], others)


def test_unrelated_sentences_score_low() -> None:
    scores = semantic.similarity_matrix(LEFT, UNRELATED)
    assert float(scores.max()) < 25, scores


def test_identical_sentences_score_100() -> None:
    scores = semantic.similarity_matrix(LEFT, LEFT)
    assert np.allclose(np.diag(scores), 100, atol=0.01)
    assert float(scores.min()) >= 0 and float(scores.max()) <= 100


def test_matrix_shape_is_left_by_right() -> None:
    scores = semantic.similarity_matrix(LEFT[:3], [*RIGHT, *UNRELATED])
    assert scores.shape == (3, 7)
    assert scores.dtype == np.float32
    assert semantic.similarity_matrix([], RIGHT).shape == (0, 4)
    assert semantic.similarity_matrix(LEFT, []).shape == (4, 0)


def test_repeated_sentences_score_alike() -> None:
    scores = semantic.similarity_matrix([LEFT[0], LEFT[0]], RIGHT)
    assert np.array_equal(scores[0], scores[1])


def test_deterministic() -> None:
    first = semantic.similarity_matrix(LEFT, RIGHT)
    second = semantic.similarity_matrix(LEFT, RIGHT)
    assert np.array_equal(first, second)


def test_loads_and_scores_with_no_network(tmp_path: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HOME", "HF_HUB_CACHE")
    }
    env["HF_HOME"] = str(tmp_path)  # an empty Hub cache: nothing to fall back on
    out = subprocess.run(
        [sys.executable, "-c", NO_NETWORK, json.dumps(LEFT), json.dumps(RIGHT)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    found = json.loads(out.stdout.splitlines()[-1])
    assert found["attempts"] == []
    assert found["offline"] == ["1", "1"]
    # The same scores as in this process.
    assert np.allclose(found["scores"], semantic.similarity_matrix(LEFT, RIGHT), atol=0.01)


def test_without_the_extra_the_error_says_how_to_install_it() -> None:
    out = subprocess.run(
        [sys.executable, "-c", MISSING], capture_output=True, text=True, check=True, timeout=60
    )
    available, message = out.stdout.splitlines()
    assert available == "False"
    assert "pip install 'sourcediff[semantic]'" in message


def test_semantic_passages_align_paraphrases_words_miss() -> None:
    """The same four facts in other words: by words alone nothing aligns;
    by meaning the paraphrases scoring over ``SEMANTIC_MIN`` do, and the
    rest stay each side's own."""
    from service.core.alignment.passages import SEMANTIC_MIN, align_sentence_lists

    words = align_sentence_lists(LEFT, RIGHT)
    assert words.aligned == ()
    meaning = align_sentence_lists(LEFT, RIGHT, semantic=True)
    scores = semantic.similarity_matrix(LEFT, RIGHT)
    expected = {(i, j) for i, j in enumerate(COUNTERPART) if float(scores[i, j]) >= SEMANTIC_MIN}
    assert expected, "at least one paraphrase must clear the bar"
    found = {(a.left[0], a.right[0]) for a in meaning.aligned}
    assert found == expected
    for a in meaning.aligned:
        assert a.relation == "reworded" and a.score >= SEMANTIC_MIN
