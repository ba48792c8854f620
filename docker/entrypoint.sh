#!/bin/sh
# Entry point of the Sourcediff image.
#
#   (no arguments) or "serve"   uvicorn with $SOURCEDIFF_WORKERS workers
#   anything else               run it, e.g. `sourcediff db upgrade`
#
# Several workers share their Prometheus metrics through files in
# $PROMETHEUS_MULTIPROC_DIR (see service/metrics.py). The directory is made
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
    # Each request is logged by the app (JSON, with its id and route), so
    # uvicorn's own access log is off.
    set -- uvicorn service.main:app \
        --host "$SOURCEDIFF_HOST" \
        --port "$SOURCEDIFF_PORT" \
        --workers "$SOURCEDIFF_WORKERS" \
        --no-access-log
fi

# exec: the server becomes PID 1 and gets the stop signal.
exec "$@"
