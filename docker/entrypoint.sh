#!/bin/sh
# Entry point of the Sourcediff image.
#
#   (no arguments) or "serve"   uvicorn with $SOURCEDIFF_WORKERS workers
#   anything else               run it, e.g. `sourcediff db upgrade`
#
# Several workers share their Prometheus metrics through files in
# $PROMETHEUS_MULTIPROC_DIR (see service/platform/metrics.py). The directory is made
# here, and emptied first: files left by an earlier run would be added to
# this run's counters.
set -eu

if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
    # Only prometheus_client's own files (counter_<pid>.db, ...), whatever
    # the variable points at.
    find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -type f -name '*.db' -delete
fi

if [ "$#" -eq 0 ] || [ "$1" = "serve" ]; then
    # `sourcediff serve` runs uvicorn with $SOURCEDIFF_WORKERS workers, the
    # app's own JSON access log, and TCP_NODELAY on every worker's
    # connections (see service/http/server.py).
    set -- sourcediff serve
fi

# exec: the server becomes PID 1 and gets the stop signal.
exec "$@"
