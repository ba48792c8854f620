"""Speaker errors by class, before and after, and what attribution costs.

    .venv/bin/python bench/speakers/classes.py ../shared/corpus/polnear/dev/*.json
    .venv/bin/python bench/speakers/classes.py --show fragment ../shared/corpus/polnear/train/*.json
    .venv/bin/python bench/speakers/classes.py --cost ../shared/corpus/polnear/dev/*.json

For every quotation the current extractor finds that the gold file labels
with a speaker (scored as ``shared/eval/score.py`` scores it, whose
``Side`` and ``speaker_ok`` are loaded unchanged), the speaker is
attributed twice on the same spans: by ``service.core.quotes.speakers`` as
it stood before issue 16 (read from git at ``BEFORE``) and as it is now.
Each wrong speaker is put in one class of issue 16, by the shape of the
text around the quotation (the first that fits, in this order):

- ``junk``: the predicted speaker is no name or description at all (a time
  phrase, a sentence-initial word, a clause fragment, a verb phrase, a
  number, the document instead of its author);
- ``label``: a label layout (``NAME: …`` inside the marks, ``Name, Outlet:``
  before them, ``― Name`` after them, a title-case digest);
- ``exchange``: a question and answer between people the text names;
- ``participle``: ``saying,`` / ``by saying,`` / ``with X saying,`` before it;
- ``apposition``: an attribution after the quote whose apposition holds
  dots or brackets (``X, chief strategist at IG Ltd., said``, ``(D-Mo.)``);
- ``cue``: a verb next to the quotation that the old lexicon lacked;
- ``continuation``: the quotation is a sentence of its own with no
  attribution (it continues a direct or indirect attribution before it);
- ``description``: the attribution is a description or a pronoun and the
  gold names the person;
- ``fragment``: the quotation is a fragment inside a narration sentence;
- ``unscorable``: a gold speaker no prediction can match under the scorer
  (no capitalised name and no content word outside its stop list: "the
  president");
- ``other``.

``--cost`` times speaker attribution alone (spans given) on every input
article of at least 800 words cut to its first 800, old and new
interleaved call by call, and prints the median and p99 of each
(``time.perf_counter``; nothing is asserted). Corpus text is only read, never
written anywhere.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import statistics
import subprocess
import sys
import time
import types
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from service.core.quotes.extract import extract_quotes  # noqa: E402
from service.core.quotes.speakers import attribute_speakers  # noqa: E402

__all__ = ["BEFORE", "CLASSES", "classify", "main"]

SHARED = REPO.parent / "shared"
HARNESS = SHARED / "eval" / "score.py"
# The last commit of service/core/quotes/speakers.py before issue 16.
BEFORE = "be2460014e2d0e307b0c59b80a1ec5f107edec16"
CLASSES = (
    "junk label exchange participle apposition cue continuation description fragment "
    "unscorable other"
).split()

Speakers = Callable[[str, list[tuple[int, int]]], list[str | None]]


def _load_harness() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location("score", HARNESS)
    assert spec is not None and spec.loader is not None
    score = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(score)
    return score


def _load_before() -> types.ModuleType:
    """The speakers module as it was at ``BEFORE`` (it imports only the
    standard library)."""
    source = subprocess.run(
        ["git", "show", f"{BEFORE}:service/core/quotes/speakers.py"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType("speakers_before")
    exec(compile(source, "speakers_before.py", "exec"), module.__dict__)
    return module


# --------------------------------------------------------------------------
# The shape of the text around one quotation

_OPEN = "\"“„«‘'`"
_CLOSE = "\"”»’'`"
_SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+(?=[A-Z\"“‘])")
_FUNCTION = frozenset(
    """the a an but and so or yet then that this it he she they we i in on at by for of to
    with from as when while after before if because which who late early last""".split()
)
_PRONOUNS = frozenset("he she they it him her them".split())
_TIME = re.compile(
    r"^(?:late|early|last|this|next|on)?\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|"
    r"january|february|march|april|may|june|july|august|september|october|november|december|"
    r"morning|night|week|weekend|yesterday|today|tonight)\b",
    re.IGNORECASE,
)
_DOCUMENTS = frozenset("statement report letter release memo post tweet email video ad".split())
_PARTICIPLE = re.compile(
    r"(?:\b\w+ing(?:\s+(?:it|him|her|them))?|\bby\s+\w+ing)[,:]?\s*$|\bwith\s+[^,]{2,60}\s\w+ing,?\s*$"
)
_LABEL_INSIDE = re.compile(r"^[A-Z][A-Z.'’ -]{1,30}:\s")
_LABEL_BEFORE = re.compile(r"^\s*[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}(?:,[^:]{2,60})?:\s*$")
_DASH_AFTER = re.compile(r"^\s*(?:[―—–]|--)\s*[A-Z]")
_TITLE_CUE = re.compile(r"\b(?:Said|Says|Tells|Told|Calls|Called|Claims|Warns|Slams)\b")
_APPOSITION = re.compile(r"^[\s,]*[A-Z][^\"“”]{0,120}?(?:[A-Za-z]\.|\()[^\"“”]{0,120}?,\s+\w+")
# A verb next to the quotation: '," X Y gushed.', '," suggests X', 'X fumed: "'.
_CUE_AFTER = re.compile(
    r"^[\s,]*(?:[A-Z][\w.'’-]*\s+){1,4}(?:\w+ly\s+)?([a-z]{3,}(?:ed|s))\b(?=\s*[.,;]|\s+(?:that|of|to|in|on)\b)"
)
_CUE_FIRST = re.compile(r"^[\s,]*([a-z]{3,}(?:ed|s))\s+(?:[a-z]+\s+)?[A-Z]")
_CUE_COLON = re.compile(r"\b([a-z]{3,}(?:ed|s))\s*:\s*$")
_DESCRIPTION = re.compile(r"(?:\b(?:he|she|they)|\b(?:the|a|an)\s+[a-z][\w-]*)\s+\w+")


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    """The narration of the quotation's sentence before its opening mark
    and after its closing mark (within the paragraph)."""
    opening = start
    while opening > 0 and text[opening - 1] in _OPEN:
        opening -= 1
    para = text.rfind("\n", 0, opening) + 1
    head = text[max(para, opening - 400) : opening]
    ends = list(_SENTENCE_END.finditer(head))
    head = head[ends[-1].end() :] if ends else head
    closing = end
    while closing < len(text) and text[closing] in _CLOSE and closing - end < 3:
        closing += 1
    para_end = text.find("\n", closing)
    tail = text[closing : para_end if para_end >= 0 else len(text)][:300]
    m = _SENTENCE_END.search(tail)
    return head, tail[: m.start() + 1] if m else tail


def _junk(predicted: str, gold: str) -> bool:
    words = predicted.split()
    first = words[0].lower()
    if len(words) == 1 and first in _FUNCTION:
        return True
    if first in _FUNCTION - {"the", "a", "an", "this"} or first[:1].isdigit():
        return True
    if _TIME.match(predicted) or any(w.lower() in _PRONOUNS for w in words[1:]):
        return True
    named_gold = any(w[:1].isupper() for w in gold.split())
    return named_gold and first in ("the", "a") and words[-1].lower() in _DOCUMENTS


def classify(
    text: str,
    start: int,
    end: int,
    gold: str,
    predicted: str | None,
    old_cues: set[str],
    unscorable: bool,
) -> str:
    """The class of a wrong speaker (see the module docstring)."""
    if unscorable:
        return "unscorable"
    head, tail = _context(text, start, end)
    quote = text[start:end]
    if predicted and _junk(predicted, gold):
        return "junk"
    if (
        _LABEL_INSIDE.match(quote)
        or (
            _LABEL_BEFORE.match(head)
            and head.strip() == text[text.rfind("\n", 0, start) + 1 : start].strip(_OPEN + " ")
        )
        or _DASH_AFTER.match(tail)
        or _TITLE_CUE.search(head)
    ):
        return "label"
    before = text[max(0, start - 400) : start]
    if (
        predicted
        and predicted[:1].isupper()
        and gold[:1].isupper()
        and "?" in quote + before[-200:]
        and any(w in before for w in gold.split() if w[:1].isupper() and len(w) > 2)
    ):
        return "exchange"
    if _PARTICIPLE.search(head.rstrip(_OPEN + " ")):
        return "participle"
    if _APPOSITION.match(tail):
        return "apposition"
    cue = _CUE_AFTER.match(tail) or _CUE_FIRST.match(tail) or _CUE_COLON.search(head)
    if cue is not None and cue.group(1).lower() not in old_cues:
        return "cue"
    if not head.strip() and not re.search(r"[a-z]", tail[:40]):
        return "continuation"
    if gold[:1].isupper() and (_DESCRIPTION.search(tail[:40]) or _DESCRIPTION.search(head[-60:])):
        return "description"
    if len(head.split()) >= 3:
        return "fragment"
    return "other"


# --------------------------------------------------------------------------
# Scoring


class Row:
    """One scored quotation: where it is, its gold speaker, both predictions."""

    def __init__(
        self, text: str, start: int, end: int, gold: str, before: str | None, after: str | None
    ) -> None:
        self.text, self.start, self.end, self.gold = text, start, end, gold
        self.before, self.after = before, after


def rows(paths: list[str], score: types.ModuleType, old: Speakers) -> Iterator[Row]:
    """Every quotation of ``paths`` the harness scores a speaker for."""
    for path in paths:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        for article in data["articles"]:
            gold = score.gold_quotes(article, data.get("pairs", []))
            speakers = article.get("speakers") or {}
            if not gold or not speakers:
                continue
            text = article["text"]
            quotes = extract_quotes(text)
            spans = [(q.start, q.end) for q in quotes]
            before = old(text, spans)
            side = score.Side(
                {str(i): q.text for i, q in enumerate(quotes)}, gold, article.get("non_quotes", [])
            )
            for i in side.counted:
                g = side.gold_of(i)
                who = speakers.get(gold[g]) if g is not None else None
                if who:
                    q = quotes[int(i)]
                    yield Row(text, q.start, q.end, who, before[int(i)], q.speaker)


def _unscorable(score: types.ModuleType, gold: str) -> bool:
    """Whether no prediction can match ``gold`` under the harness's rule."""
    names = {w for tok in gold.split() if tok[:1].isupper() for w in score.words(tok)} - score.STOP
    return not names and not (set(score.words(gold)) - score.STOP)


def table(paths: list[str], show: str | None, limit: int) -> None:
    score = _load_harness()
    old = _load_before()
    old_cues = set(old._VERB_WORDS)
    counts: dict[str, Counter[str]] = {"before": Counter(), "after": Counter()}
    right = Counter[str]()
    shown = 0
    n = 0
    for row in rows(paths, score, old.attribute_speakers):
        n += 1
        unscorable = _unscorable(score, row.gold)
        if (
            show == "regressions"
            and shown < limit
            and score.speaker_ok(row.before, row.gold)
            and not score.speaker_ok(row.after, row.gold)
        ):
            shown += 1
            _print_row(row, "regression")
        for name, predicted in (("before", row.before), ("after", row.after)):
            if score.speaker_ok(predicted, row.gold):
                right[name] += 1
                continue
            cls = classify(row.text, row.start, row.end, row.gold, predicted, old_cues, unscorable)
            counts[name][cls] += 1
            if name == "after" and show in (cls, "all") and shown < limit:
                shown += 1
                _print_row(row, cls)
    print(f"{'class':<14}{'before':>8}{'after':>8}")
    for cls in CLASSES:
        print(f"{cls:<14}{counts['before'][cls]:>8}{counts['after'][cls]:>8}")
    print(f"{'errors':<14}{sum(counts['before'].values()):>8}{sum(counts['after'].values()):>8}")
    before, after = right["before"] / max(n, 1), right["after"] / max(n, 1)
    print(f"{'accuracy':<14}{before:>8.3f}{after:>8.3f}  (of {n})")


def _print_row(row: Row, cls: str) -> None:
    """One error, for reading in a terminal (corpus text is never saved)."""
    text = row.text
    before = text[max(0, row.start - 220) : row.start].replace("\n", " ¶ ")
    after = text[row.end : row.end + 140].replace("\n", " ¶ ")
    print("=" * 78)
    print(f"[{cls}] gold: {row.gold!r} | before: {row.before!r} | after: {row.after!r}")
    print(f"{before}[[{text[row.start : row.end][:90]}]]{after}")


# --------------------------------------------------------------------------
# Cost


def cost(paths: list[str], rounds: int) -> None:
    """Median and p99 of speaker attribution, old and new, on 800 words."""
    old = _load_before()
    items: list[tuple[str, list[tuple[int, int]]]] = []
    for path in paths:
        for article in json.loads(Path(path).read_text(encoding="utf-8"))["articles"]:
            words = article["text"].split(" ")
            if len(article["text"].split()) >= 800:
                text = " ".join(words[:800])
                items.append((text, [(q.start, q.end) for q in extract_quotes(text)]))
    timings: dict[str, list[float]] = {"before": [], "after": []}
    functions: dict[str, Speakers] = {"before": old.attribute_speakers, "after": attribute_speakers}
    for r in range(rounds):
        for i, (text, spans) in enumerate(items):
            order = ("before", "after") if (r + i) % 2 else ("after", "before")
            for name in order:
                began = time.perf_counter()
                functions[name](text, spans)
                timings[name].append(time.perf_counter() - began)
    quotes = statistics.mean(len(s) for _, s in items) if items else 0
    print(f"{len(items)} articles of 800 words ({quotes:.1f} quotations each), {rounds} rounds")
    for name, values in timings.items():
        values.sort()
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))]
        print(
            f"{name:<8} median {1000 * statistics.median(values):.3f} ms   p99 {1000 * p99:.3f} ms"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("gold", nargs="+", help="gold JSON files (PolNeAR or the dev clusters)")
    ap.add_argument(
        "--show",
        help="print the errors of one class now ('all' for every one, 'regressions' for "
        "quotations the old rules got right and the new ones do not)",
    )
    ap.add_argument("--limit", type=int, default=60, help="how many errors --show prints")
    ap.add_argument("--cost", action="store_true", help="time attribution instead")
    ap.add_argument("--rounds", type=int, default=20, help="rounds for --cost")
    ap.add_argument(
        "--shared", type=Path, default=SHARED, help="the data directory holding eval/score.py"
    )
    args = ap.parse_args(argv)
    global HARNESS
    HARNESS = args.shared / "eval" / "score.py"
    if missing := [str(p) for p in (HARNESS, *map(Path, args.gold)) if not p.is_file()]:
        print(f"missing: {', '.join(missing)} (pass --shared DIR and gold files)", file=sys.stderr)
        return 2
    if args.cost:
        cost(args.gold, args.rounds)
    else:
        table(args.gold, args.show, args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
