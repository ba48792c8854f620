"""Schemathesis against the live app's own OpenAPI document.

The app runs in process (schemathesis' ASGI transport), with API keys on and
the rate limit off, on a scratch SQLite database seeded with one article of
two versions. Every operation gets every built-in check (server errors,
status codes, content types, response schemas and headers, positive data
accepted and negative data rejected, missing headers, unsupported methods,
ignored auth, …) over at least ``MAX_EXAMPLES`` generated cases, plus the
examples and coverage phases, and one check of our own: every 4xx is an RFC
9457 ``application/problem+json`` body with ``type``, ``title`` and
``status``.

Generation is derandomised (a fixed seed per operation), so CI sees the same
cases every run; a failure prints a ``curl`` command to replay it.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import AuthContext, Case, CheckContext, HookContext, Response
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from sqlmodel import Session

from service.articles.service import Submission, record_version
from service.http import create_app
from service.keys.service import create_key
from service.platform.config import Settings
from service.platform.db import make_engine, upgrade

MAX_EXAMPLES = 200
STATEFUL_EXAMPLES = 50
# What a schema-valid request may still be refused for, by problem slug: the
# schema cannot know which ids exist, whether an HTML page holds an article
# or a ninjs item a body, or which cursors the service issued. Anything else
# (``invalid-request`` above all) means the schema promises more than the
# service accepts. ``positive_data_acceptance`` is told to let 400 and 422
# through, and this table (checked in ``_problem_details``) narrows them.
VALID_BUT_REFUSED: dict[str, Callable[[Case], bool]] = {
    "not-found": lambda case: True,
    "conflict": lambda case: bool(case.headers and "idempotency-key" in case.headers),
    "unprocessable": lambda case: True,
    "bad-request": lambda case: bool(case.query and "cursor" in case.query),
    # Nor whether a URL resolves, and to a public address.
    "fetch-refused": lambda case: True,
    # ``ignored_auth`` repeats a request without the key or with a wrong one.
    "unauthorized": lambda case: (
        (case.headers or {}).get("Authorization") != f"Bearer {_Seeded.key}"
    ),
}
SEED = 20261123
TENANT = "schemathesis"
OUTLET = "Daily"
VERSIONS = (
    '"We have never exported weapons," the official said. "Not once."\n\n'
    'Critics disagree. "That is a lie," said Kim.',
    '"We have never exported arms," the official said.\n\n'
    'Critics disagree. "That is a lie, plainly," said Kim. '
    '"We will look into it," a spokesman added.',
)


def _seed(database_url: str, settings: Settings) -> tuple[str, str]:
    """A migrated database with an admin key and a two-version article for
    ``TENANT``: (key, article id)."""
    engine = make_engine(database_url)
    try:
        upgrade(engine)
        with Session(engine) as session:
            key = create_key(session, TENANT, "schemathesis", ["admin"]).key
            session.commit()
        article_id = ""
        for text in VERSIONS:
            submission = Submission(outlet=OUTLET, url="https://daily.example/a1", text=text)
            article_id = record_version(engine, TENANT, submission, settings).id
    finally:
        engine.dispose()
    return key, article_id


def _copy_database(source_path: Path, target_path: Path) -> None:
    """SQLite's online backup: ``target_path`` becomes a copy of
    ``source_path``, even under another connection's open database."""
    source, target = sqlite3.connect(source_path), sqlite3.connect(target_path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _no_server_error(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Schemathesis' ``not_a_server_error``, but for one 5xx that is no
    server error: a 502 ``bad-gateway`` from an operation that fetches a
    URL (there is no network here, so a public address cannot be reached)."""
    if response.status_code < 500:
        return None
    fetches = case.operation.path in {"/v1/fetch", "/v1/feeds", "/v1/webhooks"}
    body = json.loads(response.content) if fetches else {}
    assert fetches and response.status_code == 502, (
        f"server error {response.status_code}: {response.content[:500]!r}"
    )
    assert body.get("type") == "urn:sourcediff:problem:bad-gateway", body
    return True


def _out_of_range(body: dict[str, Any]) -> bool:
    """Whether every error is a time outside the years both databases keep
    (0001-01-02 to 9999-12-30 in UTC): JSON Schema's ``date-time`` has no
    range to say so with."""
    errors = body.get("errors") or []
    return bool(errors) and all(e.get("type") == "datetime_range" for e in errors)


def _problem_details(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every 4xx is ``application/problem+json`` with ``type``, ``title`` and
    a ``status`` equal to the response's; and a schema-valid request is only
    ever refused for what no schema can say (see ``VALID_BUT_REFUSED``)."""
    if not 400 <= response.status_code < 500:
        return None
    content_type = response.headers.get("content-type", [""])[0]
    assert content_type == "application/problem+json", (
        f"{response.status_code} answered with Content-Type {content_type!r}"
    )
    body = json.loads(response.content)
    assert isinstance(body, dict), body
    assert isinstance(body.get("type"), str) and body["type"], body
    assert isinstance(body.get("title"), str) and body["title"], body
    assert body.get("status") == response.status_code, body
    meta = case.meta
    if meta is not None and meta.generation.mode.is_positive and not _out_of_range(body):
        slug = body["type"].removeprefix("urn:sourcediff:problem:")
        allowed = VALID_BUT_REFUSED.get(slug)
        assert allowed is not None and allowed(case), (
            f"a schema-valid request was refused with {slug!r}: {body}"
        )
    return True


class _Seeded:
    """What the fixture stored, for the hooks below (set before any case runs)."""

    key = ""
    article_id = ""


# The schema is loaded when the module is collected, from the app itself (no
# request, no database: ``app.openapi()``), because schemathesis' lazy
# ``from_fixture`` does not work with this pytest. The app's database is a
# file in a directory that the ``seeded`` fixture creates and removes; the
# app opens it on its first request (schemathesis starts the lifespan then).
_DIRECTORY = Path(tempfile.gettempdir()) / f"sourcediff-schemathesis-{uuid.uuid4().hex}"
_DATABASE = _DIRECTORY / "sourcediff.db"
# The seeded database as it was before any case ran (see ``_Workflow.setup``).
_SNAPSHOT = _DIRECTORY / "seeded.db"
SETTINGS = Settings(
    database_url=f"sqlite:///{_DATABASE}",
    auth_disabled=False,
    rate_limit_per_minute=0,
    max_body_bytes=256 * 1024,
    max_text_chars=100_000,
    # Nothing sent or polled behind the cases' backs; no fetch waits long.
    background=False,
    fetch_timeout_seconds=2,
)
app = create_app(SETTINGS)
schema = schemathesis.openapi.from_dict(
    app.openapi(),
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {"mode": "all", "deterministic": True, "max-examples": MAX_EXAMPLES},
            "phases": {"examples": {"enabled": True}, "coverage": {"enabled": True}},
            "checks": {
                # Every built-in check (the default today; stated so a new
                # default cannot quietly drop one).
                "enabled": True,
                "positive_data_acceptance": {
                    "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]
                },
            },
        }
    ),
)
schema.app = app


@schema.auth()
class _ApiKey:
    """The seeded admin key, as ``Authorization: Bearer``; schemathesis knows
    it is a real credential, so ``ignored_auth`` also tries without it and
    with a wrong one."""

    def get(self, case: Case, ctx: AuthContext) -> str:
        return _Seeded.key

    def set(self, case: Case, data: str, ctx: AuthContext) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.hook
def flatmap_path_parameters(context: HookContext, path_parameters: dict[str, Any] | None) -> Any:
    # Half the cases name the stored article (and one of its two versions),
    # so the reads reach real rows, not only 404s. Only valid values are
    # swapped, for valid ones: a negative case stays negative.
    if not path_parameters or "article_id" not in path_parameters:
        return st.just(path_parameters)
    given_id = path_parameters["article_id"]
    number = path_parameters.get("number", 1)
    valid_id = isinstance(given_id, str) and 1 <= len(given_id) <= 64
    valid_number = type(number) is int and 1 <= number <= 2**31 - 1
    if not (valid_id and valid_number):
        return st.just(path_parameters)

    def swap(real: bool) -> dict[str, Any]:
        if not real:
            return path_parameters
        # Read when drawn: the fixture has stored the article by then.
        swapped = {**path_parameters, "article_id": _Seeded.article_id}
        if "number" in path_parameters:
            swapped["number"] = 1 + number % 2
        return swapped

    return st.booleans().map(swap)


@pytest.fixture(scope="module", autouse=True)
def seeded() -> Iterator[None]:
    _DIRECTORY.mkdir()
    try:
        _Seeded.key, _Seeded.article_id = _seed(SETTINGS.database_url, SETTINGS)
        _copy_database(_DATABASE, _SNAPSHOT)
        yield
    finally:
        asgi.shutdown_lifespans()  # disposes of the app's engine
        shutil.rmtree(_DIRECTORY, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Case) -> None:
    case.call_and_validate(
        additional_checks=[_problem_details, _no_server_error],
        excluded_checks=[not_a_server_error],
    )


class _Workflow(schema.as_state_machine()):  # type: ignore[misc]
    """Sequences of calls along the links schemathesis infers (an article's
    id from a listing or a POST into its reads, …), which is where the
    stateful checks (``use_after_free``, ``ensure_resource_availability``)
    run."""

    def setup(self) -> None:
        # Every scenario starts from the seeded database. Hypothesis replays
        # a scenario's choices to check and shrink it, and a bundle filled
        # from responses (a listing, a 201 against a 200 for a resubmission)
        # must fill the same way each time: on a database that earlier
        # scenarios and the other test have grown, it did not, and the run
        # failed with ``FlakyStrategyDefinition``. SQLite's online backup
        # overwrites the file under the app's open (idle) connections.
        _copy_database(_SNAPSHOT, _DATABASE)

    def validate_response(
        self, response: Response, case: Case, additional_checks: Any = None, **kwargs: Any
    ) -> None:
        # As the base class does, plus the excluded check (its ``kwargs``
        # are transport arguments, so it cannot be passed through them).
        case.validate_response(
            response,
            additional_checks=[_problem_details, _no_server_error, *(additional_checks or [])],
            excluded_checks=[not_a_server_error],
            transport_kwargs=kwargs or None,
            recorder=self.recorder,
        )


TestWorkflow = _Workflow.TestCase
TestWorkflow.settings = settings(
    max_examples=STATEFUL_EXAMPLES,
    stateful_step_count=8,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


# What schemathesis found, pinned down without it ---------------------------


@pytest.fixture(scope="module")
def plain() -> Iterator[TestClient]:
    # Auth is off for these (tests/conftest.py): they are about shapes.
    with TestClient(create_app(Settings()), raise_server_exceptions=False) as client:
        yield client


def test_405_allows_every_method_of_the_path(plain: TestClient) -> None:
    response = plain.options("/v1/articles")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert response.json()["detail"].endswith("use GET, POST")


@pytest.mark.parametrize(
    ("side", "status"),
    [
        ({"html": "<p>“We will,” he said.</p>", "version": 1}, 422),  # version needs article_id
        ({"text": "\x1c\u3000\n "}, 422),  # blank: Python's whitespace, and the schema's
        ({"article_id": "nope", "version": 2.0}, 404),  # 2.0 is a JSON Schema integer
        ({"article_id": "nope", "version": 2**31}, 422),  # was a 500 on a stored article
    ],
)
def test_compare_sides_as_the_schema_says(
    plain: TestClient, side: dict[str, Any], status: int
) -> None:
    response = plain.post("/v1/compare", json={"left": {"text": "Hi."}, "right": side})
    assert response.status_code == status, response.text


def test_timestamps_are_rfc_3339_strings(plain: TestClient) -> None:
    # A number was read as a Unix time; the schema says date-time.
    assert plain.get("/v1/articles", params={"until": "0.5"}).status_code == 422
    assert plain.get("/v1/articles", params={"until": "2026-11-23T14:06:43Z"}).status_code == 200
    article = {"outlet": "Daily", "url": "https://daily.example/rfc", "text": "A."}
    for published, status in [(0, 422), ("2026-11-23 14:06", 422), ("2026-11-23T14:06:43Z", 201)]:
        response = plain.post("/v1/articles", json={**article, "published_at": published})
        assert response.status_code == status, response.text
