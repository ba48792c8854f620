"""Request ids, JSON logs, /readyz and /metrics (service.http.observability,
service.platform.logs, service.platform.metrics), in process and under a real uvicorn with
two workers."""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, text

from service.http import create_app
from service.platform.config import Settings
from service.platform.db import make_engine
from service.platform.deps import get_engine
from service.platform.logs import configure_logging
from tests.problems import check_problem
from tests.serving import Server

# Auth (API keys) may or may not be in this tree yet: turn it off if it is.
NO_AUTH: dict[str, Any] = (
    {"auth_disabled": True} if "auth_disabled" in Settings.model_fields else {}
)
NO_AUTH_ENV = {"SOURCEDIFF_AUTH_DISABLED": "true"}

LEFT = '"We will not export them," an official said.'
RIGHT = 'She said: "We will never export them."'
COMPARE_BODY = {"left": {"text": LEFT}, "right": {"text": RIGHT}}


def _settings(database_url: str, **overrides: Any) -> Settings:
    return Settings(database_url=database_url, **{**NO_AUTH, **overrides})


@pytest.fixture
def app_settings(tmp_path: Path) -> Settings:
    return _settings(f"sqlite:///{tmp_path / 'sourcediff.db'}")


@pytest.fixture
def app(app_settings: Settings) -> FastAPI:
    return create_app(app_settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


# Logs ----------------------------------------------------------------------

_TOUCHED_LOGGERS = ("", "uvicorn", "uvicorn.error", "uvicorn.access", "alembic.runtime.migration")


@pytest.fixture
def use_logging() -> Iterator[Callable[[Settings], None]]:
    """``configure_logging`` for one test: the loggers it changes are put
    back afterwards, so other tests log as before."""
    saved = []
    for name in _TOUCHED_LOGGERS:
        logger = logging.getLogger(name)
        saved.append(
            (logger, logger.handlers[:], logger.filters[:], logger.level, logger.propagate)
        )
    yield configure_logging
    for logger, handlers, filters, level, propagate in saved:
        logger.handlers[:] = handlers
        logger.filters[:] = filters
        logger.setLevel(level)
        logger.propagate = propagate


def json_lines(err: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in err.splitlines() if line.startswith("{")]


def access_records(err: str) -> list[dict[str, Any]]:
    return [r for r in json_lines(err) if r.get("logger") == "sourcediff.access"]


def test_request_id_echoed_and_logged_as_json(
    client: TestClient,
    use_logging: Callable[[Settings], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_logging(Settings(log_json=True, log_level="info"))
    capsys.readouterr()
    response = client.get("/healthz", headers={"X-Request-ID": "trace-42/abc"})
    assert response.headers["x-request-id"] == "trace-42/abc"

    [record] = access_records(capsys.readouterr().err)
    assert record["request_id"] == "trace-42/abc"
    assert record["method"] == "GET"
    assert record["route"] == "/healthz"
    assert record["status"] == 200
    assert isinstance(record["duration_ms"], float | int) and record["duration_ms"] >= 0
    assert record["client"] == "testclient"
    assert record["level"] == "INFO" and record["time"] and isinstance(record["pid"], int)


@pytest.mark.parametrize(
    "sent",
    [None, "", "has space", "x" * 129, "naïve", "tab\tinside"],
    ids=["absent", "empty", "space", "too-long", "non-ascii", "control"],
)
def test_request_id_generated_unless_sane(client: TestClient, sent: str | None) -> None:
    headers = {} if sent is None else {"X-Request-ID": sent.encode()}
    response = client.get("/healthz", headers=headers)
    generated = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert client.get("/healthz").headers["x-request-id"] != generated  # a new one each time


def test_request_id_up_to_128_visible_characters_is_kept(client: TestClient) -> None:
    sent = "A-~!" * 32
    assert client.get("/healthz", headers={"X-Request-ID": sent}).headers["x-request-id"] == sent


def test_problem_body_carries_the_request_id_and_log_the_route_template(
    client: TestClient,
    use_logging: Callable[[Settings], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_logging(Settings(log_json=True))
    capsys.readouterr()
    response = client.get("/v1/articles/no-such-article", headers={"X-Request-ID": "rid-404"})
    body = check_problem(response, 404)
    assert body["request_id"] == "rid-404" == response.headers["x-request-id"]

    generated = client.get("/v1/articles/no-such-article")
    assert check_problem(generated, 404)["request_id"] == generated.headers["x-request-id"]

    err = capsys.readouterr().err
    first, second = access_records(err)
    assert first["route"] == "/v1/articles/{article_id}"
    assert (first["status"], first["request_id"]) == (404, "rid-404")
    assert second["request_id"] == generated.headers["x-request-id"]
    assert "no-such-article" not in json.dumps([first, second])  # nor is the raw path


def test_unknown_route_and_wrong_method(
    client: TestClient,
    use_logging: Callable[[Settings], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_logging(Settings(log_json=True))
    capsys.readouterr()
    unknown = client.get("/no/such/route", headers={"X-Request-ID": "rid-unknown"})
    assert check_problem(unknown, 404)["request_id"] == "rid-unknown"
    assert check_problem(client.delete("/healthz"), 405)["request_id"]
    unmatched, wrong_method = access_records(capsys.readouterr().err)
    assert (unmatched["route"], unmatched["status"]) == (None, 404)
    assert (wrong_method["route"], wrong_method["status"]) == ("/healthz", 405)


def test_body_limit_rejection_carries_the_request_id(tmp_path: Path) -> None:
    settings = _settings(f"sqlite:///{tmp_path / 'db.sqlite'}", max_body_bytes=100)
    with TestClient(create_app(settings), raise_server_exceptions=False) as small:
        response = small.post(
            "/v1/compare", content=b"x" * 200, headers={"Content-Type": "application/json"}
        )
    assert check_problem(response, 413)["request_id"] == response.headers["x-request-id"]


def test_server_error_log_and_body_carry_the_request_id(
    app: FastAPI,
    use_logging: Callable[[Settings], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    @app.get("/boom/{n}")
    def boom(n: int) -> None:
        raise RuntimeError("kaboom")

    use_logging(Settings(log_json=True))
    with TestClient(app, raise_server_exceptions=False) as client:
        capsys.readouterr()
        response = client.get("/boom/1", headers={"X-Request-ID": "rid-500"})
    body = check_problem(response, 500)
    assert body["request_id"] == "rid-500" == response.headers["x-request-id"]

    records = json_lines(capsys.readouterr().err)
    [error] = [r for r in records if r["level"] == "ERROR"]
    assert error["request_id"] == "rid-500"
    assert "RuntimeError: kaboom" in error["exc_info"]
    [access] = [r for r in records if r["logger"] == "sourcediff.access"]
    assert (access["route"], access["status"], access["request_id"]) == (
        "/boom/{n}",
        500,
        "rid-500",
    )


def test_plain_text_logs(
    client: TestClient,
    use_logging: Callable[[Settings], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_logging(Settings(log_json=False))
    capsys.readouterr()
    client.get("/healthz", headers={"X-Request-ID": "rid-text"})
    logging.getLogger("tests").warning("outside any request")
    err = capsys.readouterr().err
    assert not json_lines(err)
    assert re.search(
        r" INFO sourcediff\.access \[rid-text\] GET /healthz 200 [0-9.]+ms$", err, re.M
    )
    assert re.search(r" WARNING tests \[-\] outside any request$", err, re.M)


def test_servers_app_configures_logging_when_it_starts(
    app_settings: Settings,
    use_logging: Callable[[Settings], None],
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = create_app(app_settings, configure_logs=True)
    with TestClient(app) as client:
        capsys.readouterr()
        client.get("/healthz", headers={"X-Request-ID": "rid-start"})
    [record] = access_records(capsys.readouterr().err)
    assert record["request_id"] == "rid-start"


def test_log_level_applies(
    use_logging: Callable[[Settings], None], capsys: pytest.CaptureFixture[str]
) -> None:
    use_logging(Settings(log_level="warning"))
    logging.getLogger("tests").info("hidden")
    logging.getLogger("tests").warning("shown")
    assert [r["message"] for r in json_lines(capsys.readouterr().err)] == ["shown"]


# Readiness -----------------------------------------------------------------


def test_healthz_and_readyz_on_a_migrated_database(engine: Engine, database_url: str) -> None:
    with TestClient(create_app(_settings(database_url))) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


def _readyz_with(app: FastAPI, engine: Engine) -> httpx.Response:
    app.dependency_overrides[get_engine] = lambda: engine
    with TestClient(app, raise_server_exceptions=False) as client:
        live = client.get("/healthz")
        response: httpx.Response = client.get("/readyz")
    assert live.status_code == 200  # liveness does not depend on the database
    return response


def test_readyz_503_on_a_sqlite_schema_behind(app: FastAPI, tmp_path: Path) -> None:
    unmigrated = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    try:
        response = _readyz_with(app, unmigrated)
    finally:
        unmigrated.dispose()
    body = check_problem(response, 503)
    assert body["type"] == "urn:sourcediff:problem:service-unavailable"
    assert "schema is at revision none" in body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]


def test_readyz_503_on_a_postgres_schema_behind(app: FastAPI, postgres_url: str) -> None:
    schema = f"empty_{uuid.uuid4().hex[:8]}"
    admin = make_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    # The database itself may be migrated; this schema, first on the search
    # path, has no tables at all (alembic_version included).
    empty = make_engine(postgres_url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        response = _readyz_with(app, empty)
    finally:
        empty.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    assert "schema is at revision none" in check_problem(response, 503)["detail"]


def test_readyz_503_when_the_database_does_not_answer(app: FastAPI, tmp_path: Path) -> None:
    unreachable = make_engine(f"sqlite:///{tmp_path / 'no-such-dir' / 'db.sqlite'}")
    try:
        response = _readyz_with(app, unreachable)
    finally:
        unreachable.dispose()
    body = check_problem(response, 503)
    assert body["detail"] == "not ready: the database does not answer"
    assert str(tmp_path) not in response.text  # the reason stays in the server's log


# Metrics -------------------------------------------------------------------


def samples(exposition: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """``{(name, labels): value}`` of a Prometheus text exposition."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
    }


def value(
    scraped: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return scraped.get((name, frozenset(labels.items())), 0.0)


def total(
    scraped: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    """Sum of ``name`` over every sample whose labels include ``labels``."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in scraped.items() if n == name and wanted <= ls)


def scrape(
    client: TestClient | httpx.Client,
) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return samples(response.text)


def test_metrics_count_requests_comparisons_ingests_and_errors(client: TestClient) -> None:
    before = scrape(client)
    assert client.post("/v1/compare", json=COMPARE_BODY).status_code == 200
    article = {"outlet": "Daily", "url": f"https://daily.example/{uuid.uuid4().hex}", "text": LEFT}
    assert client.post("/v1/articles", json=article).status_code == 201
    assert client.post("/v1/articles", json=article).status_code == 200
    assert client.get("/v1/articles/no-such-article").status_code == 404
    after = scrape(client)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("sourcediff_comparisons_total", outcome="matched") == 1
    assert delta("sourcediff_ingests_total", result="created") == 1
    assert delta("sourcediff_ingests_total", result="unchanged") == 1
    assert delta("sourcediff_errors_total", type="not-found") == 1
    assert (
        delta("sourcediff_http_requests_total", method="POST", route="/v1/compare", status="200")
        == 1
    )
    assert (
        delta("sourcediff_http_requests_total", method="POST", route="/v1/articles", status="201")
        == 1
    )
    assert (
        delta(
            "sourcediff_http_requests_total",
            method="GET",
            route="/v1/articles/{article_id}",
            status="404",
        )
        == 1
    )
    duration = "sourcediff_http_request_duration_seconds_count"
    assert delta(duration, method="POST", route="/v1/compare") == 1


def test_comparison_outcomes(client: TestClient) -> None:
    def compare(left: str, right: str) -> None:
        body = {"left": {"text": left}, "right": {"text": right}}
        assert client.post("/v1/compare", json=body).status_code == 200

    before = scrape(client)
    compare('"One thing," he said.', '"Something else entirely, really," she said.')
    compare("No quotation here.", RIGHT)
    after = scrape(client)
    for outcome in ("unmatched", "no_quotes"):
        name = "sourcediff_comparisons_total"
        assert value(after, name, outcome=outcome) - value(before, name, outcome=outcome) == 1


def test_metrics_negotiates_openmetrics(client: TestClient) -> None:
    response = client.get("/metrics", headers={"Accept": "application/openmetrics-text"})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.endswith("# EOF\n")


# Several workers -----------------------------------------------------------


def _pids_serving(log: str, route: str) -> set[int]:
    return {r["pid"] for r in access_records(log) if r.get("route") == route}


def test_two_workers_share_their_metrics(tmp_path: Path) -> None:
    """Requests spread over two uvicorn workers; /metrics, whichever worker
    answers, counts all of them."""
    metrics_dir = tmp_path / "metrics"
    metrics_dir.mkdir()
    env = {
        **NO_AUTH_ENV,
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
        "SOURCEDIFF_LOG_JSON": "true",
        "SOURCEDIFF_LOG_LEVEL": "INFO",
    }
    database_url = f"sqlite:///{tmp_path / 'sourcediff.db'}"

    def compare(url: str) -> int:
        # A new connection each time, so that either worker may take it.
        return httpx.post(f"{url}/v1/compare", json=COMPARE_BODY, timeout=30).status_code

    with Server(database_url, workers=2, env=env) as server:
        sent = 0
        # The kernel hands connections to the workers as it likes; send
        # batches (20 at least, 200 at most) until both have answered some.
        with ThreadPoolExecutor(max_workers=4) as pool:
            for _ in range(10):
                statuses = list(pool.map(compare, [server.url] * 20))
                assert statuses == [200] * 20
                sent += 20
                if len(_pids_serving(server.log_text(), "/v1/compare")) == 2:
                    break
        assert len(_pids_serving(server.log_text(), "/v1/compare")) == 2, server.log_text()[-3000:]

        for _ in range(4):
            with httpx.Client(base_url=server.url, timeout=30) as fresh:
                scraped = scrape(fresh)
            requests = "sourcediff_http_requests_total"
            labels = {"method": "POST", "route": "/v1/compare", "status": "200"}
            assert value(scraped, requests, **labels) == sent
            assert total(scraped, "sourcediff_comparisons_total") == sent
            assert value(scraped, "sourcediff_comparisons_total", outcome="matched") == sent
            duration = "sourcediff_http_request_duration_seconds_count"
            assert value(scraped, duration, method="POST", route="/v1/compare") == sent
        # Each worker keeps its own files there.
        assert len({path.name.rsplit("_", 1)[-1] for path in metrics_dir.glob("counter_*.db")}) >= 2
