"""Prometheus metrics, counted in every worker and served summed at ``/metrics``.

The metrics (each a prometheus_client metric, labelled as shown):

- ``REQUESTS``: ``sourcediff_http_requests_total{method, route, status}``;
  ``route`` is the route's template (``/v1/articles/{article_id}``), or
  ``unmatched`` for a path no route knows, so ids never become labels.
- ``REQUEST_DURATION``: ``sourcediff_http_request_duration_seconds{method,
  route}``, a histogram, until the response is sent.
- ``COMPARISONS``: ``sourcediff_comparisons_total{outcome}``, comparisons
  that completed: ``matched`` (at least one pair of quotations), ``unmatched``
  (quotations on both sides, none matched) or ``no_quotes`` (a side has no
  quotation). Failed ones are errors below. ``count_comparison(c)`` labels one;
  ``comparison_outcome(c)`` is its label, for work that runs in another
  process and is counted in the server's.
- ``INGESTS``: ``sourcediff_ingests_total{result}``, answers of
  ``POST /v1/articles``: ``created`` or ``unchanged`` (a replayed
  ``Idempotency-Key`` counts its first answer again).
- ``ERRORS``: ``sourcediff_errors_total{type}``, problem responses by type
  slug (``not-found``, ``internal-error``, ...).

Several workers: a metric lives in the process that counts it, so with
several uvicorn workers each would serve its own numbers. Set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory, writable by the
workers, before they start (prometheus_client reads it when the first
metric value is made): every worker then writes its values to files there,
and ``/metrics``, whichever worker answers, sums the files of all workers,
dead ones included, so counters never go back. Empty the directory between
runs of the service (``docker/entrypoint.sh`` does). Without the variable
the metrics live in the process and ``/metrics`` also shows the process's
own CPU, memory and garbage-collector metrics.

>>> from service.core import compare_texts
>>> outcome_of = lambda a, b: comparison_outcome(compare_texts(a, b))
>>> outcome_of('"Yes," he said.', '"Yes," she said.'), outcome_of('"Yes."', "No.")
('matched', 'no_quotes')
"""

from __future__ import annotations

import os
from collections.abc import Callable

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.exposition import choose_encoder
from prometheus_client.multiprocess import MultiProcessCollector

from service.core import Comparison

__all__ = [
    "COMPARISONS",
    "ERRORS",
    "INGESTS",
    "REQUESTS",
    "REQUEST_DURATION",
    "comparison_outcome",
    "count_comparison",
    "exposition",
]

MULTIPROC_DIR_VARIABLE = "PROMETHEUS_MULTIPROC_DIR"

# Comparing long articles takes seconds; the default buckets stop at 10 s.
_DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)

REQUESTS = Counter(
    "sourcediff_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
REQUEST_DURATION = Histogram(
    "sourcediff_http_request_duration_seconds",
    "Time from a request's arrival until its response was sent.",
    ["method", "route"],
    buckets=_DURATION_BUCKETS,
)
COMPARISONS = Counter(
    "sourcediff_comparisons",
    "Comparisons completed, by outcome (matched, unmatched, no_quotes).",
    ["outcome"],
)
INGESTS = Counter(
    "sourcediff_ingests",
    "Article versions submitted, by result (created, unchanged).",
    ["result"],
)
ERRORS = Counter(
    "sourcediff_errors",
    "Problem responses sent, by problem type slug.",
    ["type"],
)


def comparison_outcome(comparison: Comparison) -> str:
    """The label ``comparison`` is counted under in ``COMPARISONS``."""
    if not comparison.left.quotes or not comparison.right.quotes:
        return "no_quotes"
    return "matched" if comparison.alignment.matches else "unmatched"


def count_comparison(comparison: Comparison) -> None:
    """Count one completed comparison under its outcome."""
    COMPARISONS.labels(outcome=comparison_outcome(comparison)).inc()


def exposition(accept: str | None) -> tuple[bytes, str]:
    """The text of ``/metrics``: the metrics of this process, or of every
    worker in multiprocess mode, encoded as ``accept`` prefers (OpenMetrics
    when it asks for it); and their content type."""
    encode: Callable[[CollectorRegistry], bytes]
    encode, content_type = choose_encoder(accept or "")
    if os.environ.get(MULTIPROC_DIR_VARIABLE):
        # A registry per scrape, as prometheus_client prescribes: the
        # collector reads the workers' files each time.
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return encode(registry), content_type
    return encode(REGISTRY), content_type
