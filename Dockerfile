# Sourcediff service image: docker build -t sourcediff . && docker run -p 8000:8000 sourcediff
#
# By default the database is a SQLite file in the /data volume, created and
# migrated at start. With several workers (or several containers), prefer
# PostgreSQL; migrate it once before the servers start, then run them:
#
#   docker run --rm -e SOURCEDIFF_DATABASE_URL=postgresql://sourcediff:PASSWORD@db:5432/sourcediff \
#       sourcediff sourcediff db upgrade
#   docker run -d -p 8000:8000 -e SOURCEDIFF_WORKERS=4 \
#       -e SOURCEDIFF_DATABASE_URL=postgresql://sourcediff:PASSWORD@db:5432/sourcediff sourcediff
#
# docker-compose.yml does exactly this with a PostgreSQL container.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY migrations ./migrations
COPY docker/entrypoint.sh ./docker/entrypoint.sh
RUN pip install . \
    && chmod 0755 /app/docker/entrypoint.sh \
    && useradd --system --create-home --uid 10001 sourcediff \
    && mkdir /data \
    && chown sourcediff /data

USER sourcediff
WORKDIR /data
# PROMETHEUS_MULTIPROC_DIR: the workers' shared metrics files; the
# entrypoint creates and empties it at each start (see service/platform/metrics.py).
ENV SOURCEDIFF_MIGRATIONS_DIR=/app/migrations \
    SOURCEDIFF_HOST=0.0.0.0 \
    SOURCEDIFF_PORT=8000 \
    SOURCEDIFF_WORKERS=2 \
    SOURCEDIFF_DATABASE_URL=sqlite:////data/sourcediff.db \
    SOURCEDIFF_LOG_JSON=true \
    PROMETHEUS_MULTIPROC_DIR=/tmp/sourcediff-metrics
EXPOSE 8000
VOLUME ["/data"]

# Liveness only: /readyz (database up, schema current) is for load balancers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['SOURCEDIFF_PORT'], timeout=4)"

# The entrypoint prepares the metrics directory, then runs uvicorn with
# $SOURCEDIFF_WORKERS workers ("serve"), or any command given instead.
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["serve"]
