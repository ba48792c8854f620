# Sourcediff service image: docker build -t sourcediff . && docker run -p 8000:8000 sourcediff
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY migrations ./migrations
RUN pip install . \
    && useradd --system --create-home --uid 10001 sourcediff \
    && mkdir /data \
    && chown sourcediff /data

USER sourcediff
WORKDIR /data
ENV SOURCEDIFF_MIGRATIONS_DIR=/app/migrations \
    SOURCEDIFF_HOST=0.0.0.0 \
    SOURCEDIFF_PORT=8000 \
    SOURCEDIFF_WORKERS=2 \
    SOURCEDIFF_DATABASE_URL=sqlite:////data/sourcediff.db
EXPOSE 8000
VOLUME ["/data"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ['SOURCEDIFF_PORT'], timeout=4)"

# exec: uvicorn becomes PID 1 and gets the stop signal.
CMD ["sh", "-c", "exec uvicorn service.main:app --host \"$SOURCEDIFF_HOST\" --port \"$SOURCEDIFF_PORT\" --workers \"$SOURCEDIFF_WORKERS\""]
