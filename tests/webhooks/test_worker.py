"""The dispatcher: one subscription's failure never holds up another's.

A real receiver on 127.0.0.1 (allowed by ``fetch_allow``), a database of the
test's own on each database (the dispatcher claims across every tenant)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from sqlmodel import Session, select

from service.models.webhooks import Delivery, Webhook
from service.platform.config import Settings
from service.platform.db import make_engine
from service.webhooks.service import emit
from service.webhooks.worker import Dispatcher


class _Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.received.append(self.rfile.read(length).decode())
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    _Receiver.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()
    server.server_close()


def test_a_secret_that_cannot_sign_fails_its_own_delivery_only(
    empty_database_url: str, receiver: str
) -> None:
    # "whsec_" + 33 "A" passed the old pattern but is not base64: signing
    # raised out of the batch, and the deliveries claimed with it (another
    # tenant's) stayed pending, never attempted.
    engine = make_engine(empty_database_url)
    secrets = {"bad": "whsec_" + "A" * 33, "good": "whsec_" + "A" * 32}
    with Session(engine) as session:
        for tenant, secret in secrets.items():
            session.add(
                Webhook(
                    id=f"wh_{tenant}",
                    tenant=tenant,
                    url=receiver,
                    events="check.failed",
                    secret=secret,
                )
            )
            session.flush()
            emit(session, tenant, "check.failed", {"tenant": tenant})
        session.commit()

    settings = Settings(fetch_allow=["127.0.0.1"], webhook_max_attempts=3)
    assert Dispatcher(engine, settings).run_once() == 2

    with Session(engine) as session:
        deliveries = {d.webhook_id: d for d in session.exec(select(Delivery)).all()}
    engine.dispose()
    assert deliveries["wh_good"].delivered_at is not None
    assert deliveries["wh_bad"].attempts == 1 and deliveries["wh_bad"].delivered_at is None
    assert deliveries["wh_bad"].last_error
    assert [body for body in _Receiver.received if '"tenant":"good"' in body]
