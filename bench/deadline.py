"""Issue 15's slow compare against a running server: 1,000,000 “ as one side
of ``POST /v1/compare``, the time until it is answered, and how fast
``/healthz`` answers meanwhile.

    python bench/deadline.py                 # starts servers itself (SQLite, keys off)
    python bench/deadline.py --url http://127.0.0.1:8000 [--key sdk_…]
    python bench/deadline.py --chars 5000000 # a larger side (the limits are raised)

Without ``--url`` it runs the comparison against three servers it starts
(``tests/serving.py``), one after the other:

- ``pool``: the defaults (the comparison goes to a worker process, with the
  default deadline of 5 s);
- ``pool, 1 s deadline``: ``SOURCEDIFF_COMPUTE_TIMEOUT_SECONDS=1``, to see a
  ``too-complex`` answer arrive;
- ``threads``: ``SOURCEDIFF_COMPUTE_INLINE_CHARS`` so large that the
  comparison runs in the server's thread pool, as before the worker pool.

For each: ``/healthz`` asked 40 times on an idle server (the baseline), then
the comparison sent on one connection while ``/healthz`` is asked every
50 ms on another until the comparison is answered. Printed: the
comparison's status (and problem type) and time, and ``/healthz``'s median,
p99 and worst latency idle and during, with the ratio during / idle.

No figure here is asserted anywhere: timings are for reading, not for CI.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.serving import Server


def _healthz(client: httpx.Client) -> float:
    started = time.perf_counter()
    client.get("/healthz").raise_for_status()
    return time.perf_counter() - started


def _p99(values: list[float]) -> float:
    # "inclusive": a p99 within the values seen (the default extrapolates
    # past the maximum on few samples).
    return (
        statistics.quantiles(values, n=100, method="inclusive")[-1]
        if len(values) > 1
        else values[0]
    )


def _ms(values: list[float]) -> str:
    return (
        f"p50 {statistics.median(values) * 1000:7.2f} ms, p99 {_p99(values) * 1000:7.2f} ms, "
        f"max {max(values) * 1000:7.2f} ms"
    )


def measure(url: str, chars: int, key: str | None) -> None:
    headers = {"content-type": "application/json"}
    if key:
        headers["authorization"] = f"Bearer {key}"
    body = {"left": {"text": "“" * chars}, "right": {"text": '"We win," she said.'}}
    payload = json.dumps(body, ensure_ascii=False).encode()
    with (
        httpx.Client(base_url=url, timeout=30) as health,
        httpx.Client(base_url=url, timeout=3600) as comparing,
    ):
        idle = [_healthz(health) for _ in range(40)]
        answer: dict[str, object] = {}

        def compare() -> None:
            started = time.perf_counter()
            response = comparing.post("/v1/compare", content=payload, headers=headers)
            answer["seconds"] = time.perf_counter() - started
            answer["status"] = response.status_code
            if response.headers.get("content-type") == "application/problem+json":
                answer["type"] = response.json()["type"].rsplit(":", 1)[-1]
                answer["detail"] = response.json()["detail"]

        worker = threading.Thread(target=compare)
        worker.start()
        during: list[float] = []
        while worker.is_alive():
            during.append(_healthz(health))
            time.sleep(0.05)
        worker.join()
    kind = f" {answer['type']}" if "type" in answer else ""
    print(f"  compare: {answer['status']}{kind} in {answer['seconds']:.2f} s")
    if "detail" in answer:
        print(f"    detail: {answer['detail']}")
    print(f"  /healthz idle   ({len(idle):>3} calls): {_ms(idle)}")
    if during:
        ratio = statistics.median(during) / statistics.median(idle)
        worst = max(during) / statistics.median(idle)
        print(f"  /healthz during ({len(during):>3} calls): {_ms(during)}")
        print(f"  during / idle: p50 {ratio:.2f}x, max {worst:.1f}x the idle p50")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running server (else three are started)")
    parser.add_argument("--key", help="an API key, when the server needs one")
    parser.add_argument("--chars", type=int, default=1_000_000, help="“ on the left side")
    args = parser.parse_args()
    print(f"POST /v1/compare with {args.chars:,} “ on one side")
    if args.url:
        measure(args.url, args.chars, args.key)
        return
    limits = {
        "SOURCEDIFF_AUTH_DISABLED": "1",
        "SOURCEDIFF_BACKGROUND": "0",
        "SOURCEDIFF_LOG_LEVEL": "WARNING",
        "SOURCEDIFF_MAX_TEXT_CHARS": str(max(args.chars, 1_000_000)),
        "SOURCEDIFF_MAX_BODY_BYTES": str(max(3 * args.chars + 1_000_000, 5 * 1024 * 1024)),
    }
    servers = [
        ("pool (defaults: 5 s deadline)", {}),
        ("pool, 1 s deadline", {"SOURCEDIFF_COMPUTE_TIMEOUT_SECONDS": "1"}),
        ("threads (as before the pool)", {"SOURCEDIFF_COMPUTE_INLINE_CHARS": str(10**12)}),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, env) in enumerate(servers):
            print(f"{name}:")
            with Server(f"sqlite:///{tmp}/{i}.db", env={**limits, **env}) as server:
                measure(server.url, args.chars, None)


if __name__ == "__main__":
    main()
