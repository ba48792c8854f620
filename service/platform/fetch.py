"""Fetching a page or a feed by its URL (and posting webhook deliveries),
without reaching what is not public. What a fetch may reach, and how long
and how large it may be, is a ``FetchPolicy`` (``from_settings`` reads the
``SOURCEDIFF_FETCH_*`` settings).

The rules:

- Only ``http`` and ``https`` URLs, on any port, and none with credentials
  (``user:password@``). The URL is read by httpx's parser, the one that
  sends the request, so the check and the request never disagree on the
  host.
- The host is resolved once (``policy.resolve``: ``socket.getaddrinfo``)
  and refused if *any* of its addresses is not public: loopback, private,
  link-local (the cloud metadata service at 169.254.169.254 too),
  unspecified, multicast, reserved, shared (100.64.0.0/10), site-local,
  documentation. An IPv6 address that carries an IPv4 one (``::ffff:a.b.c.d``,
  6to4 ``2002::/16``, NAT64 ``64:ff9b::/96``) is judged by that IPv4
  address. Metadata host names (``metadata.google.internal`` …) are refused
  by name. Numeric hosts such as ``2130706433``, ``0x7f.1`` or ``127.1`` are
  what the resolver makes of them (127.0.0.1 here), so it is the resolved
  addresses that are judged, never the spelling; ``0177.0.0.1`` is not even
  a URL to httpx.
- ``allow`` (``SOURCEDIFF_FETCH_ALLOW``) is the operator's exceptions: a
  host name there is fetched whatever it resolves to; an IP address or CIDR
  network there admits the addresses in it, for whatever name resolves to
  them, so allowing ``127.0.0.1`` allows ``http://localhost/`` where
  localhost is 127.0.0.1 alone (not where it is also ``::1``).
- DNS rebinding: the connection goes to the addresses that were checked,
  never to a second resolution. ``make_client``'s transport is an httpcore
  connection pool whose network backend connects only to the addresses
  ``fetch`` pinned for the request under way (in a context variable), in
  the order the resolver gave them; any other connection it refuses. The
  URL is sent as it is, so the ``Host`` header, TLS SNI and certificate
  verification are the host name's, and pooled connections are per host
  name. A ``client`` with another transport (``httpx.MockTransport`` in a
  test) gets every check but connects however it does.
- Redirects are followed by hand, at most ``max_redirects``, each hop's URL
  checked like the first before anything connects to it: a redirect to a
  private address is refused (``FetchRefused``), one redirect too many is
  ``BadGateway``.
- The whole fetch, redirects and DNS included, has ``timeout`` seconds:
  one deadline, set before the host is first resolved, that every step
  shares. A host name is resolved in a thread of its own, and a resolver
  that has not answered by the deadline fails the fetch (``BadGateway``;
  the look-up, which ``getaddrinfo`` cannot cancel, ends on its own within
  the system resolver's timeouts, in a daemon thread). Every connect, and
  every read and write on a connection, is given what is left of the
  deadline, so an origin that drips its headers a byte at a time is cut
  off at the deadline too, not only one that stops. A webhook delivery
  (``post``) has the same bound, which the dispatcher's lease counts on.
- The body is counted as it streams, after decompression, and refused once
  over ``max_bytes``; a ``Content-Length`` over it is refused before the
  body is read. Only ``gzip`` and ``deflate`` are asked for.
- The answer's media type (without parameters) must be one of ``accept``;
  none is refused. With ``etag`` or ``last_modified`` the request is
  conditional (``If-None-Match``, ``If-Modified-Since``), and a 304 gives a
  ``Fetched`` with ``status=304`` and ``content=b""``.
- What the origin does wrong is ``BadGateway`` (502): a timeout, no
  connection, a broken answer, and any status
  but 200 and 304, its 4xx included: a 404 from the origin is not "the
  caller's resource is missing" but "the fetch failed upstream". What
  Sourcediff will not do or take is ``FetchRefused`` (422), and so is a
  host name that does not resolve (a mistyped URL far more often than a
  resolver that is down, and not worth a retry either way). Messages name
  the URL and the reason, never a traceback.
- Every request says ``User-Agent: Sourcediff/<version> (news quote
  comparison)``: an origin can tell who is asking, and block it by name.
- Fetches made for a request (``POST /v1/fetch``, a feed polled on demand)
  hold a thread of the server's pool for as long as they wait on an
  origin; ``FetchSlots`` lets a worker run ``fetch_concurrency`` of them at
  once and refuses one more at once (503 with ``Retry-After``), so that a
  burst of slow fetches never takes the threads every other request needs.

>>> check_url("http://10.0.0.1/", FetchPolicy())
Traceback (most recent call last):
...
service.platform.errors.FetchRefused: refusing to fetch http://10.0.0.1/: 10.0.0.1 is a private...
>>> check_url("http://10.0.0.1/", FetchPolicy(allow=("10.0.0.0/8",)))
>>> check_url("file:///x", FetchPolicy())
Traceback (most recent call last):
...
service.platform.errors.FetchRefused: refusing to fetch file:///x: only http and https URLs...
"""

from __future__ import annotations

import codecs
import ipaddress
import math
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext, suppress
from contextvars import ContextVar
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import httpcore
import httpx

from service.platform.config import Settings
from service.platform.errors import BadGateway, FetchRefused, ServiceUnavailable

__all__ = [
    "FEED_TYPES",
    "HTML_TYPES",
    "USER_AGENT",
    "FetchPolicy",
    "FetchSlots",
    "Fetched",
    "check_url",
    "fetch",
    "make_client",
    "post",
    "system_resolve",
]

HTML_TYPES = ("text/html", "application/xhtml+xml")
# RSS 2.0, Atom, RSS 1.0 (RDF), and the generic XML types feeds are often served as.
FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)


def _version() -> str:
    try:
        return metadata.version("sourcediff")
    except metadata.PackageNotFoundError:  # pragma: no cover - run from a bare checkout
        return "0"


USER_AGENT = f"Sourcediff/{_version()} (news quote comparison)"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# ``resolve(host, port)``: the host's addresses, as strings, best first.
Resolver = Callable[[str, int], Sequence[str]]
# httpcore's socket options (its own alias is private).
SocketOption = (
    tuple[int, int, int] | tuple[int, int, bytes | bytearray] | tuple[int, int, None, int]
)

_PORTS = {"http": 80, "https": 443}
# Names of cloud metadata services, refused whatever they resolve to.
_METADATA_HOSTS = frozenset(
    {
        "metadata",
        "metadata.goog",
        "metadata.google.internal",
        "instance-data",
        "instance-data.ec2.internal",
    }
)
_METADATA_ADDRESSES = frozenset(map(ipaddress.ip_address, ["169.254.169.254", "fd00:ec2::254"]))
# Not public, though ``is_global`` says otherwise on some Python versions.
_NOT_GLOBAL = tuple(
    ipaddress.ip_network(net)
    for net in ["100.64.0.0/10", "192.0.0.0/24", "3fff::/20", "64:ff9b:1::/48"]
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def system_resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address of ``host``, as ``socket.getaddrinfo`` gives them, in
    its order and without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return tuple(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """What a fetch may reach and spend. ``allow`` holds host names, IP
    addresses and CIDR networks (``"cms.intranet"``, ``"127.0.0.1"``,
    ``"10.20.0.0/16"``); an entry that is none of these is a ``ValueError``."""

    allow: tuple[str, ...] = ()
    timeout: float = 10.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    resolve: Resolver = field(default=system_resolve, repr=False)
    _hosts: frozenset[str] = field(init=False, repr=False, compare=False)
    _networks: tuple[Network, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.timeout <= 0 or self.max_bytes <= 0 or self.max_redirects < 0:
            raise ValueError("a fetch policy needs timeout > 0, max_bytes > 0, max_redirects >= 0")
        hosts: set[str] = set()
        networks: list[Network] = []
        for entry in self.allow:
            text = entry.strip().lower()
            try:
                networks.append(ipaddress.ip_network(text.strip("[]"), strict=False))
            except ValueError:
                hosts.add(_host_name(entry))
        object.__setattr__(self, "allow", tuple(self.allow))
        object.__setattr__(self, "_hosts", frozenset(hosts))
        object.__setattr__(self, "_networks", tuple(networks))

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchPolicy:
        """The policy of the ``SOURCEDIFF_FETCH_*`` settings."""
        return cls(
            allow=tuple(settings.fetch_allow),
            timeout=settings.fetch_timeout_seconds,
            max_bytes=settings.fetch_max_bytes,
            max_redirects=settings.fetch_max_redirects,
        )

    def _allows(self, address: IPAddress) -> bool:
        """Whether an allowed network holds ``address`` (or the IPv4
        address inside it)."""
        candidates = [address, _embedded_ipv4(address)]
        return any(
            ip is not None and ip.version == net.version and ip in net
            for ip in candidates
            for net in self._networks
        )


def _host_name(entry: str) -> str:
    name = entry.strip().lower().rstrip(".")
    try:
        ascii_name = name.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_name = ""
    if not ascii_name or not all(c.isalnum() or c in "-._" for c in ascii_name):
        raise ValueError(
            f"fetch allow-list entry {entry!r} is not a host name, an IP address or a CIDR network"
        )
    return ascii_name


class FetchSlots:
    """At most ``size`` fetches at once; one more is refused at once rather
    than queued (``ServiceUnavailable``, 503, with ``Retry-After``: the
    seconds one fetch may take, after which a slot is free again).

    >>> slots = FetchSlots(1, retry_after=10)
    >>> with slots.take(), slots.take():
    ...     pass
    Traceback (most recent call last):
    ...
    service.platform.errors.ServiceUnavailable: all 1 fetch slots are taken; retry in 10 s
    """

    def __init__(self, size: int, *, retry_after: int) -> None:
        self.size = size
        self.retry_after = retry_after
        self._free = threading.BoundedSemaphore(size)

    @classmethod
    def from_settings(cls, settings: Settings) -> FetchSlots:
        """``fetch_concurrency`` slots; retry after one fetch's timeout."""
        retry_after = max(1, math.ceil(settings.fetch_timeout_seconds))
        return cls(settings.fetch_concurrency, retry_after=retry_after)

    @contextmanager
    def take(self) -> Iterator[None]:
        """Hold a slot for the block; ``ServiceUnavailable`` when none is free."""
        if not self._free.acquire(blocking=False):
            raise ServiceUnavailable(
                f"all {self.size} fetch slots are taken; retry in {self.retry_after} s",
                headers={"Retry-After": str(self.retry_after)},
            )
        try:
            yield
        finally:
            self._free.release()


@dataclass(frozen=True, slots=True)
class Fetched:
    """A fetched answer. ``content_type`` is the media type, lowercased,
    without parameters; for a 304 it is ``""`` and ``etag`` and
    ``last_modified`` are the answer's, else the ones sent."""

    url: str
    status: int
    content: bytes
    content_type: str
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def text(self) -> str:
        """``content`` decoded with ``charset``, or UTF-8 when there is none
        or Python knows no such codec; a UTF-8 byte order mark is dropped,
        and bytes that do not decode become U+FFFD, so this never raises.
        HTML and XML parsers are better given ``content``, so that they can
        honour a charset the document declares itself.

        >>> Fetched("u", 200, b"caf\\xe9", "text/html", "latin-1", None, None).text
        'café'
        >>> Fetched("u", 200, b"\\xef\\xbb\\xbfok \\xff", "text/html", None, None, None).text
        'ok �'
        >>> Fetched("u", 200, b"caf\\xc3\\xa9", "text/html", "base64", None, None).text
        'café'
        """
        encoding = "utf-8"
        if self.charset:
            with suppress(LookupError):
                codec = codecs.lookup(self.charset)
                # "base64", "rot13", "hex", "zlib" are codecs too, but not of
                # text: bytes.decode refuses them (a 500, once). UTF-8 instead.
                if codec._is_text_encoding:
                    encoding = codec.name
        return self.content.decode("utf-8-sig" if encoding == "utf-8" else encoding, "replace")


@dataclass(frozen=True, slots=True)
class _Target:
    """One checked hop: the URL, and the host, port and addresses that its
    connection may use (host and port as httpcore names them)."""

    url: httpx.URL
    host: str
    port: int
    addresses: tuple[str, ...]


def check_url(url: str, policy: FetchPolicy) -> None:
    """Refuse (``FetchRefused``) what ``fetch`` would refuse before
    connecting, and when the host does not resolve (a name that does not
    resolve is the URL's fault far more often than the resolver's); a
    resolver that takes longer than ``policy.timeout`` is a ``BadGateway``."""
    _check(url, policy, time.monotonic() + policy.timeout)


def _check(url: str | httpx.URL, policy: FetchPolicy, deadline: float) -> _Target:
    shown = _show(url)
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise FetchRefused(f"refusing to fetch {shown}: not a valid URL ({exc})") from None
    if parsed.scheme not in _PORTS:
        raise FetchRefused(f"refusing to fetch {shown}: only http and https URLs are fetched")
    if parsed.userinfo:
        raise FetchRefused(f"refusing to fetch {shown}: URLs with credentials are not fetched")
    host = parsed.raw_host.decode("ascii")
    if not host:
        raise FetchRefused(f"refusing to fetch {shown}: the URL has no host")
    port = parsed.port or _PORTS[parsed.scheme]
    name = host.rstrip(".")
    by_name = name in policy._hosts
    if name in _METADATA_HOSTS and not by_name:
        raise FetchRefused(f"refusing to fetch {shown}: {name} is a cloud metadata service")
    addresses = _addresses(host, port, policy, deadline)
    for address in () if by_name else addresses:
        ip = ipaddress.ip_address(address)
        reason = _not_public(ip)
        if reason and not policy._allows(ip):
            said = f"{host} is" if address == host else f"{host} resolves to {address},"
            raise FetchRefused(f"refusing to fetch {shown}: {said} {reason}")
    return _Target(parsed, host, port, addresses)


def _addresses(host: str, port: int, policy: FetchPolicy, deadline: float) -> tuple[str, ...]:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return (host,)
    try:
        addresses = _resolve_by(deadline, host, port, policy)
    except (OSError, UnicodeError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise FetchRefused(f"cannot resolve the host {host} ({reason})") from exc
    if not addresses:
        raise FetchRefused(f"cannot resolve the host {host} (no address)")
    return addresses


def _resolve_by(deadline: float, host: str, port: int, policy: FetchPolicy) -> tuple[str, ...]:
    """``policy.resolve(host, port)``, or ``BadGateway`` when it has not
    answered by ``deadline``. The look-up runs in a daemon thread:
    ``getaddrinfo`` cannot be interrupted, so one that is left behind ends
    when the system resolver gives up (and never holds the process open)."""
    answer: list[tuple[str, ...] | BaseException] = []
    done = threading.Event()

    def look_up() -> None:
        try:
            answer.append(tuple(policy.resolve(host, port)))
        except BaseException as exc:  # handed to the fetch, which raises it
            answer.append(exc)
        finally:
            done.set()

    left = deadline - time.monotonic()
    if left > 0:
        threading.Thread(target=look_up, name="sourcediff-resolve", daemon=True).start()
    if left <= 0 or not done.wait(left):
        raise BadGateway(f"resolving {host} took longer than {policy.timeout:g} s")
    found = answer[0]
    if isinstance(found, BaseException):
        raise found
    return found


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.ipv4_mapped or ip.sixtofour


def _not_public(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be fetched from ("a loopback address"), or
    ``None`` for a public address."""
    inner = _embedded_ipv4(ip)
    if inner is not None:
        reason = _not_public(inner)
        return reason and f"{reason} ({inner} inside an IPv6 address)"
    checks = [
        (ip in _METADATA_ADDRESSES, "the cloud metadata service's address"),
        (ip.is_unspecified, "an unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "a site-local address"),
        (ip in _NOT_GLOBAL[0], "a shared (carrier-grade NAT) address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (not ip.is_global or any(ip in net for net in _NOT_GLOBAL), "not a public address"),
    ]
    return next((reason for bad, reason in checks if bad), None)


def _show(url: object) -> str:
    text = str(url)
    return text if len(text) <= 200 else text[:199] + "…"


# The hop under way in this context: the only connection the pinned backend
# makes; and the deadline of the fetch it belongs to, which bounds every
# connect, read and write on its connection.
_PINNED: ContextVar[_Target | None] = ContextVar("sourcediff_fetch_pinned", default=None)
_DEADLINE: ContextVar[float | None] = ContextVar("sourcediff_fetch_deadline", default=None)
# A write is sent this much at a time, each piece with what is left of the
# deadline (a receiver that takes a body slowly cannot stretch one send).
_WRITE_PIECE = 16 * 1024


@contextmanager
def _pinned(target: _Target, deadline: float) -> Iterator[None]:
    token = _PINNED.set(target)
    deadline_token = _DEADLINE.set(deadline)
    try:
        yield
    finally:
        _DEADLINE.reset(deadline_token)
        _PINNED.reset(token)


def _within(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` cut to what is left of the deadline of the fetch under
    way; ``error`` once nothing is left. Read when each operation starts, so
    a pooled connection is bounded by the deadline of the fetch using it."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise error("the fetch's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read, write and TLS handshake ends by the
    deadline of the fetch under way (httpcore's own timeouts apply to each
    operation alone: a byte every few seconds would never trip them)."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        for start in range(0, len(buffer), _WRITE_PIECE):
            piece = buffer[start : start + _WRITE_PIECE]
            self._stream.write(piece, _within(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self._stream.start_tls(
            ssl_context, server_hostname, _within(timeout, httpcore.ConnectTimeout)
        )
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _PinnedBackend(httpcore.NetworkBackend):
    """Connects only to the addresses checked for the hop under way."""

    def __init__(self) -> None:
        self._system = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        target = _PINNED.get()
        if target is None or (target.host, target.port) != (host, port):
            raise FetchRefused(f"refusing to connect to {host}:{port}: it was not checked")
        failure: httpcore.ConnectError | httpcore.ConnectTimeout | None = None
        for address in target.addresses:
            # Each address gets what is left of the deadline, not a timeout
            # of its own: five silent addresses are not five timeouts.
            left = _within(timeout, httpcore.ConnectTimeout)
            try:
                stream = self._system.connect_tcp(
                    address, port, left, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
            else:
                return _DeadlineStream(stream)
        assert failure is not None  # a target has at least one address
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        raise FetchRefused("refusing to connect to a Unix socket")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


# httpcore's errors as httpx's, most specific first (what httpx's own transport does).
_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
)


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except Exception as exc:
        for core_error, httpx_error in _ERRORS:
            if isinstance(exc, core_error):
                raise httpx_error(str(exc)) from exc
        raise


class _Stream(httpx.SyncByteStream):
    def __init__(self, stream: Iterable[bytes]) -> None:
        self._stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with _as_httpx_errors():
            yield from self._stream

    def close(self) -> None:
        close = getattr(self._stream, "close", None)
        if close is not None:
            close()


class _PinnedTransport(httpx.BaseTransport):
    """httpx's ``HTTPTransport`` over a ``_PinnedBackend`` (which
    ``HTTPTransport`` has no parameter for)."""

    def __init__(self) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_PinnedBackend()
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        url = request.url
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=url.raw_scheme, host=url.raw_host, port=url.port, target=url.raw_path
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = self._pool.handle_request(core_request)
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Stream(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        self._pool.close()


def make_client() -> httpx.Client:
    """A client whose connections go only to the addresses ``fetch`` (or
    ``post``) checked for the request under way; anything else it refuses.
    It ignores proxy and ``.netrc`` settings from the environment. Share
    one only among fetches with the same policy: a pooled connection is
    reused for its host name whichever policy let it open."""
    return httpx.Client(
        transport=_PinnedTransport(), trust_env=False, headers={"User-Agent": USER_AGENT}
    )


def fetch(
    url: str,
    policy: FetchPolicy,
    *,
    accept: Sequence[str] = HTML_TYPES,
    etag: str | None = None,
    last_modified: str | None = None,
    client: httpx.Client | None = None,
) -> Fetched:
    """GET ``url`` under ``policy`` (see the module's rules), following
    redirects; the answer must be one of the ``accept`` media types. Pass a
    ``client`` (``make_client``) so that many fetches share connections;
    one is made, and closed, for this fetch otherwise."""
    accepted = tuple(media_type.lower() for media_type in accept)
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(accepted),
        "Accept-Encoding": "gzip, deflate",
    }
    if etag is not None:
        headers["If-None-Match"] = etag
    if last_modified is not None:
        headers["If-Modified-Since"] = last_modified
    deadline = time.monotonic() + policy.timeout
    current: str | httpx.URL = url
    with make_client() if client is None else nullcontext(client) as http:
        for _ in range(policy.max_redirects + 1):
            target = _check(current, policy, deadline)
            with _origin_errors(target.url, policy), _pinned(target, deadline):
                request = http.build_request(
                    "GET", target.url, headers=headers, timeout=_left(deadline, target, policy)
                )
                response = http.send(request, stream=True, follow_redirects=False)
                try:
                    if not response.has_redirect_location:
                        return _read(
                            response, target, policy, accepted, deadline, etag, last_modified
                        )
                    current = _location(response, target)
                finally:
                    response.close()
    raise BadGateway(f"{_show(url)} redirected more than {policy.max_redirects} times")


def post(
    url: str,
    content: bytes,
    headers: Mapping[str, str],
    policy: FetchPolicy,
    *,
    client: httpx.Client | None = None,
) -> int:
    """POST ``content`` to ``url`` with ``headers`` (over the default
    ``User-Agent``) and return the answer's status, whatever it is: a
    redirect is not followed but returned, and the answer's body is not
    read. Refusals and failures to get an answer in ``policy.timeout`` are
    raised as for ``fetch``, and the whole of it, DNS included, ends
    within ``policy.timeout``."""
    deadline = time.monotonic() + policy.timeout
    target = _check(url, policy, deadline)
    sent = httpx.Headers({"User-Agent": USER_AGENT})
    sent.update(headers)
    with (
        make_client() if client is None else nullcontext(client) as http,
        _origin_errors(target.url, policy),
        _pinned(target, deadline),
    ):
        request = http.build_request(
            "POST",
            target.url,
            content=content,
            headers=sent,
            timeout=_left(deadline, target, policy),
        )
        response = http.send(request, stream=True, follow_redirects=False)
        response.close()
        return response.status_code


def _left(deadline: float, target: _Target, policy: FetchPolicy) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise BadGateway(f"{_show(target.url)} did not answer within {policy.timeout:g} s")
    return left


def _location(response: httpx.Response, target: _Target) -> httpx.URL:
    location = response.headers["Location"]
    try:
        return target.url.join(location)
    except httpx.InvalidURL:
        raise BadGateway(
            f"{_show(target.url)} redirected to an invalid URL: {_show(location)}"
        ) from None


@contextmanager
def _origin_errors(url: httpx.URL, policy: FetchPolicy) -> Iterator[None]:
    try:
        yield
    except httpx.TimeoutException as exc:
        raise BadGateway(f"{_show(url)} did not answer within {policy.timeout:g} s") from exc
    except httpx.ConnectError as exc:
        raise BadGateway(f"cannot connect to {url.host}: {exc or 'connection failed'}") from exc
    except httpx.HTTPError as exc:
        failure = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise BadGateway(f"fetching {_show(url)} failed ({failure})") from exc


def _read(
    response: httpx.Response,
    target: _Target,
    policy: FetchPolicy,
    accepted: tuple[str, ...],
    deadline: float,
    etag: str | None,
    last_modified: str | None,
) -> Fetched:
    shown = _show(target.url)
    status = response.status_code
    if status == 304 and (etag is not None or last_modified is not None):
        etag = response.headers.get("ETag", etag)
        last_modified = response.headers.get("Last-Modified", last_modified)
        return Fetched(str(target.url), 304, b"", "", None, etag, last_modified)
    if status != 200:
        phrase = httpx.codes.get_reason_phrase(status)
        raise BadGateway(f"{shown} answered {status} {phrase}".rstrip())
    media_type, charset = _media_type(response.headers.get("Content-Type", ""))
    if not media_type:
        raise FetchRefused(f"refusing {shown}: the answer has no content type")
    if media_type not in accepted:
        wanted = ", ".join(accepted)
        raise FetchRefused(
            f"refusing {shown}: its content type {media_type} is not one of {wanted}"
        )
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > policy.max_bytes:
        raise FetchRefused(
            f"refusing {shown}: its Content-Length, {int(length)} bytes, "
            f"is over the limit of {policy.max_bytes} bytes"
        )
    body = bytearray()
    for chunk in response.iter_bytes():
        body += chunk
        if len(body) > policy.max_bytes:
            raise FetchRefused(
                f"refusing {shown}: its body is over the limit of {policy.max_bytes} bytes"
            )
        _left(deadline, target, policy)
    return Fetched(
        url=str(target.url),
        status=200,
        content=bytes(body),
        content_type=media_type,
        charset=charset,
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
    )


def _media_type(value: str) -> tuple[str, str | None]:
    """``("text/html", "utf-8")`` from ``'text/html; charset="UTF-8"'``."""
    media_type, *params = value.split(";")
    charset = None
    for param in params:
        key, _, param_value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = param_value.strip().strip('"').lower() or None
    return media_type.strip().lower(), charset
