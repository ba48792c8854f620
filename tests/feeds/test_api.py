"""Feeds over HTTP, on SQLite and PostgreSQL (in process)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.problems import ProblemCheck


def test_feeds_register_once(api: TestClient, problem: ProblemCheck) -> None:
    body = {"url": "http://127.0.0.1:9/feed.xml", "outlet": "Wire", "interval_seconds": 300}
    created = api.post("/v1/feeds", json=body)
    assert created.status_code == 201, created.text
    problem(api.post("/v1/feeds", json=body), 409)
    feed_id = created.json()["id"]
    # Polling a feed whose origin is down records the failure; it is no 5xx.
    polled = api.post(f"/v1/feeds/{feed_id}/poll").json()
    assert polled["status"] is None and "127.0.0.1" in polled["error"]
    assert api.get(f"/v1/feeds/{feed_id}").json()["last_error"] == polled["error"]
    assert api.delete(f"/v1/feeds/{feed_id}").status_code == 204
    problem(api.get(f"/v1/feeds/{feed_id}"), 404)
