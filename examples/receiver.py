"""A webhook receiver to try Sourcediff's webhooks on one machine: it answers
every POST with 204 and prints the delivery on standard error, as
``http.server`` logs (its ``webhook-id`` and body, a line each), so you can
watch events arrive.

    python3 examples/receiver.py 8001 &

Register ``http://127.0.0.1:8001/sourcediff`` as the webhook's URL, with the
service started with ``SOURCEDIFF_FETCH_ALLOW=127.0.0.1`` (Sourcediff sends
nothing to loopback otherwise). It needs only the standard library and
checks no signature: a real receiver verifies the ``webhook-signature``
header with the subscription's secret (the ``standardwebhooks`` library
does it).
"""

from __future__ import annotations

import contextlib
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["Receiver", "main"]


class Receiver(BaseHTTPRequestHandler):
    """Prints each POST's ``webhook-id`` and body, and answers 204."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace")
        print(f"{self.headers.get('webhook-id')} {body}", file=sys.stderr, flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the deliveries are the output."""


def main(argv: list[str]) -> int:
    port = int(argv[1]) if len(argv) > 1 else 8001
    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    print(f"receiving webhooks on http://127.0.0.1:{port}/", file=sys.stderr, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
