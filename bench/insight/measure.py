"""Precision and recall of the comparison insight: typed edits, echoes, drift.

    .venv/bin/python bench/insight/measure.py                 # readable tables
    .venv/bin/python bench/insight/measure.py --json          # the same, as JSON
    .venv/bin/python bench/insight/measure.py --verbose       # and every miss
    .venv/bin/python bench/insight/measure.py --regenerate-derived

Runs the real pipeline (``compare_texts(left, right)``, insight on) on full
article texts of the labelled corpus (``shared/corpus``: ``seeds.json`` and
``dev/*.json``; articles are named by cluster, ``seeds`` or the dev file
stem, and corpus id ``a``/``b``/``c``), once per article pair, and scores it
against two gold sets, reported apart and then combined:

- ``hand``: ``labels.json``, hand-labelled (see ``README.md``);
- ``derived``: ``derived.json``, labelled by construction: an edited copy of
  one real article with one quote or attribution changed, compared with the
  original (the left side). It covers what the corpus lacks: ellipses,
  named-vs-anonymous drift, more substitutions and trims. The file is read,
  and only written with ``--regenerate-derived`` (deterministic).

Neither file holds corpus text (the corpus is for measuring only): quotes,
echoes and speakers are ``[start, end]`` offsets into the articles' texts,
read here from ``--corpus``, and each file's ``articles`` holds the SHA-256
of every text its offsets fit. A corpus file or article missing, or a text
changed, exits 2 with a message naming it.

How each list is scored:

- **edits**: the pipeline's match whose left and right quote texts equal the
  item's strings (whitespace normalised). When there is none ("pair not
  matched": either quote was extracted with other boundaries or missed, or
  the two were not aligned), the edits come from
  ``classify_edits(left, right, word_diff(left, right))`` on the gold
  strings, so the typing is still measured (``spliced`` can only come from
  an alignment, so it cannot be found that way). Predicted and gold are sets
  of types; precision = correct predicted types / predicted types over all
  items (micro), recall = correct / gold types, and per type likewise.
  ``exact`` is the share of items whose type set is exactly right
  (``[]`` included).
- **echoes**: the omitted quote is found among the pipeline's quotes of its
  side (same text, else the extracted quote overlapping its offsets); its
  echo is ``Comparison.insight.echo_of(side, index)``. A quote the pipeline
  matched to something, or did not extract, has no prediction. Correct: the
  gold echo is not null and the predicted span overlaps the gold one (gold
  offsets by ``str.find`` in the other article). Precision = correct /
  predicted, recall = correct / gold positives.
- **drift**: the pipeline's match for the pair (quotes found as for echoes)
  and its drift kind, ``None`` when the pair is not matched. Gold ``none``
  and ``unattributed`` count as no drift: the service deliberately reports
  no drift when a side has no speaker (``service.core.insight.attribution``).
  Precision = correct predicted drifts / predicted drifts, recall = correct
  / gold drifts. ``speakers`` is the raw accuracy of the pipeline's speaker
  for each quote whose gold speaker is not null, by the corpus README's
  rule (shares a name word, or for a description half its content words);
  gold-null sides are counted apart.

Standard library and the project only. Figures are for reading: nothing
asserts them.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from service.core.compare import Comparison, Side, compare_texts  # noqa: E402
from service.core.diff import word_diff  # noqa: E402
from service.core.insight.edits import EDIT_TYPES, classify_edits  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
LABELS = HERE / "labels.json"
DERIVED = HERE / "derived.json"
DRIFT_KINDS = ("different_person", "named_vs_anonymous")
# Gold drift labels that the service reports as no drift.
NO_DRIFT = {"none": None, "unattributed": None}
_LISTS = ("edits", "echoes", "drift")

# --------------------------------------------------------------------------
# Corpus


def fail(message: str) -> NoReturn:
    """Stop the run: exit 2 with ``message`` on stderr."""
    print(message, file=sys.stderr)
    raise SystemExit(2)


def corpus_files(corpus: Path) -> list[Path]:
    """``seeds.json`` and ``dev/*.json``; exits 2 naming what is missing, since
    the labels hold offsets into these texts, never the texts."""
    seeds, dev = corpus / "seeds.json", corpus / "dev"
    missing = [str(p) for p in (seeds, dev) if not p.exists()]
    if not missing and not any(dev.glob("*.json")):
        missing.append(str(dev / "*.json"))
    if missing:
        fail(
            f"corpus missing: {', '.join(missing)} ({LABELS.name} and {DERIVED.name} "
            "hold offsets into its texts, not the texts; pass --corpus)"
        )
    return [seeds, *sorted(dev.glob("*.json"))]


def load_corpus(corpus: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """cluster -> article id -> article (``text``, ``quotes``, ``speakers``…);
    the pairs are read by ``load_pairs``."""
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for path in corpus_files(corpus):
        data = json.loads(path.read_text(encoding="utf-8"))
        name = "seeds" if path.name == "seeds.json" else path.stem
        out[name] = {a["id"]: a for a in data["articles"]}
    return out


def load_pairs(corpus: Path) -> dict[str, list[tuple[str, str]]]:
    """cluster -> its labelled article pairs, (left, right) in corpus order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for path in corpus_files(corpus):
        data = json.loads(path.read_text(encoding="utf-8"))
        name = "seeds" if path.name == "seeds.json" else path.stem
        out[name] = [(p["left"], p["right"]) for p in data["pairs"]]
    return out


# --------------------------------------------------------------------------
# References: the label files name articles and offsets into their texts
# (``[start, end]``), never the texts themselves; the corpus is for measuring
# only. Each file's ``articles`` gives every article it refers to, with the
# SHA-256 of the text its offsets were taken in.


def corpus_file(cluster: str) -> str:
    return "seeds.json" if cluster == "seeds" else f"dev/{cluster}.json"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def quote_key(quote: str) -> str:
    """A short name for a corpus quote (the first 12 hex digits of its SHA-256),
    for code that must point at one without copying it."""
    return text_sha256(quote)[:12]


def article_table(
    corpus: dict[str, dict[str, dict[str, Any]]], keys: Iterable[tuple[str, str]]
) -> dict[str, dict[str, str]]:
    """``cluster/id`` -> its corpus file and text SHA-256, for each article of
    ``keys`` (first-seen order)."""
    return {
        f"{c}/{a}": {"file": corpus_file(c), "text_sha256": text_sha256(corpus[c][a]["text"])}
        for c, a in dict.fromkeys(keys)
    }


def check_articles(
    data: dict[str, Any], corpus: dict[str, dict[str, dict[str, Any]]], where: Path, name: str
) -> None:
    """Exit 2 naming the article when one that ``data`` refers to is missing
    from the corpus or its text is not the one the offsets were taken in."""
    for key, ref in data["articles"].items():
        cluster, aid = key.split("/")
        article = corpus.get(cluster, {}).get(aid)
        path = where / ref["file"]
        if not path.is_file():
            fail(f"{name}: corpus file missing: {path} (article {key})")
        if article is None:
            fail(f"{name}: article {key} missing from {path}")
        if text_sha256(article["text"]) != ref["text_sha256"]:
            fail(
                f"{name}: article {key} of {path} changed since it was labelled "
                "(text SHA-256 differs), so its offsets no longer fit"
            )


def span(text: str, ref: list[int] | None) -> str | None:
    """The text a ``[start, end]`` reference names (``None`` for none)."""
    return None if ref is None else text[ref[0] : ref[1]]


def dump_references(data: dict[str, Any]) -> str:
    """JSON with one ``[start, end]`` per line, not three."""
    text = json.dumps(data, ensure_ascii=False, indent=1)
    return re.sub(r"\[\s+(\d+),\s+(\d+)\s+\]", r"[\1, \2]", text) + "\n"


_EDGE = " ,;:.—–-"


def norm(text: str) -> str:
    return " ".join(text.split())


_WORD = re.compile(r"\w+", re.UNICODE)
_STOP = {
    *"a an the of and to in for on at by mr mrs ms dr sir president us u s uk".split(),
}


def _words(text: str) -> list[str]:
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def speaker_ok(predicted: str | None, gold: str) -> bool:
    """The corpus rule (``shared/eval/score.py``): a predicted speaker is right
    when it shares a name with the gold one, or, for a description with no
    name, at least half of its content words."""
    if not predicted:
        return False
    said = set(_words(predicted))
    names = {w for tok in gold.split() if tok[:1].isupper() for w in _words(tok)} - _STOP
    if names:
        return bool(names & said)
    wanted = set(_words(gold)) - _STOP
    return len(said & wanted) >= max(1, (len(wanted) + 1) // 2)


# --------------------------------------------------------------------------
# The pipeline, once per pair of texts


class Pipeline:
    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], Comparison] = {}

    def compare(self, left: str, right: str) -> Comparison:
        key = (left, right)
        if key not in self._cache:
            self._cache[key] = compare_texts(left, right, insight=True)
        return self._cache[key]

    @property
    def runs(self) -> int:
        return len(self._cache)


def edge_norm(text: str) -> str:
    """``norm`` without punctuation at either end: the corpus keeps a quote's
    trailing comma out where the extractor keeps it in ("them," vs "them")."""
    return norm(text).strip(_EDGE)


def locate(side: Side, quote: str) -> tuple[int | None, str]:
    """The index of the pipeline's quote for the gold ``quote`` on ``side``:
    same text (whitespace normalised) -> ``exact``; same but for punctuation
    at the ends -> ``edge``; else the extracted quote overlapping its
    offsets most -> ``overlap``; else ``(None, "missed")``."""
    want = norm(quote)
    for i, q in enumerate(side.quotes):
        if norm(q.text) == want:
            return i, "exact"
    for i, q in enumerate(side.quotes):
        if edge_norm(q.text) == edge_norm(quote):
            return i, "edge"
    start = side.text.find(quote)
    if start < 0:
        return None, "missed"
    end = start + len(quote)
    best, best_overlap = None, 0
    for i, q in enumerate(side.quotes):
        overlap = min(end, q.end) - max(start, q.start)
        if overlap > best_overlap:
            best, best_overlap = i, overlap
    return (best, "overlap") if best is not None else (None, "missed")


def match_index(c: Comparison, li: int | None, ri: int | None) -> int | None:
    if li is None or ri is None:
        return None
    return next(
        (k for k, m in enumerate(c.alignment.matches) if (m.left, m.right) == (li, ri)), None
    )


# --------------------------------------------------------------------------
# Cases: one scored item, with its two texts resolved


@dataclass
class Case:
    id: str
    left_text: str
    right_text: str
    item: dict[str, Any]
    side: str = "left"  # echoes: the side of the omitted quote


# Each reference field of a hand-labelled item and the article it points into.
_HAND_SPANS = {
    "left": "left_article",
    "right": "right_article",
    "left_speaker": "left_article",
    "right_speaker": "right_article",
    "quote": "quote_article",
    "echo": "other_article",
}


def resolve_hand(item: dict[str, Any], corpus: dict[str, dict[str, dict[str, Any]]]) -> dict:
    """The item with each reference replaced by the corpus text it names."""
    articles = corpus[item["cluster"]]
    return item | {
        name: span(articles[item[article]]["text"], item[name])
        for name, article in _HAND_SPANS.items()
        if name in item
    }


def hand_cases(
    labels: dict[str, Any], corpus: dict[str, dict[str, dict[str, Any]]], pairs: dict
) -> dict[str, list[Case]]:
    def texts(cluster: str, a: str, b: str) -> tuple[str, str]:
        return corpus[cluster][a]["text"], corpus[cluster][b]["text"]

    labels = {name: [resolve_hand(it, corpus) for it in labels[name]] for name in _LISTS}
    out: dict[str, list[Case]] = {"edits": [], "echoes": [], "drift": []}
    for name in ("edits", "drift"):
        for it in labels[name]:
            lt, rt = texts(it["cluster"], it["left_article"], it["right_article"])
            out[name].append(Case(it["id"], lt, rt, it))
    for it in labels["echoes"]:
        q, o = it["quote_article"], it["other_article"]
        # Run the pair in the corpus's order, so it shares the cached run.
        side = "left" if (q, o) in pairs[it["cluster"]] else "right"
        left, right = (q, o) if side == "left" else (o, q)
        lt, rt = texts(it["cluster"], left, right)
        out["echoes"].append(Case(it["id"], lt, rt, it, side))
    return out


# --------------------------------------------------------------------------
# Scoring


@dataclass
class Tally:
    predicted: int = 0
    correct: int = 0
    gold: int = 0

    def add(self, other: Tally) -> None:
        self.predicted += other.predicted
        self.correct += other.correct
        self.gold += other.gold

    def as_dict(self) -> dict[str, Any]:
        return {
            "predicted": self.predicted,
            "correct": self.correct,
            "gold": self.gold,
            "precision": _ratio(self.correct, self.predicted),
            "recall": _ratio(self.correct, self.gold),
        }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 3) if b else None


@dataclass
class Result:
    """One list's figures: a total tally, per-type tallies, notes and misses."""

    items: int = 0
    total: Tally = field(default_factory=Tally)
    per_type: dict[str, Tally] = field(default_factory=dict)
    notes: Counter[str] = field(default_factory=Counter)
    misses: list[dict[str, Any]] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # ids of pairs not matched

    def tally(self, kind: str) -> Tally:
        return self.per_type.setdefault(kind, Tally())

    def merge(self, other: Result) -> None:
        self.items += other.items
        self.total.add(other.total)
        for k, t in other.per_type.items():
            self.tally(k).add(t)
        self.notes.update(other.notes)
        self.misses += other.misses
        self.unmatched += other.unmatched

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            **self.total.as_dict(),
            "per_type": {k: t.as_dict() for k, t in self.per_type.items()},
            "notes": dict(sorted(self.notes.items())),
            "misses": self.misses,
            **({"not_matched": self.unmatched} if self.unmatched else {}),
        }


def score_edits(cases: Iterable[Case], pipe: Pipeline) -> Result:
    res = Result()
    for t in EDIT_TYPES:
        res.tally(t)
    for case in cases:
        it = case.item
        c = pipe.compare(case.left_text, case.right_text)
        li, lhow = locate(c.left, it["left"])
        ri, rhow = locate(c.right, it["right"])
        same = {lhow, rhow} <= {"exact", "edge"}
        k = match_index(c, li, ri) if same else None
        if k is not None:
            predicted = {e.type for e in c.insight.pairs[k].edits}
            if {lhow, rhow} != {"exact"}:
                res.notes["matched, end punctuation differs from gold"] += 1
        else:
            why = "extracted, not aligned" if same else "extracted otherwise or missed"
            res.notes[f"pair not matched ({why})"] += 1
            res.unmatched.append(case.id)
            edits = classify_edits(it["left"], it["right"], word_diff(it["left"], it["right"]))
            predicted = {e.type for e in edits}
        gold = set(it["edits"])
        res.items += 1
        res.notes["exact type set"] += predicted == gold
        for t in predicted | gold:
            tally = res.tally(t)
            tally.predicted += t in predicted
            tally.gold += t in gold
            tally.correct += t in predicted and t in gold
            res.total.predicted += t in predicted
            res.total.gold += t in gold
            res.total.correct += t in predicted and t in gold
        if predicted != gold:
            res.misses.append(
                {
                    "id": case.id,
                    "gold": sorted(gold),
                    "predicted": sorted(predicted),
                    "matched": k is not None,
                }
            )
    return res


def score_echoes(cases: Iterable[Case], pipe: Pipeline) -> Result:
    res = Result()
    for case in cases:
        it = case.item
        c = pipe.compare(case.left_text, case.right_text)
        side = c.left if case.side == "left" else c.right
        other = c.right if case.side == "left" else c.left
        omitted = c.alignment.left_only if case.side == "left" else c.alignment.right_only
        index, how = locate(side, it["quote"])
        echo = None
        if index is None:
            res.notes["quote not extracted (no prediction)"] += 1
        elif index not in omitted:
            res.notes["quote matched by the pipeline (no prediction)"] += 1
        else:
            if how != "exact":
                res.notes["quote extracted with other boundaries"] += 1
            echo = c.insight.echo_of(case.side, index)  # type: ignore[arg-type]
        gold = it["echo"]
        res.items += 1
        res.total.gold += gold is not None
        correct = False
        if echo is not None:
            res.total.predicted += 1
            if gold is not None:
                g = other.text.find(gold)
                if g < 0:
                    res.notes["gold echo not found in text"] += 1
                correct = g >= 0 and echo.start < g + len(gold) and g < echo.end
            res.total.correct += correct
        if (echo is not None) != correct or (gold is not None and not correct):
            res.misses.append(
                {
                    "id": case.id,
                    "gold": gold,
                    "predicted": None if echo is None else echo.text,
                    "quote": it["quote"][:80],
                }
            )
    res.per_type["positive"] = Tally(res.total.predicted, res.total.correct, res.total.gold)
    return res


def score_drift(cases: Iterable[Case], pipe: Pipeline) -> Result:
    res = Result()
    for kind in DRIFT_KINDS:
        res.tally(kind)
    speakers = Counter[str]()
    for case in cases:
        it = case.item
        c = pipe.compare(case.left_text, case.right_text)
        li, _ = locate(c.left, it["left"])
        ri, _ = locate(c.right, it["right"])
        k = match_index(c, li, ri)
        if k is None:
            res.notes["pair not matched (no drift reported)"] += 1
            res.unmatched.append(case.id)
            predicted = None
        else:
            predicted = c.insight.pairs[k].drift
        gold = NO_DRIFT.get(it["drift"], it["drift"])
        res.items += 1
        for kind in {predicted, gold} - {None}:
            tally = res.tally(kind)
            tally.predicted += kind == predicted
            tally.gold += kind == gold
            tally.correct += kind == predicted == gold
        res.total.predicted += predicted is not None
        res.total.gold += gold is not None
        res.total.correct += predicted is not None and predicted == gold
        said = {}
        for name, side, index in (("left", c.left, li), ("right", c.right, ri)):
            who = None if index is None else side.quotes[index].speaker
            said[name] = who
            want = it[f"{name}_speaker"]
            if want is None:
                speakers["gold null"] += 1
                speakers["gold null, speaker predicted"] += who is not None
            else:
                speakers["sides"] += 1
                ok = speaker_ok(who, want)
                speakers["correct"] += ok
                if not ok:
                    res.misses.append(
                        {"id": case.id, "side": name, "gold_speaker": want, "speaker": who}
                    )
        if predicted != gold:
            res.misses.append(
                {
                    "id": case.id,
                    "gold": it["drift"],
                    "predicted": predicted,
                    "speakers": [said["left"], said["right"]],
                    "gold_speakers": [it["left_speaker"], it["right_speaker"]],
                }
            )
    res.notes.update({f"speakers: {k}": v for k, v in speakers.items()})
    return res


def speaker_accuracy(res: Result) -> float | None:
    return _ratio(res.notes["speakers: correct"], res.notes["speakers: sides"])


def score_all(cases: dict[str, list[Case]], pipe: Pipeline) -> dict[str, Result]:
    return {
        "edits": score_edits(cases["edits"], pipe),
        "echoes": score_echoes(cases["echoes"], pipe),
        "drift": score_drift(cases["drift"], pipe),
    }


# --------------------------------------------------------------------------
# Derived cases: edited copies of real articles, labelled by construction

# Other people, for a different_person attribution (the first, in a
# rotation, from another cluster that shares no name word with the original).
_OTHER_PEOPLE = [
    ("seeds", "John Kirby"),
    ("01_kalashnikov_letter", "Alexander Volkov"),
    ("03_vegas_strip_shooting", "Mark Thompson"),
    ("07_jamaica_ganja_law", "William Brownfield"),
    ("15_cohen_says_who", "Brianna Keilar"),
    ("03_vegas_strip_shooting", "Eileen Brosnan"),
    ("07_jamaica_ganja_law", "Delano Seiveright"),
]
_ANONYMOUS = ["an official", "a spokesman"]
_SUBSTITUTES = ["serious", "major", "certain", "different", "careful"]
# Retranslations written for this benchmark (the corpus has none): most
# content words changed, the statement kept. Keyed by ``quote_key`` of the
# corpus quote they render (the quote itself stays in the corpus).
_RETRANSLATIONS = {
    "e1101c8c550e": (
        "He created the weapon to protect his homeland, not for militants to fire it in "
        "Saudi Arabia."
    ),
    "3dedf590c98d": (
        "Police kept inquiring whether somebody remained inside the cars and whether they "
        "noticed shots,"
    ),
    "48a41860db6e": (
        "Most visitors will accept it but there are always "
        "grumblers. Such folks grumble even when nothing is wrong."
    ),
    "afb82bb51917": (
        "This represents a major move along the correct path, yet much labour remains to do,"
    ),
    "7ec88e3b7aaa": (
        "finalised and definitely no sign that such arms are being deployed within Ukraine"
    ),
}
_CONTROL_TAIL = "\n\nThis story has been updated."
_NAME = r"[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,5}"
_VERB = r"(?:said|says|told|added|asked)"
# After a quote's text: a closing mark, then "said Name" or "Name said" on
# the same line.
_ATTRIBUTION = re.compile(
    r"[,.?!:]?(?:[\"”’']|\ufffd\?),?[ \t]+"
    rf"(?:{_VERB}[ \t]+(?P<after>{_NAME})|(?P<before>{_NAME})[ \t]+{_VERB}\b)"
)
_OPEN = set("\"“‘'«")
_CLOSE = ("\ufffd?", '"', "”", "’", "'", "»")
# Words that carry no claim: an unquoted quote made only of these has no
# echo by the labels' rule (one distinctive content word at least).
_PLAIN = frozenset(
    """says said that this what which with them they have there their about would could
    should will your from were been just okay""".split()
)


def _eligible(article: dict[str, Any]) -> list[str]:
    """Quotes that occur once in the text, on one line, with no inner marks,
    in text order."""
    text = article["text"]
    out = [
        q
        for q in article["quotes"]
        if text.count(q) == 1 and "\n" not in q and not re.search(r"[\"“”«»]", q)
    ]
    return sorted(out, key=text.find)


def _apply(text: str, mutation: dict[str, Any]) -> str:
    """The copy: ``text[at:end]`` replaced by ``new``, whose pieces are
    strings written for the benchmark or ``[start, end]`` of ``text``."""
    return text[: mutation["at"]] + _new_text(text, mutation) + text[mutation["end"] :]


def _new_text(text: str, mutation: dict[str, Any]) -> str:
    return "".join(p if isinstance(p, str) else text[p[0] : p[1]] for p in mutation["new"])


# Runs a mutation shares with the text it replaces are written as offsets
# from this many characters; shorter ones (a word or two) stay literal.
_MIN_SPAN = 12


def _pieces(at: int, old: str, new: str) -> list[str | list[int]]:
    """``new`` as literal strings and ``[start, end]`` offsets of the runs it
    shares with ``old`` (which sits at ``at`` of the article)."""
    out: list[str | list[int]] = []
    done = 0
    blocks = difflib.SequenceMatcher(None, old, new, autojunk=False).get_matching_blocks()
    for a, b, size in blocks:
        if size < _MIN_SPAN:
            continue
        if b > done:
            out.append(new[done:b])
        out.append([at + a, at + a + size])
        done = b + size
    if done < len(new):
        out.append(new[done:])
    return out


def _as_references(item: dict[str, Any], text: str) -> dict[str, Any]:
    """A derived item as the file holds it: the mutation's replaced run as
    its end offset and its new text as pieces; the quotes as offsets into
    the original (``left``, ``quote``) or the copy (``right``, ``echo``); the
    speakers left to the corpus (``resolve_derived``)."""
    m = item["mutation"]
    end = m["at"] + len(m["old"])
    copy = text[: m["at"]] + m["new"] + text[end:]
    out = {k: v for k, v in item.items() if k not in ("left_speaker", "right_speaker")}
    out["mutation"] = {"at": m["at"], "end": end, "new": _pieces(m["at"], m["old"], m["new"])}
    for name, source in (("left", text), ("quote", text), ("right", copy), ("echo", copy)):
        if name in item:
            start = source.find(item[name])
            out[name] = [start, start + len(item[name])]
    return out


def resolve_derived(item: dict[str, Any], article: dict[str, Any]) -> tuple[str, dict]:
    """The copy of the article and the item with its texts: quotes from the
    offsets, speakers from the corpus's ``speakers`` (the renamed side's is
    the mutation's new name)."""
    original = article["text"]
    copy = _apply(original, item["mutation"])
    out = dict(item)
    for name, source in (("left", original), ("quote", original), ("right", copy), ("echo", copy)):
        if name in item:
            out[name] = span(source, item[name])
    if "left" in out:
        who = (article.get("speakers") or {}).get(out["left"])
        out["left_speaker"] = who
        renamed = item["kind"] in DRIFT_KINDS
        out["right_speaker"] = _new_text(original, item["mutation"]) if renamed else who
    return copy, out


def _ellipsis(quote: str, n: int) -> str | None:
    w = quote.split(" ")
    if len(w) < 8:
        return None
    mark = "…" if n % 2 == 0 else "..."
    return " ".join(w[:3]) + f" {mark} " + " ".join(w[6:])


def _substitute(quote: str, n: int) -> str | None:
    w = quote.split(" ")
    if len(w) < 5:
        return None
    inner = [i for i in range(1, len(w) - 1) if re.fullmatch(r"[A-Za-z]{4,}[,;:]?", w[i])]
    if not inner:
        return None
    i = inner[len(inner) // 2]
    bare = w[i].rstrip(",;:")
    pool = [s for s in _SUBSTITUTES if s not in quote.casefold()]
    w[i] = pool[n % len(pool)] + w[i][len(bare) :]
    return " ".join(w)


def _trim(quote: str, n: int) -> str | None:
    w = quote.split(" ")
    cut = 2 + n % 2
    if len(w) - cut < 4:
        return None
    return " ".join(w[cut:])


def _attribution(text: str, quote: str, gold: str | None) -> tuple[int, str] | None:
    """(offset, name) of the "said Name" / "Name said" right after ``quote``
    that names its gold speaker."""
    end = text.find(quote) + len(quote)
    m = _ATTRIBUTION.match(text, end)
    if not m or not gold:
        return None
    group = "after" if m.group("after") else "before"
    name = m.group(group).rstrip(".")
    if not speaker_ok(name, gold):
        return None
    return m.start(group), name


def _unquoted(text: str, quote: str) -> dict[str, Any] | None:
    """The mutation removing the marks around ``quote``, if it has plain
    marks and at least one distinctive word."""
    at = text.find(quote)
    close = next((c for c in _CLOSE if text.startswith(c, at + len(quote))), None)
    if at < 1 or text[at - 1] not in _OPEN or close is None:
        return None
    if not any(len(w) >= 4 and w not in _PLAIN for w in _words(quote)):
        return None
    # Not when the words are quoted again elsewhere (a tweet, a caption).
    if f" {' '.join(_words(text))} ".count(f" {' '.join(_words(quote))} ") != 1:
        return None
    return {"at": at - 1, "old": text[at - 1 : at + len(quote) + len(close)], "new": quote}


class _Derived:
    """Collects the derived items of one corpus, in a fixed order."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []
        self.drifts = 0

    def add(self, base: dict[str, Any], kind: str, mutation: dict[str, Any], **rest: Any) -> None:
        n = len(self.items) + 1
        item_id = f"derived-{kind}-{base['cluster']}-{base['article']}-{n}"
        self.items.append({"id": item_id, "kind": kind, **base, "mutation": mutation, **rest})

    def quote_edit(self, base: dict[str, Any], kind: str, quote: str, new: str, who: Any) -> None:
        mutation = {"at": base["text"].find(quote), "old": quote, "new": new}
        gold_edits = ["retranslated", "substituted"] if kind == "retranslated" else [kind]
        self.add(
            base,
            kind,
            mutation,
            left=quote,
            right=new,
            edits=gold_edits,
            drift="none",
            left_speaker=who,
            right_speaker=who,
        )

    def article(self, cluster: str, aid: str, article: dict[str, Any], rotation: int) -> None:
        text, speakers = article["text"], article.get("speakers") or {}
        quotes = _eligible(article)
        if not quotes:
            return
        base = {"cluster": cluster, "article": aid, "text": text}
        used: set[str] = set()
        # (b) attributions renamed, at most two per article: alternately
        # another person's name and a description.
        for q in quotes:
            found = _attribution(text, q, speakers.get(q))
            if found is None or len(used) == 2:
                continue
            at, name = found
            if self.drifts % 2 == 0:
                kind = "different_person"
                start = self.drifts // 2 % len(_OTHER_PEOPLE)
                new = next(
                    p
                    for c, p in _OTHER_PEOPLE[start:] + _OTHER_PEOPLE[:start]
                    if c != cluster and not speaker_ok(p, speakers[q])
                )
            else:
                kind = "named_vs_anonymous"
                new = _ANONYMOUS[self.drifts // 2 % len(_ANONYMOUS)]
            self.drifts += 1
            used.add(q)
            self.add(
                base,
                kind,
                {"at": at, "old": name, "new": new},
                left=q,
                right=q,
                edits=[],
                drift=kind,
                left_speaker=speakers[q],
                right_speaker=new,
            )
        # Retranslated: a paraphrase written for this benchmark.
        for q in quotes:
            paraphrase = _RETRANSLATIONS.get(quote_key(q))
            if paraphrase is not None and q not in used:
                used.add(q)
                self.quote_edit(base, "retranslated", q, paraphrase, speakers.get(q))
        # (a, c, d) one quote each: ellipsis, substitution, trim.
        makers = [("ellipsis", _ellipsis), ("substituted", _substitute), ("trimmed", _trim)]
        for k, (kind, make) in enumerate(makers):
            for shift in range(len(quotes)):
                q = quotes[(rotation + k + shift) % len(quotes)]
                new = None if q in used else make(q, len(self.items))
                if new is not None:
                    used.add(q)
                    self.quote_edit(base, kind, q, new, speakers.get(q))
                    break
        # (e) a control: the article with a line added at its end.
        for shift in range(len(quotes)):
            q = quotes[(rotation + shift) % len(quotes)]
            if q not in used:
                who = speakers.get(q)
                self.add(
                    base,
                    "control",
                    {"at": len(text), "old": "", "new": _CONTROL_TAIL},
                    left=q,
                    right=q,
                    edits=[],
                    drift="none",
                    left_speaker=who,
                    right_speaker=who,
                )
                break
        # An echo by construction: a quote's marks removed in the copy.
        for shift in range(len(quotes)):
            q = quotes[(rotation * 3 + shift) % len(quotes)]
            mutation = None if q in used else _unquoted(text, q)
            if mutation is not None:
                self.add(base, "unquoted", mutation, quote=q, echo=q)
                break


def build_derived(corpus: dict[str, dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """The derived items (deterministic: corpus order, fixed rotations)."""
    out = _Derived()
    for rotation, (cluster, articles) in enumerate(corpus.items()):
        for aid, article in articles.items():
            out.article(cluster, aid, article, rotation)
    items = [_as_references(it, it.pop("text")) for it in out.items]
    return {
        "about": (
            "Insight cases labelled by construction: each item is one real corpus article "
            "(cluster, article) and an edited copy of it (the mutation: the article's text "
            "from offset `at` to `end` replaced by `new`, whose pieces are strings written for "
            "the benchmark or [start, end] offsets into the article's text), compared "
            "left=original, right=copy. No corpus text is stored: `left` and `quote` are "
            "[start, end] offsets into the original's text, `right` and `echo` into the copy's, "
            "and `articles` gives each article's corpus file and the SHA-256 of the text the "
            "offsets fit. Kinds: ellipsis, substituted, trimmed (the quote `left` becomes "
            "`right`; gold edits = [kind], drift none); retranslated (a paraphrase written for "
            "the benchmark; gold edits retranslated + substituted); different_person / "
            "named_vs_anonymous (the name in the attribution right after the quote replaced by "
            "another corpus person's or by a description; edits [], drift = kind); control (a "
            "line added at the end; edits [], drift none); unquoted (the quote's marks removed "
            "in the copy; gold echo = the quote's words). Speakers are the corpus's `speakers` "
            "of the left quote (the right side's is the new name where the kind is a drift). "
            "Generated by `bench/insight/measure.py --regenerate-derived`; do not edit by hand."
        ),
        "articles": article_table(corpus, ((it["cluster"], it["article"]) for it in items)),
        "items": items,
    }


def derived_cases(
    derived: dict[str, Any], corpus: dict[str, dict[str, dict[str, Any]]]
) -> dict[str, list[Case]]:
    out: dict[str, list[Case]] = {"edits": [], "echoes": [], "drift": []}
    for item in derived["items"]:
        original = corpus[item["cluster"]][item["article"]]["text"]
        copy, it = resolve_derived(item, corpus[item["cluster"]][item["article"]])
        if it["kind"] == "unquoted":
            out["echoes"].append(Case(it["id"], original, copy, it, "left"))
        else:
            if it["right"] not in copy:
                raise SystemExit(f"{it['id']}: the copy lacks its right quote")
            out["edits"].append(Case(it["id"], original, copy, it))
            out["drift"].append(Case(it["id"], original, copy, it))
    return out


# --------------------------------------------------------------------------
# Report


def _pct(x: float | None) -> str:
    return "   -  " if x is None else f"{100 * x:5.1f}%"


def _row(name: str, items: Any, t: Tally) -> str:
    return (
        f"  {name:<24} {items!s:>5} {t.predicted:>9} {t.correct:>7} {t.gold:>5}"
        f"   {_pct(_ratio(t.correct, t.predicted))}   {_pct(_ratio(t.correct, t.gold))}"
    )


def render(results: dict[str, dict[str, Result]], runs: int, verbose: bool) -> Iterator[str]:
    yield f"insight measured on the real pipeline ({runs} compare_texts runs)"
    for name, lists in results.items():
        yield ""
        yield f"== {name} " + "=" * (70 - len(name))
        for lname, res in lists.items():
            yield ""
            yield (
                f"  {lname:<24} {'items':>5} {'predicted':>9} {'correct':>7} {'gold':>5}"
                f"   {'precision':>6}   {'recall':>6}"
            )
            yield _row("total (micro)", res.items, res.total)
            for kind, t in res.per_type.items():
                if lname != "echoes":
                    yield _row(f"  {kind}", "", t)
            notes = dict(res.notes)
            if lname == "drift":
                yield (
                    f"  speaker accuracy: {_pct(speaker_accuracy(res)).strip()} "
                    f"({notes.pop('speakers: correct', 0)}/{notes.pop('speakers: sides', 0)} "
                    f"sides with a gold speaker; gold-null sides "
                    f"{notes.pop('speakers: gold null', 0)}, a speaker predicted on "
                    f"{notes.pop('speakers: gold null, speaker predicted', 0)})"
                )
            if lname == "edits":
                exact = notes.pop("exact type set", 0)
                yield f"  exact type set: {exact}/{res.items} ({_pct(_ratio(exact, res.items))})"
            for note, count in sorted(notes.items()):
                yield f"  {note}: {count}"
            if res.unmatched:
                yield f"  not matched: {', '.join(res.unmatched)}"
            wrong = [m for m in res.misses if "gold_speaker" not in m]
            if wrong and not verbose:
                yield f"  wrong: {', '.join(m['id'] for m in wrong)}"
            if verbose:
                for m in res.misses:
                    yield "    " + json.dumps(m, ensure_ascii=False)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    ap.add_argument("--verbose", "-v", action="store_true", help="list every miss")
    ap.add_argument(
        "--regenerate-derived", action="store_true", help=f"rewrite {DERIVED.name} first"
    )
    ap.add_argument("--corpus", type=Path, default=CORPUS, help="the shared/corpus directory")
    args = ap.parse_args(argv)

    corpus = load_corpus(args.corpus)
    pairs = load_pairs(args.corpus)
    if args.regenerate_derived:
        data = build_derived(corpus)
        DERIVED.write_text(dump_references(data), "utf-8")
        print(f"wrote {DERIVED} ({len(data['items'])} items)", file=sys.stderr)
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    derived = json.loads(DERIVED.read_text(encoding="utf-8"))
    check_articles(labels, corpus, args.corpus, LABELS.name)
    check_articles(derived, corpus, args.corpus, DERIVED.name)

    pipe = Pipeline()
    results = {
        "hand-labelled": score_all(hand_cases(labels, corpus, pairs), pipe),
        "derived": score_all(derived_cases(derived, corpus), pipe),
    }
    combined: dict[str, Result] = {}
    for lname in ("edits", "echoes", "drift"):
        combined[lname] = Result()
        for lists in results.values():
            combined[lname].merge(lists[lname])
    results["combined"] = combined

    if args.json:
        body = {
            name: {
                lname: res.as_dict()
                | ({"speaker_accuracy": speaker_accuracy(res)} if lname == "drift" else {})
                for lname, res in lists.items()
            }
            for name, lists in results.items()
        }
        body["derived_kinds"] = dict(Counter(it["kind"] for it in derived["items"]))
        print(json.dumps(body, ensure_ascii=False, indent=1))
    else:
        for line in render(results, pipe.runs, args.verbose):
            print(line)
        kinds = Counter(it["kind"] for it in derived["items"])
        print()
        print(
            f"derived items: {len(derived['items'])} ("
            + ", ".join(f"{k} {v}" for k, v in kinds.items())
            + ")"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
