"""Fingerprint the core's output over the labelled corpus, to show that a
change made for speed changes no answer.

    .venv/bin/python bench/snapshot.py --write /tmp/before.json
    # ... change the code ...
    .venv/bin/python bench/snapshot.py --check /tmp/before.json

Three kinds of item, each fingerprinted by a hash of the ``repr`` of the
core's frozen dataclasses (every field, every offset, every score):

- ``extract``: ``extract_quotes`` of every article text in ``seeds.json``,
  the dev clusters, PolNeAR train and dev (``--no-polnear`` leaves those
  out) and the article versions of ``clients/versions``;
- ``compare``: ``compare_texts`` with default options (quotes, insight,
  passages) for every labelled pair, and for the versions' old and new text;
- ``passages``: ``align_passages`` of the same pairs, which ``compare``
  holds too but which is printed apart to say which stage moved.

``--write`` saves the fingerprints; ``--check`` prints how many items of
each kind match a saved file and names the first ones that do not, and exits
1 when any differs. Nothing is timed. The corpus stays beside the clone
(``--shared``): this script holds none of it, and exits 2 naming what it
missed when it is not there.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from service.core import compare_texts
from service.core.alignment.passages import align_passages
from service.core.quotes.extract import extract_quotes

SHARED = Path(__file__).resolve().parents[2] / "shared"


def _fingerprint(value: object) -> str:
    return hashlib.blake2b(repr(value).encode("utf-8"), digest_size=12).hexdigest()


def _clusters(corpus: Path, polnear: bool) -> Iterator[Path]:
    yield corpus / "seeds.json"
    yield from sorted((corpus / "dev").glob("*.json"))
    if polnear:
        for part in ("dev", "train"):
            yield from sorted((corpus / "polnear" / part).glob("*.json"))


def _texts_and_pairs(
    corpus: Path, polnear: bool
) -> tuple[dict[str, str], dict[str, tuple[str, str]]]:
    texts: dict[str, str] = {}
    pairs: dict[str, tuple[str, str]] = {}
    for path in _clusters(corpus, polnear):
        cluster = json.loads(path.read_text("utf-8"))
        by_id = {a["id"]: a["text"] for a in cluster["articles"]}
        for article_id, text in by_id.items():
            texts[f"{path.stem}/{article_id}"] = text
        for pair in cluster.get("pairs", []):
            if pair["left"] in by_id and pair["right"] in by_id:
                key = f"{path.stem}/{pair['left']}~{pair['right']}"
                pairs[key] = (by_id[pair["left"]], by_id[pair["right"]])
    for path in sorted((corpus / "clients" / "versions").glob("*.json")):
        item = json.loads(path.read_text("utf-8"))
        old, new = _version_texts(item)
        if old is not None and new is not None:
            texts[f"{path.stem}/old"], texts[f"{path.stem}/new"] = old, new
            pairs[f"{path.stem}/old~new"] = (old, new)
    return texts, pairs


def _version_texts(item: dict[str, list[dict[str, object]]]) -> tuple[str | None, str | None]:
    """The old and new text of a NewsEdits pair: its sentences (``nodes``) of
    each version, in order, joined by spaces."""
    versions = sorted(
        {node["version"] for node in item.get("nodes", [])}, key=lambda v: int(str(v))
    )
    if len(versions) != 2:
        return None, None
    texts = [
        " ".join(
            str(node["sentence"])
            for node in sorted(
                (n for n in item["nodes"] if n["version"] == version),
                key=lambda n: float(str(n["sent_idx"])),
            )
        )
        for version in versions
    ]
    return texts[0], texts[1]


def snapshot(corpus: Path, polnear: bool) -> dict[str, str]:
    texts, pairs = _texts_and_pairs(corpus, polnear)
    prints: dict[str, str] = {}
    for key, text in texts.items():
        prints[f"extract:{key}"] = _fingerprint(extract_quotes(text))
    for key, (left, right) in pairs.items():
        prints[f"compare:{key}"] = _fingerprint(compare_texts(left, right))
        prints[f"passages:{key}"] = _fingerprint(align_passages(left, right))
    return prints


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=SHARED, help="the data directory")
    ap.add_argument("--no-polnear", action="store_true", help="leave PolNeAR out")
    group = ap.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", type=Path, help="save the fingerprints here")
    group.add_argument("--check", type=Path, help="compare with fingerprints saved here")
    args = ap.parse_args()
    corpus = args.shared / "corpus"
    if not (corpus / "seeds.json").is_file():
        print(f"missing: {corpus / 'seeds.json'} (pass --shared DIR)", file=sys.stderr)
        return 2
    prints = snapshot(corpus, not args.no_polnear)
    kinds = sorted({key.split(":", 1)[0] for key in prints})
    if args.write:
        args.write.write_text(json.dumps(prints, indent=0, sort_keys=True), "utf-8")
        for kind in kinds:
            print(f"{kind}: {sum(k.startswith(kind + ':') for k in prints)} items written")
        return 0
    saved: dict[str, str] = json.loads(args.check.read_text("utf-8"))
    differ = [key for key in prints if saved.get(key) != prints[key]]
    for kind in kinds:
        mine = [k for k in prints if k.startswith(kind + ":")]
        bad = [k for k in differ if k.startswith(kind + ":")]
        print(f"{kind}: {len(mine) - len(bad)} of {len(mine)} the same")
    for key in differ[:20]:
        print(f"  differs: {key}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
