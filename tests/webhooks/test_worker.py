"""The dispatcher: one subscription's failure never holds up another's.

A real receiver on 127.0.0.1 (allowed by ``fetch_allow``), a database of the
test's own on each database (the dispatcher claims across every tenant)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from sqlmodel import Session, select

from service.models.base import now, utc
from service.models.webhooks import Delivery, Webhook
from service.platform.config import Settings
from service.platform.db import make_engine
from service.webhooks.repository import DeliveryQueue
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


# Concurrency, leases and fairness --------------------------------------------
#
# One local server plays every receiver: ``/fast/…`` answers at once,
# ``/slow/…`` holds each request until the test releases it (a receiver that
# never answers, as long as the test needs). What is asserted is who got a
# delivery while whom was held: events, never durations.


class _Held:
    """What the receivers saw, and the switch that lets the slow ones answer."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.slow: list[str] = []
        self.fast: list[str] = []
        self.fast_arrived = threading.Event()
        self.release = threading.Event()
        self.slow_arrived = threading.Condition(self.lock)

    def wait_for_slow(self, count: int) -> bool:
        with self.slow_arrived:
            return self.slow_arrived.wait_for(lambda: len(self.slow) >= count, timeout=30)


def _held_handler(held: _Held) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            if self.path.startswith("/slow"):
                with held.slow_arrived:
                    held.slow.append(body)
                    held.slow_arrived.notify_all()
                # Held until the test is done (60 s at most, so that a
                # regression fails the test instead of hanging it).
                held.release.wait(60)
            else:
                with held.lock:
                    held.fast.append(body)
                held.fast_arrived.set()
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return Handler


@pytest.fixture
def held() -> Iterator[tuple[_Held, str]]:
    state = _Held()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _held_handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state, f"http://127.0.0.1:{server.server_address[1]}"
    state.release.set()
    server.shutdown()
    server.server_close()


def _subscribe(session: Session, tenant: str, name: str, url: str) -> None:
    session.add(
        Webhook(
            id=f"wh_{tenant}_{name}"[:32],
            tenant=tenant,
            url=url,
            events="check.failed",
            secret="whsec_" + "A" * 32,
        )
    )
    session.flush()


def _in_background(dispatcher: Dispatcher) -> threading.Thread:
    # A round in a thread of the test's own: a dispatcher that sent its
    # deliveries one after the other would block here, not fail.
    runner = threading.Thread(target=dispatcher.step, daemon=True)
    runner.start()
    return runner


def test_a_slow_receiver_holds_no_other_delivery_and_its_lease_outlasts_it(
    empty_database_url: str, held: tuple[_Held, str]
) -> None:
    state, base = held
    engine = make_engine(empty_database_url)
    with Session(engine) as session:
        # The slow receiver's event is the older: it is claimed first.
        _subscribe(session, "slow", "hook", f"{base}/slow")
        emit(session, "slow", "check.failed", {"tenant": "slow"})
        _subscribe(session, "fast", "hook", f"{base}/fast")
        emit(session, "fast", "check.failed", {"tenant": "fast"})
        session.commit()
    # An attempt may take 600 s: the lease must cover it (it was 60 s).
    settings = Settings(fetch_allow=["127.0.0.1"], fetch_timeout_seconds=600)
    dispatcher = Dispatcher(engine, settings)
    claimed_at = now()
    try:
        _in_background(dispatcher)
        assert state.fast_arrived.wait(30), "the fast receiver waited for the slow one"
        assert state.wait_for_slow(1) and not state.release.is_set()

        with Session(engine) as session:
            slow = session.exec(select(Delivery).where(Delivery.webhook_id == "wh_slow_hook")).one()
        assert slow.lease_until is not None
        assert utc(slow.lease_until) >= claimed_at + timedelta(seconds=600)
        # Another worker's dispatcher leaves the delivery in flight alone.
        assert Dispatcher(engine, settings).run_once() == 0
        assert len(state.slow) == 1
    finally:
        state.release.set()
        dispatcher.wait(30)
    with Session(engine) as session:
        states = {d.webhook_id: d.state for d in session.exec(select(Delivery)).all()}
    engine.dispose()
    assert states == {"wh_slow_hook": "delivered", "wh_fast_hook": "delivered"}


def test_one_tenants_unanswering_receivers_do_not_delay_anothers(
    empty_database_url: str, held: tuple[_Held, str]
) -> None:
    state, base = held
    engine = make_engine(empty_database_url)
    with Session(engine) as session:
        # Six receivers of one tenant that never answer, their events older
        # than the one of the quiet tenant.
        for n in range(6):
            _subscribe(session, "noisy", f"h{n}", f"{base}/slow/{n}")
        emit(session, "noisy", "check.failed", {"tenant": "noisy"})
        _subscribe(session, "quiet", "hook", f"{base}/fast")
        emit(session, "quiet", "check.failed", {"tenant": "quiet"})
        session.commit()
    settings = Settings(
        fetch_allow=["127.0.0.1"],
        fetch_timeout_seconds=600,
        webhook_concurrency=4,
        webhook_tenant_concurrency=2,
    )
    dispatcher = Dispatcher(engine, settings)
    try:
        _in_background(dispatcher)
        assert state.fast_arrived.wait(30), "the quiet tenant waited behind the noisy one"
        assert state.wait_for_slow(2)
        # The noisy tenant has its share of the slots in flight: another
        # round, with two slots free, starts none of its other four.
        assert dispatcher.dispatch() == []
        assert len(state.slow) == 2 and not state.release.is_set()
    finally:
        state.release.set()
        dispatcher.wait(30)
    engine.dispose()


def test_a_claim_goes_round_robin_by_tenant_within_each_share(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    with Session(engine) as session:
        for tenant, hooks in {"a": 5, "b": 2, "c": 1}.items():
            for n in range(hooks):
                _subscribe(session, tenant, f"h{n}", "https://hooks.example/")
        for tenant in ("a", "b", "c"):
            emit(session, tenant, "check.failed", {"tenant": tenant})
        session.commit()
    lease = timedelta(seconds=60)
    with Session(engine) as session:
        queue = DeliveryQueue(session)
        first = queue.claim(lease=lease, limit=4, per_tenant=2)
        # Every tenant's oldest, then a's second oldest (a's, the oldest
        # events, would fill the claim by age alone; b's too by share).
        assert Counter(d.webhook.tenant for d in first) == {"a": 2, "b": 1, "c": 1}
        # a has two in flight already: its share is spent; b's second goes.
        second = queue.claim(lease=lease, limit=4, per_tenant=2, busy={"a": 2})
        assert [d.webhook.tenant for d in second] == ["b"]
        # Without the deliveries in flight counted, a gets two more.
        third = queue.claim(lease=lease, limit=4, per_tenant=2)
        assert [d.webhook.tenant for d in third] == ["a", "a"]
    engine.dispose()
