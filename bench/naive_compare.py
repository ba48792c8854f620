"""The afternoon script of issue 18, served by the standard library: the
baseline that ``POST /v1/compare`` is timed against over HTTP.

What a newsroom developer could write in an afternoon: one regular
expression for quotations, a ``difflib.SequenceMatcher`` ratio for every
pair of them, greedy one-to-one matching above a cutoff, and a word diff
(``get_opcodes``) of each matched pair; answered as JSON in the shape of
Sourcediff's body (quotes, matches, one-sided ids) by ``http.server`` with
HTTP/1.1 keep-alive, so that both services are timed the same way::

    python bench/naive_compare.py --port 8190          # serve until stopped
    curl -s localhost:8190/v1/compare -d '{"left": {"text": "..."}, "right": {"text": "..."}}'

``bench/vs_naive.py`` starts it itself. It needs nothing but the standard
library (its quality is far below Sourcediff's: held-out match F1 0.83
against 0.95), and nothing here is used by the service.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import sys
from difflib import SequenceMatcher
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["naive_compare", "serve"]

_QUOTE = re.compile(r"[\"“”„«»]([^\"“”„«»\n]+)[\"“”„«»]")
_WORD = re.compile(r"\w+")


def naive_compare(left: str, right: str, *, cutoff: float = 0.5) -> dict[str, Any]:
    """Quotes by one regex, every pair scored by ``SequenceMatcher.ratio``,
    greedy one-to-one matching above ``cutoff``, ``get_opcodes`` word diffs.

    >>> body = naive_compare('"No deal," he said.', 'She said: "No deal."')
    >>> [(m["left"], m["right"], m["relation"]) for m in body["matches"]]
    [('L1', 'R1', 'identical')]
    """
    lq = [(m.group(1), m.start(1), m.end(1)) for m in _QUOTE.finditer(left)]
    rq = [(m.group(1), m.start(1), m.end(1)) for m in _QUOTE.finditer(right)]
    lkeys = [_WORD.findall(q[0].lower()) for q in lq]
    rkeys = [_WORD.findall(q[0].lower()) for q in rq]
    scored = []
    sm = SequenceMatcher(None, autojunk=False)
    for j, b in enumerate(rkeys):
        sm.set_seq2(b)  # SequenceMatcher caches what it knows about seq2
        for i, a in enumerate(lkeys):
            sm.set_seq1(a)
            ratio = sm.ratio()
            if ratio >= cutoff:
                scored.append((ratio, i, j))
    scored.sort(key=lambda s: (-s[0], s[1], s[2]))
    taken_l: set[int] = set()
    taken_r: set[int] = set()
    matches = []
    for ratio, i, j in scored:
        if i in taken_l or j in taken_r:
            continue
        taken_l.add(i)
        taken_r.add(j)
        lw, rw = lq[i][0].split(), rq[j][0].split()
        ops = SequenceMatcher(None, lw, rw, autojunk=False).get_opcodes()
        matches.append(
            {
                "left": f"L{i + 1}",
                "right": f"R{j + 1}",
                "relation": "identical" if lkeys[i] == rkeys[j] else "reworded",
                "score": round(100 * ratio, 1),
                "diff": [
                    {"op": tag, "left": " ".join(lw[i1:i2]), "right": " ".join(rw[j1:j2])}
                    for tag, i1, i2, j1, j2 in ops
                ],
            }
        )

    def side(quotes: list[tuple[str, int, int]], prefix: str) -> dict[str, Any]:
        return {
            "quotes": [
                {"id": f"{prefix}{n}", "text": t, "start": s, "end": e, "speaker": None}
                for n, (t, s, e) in enumerate(quotes, 1)
            ]
        }

    return {
        "left": side(lq, "L"),
        "right": side(rq, "R"),
        "matches": matches,
        "left_only": [f"L{i + 1}" for i in range(len(lq)) if i not in taken_l],
        "right_only": [f"R{j + 1}" for j in range(len(rq)) if j not in taken_r],
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the benchmark's client uses
    # The head and the body are two writes: without this, Nagle holds the
    # second until the client's delayed ACK, 40 ms a request.
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        if self.path != "/v1/compare":
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length", "0"))
        try:
            request = json.loads(self.rfile.read(length))
            body = naive_compare(request["left"]["text"], request["right"]["text"])
        except (ValueError, KeyError, TypeError):
            self.send_error(422)
            return
        content = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # a log line per request is not what is being compared


def serve(host: str, port: int) -> None:
    """Answer ``POST /v1/compare`` on ``host:port`` until interrupted."""
    with ThreadingHTTPServer((host, port), _Handler) as server:
        server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8190)
    args = ap.parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt):
        serve(args.host, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
