"""The webhook API's bodies, byte for byte (key order, timestamps, which
optional keys are there), on SQLite and PostgreSQL: what clients parse."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

_MASKS = [
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?"), "<t>"),  # keeps Z / +00:00
    (re.compile(r"wh_[0-9a-f]{24}"), "<wh>"),
    (re.compile(r"msg_[0-9a-f]{32}"), "<msg>"),
    (re.compile(r"whsec_[A-Za-z0-9+/=]+"), "<secret>"),
    (re.compile(r'"id":\d+'), '"id":<n>'),
    (re.compile(r'"next":"[A-Za-z0-9_-]+"'), '"next":<cursor>'),
    (re.compile(r'"article_id":"[0-9a-z]+"'), '"article_id":<article>'),
    (re.compile(r'"content_hash":"[0-9a-f]+"'), '"content_hash":<hash>'),
]


def masked(text: str) -> str:
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return text


HOOK = (
    '{"id":"<wh>","url":"http://127.0.0.1:9/hook","events":["quote.dropped","version.created"],'
    '"created_at":"<t>Z","pending":%d'
)
DELIVERY = (
    '{"id":<n>,"event_id":"<msg>","event_type":"version.created","state":"pending",'
    '"attempts":0,"next_attempt_at":"<t>Z","last_status":null,"last_error":null,'
    '"delivered_at":null,"created_at":"<t>Z","payload":{"type":"version.created",'
    '"timestamp":"<t>+00:00","data":{"article_id":<article>,"outlet":"Daily",'
    '"url":"https://daily.example/%s","version":1,"content_hash":<hash>,"quotes":1,'
    '"story":null}}}'
)


def test_webhook_bodies(api: TestClient) -> None:
    created = api.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["version.created", "quote.dropped"]},
    )
    assert masked(created.text) == HOOK % 0 + ',"secret":"<secret>"}'
    hook = created.json()["id"]
    for slug in ("one", "two"):
        api.post(
            "/v1/articles",
            json={
                "outlet": "Daily",
                "url": f"https://daily.example/{slug}",
                "text": f'"We will not {slug}," he said.',
            },
        )
    assert masked(api.get(f"/v1/webhooks/{hook}").text) == HOOK % 2 + "}"
    listed = masked(api.get("/v1/webhooks").text)
    assert listed.startswith('{"items":[') and HOOK % 2 + "}" in listed

    page = api.get(f"/v1/webhooks/{hook}/deliveries", params={"limit": 1})
    assert masked(page.text) == '{"items":[' + DELIVERY % "two" + '],"next":<cursor>}'
    rest = api.get(f"/v1/webhooks/{hook}/deliveries", params={"cursor": page.json()["next"]})
    assert masked(rest.text) == '{"items":[' + DELIVERY % "one" + '],"next":null}'

    replayed = api.post(f"/v1/webhooks/{hook}/deliveries/{rest.json()['items'][0]['id']}/replay")
    assert replayed.status_code == 202
    assert masked(replayed.text) == DELIVERY % "one"
