"""The feed API's bodies, byte for byte (key order, timestamps, which
optional keys are there), on SQLite and PostgreSQL: what clients parse."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

_MASKS = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?"), "<t>"),  # keeps Z / +00:00
    (re.compile(r'"(feed_)?id":\d+'), r'"\1id":<n>'),
]


def masked(text: str) -> str:
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return text


FEED = (
    '{"id":<n>,"url":"http://127.0.0.1:9/bodies.xml","outlet":"Wire","story":"nk-arms",'
    '"interval_seconds":300,"next_poll_at":"<t>Z","last_polled_at":%s,"last_status":null,'
    '"last_error":%s,"etag":null,"last_modified":null}'
)


def test_feed_bodies(api: TestClient) -> None:
    created = api.post(
        "/v1/feeds",
        json={
            "url": "http://127.0.0.1:9/bodies.xml",
            "outlet": "Wire",
            "story": "nk-arms",
            "interval_seconds": 300,
        },
    )
    assert created.status_code == 201
    assert masked(created.text) == FEED % ("null", "null")
    feed_id = created.json()["id"]

    polled = api.post(f"/v1/feeds/{feed_id}/poll")
    error = polled.json()["error"]
    assert "127.0.0.1" in error
    assert masked(polled.text) == (
        '{"feed_id":<n>,"status":null,"items":0,"created":0,"unchanged":0,"failed":0,'
        f'"deferred":0,"error":"{error}"}}'
    )
    one = masked(api.get(f"/v1/feeds/{feed_id}").text)
    assert one == FEED % ('"<t>Z"', f'"{error}"')
    assert '{"items":[' in masked(api.get("/v1/feeds").text)
    assert one in masked(api.get("/v1/feeds").text)
    assert api.delete(f"/v1/feeds/{feed_id}").status_code == 204


def test_an_id_beyond_the_column_is_no_feed(api: TestClient) -> None:
    # The path takes ids up to 2**62; PostgreSQL's 32-bit column answered 500.
    for method in ("GET", "DELETE"):
        assert api.request(method, "/v1/feeds/3000000000").status_code == 404
    assert api.post("/v1/feeds/3000000000/poll").status_code == 404
