"""A seed article as an agency would deliver it (issue 17, item 2, "must
show"): a NewsML-G2 ``newsItem`` built here from the plain-text seed, its
paragraphs as NITF ``p`` and its line breaks as ``br``, gives the same
quotations as the seed itself. ``POST /v1/compare`` of the two stored
versions pairs every quotation with its twin as identical and leaves none
out. On SQLite and PostgreSQL; the seeds are ``../shared``'s (the test skips
without them)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from fastapi.testclient import TestClient


def _newsml(guid: str, text: str) -> str:
    """The seed as a NITF newsItem: the first paragraph is the headline too."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]
    paragraphs = "".join(
        "<p>" + "<br/>".join(escape(line) for line in block.split("\n")) + "</p>"
        for block in blocks
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" '
        f'guid="{guid}" version="1" standard="NewsML-G2" standardversion="2.35">'
        '<itemMeta><itemClass qcode="ninat:text"/><provider literal="Seed"/>'
        "<versionCreated>2022-09-22T12:00:00Z</versionCreated></itemMeta>"
        f"<contentMeta><headline>{escape(blocks[0])}</headline></contentMeta>"
        '<contentSet><inlineXML contenttype="application/nitf+xml">'
        '<nitf xmlns="http://iptc.org/std/NITF/2006-10-18/"><body>'
        f"<body.head><hedline><hl1>{escape(blocks[0])}</hl1></hedline></body.head>"
        f"<body.content>{paragraphs}</body.content></body></nitf>"
        "</inlineXML></contentSet></newsItem>"
    )


@pytest.mark.parametrize("side", [0, 1], ids=["seed-a", "seed-b"])
def test_a_seed_as_newsml_gives_the_quotes_of_the_plain_text(
    api: TestClient, seed_paths: tuple[Path, Path], side: int
) -> None:
    text = seed_paths[side].read_text("utf-8")
    name = uuid.uuid4().hex[:12]
    plain = api.post(
        "/v1/articles",
        json={"outlet": "Seed", "url": f"https://seed.example/{name}", "text": text},
    )
    newsml = api.post(
        "/v1/articles",
        content=_newsml(f"urn:newsml:seed.example:{name}", text).encode(),
        headers={"Content-Type": "application/vnd.iptc.g2.newsitem+xml"},
    )
    assert plain.status_code == newsml.status_code == 201, newsml.text

    body = _compare(api, plain.json()["id"], newsml.json()["id"])
    left, right = body["left"]["quotes"], body["right"]["quotes"]
    assert len(left) == len(right) > 5
    assert [q["text"] for q in left] == [q["text"] for q in right]
    # Each quotation is paired with its twin as identical, none is omitted...
    pairs = {(m["left"], m["right"]): m["relation"] for m in body["matches"]}
    assert all(pairs.get((f"L{n}", f"R{n}")) == "identical" for n in range(1, len(left) + 1))
    assert body["left_only"] == [] and body["right_only"] == []
    # ...and the matches are those of the plain text with itself (where one
    # quotation holds another, it is also a partial match of it).
    itself = _compare(api, plain.json()["id"], plain.json()["id"])
    assert body["matches"] == itself["matches"]


def _compare(api: TestClient, left: str, right: str) -> dict[str, Any]:
    compared = api.post(
        "/v1/compare",
        json={
            "left": {"article_id": left, "version": 1},
            "right": {"article_id": right, "version": 1},
            "passages": False,
        },
    )
    assert compared.status_code == 200, compared.text
    body: dict[str, Any] = compared.json()
    return body
