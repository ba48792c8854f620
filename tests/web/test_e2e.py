"""End to end: pages and a feed on a real local origin, a real webhook
receiver, and Sourcediff under uvicorn between them.

- An origin server on 127.0.0.1 serves article pages and an RSS feed whose
  articles change between polls (and answers 304 to a feed poll whose ETag
  still holds).
- A receiver on 127.0.0.1 verifies every delivery's Standard Webhooks
  signature with the ``standardwebhooks`` library and records the events.
- Sourcediff (``sourcediff serve``, SQLite, API keys off, 127.0.0.1 allowed
  for fetching) polls the feed every second.

Checked: the versions the feed produced, the webhook deliveries (signed,
in order, each event at least once), a failing regression check for the
quotation the second version dropped, a receiver that is down while events
happen and while Sourcediff restarts still gets every event once it is back,
and the SSRF guard on the HTTP API.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook as Verifier

from tests.problems import check_problem
from tests.serving import Server, free_port

SECRET = "whsec_" + "c291cmNlZGlmZi1lMmUtc2VjcmV0LWtleS0wMTIzNDU2"
WAIT = 60.0

DENIAL = "We have never sold tractors or spare parts to Norway before"
PLAN = "and we do not plan to sell them"
FAKE = "The reports are invented and nothing more than gossip"


def page(title: str, *paragraphs: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1>"
        f"{body}</article><script>alert('x')</script></body></html>"
    )


ARTICLE_ONE = page(
    "Farm cooperative denies tractor sales",
    f"The Vale cooperative on Thursday denied it had sold tractors to Norway. “{DENIAL} {PLAN},” "
    "the deputy head of the cooperative said in a statement.",
    f"“{FAKE},” the statement added, calling on the council to stop its remarks.",
    "The council had said Norwegian farms were buying tractors and parts from the Vale.",
)
# The second version drops the "invented" quotation and trims the denial.
ARTICLE_ONE_V2 = page(
    "Farm cooperative denies tractor sales",
    f"The Vale cooperative on Thursday denied it had sold tractors to Norway. “{DENIAL},” "
    "the deputy head of the cooperative said in a statement.",
    "The council had said Norwegian farms were buying tractors and parts from the Vale.",
)
ARTICLE_TWO = page(
    "Cooperative rejects council claims",
    f"“{DENIAL} {PLAN},” a cooperative official told the local radio station.",
    "Analysts said the denial was expected.",
)


@dataclass
class Origin:
    """What the origin serves; handlers read it under ``lock``."""

    pages: dict[str, str] = field(default_factory=dict)
    feed_version: int = 1
    not_modified: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def feed(self) -> str:
        items = "".join(
            f"<item><title>{path}</title><link>http://127.0.0.1:{self.port}{path}</link>"
            f"<pubDate>Thu, 22 Sep 2022 0{n}:00:00 GMT</pubDate></item>"
            for n, path in enumerate(sorted(self.pages))
        )
        return (
            '<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>'
            f"<link>http://127.0.0.1:{self.port}/</link><description>d</description>"
            f"{items}</channel></rss>"
        )

    def change(self, path: str, html: str) -> None:
        with self.lock:
            self.pages[path] = html
            self.feed_version += 1


def origin_handler(origin: Origin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            with origin.lock:
                if self.path == "/feed.xml":
                    etag = f'"feed-{origin.feed_version}"'
                    if self.headers.get("If-None-Match") == etag:
                        origin.not_modified += 1
                        self._send(304, b"", "application/rss+xml", ETag=etag)
                        return
                    self._send(200, origin.feed().encode(), "application/rss+xml", ETag=etag)
                    return
                html = origin.pages.get(self.path)
            if html is None:
                self._send(404, b"not found", "text/plain")
            else:
                self._send(200, html.encode(), "text/html; charset=utf-8")

    return Handler


@dataclass
class Receiver:
    """A webhook receiver that checks signatures; it can be taken down and
    brought back on the same port."""

    port: int
    events: list[dict[str, Any]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    bad_signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    server: ThreadingHTTPServer | None = None

    def up(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    payload = Verifier(SECRET).verify(body, dict(self.headers.items()))
                except Exception:
                    with receiver.lock:
                        receiver.bad_signatures += 1
                    self.send_response(400)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.ids.append(self.headers["webhook-id"])
                    receiver.events.append(payload)
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def down(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def of_type(self, type_: str) -> list[dict[str, Any]]:
        with self.lock:
            return [e for e in self.events if e["type"] == type_]


def serve_origin(origin: Origin) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer(("127.0.0.1", 0), origin_handler(origin))
    origin.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def wait_for(what: str, condition: Callable[[], Any]) -> Any:
    """Poll ``condition`` until it is truthy (not a timing assertion: the
    limit only keeps a broken run from hanging)."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def origin() -> Iterator[Origin]:
    origin = Origin(pages={"/one": ARTICLE_ONE, "/two": ARTICLE_TWO})
    server = serve_origin(origin)
    yield origin
    server.shutdown()
    server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver(port=free_port())
    receiver.up()
    yield receiver
    receiver.down()


ENV = {
    "SOURCEDIFF_AUTH_DISABLED": "1",
    "SOURCEDIFF_BACKGROUND": "1",
    "SOURCEDIFF_FETCH_ALLOW": "127.0.0.1",
    # The feed is polled every second (the default floor is 300 s).
    "SOURCEDIFF_FEED_MIN_INTERVAL_SECONDS": "1",
    "SOURCEDIFF_WEBHOOK_RETRY_BASE_SECONDS": "0.1",
    "SOURCEDIFF_WEBHOOK_RETRY_MAX_SECONDS": "0.5",
    "SOURCEDIFF_WEBHOOK_MAX_ATTEMPTS": "1000",
}


def versions_of(http: httpx.Client, url: str) -> int:
    found = http.get("/v1/articles", params={"url": url}).json()["items"]
    return found[0]["versions"] if found else 0


def article_id(http: httpx.Client, url: str) -> str:
    found: list[dict[str, Any]] = http.get("/v1/articles", params={"url": url}).json()["items"]
    return str(found[0]["id"])


def test_feed_versions_webhooks_and_a_failing_check(
    origin: Origin, receiver: Receiver, tmp_path: Path
) -> None:
    url_one = f"http://127.0.0.1:{origin.port}/one"
    url_two = f"http://127.0.0.1:{origin.port}/two"
    with (
        Server(f"sqlite:///{tmp_path / 'e2e.db'}", env=ENV) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        hook = http.post(
            "/v1/webhooks",
            json={
                "url": f"http://127.0.0.1:{receiver.port}/hook",
                "events": ["version.created", "quote.changed", "quote.dropped", "check.failed"],
                "secret": SECRET,
            },
        )
        assert hook.status_code == 201, hook.text
        webhook_id = hook.json()["id"]
        feed = http.post(
            "/v1/feeds",
            json={
                "url": f"http://127.0.0.1:{origin.port}/feed.xml",
                "outlet": "Wire",
                "story": "nk-arms",
                "interval_seconds": 1,
            },
        )
        assert feed.status_code == 201, feed.text

        # The first poll stores both articles, in the story, with their
        # quotations and the feed's publication times.
        wait_for("both articles", lambda: versions_of(http, url_one) and versions_of(http, url_two))
        story = http.get("/v1/stories/nk-arms/quotes").json()
        assert {a["url"] for a in story["articles"]} == {url_one, url_two}
        denial = next(s for s in story["statements"] if DENIAL in s["canonical"]["quote"]["text"])
        assert len(denial["carried_by"]) == 2
        one_v1 = http.get(f"/v1/articles/{article_id(http, url_one)}/versions/1").json()
        assert "alert" not in one_v1["text"] and FAKE in one_v1["text"]

        # An unchanged feed is a 304 (its ETag is sent back).
        wait_for("a 304 from the feed", lambda: origin.not_modified >= 1)
        assert versions_of(http, url_one) == 1

        # The article changes: the next poll stores version 2, and the
        # receiver hears of the new version, the trimmed and the dropped quote.
        origin.change("/one", ARTICLE_ONE_V2)
        wait_for("version 2", lambda: versions_of(http, url_one) == 2)
        dropped = wait_for("quote.dropped", lambda: receiver.of_type("quote.dropped"))
        assert dropped[0]["data"]["quote"]["text"].startswith(FAKE)
        changed = wait_for("quote.changed", lambda: receiver.of_type("quote.changed"))
        assert changed[0]["data"]["new"]["text"].startswith(DENIAL)
        assert changed[0]["data"]["relation"] in ("partial", "reworded")

        # A regression check of version 2 against version 1 fails on the
        # dropped quotation and points at it in the baseline.
        one = article_id(http, url_one)
        check = http.post(
            "/v1/checks",
            json={
                "baseline": {"article_id": one, "version": 1},
                "candidate": {"article_id": one, "version": 2},
            },
        )
        assert check.status_code == 200, check.text
        result = check.json()
        assert result["passed"] is False
        failing = [f for f in result["findings"] if f["fails"]]
        gone = next(f for f in failing if f["kind"] == "dropped_quote")
        span = gone["baseline"]
        assert one_v1["text"][span["start"] : span["end"]] == span["text"]
        assert span["text"].startswith(FAKE) and gone["candidate"] is None
        wait_for("check.failed", lambda: receiver.of_type("check.failed"))

        # Every delivery was signed right, and the log says delivered.
        assert receiver.bad_signatures == 0
        log = http.get(f"/v1/webhooks/{webhook_id}/deliveries", params={"limit": 100}).json()
        assert log["items"] and all(d["state"] == "delivered" for d in log["items"])
        assert len(receiver.of_type("version.created")) == 3

        # Replay resends an event with its id: receivers can deduplicate.
        first = log["items"][-1]
        replayed = http.post(f"/v1/webhooks/{webhook_id}/deliveries/{first['id']}/replay")
        assert replayed.status_code == 202, replayed.text
        wait_for("the replay", lambda: receiver.ids.count(first["event_id"]) == 2)


def test_a_receiver_that_was_down_gets_every_event_in_order(
    origin: Origin, receiver: Receiver, tmp_path: Path
) -> None:
    url_two = f"http://127.0.0.1:{origin.port}/two"
    with (
        Server(f"sqlite:///{tmp_path / 'down.db'}", env=ENV) as server,
        httpx.Client(base_url=server.url, timeout=30) as http,
    ):
        hook = http.post(
            "/v1/webhooks",
            json={
                "url": f"http://127.0.0.1:{receiver.port}/hook",
                "events": ["version.created"],
                "secret": SECRET,
            },
        )
        assert hook.status_code == 201, hook.text
        webhook_id = hook.json()["id"]
        receiver.down()
        # Eight versions while the receiver is down, Sourcediff restarted
        # halfway through (killed, not shut down).
        sent = []
        for n in range(8):
            if n == 4:
                server.restart()
            text = f'"Version {n} of the denial stands," the official said. ({uuid.uuid4().hex})'
            stored = http.post(
                "/v1/articles", json={"outlet": "Wire", "url": url_two, "text": text}
            )
            assert stored.status_code == 201, stored.text
            sent.append(stored.json()["version"])
        log = http.get(f"/v1/webhooks/{webhook_id}/deliveries").json()["items"]
        assert len(log) == 8 and all(d["state"] == "pending" for d in log)
        failed_attempts = wait_for(
            "failed attempts",
            lambda: (
                http.get(f"/v1/webhooks/{webhook_id}/deliveries").json()["items"][-1]["attempts"]
                >= 2
            ),
        )
        assert failed_attempts
        server.restart()
        receiver.up()
        wait_for("every event", lambda: len(receiver.of_type("version.created")) >= 8)
        versions = [e["data"]["version"] for e in receiver.of_type("version.created")]
        # At least once, in order: repeats (a send whose answer was lost in a
        # kill) may come again, but never out of order.
        firsts = list(dict.fromkeys(versions))
        assert firsts == sent
        assert versions == sorted(versions)
        assert receiver.bad_signatures == 0


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://localhost/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://10.0.0.1/",
        "http://172.16.0.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fe80::1]/",
        "http://0.0.0.0/",
        "file:///etc/passwd",
        "http://user:secret@example.com/",
    ],
)
def test_the_api_refuses_private_addresses(url: str, ssrf_client: httpx.Client) -> None:
    for path, body in (
        ("/v1/fetch", {"url": url}),
        ("/v1/feeds", {"url": url, "outlet": "X"}),
        ("/v1/webhooks", {"url": url, "events": ["version.created"]}),
    ):
        response = ssrf_client.post(path, json=body)
        problem = check_problem(response, 422)  # type: ignore[arg-type]
        assert problem["type"] == "urn:sourcediff:problem:fetch-refused", problem


def test_a_redirect_to_a_private_address_is_refused(tmp_path: Path) -> None:
    """127.0.0.1 is allowed here, but its redirect to the metadata address
    is checked like any URL and refused."""

    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
            self.end_headers()

    redirect = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=redirect.serve_forever, daemon=True).start()
    try:
        port = redirect.server_address[1]
        with (
            Server(f"sqlite:///{tmp_path / 'r.db'}", env=ENV) as server,
            httpx.Client(base_url=server.url, timeout=30) as http,
        ):
            response = http.post("/v1/fetch", json={"url": f"http://127.0.0.1:{port}/r"})
    finally:
        redirect.shutdown()
        redirect.server_close()
    problem = check_problem(response, 422)  # type: ignore[arg-type]
    assert "169.254.169.254" in problem["detail"], problem


@pytest.fixture(scope="module")
def ssrf_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    path = tmp_path_factory.mktemp("ssrf") / "ssrf.db"
    with Server(f"sqlite:///{path}", env={"SOURCEDIFF_AUTH_DISABLED": "1"}) as server:
        yield server


@pytest.fixture
def ssrf_client(ssrf_server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ssrf_server.url, timeout=30) as http:
        yield http


def test_json_bodies_are_the_events(receiver: Receiver) -> None:
    """The receiver itself: a wrong signature is refused (so the other
    tests' zero bad signatures mean something)."""
    body = json.dumps({"type": "version.created", "timestamp": "x", "data": {}})
    response = httpx.post(
        f"http://127.0.0.1:{receiver.port}/hook",
        content=body,
        headers={
            "webhook-id": "msg_1",
            "webhook-timestamp": str(int(time.time())),
            "webhook-signature": "v1,AAAA",
        },
    )
    assert response.status_code == 400 and receiver.bad_signatures == 1
