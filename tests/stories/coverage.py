"""The story the story and quote API tests read: the seed pair plus two
outlets made from them the way coverage drifts (one drops the paragraph with
the "fake" quotation and publishes first, one trims the long denial)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

__all__ = ["DENIAL", "store_story"]

DENIAL = "We have never exported weapons or ammunition to Russia"


def _without_paragraph(text: str, containing: str) -> str:
    paragraphs = text.split("\n")
    kept = [p for p in paragraphs if containing not in p]
    assert len(kept) == len(paragraphs) - 1, containing
    return "\n".join(kept)


def store_story(api: TestClient, seed_texts: tuple[str, str]) -> dict[str, Any]:
    """Store four outlets in story ``nk-arms``: their article ids by outlet."""
    left, right = seed_texts
    key = "nk-arms"
    early = _without_paragraph(left, "“fake”") if "“fake”" in left else None
    assert early is not None
    trimmed = right.replace("and we will not plan to export them", "and we will not export them")
    assert trimmed != right
    articles = [
        ("Outlet Left", left, "2022-09-22T08:00:00Z"),
        ("Outlet Right", right, "2022-09-22T09:00:00Z"),
        ("Outlet Early", early, "2022-09-22T06:00:00Z"),
        ("Outlet Trim", trimmed, "2022-09-22T10:00:00Z"),
    ]
    ids = {}
    for outlet, text, published in articles:
        response = api.post(
            "/v1/articles",
            json={
                "outlet": outlet,
                "url": f"https://news.example/{key}/{outlet.split()[1].lower()}",
                "text": text,
                "published_at": published,
                "story": key,
            },
        )
        assert response.status_code == 201, response.text
        assert response.json()["story"] == key
        ids[outlet] = response.json()["id"]
    return {"key": key, "ids": ids}
