"""service.platform.fetch: URLs fetched over real sockets, and every way to reach what
is not public.

A real HTTP server (and an HTTPS one) runs on 127.0.0.1 in a thread. The
policy ``LOCAL`` allows 127.0.0.1 so that the happy paths can reach it;
without the allow-list the same server is refused. Host names other than
``localhost`` come from a resolver the test passes in (``FetchPolicy.resolve``),
since a test cannot add DNS records; this machine's /etc/hosts has no IPv6
name for the loopback (no ``ip6-localhost``), so ``[::1]`` is tested as a
literal.
"""

from __future__ import annotations

import gzip
import re
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from service.platform.config import Settings
from service.platform.errors import BadGateway, FetchRefused
from service.platform.fetch import (
    FEED_TYPES,
    USER_AGENT,
    FetchPolicy,
    check_url,
    fetch,
    make_client,
    post,
    system_resolve,
)

PAGE = "<html><body><p>“We are ready,” she said.</p></body></html>".encode()
FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
ETAG, LAST_MODIFIED = '"v1"', "Mon, 23 Nov 2026 14:00:00 GMT"
LIMIT = 10_000
LOCAL = FetchPolicy(allow=("127.0.0.1",), timeout=2.0, max_bytes=LIMIT)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Origin

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.answer()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.answer()

    def answer(self) -> None:
        url = urlsplit(self.path)
        self.server.seen.append((self.command, url.path, self.headers))
        route = ROUTES.get(url.path) or ROUTES[url.path.rsplit("/", 1)[0] + "/"]
        try:
            route(self, url.path, parse_qs(url.query))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up: what the test wanted

    def send(
        self, status: int, body: bytes = b"", ctype: str | None = "text/html", **extra: str
    ) -> None:
        self.send_response(status)
        if ctype is not None:
            self.send_header("Content-Type", ctype)
        for name, value in extra.items():
            self.send_header(name.replace("_", "-"), value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_chunks(self, chunks: Iterator[bytes], pause: float = 0.0) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for chunk in chunks:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.flush()
            time.sleep(pause)
        self.wfile.write(b"0\r\n\r\n")


def _conditional(h: Handler) -> None:
    fresh = h.headers.get("If-None-Match") == ETAG or (
        h.headers.get("If-Modified-Since") == LAST_MODIFIED
    )
    if fresh:
        h.send_response(304)
        h.send_header("ETag", ETAG)
        h.end_headers()
    else:
        h.send(200, PAGE, "text/html; charset=utf-8", ETag=ETAG, Last_Modified=LAST_MODIFIED)


def _always_304(h: Handler) -> None:
    h.send_response(304)
    h.end_headers()


def _slow(h: Handler) -> None:
    time.sleep(1.0)
    h.send(200, PAGE)


# Set once a drip of headers has been sent whole (the client stayed to the end).
DRIPPED = threading.Event()


def _drip_headers(h: Handler) -> None:
    """The status line and headers a byte at a time, each well within a
    read timeout: only a deadline over the whole answer cuts it off."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 100
    for byte in head:
        h.wfile.write(bytes([byte]))
        h.wfile.flush()
        time.sleep(0.05)
    h.wfile.write(b"\r\nContent-Length: %d\r\n\r\n%s" % (len(PAGE), PAGE))
    DRIPPED.set()


def _redirect(h: Handler, path: str, query: dict[str, list[str]]) -> None:
    if path.startswith("/chain/"):
        left = int(path.rsplit("/", 1)[1])
        target = f"/chain/{left - 1}" if left else "/page"
    else:
        target = query["to"][0]
    h.send(302, ctype=None, Location=target)


Route = Callable[[Handler, str, dict[str, list[str]]], None]
ROUTES: dict[str, Route] = {
    "/page": lambda h, *_: h.send(200, PAGE, "text/html; charset=utf-8"),
    "/feed.xml": lambda h, *_: h.send(200, FEED, "application/rss+xml; charset=utf-8"),
    "/latin1": lambda h, *_: h.send(
        200, "café".encode("latin-1"), 'text/html; charset="ISO-8859-1"'
    ),
    "/not-a-text-codec": lambda h, *_: h.send(200, "café".encode(), "text/html; charset=base64"),
    "/conditional": lambda h, *_: _conditional(h),
    "/always-304": lambda h, *_: _always_304(h),
    "/chain/": _redirect,
    "/to": _redirect,
    "/loop": lambda h, *_: h.send(302, ctype=None, Location="/loop"),
    "/huge": lambda h, *_: h.send(200, b"x" * (LIMIT + 1)),
    "/streamed": lambda h, *_: h.send_chunks(iter([b"x" * 1000] * 20)),
    "/bomb": lambda h, *_: h.send(200, gzip.compress(b"\0" * 1_000_000), Content_Encoding="gzip"),
    "/gzip": lambda h, *_: h.send(200, gzip.compress(PAGE), Content_Encoding="gzip"),
    "/image": lambda h, *_: h.send(200, b"\x89PNG", "image/png"),
    "/untyped": lambda h, *_: h.send(200, PAGE, ctype=None),
    "/slow": lambda h, *_: _slow(h),
    "/trickle": lambda h, *_: h.send_chunks(iter([b"x"] * 30), pause=0.1),
    "/drip-headers": lambda h, *_: _drip_headers(h),
    "/error": lambda h, *_: h.send(500, b"oops"),
    "/missing": lambda h, *_: h.send(404, b"gone"),
    "/hook": lambda h, *_: h.send(204, ctype=None),
}


class Origin(ThreadingHTTPServer):
    seen: list[tuple[str, str, Message]]

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up early are the point of several tests


class Origin6(Origin):
    address_family = socket.AF_INET6


@dataclass
class Running:
    server: Origin
    scheme: str = "http"
    host: str = "127.0.0.1"
    sni: list[str | None] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def url(self, path: str, host: str | None = None) -> str:
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    @property
    def seen(self) -> list[tuple[str, str, Message]]:
        return self.server.seen


def _serve(tls: ssl.SSLContext | None = None, host: str = "127.0.0.1") -> Iterator[Running]:
    server = Origin6((host, 0), Handler) if ":" in host else Origin((host, 0), Handler)
    server.seen = []
    running = Running(server, host=f"[{host}]" if ":" in host else host)
    if tls is not None:
        tls.sni_callback = lambda sock, name, ctx: running.sni.append(name)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        running.scheme = "https"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02})
    thread.start()
    try:
        yield running
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def origin() -> Iterator[Running]:
    yield from _serve()


@pytest.fixture(scope="module")
def origin6() -> Iterator[Running]:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here ({exc})")
    yield from _serve(host="::1")


@pytest.fixture(scope="module")
def tls_origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Running, Path]]:
    """An HTTPS server whose self-signed certificate names news.test."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *(
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
            ),
            *("-nodes", "-days", "1", "-subj", "/CN=news.test", "-addext"),
            *("subjectAltName=DNS:news.test", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    for running in _serve(context):
        yield running, cert


def with_names(names: dict[str, Sequence[str]], calls: list[str] | None = None) -> FetchPolicy:
    """``LOCAL``, with host names resolved from ``names`` (and each look-up noted in ``calls``)."""

    def resolve(host: str, port: int) -> Sequence[str]:
        if calls is not None:
            calls.append(host)
        if host not in names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return names[host]

    return FetchPolicy(allow=LOCAL.allow, timeout=LOCAL.timeout, max_bytes=LIMIT, resolve=resolve)


# --- what is refused before anything connects ------------------------------------------------

NOT_PUBLIC = [
    ("http://127.0.0.1/", "127.0.0.1 is a loopback address"),
    ("http://127.1/", "127.1 resolves to 127.0.0.1, a loopback address"),
    ("http://localhost/", "localhost resolves to 127.0.0.1, a loopback address"),
    ("http://[::1]/", "::1 is a loopback address"),
    ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
    ("http://[::]/", "is an unspecified address"),
    ("http://2130706433/", "2130706433 resolves to 127.0.0.1, a loopback"),
    ("http://0x7f000001/", "0x7f000001 resolves to 127.0.0.1, a loopback"),
    ("http://0x7f.1/", "0x7f.1 resolves to 127.0.0.1, a loopback"),
    ("http://0177.0.0.1/", "not a valid URL"),
    ("http://10.0.0.1/", "10.0.0.1 is a private address"),
    ("http://172.16.0.1/", "172.16.0.1 is a private address"),
    ("http://192.168.1.1/", "192.168.1.1 is a private address"),
    ("http://169.254.169.254/latest/meta-data/", "the cloud metadata service's address"),
    ("http://[fd00:ec2::254]/", "the cloud metadata service's address"),
    ("http://metadata.google.internal/", "metadata.google.internal is a cloud metadata service"),
    ("http://169.254.1.1/", "a link-local address"),
    ("http://[fe80::1]/", "fe80::1 is a link-local address"),
    ("http://[fc00::1]/", "a private address"),
    ("http://[fec0::1]/", "a site-local address"),
    ("http://[::ffff:127.0.0.1]/", "a loopback address (127.0.0.1 inside an IPv6 address)"),
    ("http://[2002:7f00:1::]/", "a loopback address (127.0.0.1 inside an IPv6 address)"),
    ("http://[64:ff9b::a00:1]/", "a private address (10.0.0.1 inside an IPv6 address)"),
    ("http://100.64.0.1/", "a shared (carrier-grade NAT) address"),
    ("http://100.100.100.200/", "a shared (carrier-grade NAT) address"),
    ("http://224.0.0.1/", "a multicast address"),
    ("http://[ff02::1]/", "a multicast address"),
    ("http://240.0.0.1/", "240.0.0.1 is a"),  # reserved; private, say some Pythons
    ("http://192.0.0.8/", "192.0.0.8 is"),
    ("https://10.0.0.1:8443/any/port", "10.0.0.1 is a private address"),
]


@pytest.mark.parametrize(("url", "reason"), NOT_PUBLIC)
def test_addresses_that_are_not_public_are_refused(url: str, reason: str) -> None:
    with pytest.raises(FetchRefused) as caught:
        check_url(url, FetchPolicy())
    assert reason in caught.value.detail
    assert caught.value.status == 422 and caught.value.slug == "fetch-refused"
    assert "Traceback" not in caught.value.detail


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/",
        "gopher://example.com:70/_",
        "javascript:alert(1)",
        "data:text/html,hi",
        "example.com/page",
        "//example.com/page",
    ],
)
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchRefused, match="only http and https URLs are fetched"):
        check_url(url, FetchPolicy())


@pytest.mark.parametrize(
    "url",
    ["http://user:pass@example.com/", "http://user@example.com/", "http://example.com@10.0.0.1/"],
)
def test_credentials_in_urls_are_refused(url: str) -> None:
    with pytest.raises(FetchRefused, match="URLs with credentials are not fetched"):
        check_url(url, FetchPolicy())


def test_public_addresses_pass() -> None:
    check_url("http://8.8.8.8/", FetchPolicy())
    check_url("https://[2606:4700:4700::1111]:8443/", FetchPolicy())
    check_url("http://[64:ff9b::808:808]/", FetchPolicy())  # NAT64 of 8.8.8.8
    check_url("https://news.test/a?b=c", with_names({"news.test": ["93.184.215.14"]}))


def test_one_private_address_among_public_ones_is_enough_to_refuse() -> None:
    policy = with_names({"mixed.test": ["93.184.215.14", "2606:4700::1", "10.0.0.7"]})
    with pytest.raises(
        FetchRefused, match=r"mixed\.test resolves to 10\.0\.0\.7, a private address"
    ):
        check_url("https://mixed.test/", policy)


def test_a_host_that_does_not_resolve_is_refused() -> None:
    with pytest.raises(FetchRefused, match=r"cannot resolve the host nowhere\.test") as caught:
        check_url("http://nowhere.test/", with_names({}))
    assert caught.value.status == 422 and caught.value.slug == "fetch-refused"
    with pytest.raises(FetchRefused, match="no address"):
        check_url("http://empty.test/", with_names({"empty.test": []}))


def test_the_system_resolver() -> None:
    assert "127.0.0.1" in system_resolve("localhost", 80)
    assert system_resolve("2130706433", 80) == ("127.0.0.1",)


# --- the allow-list -------------------------------------------------------------------------


def test_allowed_networks_admit_their_addresses_only() -> None:
    policy = FetchPolicy(allow=("10.0.0.0/8", "[fd12::1]"))
    check_url("http://10.1.2.3/", policy)
    check_url("http://[fd12::1]/", policy)
    with pytest.raises(FetchRefused, match=r"192\.168\.1\.1 is a private address"):
        check_url("http://192.168.1.1/", policy)
    with pytest.raises(FetchRefused, match="fd12::2"):
        check_url("http://[fd12::2]/", policy)


def test_an_allowed_address_admits_every_name_resolving_to_it_alone() -> None:
    """Allowing 127.0.0.1 allows localhost where localhost is 127.0.0.1, and
    IPv4-mapped forms of it; where localhost is also ::1, it is refused."""
    check_url("http://[::ffff:127.0.0.1]/", LOCAL)
    check_url("http://localhost/", with_names({"localhost": ["127.0.0.1"]}))
    with pytest.raises(FetchRefused, match="localhost resolves to ::1, a loopback address"):
        check_url("http://localhost/", with_names({"localhost": ["127.0.0.1", "::1"]}))


def test_an_allowed_name_is_fetched_whatever_it_resolves_to() -> None:
    names = {"cms.intranet": ["10.0.0.5"], "cms.intranet.": ["10.0.0.5"]}
    names["other.intranet"] = ["10.0.0.5"]
    policy = FetchPolicy(allow=("CMS.Intranet.",), resolve=with_names(names).resolve)
    check_url("https://cms.intranet/story/1", policy)
    check_url("https://cms.intranet./story/1", policy)
    with pytest.raises(FetchRefused, match=r"other\.intranet resolves to 10\.0\.0\.5"):
        check_url("https://other.intranet/", policy)


def test_metadata_names_are_refused_unless_allowed_by_name() -> None:
    def never(host: str, port: int) -> Sequence[str]:
        raise AssertionError("resolved a name refused by name")

    with pytest.raises(FetchRefused, match="cloud metadata service"):
        check_url("http://metadata.google.internal/computeMetadata/v1/", FetchPolicy(resolve=never))
    allowed = FetchPolicy(allow=("metadata.google.internal",), resolve=lambda h, p: ["10.0.0.1"])
    check_url("http://metadata.google.internal/", allowed)


@pytest.mark.parametrize("entry", ["10.0.0.0/33", "http://cms/", "two words", "a/b", ""])
def test_allow_list_entries_must_be_names_addresses_or_networks(entry: str) -> None:
    with pytest.raises(ValueError, match="allow-list entry"):
        FetchPolicy(allow=(entry,))


def test_policy_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCEDIFF_FETCH_ALLOW", "127.0.0.1, 10.0.0.0/8,cms.intranet")
    monkeypatch.setenv("SOURCEDIFF_FETCH_TIMEOUT_SECONDS", "2.5")
    policy = FetchPolicy.from_settings(Settings())
    assert policy.allow == ("127.0.0.1", "10.0.0.0/8", "cms.intranet")
    assert (policy.timeout, policy.max_bytes, policy.max_redirects) == (2.5, 5_000_000, 5)
    assert FetchPolicy.from_settings(Settings(fetch_allow=[])).allow == ()


# --- fetching from a real server ------------------------------------------------------------


def test_a_page(origin: Running) -> None:
    page = fetch(origin.url("/page"), LOCAL)
    assert (page.status, page.content, page.content_type, page.charset) == (
        200,
        PAGE,
        "text/html",
        "utf-8",
    )
    assert page.url == origin.url("/page")
    assert page.text.startswith("<html><body><p>“We are ready,”")
    method, _, headers = origin.seen[-1]
    assert (method, headers["User-Agent"]) == ("GET", USER_AGENT)
    assert headers["Accept"] == "text/html, application/xhtml+xml"
    assert headers["Host"] == f"127.0.0.1:{origin.port}"


def test_the_charset_decodes_the_text_and_gzip_is_undone(origin: Running) -> None:
    assert fetch(origin.url("/latin1"), LOCAL).text == "café"
    assert fetch(origin.url("/gzip"), LOCAL).content == PAGE


def test_a_charset_that_names_no_text_codec_is_read_as_utf8(origin: Running) -> None:
    # "base64", "rot13", "hex" are Python codecs of bytes, not of text:
    # decoding with them raised (a 500 on POST /v1/fetch, a crashed poller).
    assert fetch(origin.url("/not-a-text-codec"), LOCAL).text == "café"


def test_a_feed(origin: Running) -> None:
    feed = fetch(origin.url("/feed.xml"), LOCAL, accept=FEED_TYPES)
    assert (feed.content, feed.content_type) == (FEED, "application/rss+xml")
    with pytest.raises(FetchRefused, match=r"content type application/rss\+xml is not one of"):
        fetch(origin.url("/feed.xml"), LOCAL)


def test_the_same_server_without_the_allow_list_is_refused_before_connecting(
    origin: Running,
) -> None:
    before = len(origin.seen)
    for host in ("127.0.0.1", "localhost", "127.1"):
        with pytest.raises(FetchRefused, match="a loopback address"):
            fetch(origin.url("/page", host=host), FetchPolicy())
    assert len(origin.seen) == before


def test_conditional_requests_answered_304(origin: Running) -> None:
    first = fetch(origin.url("/conditional"), LOCAL)
    assert (first.status, first.etag, first.last_modified) == (200, ETAG, LAST_MODIFIED)
    by_etag = fetch(origin.url("/conditional"), LOCAL, etag=first.etag)
    assert (by_etag.status, by_etag.content, by_etag.etag) == (304, b"", ETAG)
    assert origin.seen[-1][2]["If-None-Match"] == ETAG
    by_date = fetch(origin.url("/conditional"), LOCAL, last_modified=LAST_MODIFIED)
    assert (by_date.status, by_date.last_modified) == (304, LAST_MODIFIED)
    assert fetch(origin.url("/conditional"), LOCAL, etag='"v0"').status == 200


def test_a_304_to_an_unconditional_request_is_a_bad_gateway(origin: Running) -> None:
    with pytest.raises(BadGateway, match="answered 304 Not Modified"):
        fetch(origin.url("/always-304"), LOCAL)


def test_redirects_are_followed_up_to_the_limit(origin: Running) -> None:
    page = fetch(origin.url("/chain/3"), LOCAL)  # 4 redirects
    assert (page.url, page.content) == (origin.url("/page"), PAGE)
    four = FetchPolicy(allow=LOCAL.allow, max_redirects=4)
    assert fetch(origin.url("/chain/3"), four).status == 200
    three = FetchPolicy(allow=LOCAL.allow, max_redirects=3)
    with pytest.raises(BadGateway, match="redirected more than 3 times"):
        fetch(origin.url("/chain/3"), three)
    with pytest.raises(BadGateway, match="redirected more than 5 times"):
        fetch(origin.url("/loop"), LOCAL)


def test_every_redirect_is_checked_before_connecting(origin: Running) -> None:
    refused = {
        "http://169.254.169.254/latest/meta-data/": "the cloud metadata service's address",
        f"http://[::1]:{origin.port}/page": "::1 is a loopback address",
        f"http://0.0.0.0:{origin.port}/page": "0.0.0.0 is an unspecified address",
        "http://10.0.0.1/admin": "10.0.0.1 is a private address",
        "http://metadata.google.internal/": "cloud metadata service",
        "file:///etc/passwd": "only http and https",
        f"http://user:pw@127.0.0.1:{origin.port}/page": "credentials",
    }
    for target, reason in refused.items():
        with pytest.raises(FetchRefused, match=re.escape(reason)) as caught:
            fetch(origin.url("/to") + "?to=" + target, LOCAL)
        assert caught.value.detail.startswith("refusing to fetch ")
    assert fetch(origin.url("/to?to=/page"), LOCAL).url == origin.url("/page")


def test_allowing_both_loopbacks_allows_localhost(origin: Running) -> None:
    both = FetchPolicy(allow=("127.0.0.1", "::1"))
    page = fetch(origin.url("/to?to=" + origin.url("/page", host="localhost")), both)
    assert page.url == origin.url("/page", host="localhost")


def test_bodies_over_the_limit_are_refused(origin: Running) -> None:
    with pytest.raises(FetchRefused, match=f"Content-Length, {LIMIT + 1} bytes, is over the limit"):
        fetch(origin.url("/huge"), LOCAL)
    with pytest.raises(FetchRefused, match=f"body is over the limit of {LIMIT} bytes"):
        fetch(origin.url("/streamed"), LOCAL)
    with pytest.raises(FetchRefused, match=f"body is over the limit of {LIMIT} bytes"):
        fetch(origin.url("/bomb"), LOCAL)  # 1 kB of gzip, 1 MB of zeros
    roomy = FetchPolicy(allow=LOCAL.allow, max_bytes=20_000)
    assert len(fetch(origin.url("/streamed"), roomy).content) == 20_000


def test_answers_of_another_type_are_refused(origin: Running) -> None:
    with pytest.raises(FetchRefused, match="content type image/png is not one of text/html"):
        fetch(origin.url("/image"), LOCAL)
    with pytest.raises(FetchRefused, match="the answer has no content type"):
        fetch(origin.url("/untyped"), LOCAL)


def test_an_origin_too_slow_to_answer(origin: Running) -> None:
    quick = FetchPolicy(allow=LOCAL.allow, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(BadGateway, match=r"did not answer within 0\.3 s"):
        fetch(origin.url("/slow"), quick)
    assert time.monotonic() - started < 0.9


def test_an_origin_that_trickles_is_cut_off_at_the_deadline(origin: Running) -> None:
    """Each byte comes within the read timeout; the whole fetch does not."""
    quick = FetchPolicy(allow=LOCAL.allow, timeout=0.5)
    started = time.monotonic()
    with pytest.raises(BadGateway, match=r"did not answer within 0\.5 s"):
        fetch(origin.url("/trickle"), quick)
    assert time.monotonic() - started < 1.5


def test_an_origin_that_drips_its_headers_is_cut_off_at_the_deadline(origin: Running) -> None:
    """Headers a byte at a time: every read returns within its timeout, so
    only a deadline that every read and write shares ends the fetch (and a
    webhook delivery, whose lease counts on it)."""
    quick = FetchPolicy(allow=LOCAL.allow, timeout=0.5)
    for send in (
        lambda: fetch(origin.url("/drip-headers"), quick),
        lambda: post(origin.url("/drip-headers"), b"{}", {}, quick),
    ):
        DRIPPED.clear()
        with pytest.raises(BadGateway, match=r"did not answer within 0\.5 s"):
            send()
        # Given up on while the origin was still dripping, not after.
        assert not DRIPPED.is_set()


def test_a_slow_resolver_counts_against_the_deadline(origin: Running) -> None:
    """DNS is part of the fetch's time: a resolver that does not answer
    within the timeout fails the fetch (502) while it is still looking."""
    answered = threading.Event()
    release = threading.Event()

    def stuck(host: str, port: int) -> Sequence[str]:
        # Held until the test ends (or 10 s, so that a regression cannot hang it).
        release.wait(10)
        answered.set()
        return ["127.0.0.1"]

    quick = FetchPolicy(allow=LOCAL.allow, timeout=0.3, resolve=stuck)
    try:
        with pytest.raises(BadGateway, match=r"resolving news\.test took longer than 0\.3 s"):
            fetch(origin.url("/page", host="news.test"), quick)
        with pytest.raises(BadGateway, match=r"resolving news\.test took longer than 0\.3 s"):
            post(origin.url("/hook", host="news.test"), b"{}", {}, quick)
        with pytest.raises(BadGateway, match=r"resolving news\.test took longer than 0\.3 s"):
            check_url(origin.url("/page", host="news.test"), quick)
        assert not answered.is_set()
    finally:
        release.set()


def test_a_resolver_error_is_still_a_refusal() -> None:
    def broken(host: str, port: int) -> Sequence[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with pytest.raises(FetchRefused, match=r"cannot resolve the host nowhere\.test"):
        fetch("http://nowhere.test/", FetchPolicy(resolve=broken))


def test_origin_errors_are_bad_gateways(origin: Running) -> None:
    with pytest.raises(BadGateway, match="answered 500 Internal Server Error"):
        fetch(origin.url("/error"), LOCAL)
    with pytest.raises(BadGateway, match="answered 404 Not Found"):
        fetch(origin.url("/missing"), LOCAL)
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    with pytest.raises(BadGateway, match=r"cannot connect to 127\.0\.0\.1"):
        fetch(f"http://127.0.0.1:{port}/", LOCAL)


# --- DNS rebinding: the connection goes to the address that was checked ---------------------


def test_the_connection_goes_to_the_checked_address(origin: Running) -> None:
    """A resolver that answers 127.0.0.1 once, then a private address: the
    fetch resolves once and connects where the check said (a second
    resolution by anyone else could not have found news.test at all)."""
    calls: list[str] = []
    answers = iter([["127.0.0.1"]])

    def rebinding(host: str, port: int) -> Sequence[str]:
        calls.append(host)
        return next(answers, ["10.0.0.1"])

    policy = FetchPolicy(allow=LOCAL.allow, resolve=rebinding)
    page = fetch(origin.url("/page", host="news.test"), policy)
    assert (page.status, page.url, calls) == (
        200,
        origin.url("/page", host="news.test"),
        ["news.test"],
    )
    assert origin.seen[-1][2]["Host"] == f"news.test:{origin.port}"
    with pytest.raises(FetchRefused, match=r"news\.test resolves to 10\.0\.0\.1"):
        fetch(origin.url("/page", host="news.test"), policy)


def test_each_redirect_is_resolved_once_and_checked(origin: Running) -> None:
    calls: list[str] = []
    names = {"news.test": ["127.0.0.1"], "cdn.test": ["127.0.0.1"], "evil.test": ["10.0.0.1"]}
    policy = with_names(names, calls)
    page = fetch(
        origin.url("/to?to=" + origin.url("/page", host="cdn.test"), host="news.test"), policy
    )
    assert (page.url, calls) == (origin.url("/page", host="cdn.test"), ["news.test", "cdn.test"])
    with pytest.raises(FetchRefused, match=r"evil\.test resolves to 10\.0\.0\.1"):
        fetch(
            origin.url("/to?to=" + origin.url("/page", host="evil.test"), host="news.test"), policy
        )


def test_an_allowed_ipv6_address(origin6: Running) -> None:
    """Pinning names IPv6 hosts as httpcore does (``::1``, no brackets)."""
    policy = FetchPolicy(allow=("::1",), resolve=lambda host, port: ["::1"])
    assert fetch(origin6.url("/page"), policy).content == PAGE
    assert fetch(origin6.url("/page", host="v6.test"), policy).content == PAGE
    assert origin6.seen[-1][2]["Host"] == f"v6.test:{origin6.port}"
    with pytest.raises(FetchRefused, match="::1 is a loopback address"):
        fetch(origin6.url("/page"), LOCAL)


def test_the_pinned_client_connects_nowhere_unchecked(origin: Running) -> None:
    before = len(origin.seen)
    with make_client() as client, pytest.raises(FetchRefused, match="it was not checked"):
        client.get(origin.url("/page"))
    assert len(origin.seen) == before


def test_a_client_reused_across_fetches(origin: Running) -> None:
    with make_client() as client:
        for path in ("/page", "/chain/1", "/page"):
            assert fetch(origin.url(path), LOCAL, client=client).content == PAGE


def test_tls_keeps_the_host_name_for_sni_and_the_certificate(
    tls_origin: tuple[Running, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Connected to 127.0.0.1, the TLS handshake still names news.test, and
    the certificate is verified against news.test."""
    running, cert = tls_origin
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    policy = with_names({"news.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
    page = fetch(running.url("/page", host="news.test"), policy)
    assert (page.content, running.sni[-1]) == (PAGE, "news.test")
    with pytest.raises(BadGateway, match=r"cannot connect to other\.test: .*certificate"):
        fetch(running.url("/page", host="other.test"), policy)
    assert running.sni[-1] == "other.test"


# --- posting (webhook deliveries) ------------------------------------------------------------


def test_post_returns_the_status_and_follows_no_redirect(origin: Running) -> None:
    headers = {"content-type": "application/json", "user-agent": "Sourcediff-Webhooks/1"}
    assert post(origin.url("/hook"), b"{}", headers, LOCAL) == 204
    method, path, seen = origin.seen[-1]
    assert (method, path, seen["User-Agent"], seen["Content-Type"]) == (
        "POST",
        "/hook",
        "Sourcediff-Webhooks/1",
        "application/json",
    )
    assert post(origin.url("/to?to=http://10.0.0.1/"), b"{}", {}, LOCAL) == 302
    assert post(origin.url("/error"), b"{}", {}, LOCAL) == 500
    with pytest.raises(FetchRefused, match="a private address"):
        post("http://10.0.0.1/hook", b"{}", {}, LOCAL)
