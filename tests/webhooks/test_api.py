"""Webhook subscriptions and their delivery log over HTTP, on SQLite and
PostgreSQL (in process; nothing is sent: no dispatcher runs here)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.problems import ProblemCheck

BASE = (
    '"We have never sold tractors to Norway and we will not plan to sell them," '
    'the depot manager said. He called the reports "careless claims".'
)


def test_webhook_subscriptions(api: TestClient, problem: ProblemCheck) -> None:
    created = api.post(
        "/v1/webhooks",
        json={"url": "http://127.0.0.1:9/hook", "events": ["quote.dropped", "version.created"]},
    )
    assert created.status_code == 201, created.text
    hook = created.json()
    assert hook["secret"].startswith("whsec_") and hook["events"] == [
        "quote.dropped",
        "version.created",
    ]
    listed = api.get("/v1/webhooks").json()["items"]
    assert "secret" not in listed[0] and listed[0]["id"] == hook["id"]

    # A new version queues a delivery (nothing is sent: no dispatcher here).
    api.post(
        "/v1/articles",
        json={"outlet": "Daily", "url": "https://daily.example/hooked", "text": BASE},
    )
    log = api.get(f"/v1/webhooks/{hook['id']}/deliveries").json()["items"]
    assert [(d["event_type"], d["state"]) for d in log] == [("version.created", "pending")]
    assert log[0]["payload"]["data"]["url"] == "https://daily.example/hooked"
    assert api.get(f"/v1/webhooks/{hook['id']}").json()["pending"] == 1

    replayed = api.post(f"/v1/webhooks/{hook['id']}/deliveries/{log[0]['id']}/replay")
    assert replayed.status_code == 202 and replayed.json()["event_id"] == log[0]["event_id"]
    problem(api.post(f"/v1/webhooks/{hook['id']}/deliveries/999999/replay"), 404)
    problem(api.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/", "events": []}), 422)
    problem(api.post("/v1/webhooks", json={"url": "http://127.0.0.1:9/", "events": ["nope"]}), 422)
    problem(
        api.post("/v1/webhooks", json={"url": "http://10.1.2.3/", "events": ["check.failed"]}),
        422,
    )
    assert api.delete(f"/v1/webhooks/{hook['id']}").status_code == 204
    problem(api.get(f"/v1/webhooks/{hook['id']}/deliveries"), 404)


@pytest.mark.parametrize(
    ("secret", "status"),
    [
        ("whsec_" + "A" * 33, 422),  # the pattern's letters, but not base64: nothing could sign
        ("whsec_" + "A" * 32, 201),  # 24 bytes: the least a signing key holds
        ("whsec_" + "QUJD" * 22, 422),  # 66 bytes: more than a signing key takes
    ],
    ids=["not base64", "24 bytes", "66 bytes"],
)
def test_a_webhook_secret_must_decode_to_a_signing_key(
    api: TestClient, problem: ProblemCheck, secret: str, status: int
) -> None:
    body = {"url": "http://127.0.0.1:9/", "events": ["check.failed"], "secret": secret}
    response = api.post("/v1/webhooks", json=body)
    if status == 422:
        assert problem(response, 422)["detail"].startswith("secret: ")
    else:
        assert response.status_code == status, response.text
        api.delete(f"/v1/webhooks/{response.json()['id']}")
