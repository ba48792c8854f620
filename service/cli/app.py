"""The ``sourcediff`` command.

Commands:

- ``sourcediff compare LEFT RIGHT``: compare two articles (files, or ``-``
  for standard input); a coloured report by default, the API's exact JSON
  with ``--json``. ``--html`` reads both as HTML; ``.html``/``.htm`` files
  are read as HTML anyway.
- ``sourcediff check BASELINE CANDIDATE``: a coverage regression check;
  in-process on two files, or against a service with ``--url``; exit 0
  passed, 1 regression, 2 bad input or an unusable service. ``--junit`` and
  ``--json`` write reports for CI systems.
- ``sourcediff ingest FILE...``: store each file as a version of an
  article, straight into the database (no server needed).
- ``sourcediff fetch URL``: fetch a page and store it as a version (the
  same SSRF rules as ``POST /v1/fetch``).
- ``sourcediff versions URL``: list the stored versions of an article.
- ``sourcediff db upgrade`` / ``sourcediff db status``: migrate the database
  to the newest schema, or say whether it is behind.
- ``sourcediff keys create`` / ``keys list`` / ``keys revoke KEY_ID``: the
  API keys (``create`` prints the new key, the only time it is shown).
- ``sourcediff serve``: run the HTTP service with uvicorn.
- ``sourcediff openapi``: print or write the service's OpenAPI document.

The storage commands use ``SOURCEDIFF_DATABASE_URL`` (or ``--database-url``)
and the tenant ``DEFAULT_TENANT`` (the tenant of the first admin key, and of
every request when the API runs with auth disabled). A SQLite database is
created and migrated on first use; any other must be upgraded with
``db upgrade``.

Exit status: 0 on success; 1 when the database is unusable (unreachable,
schema behind), ``db status`` finds it behind, ``versions`` finds no
article, or ``keys revoke`` no key; 2 on bad usage, a missing or unreadable input, or an input the
service would refuse (empty, too large, no text in HTML, not ninjs).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import httpx
import typer
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from service.articles.repository import ArticleRepository
from service.articles.service import Recorded, Submission, record_version, submission_from_ninjs
from service.cli.junit import junit_xml, render_check
from service.cli.terminal import render_report
from service.compare.schemas import CompareResponse
from service.compare.service import HtmlSource, Source, StoredSource, TextSource, compare_sides
from service.core import tokenize
from service.core.checks import DEFAULT_FAIL_ON, DEFAULT_PASSAGE_WORDS, Policy, parse_kinds
from service.core.checks import check as run_core_check
from service.feeds.service import fetch_article
from service.http import create_app, openapi_json, server
from service.keys.service import SCOPES, KeyInfo, create_key, list_keys, parse_scopes, revoke_key
from service.models.articles import Version
from service.models.base import utc
from service.platform.config import DEFAULT_TENANT, Settings
from service.platform.db import SchemaBehind, ensure_schema, make_engine, schema_status, upgrade
from service.platform.errors import SourcediffError
from service.platform.ninjs import looks_like_ninjs, parse_ninjs

__all__ = ["app", "main"]

app = typer.Typer(
    name="sourcediff",
    help="Compare the quotations of news articles.",
    no_args_is_help=True,
    add_completion=False,
)

db_app = typer.Typer(
    name="db", help="Manage the database's schema.", no_args_is_help=True, add_completion=False
)
app.add_typer(db_app)

keys_app = typer.Typer(
    name="keys", help="Manage the API keys.", no_args_is_help=True, add_completion=False
)
app.add_typer(keys_app)

STDIN = "-"
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSON_SUFFIX = ".json"
HASH_PREFIX = 12
ARTICLE_PREFIX = "article:"

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="Database URL (default: SOURCEDIFF_DATABASE_URL, else sqlite:///./sourcediff.db).",
        show_default=False,
    ),
]


def _fail(message: str, status: int = 2) -> NoReturn:
    typer.echo(f"sourcediff: {message}", err=True)
    raise typer.Exit(status)


def _read(path: str) -> str:
    try:
        data = sys.stdin.buffer.read() if path == STDIN else Path(path).read_bytes()
    except FileNotFoundError:
        _fail(f"{path}: no such file")
    except OSError as exc:
        _fail(f"{path}: cannot read: {exc.strerror or exc}")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail(f"{path}: not UTF-8 text (byte {exc.start})")


def _source(path: str, html: bool) -> Source:
    text = _read(path)
    if html or Path(path).suffix.lower() in HTML_SUFFIXES:
        return HtmlSource(text)
    return TextSource(text)


def _wants_color(color: bool | None) -> bool:
    if color is not None:
        return color
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


@app.command()
def compare(
    left: Annotated[str, typer.Argument(help="Left article: a file, or - for standard input.")],
    right: Annotated[str, typer.Argument(help="Right article: a file, or -.")],
    html: Annotated[
        bool, typer.Option("--html", help="Read both as HTML (.html/.htm files always are).")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the JSON of POST /v1/compare instead.")
    ] = False,
    color: Annotated[
        bool | None,
        typer.Option(
            "--color/--no-color",
            help="Colour the report (default: on a terminal, unless NO_COLOR is set).",
            show_default=False,
        ),
    ] = None,
    passages: Annotated[
        bool,
        typer.Option(
            "--passages/--no-passages",
            help="Align the texts sentence by sentence and report what each side alone has.",
        ),
    ] = True,
    semantic: Annotated[
        bool,
        typer.Option(
            "--semantic", help="Align passages by meaning too (needs the 'semantic' extra)."
        ),
    ] = False,
) -> None:
    """Compare the quotations (and passages) of two articles."""
    if left == right == STDIN:
        _fail("only one of LEFT and RIGHT can be - (standard input)")
    left_source, right_source = _source(left, html), _source(right, html)
    try:
        comparison = compare_sides(
            left_source, right_source, Settings(), passages=passages, semantic=semantic
        )
    except SourcediffError as exc:
        _fail(exc.detail)
    if as_json:
        body = CompareResponse.of(comparison, left_source, right_source)
        dumped = body.model_dump(mode="json", exclude_unset=True)
        typer.echo(json.dumps(dumped, ensure_ascii=False, indent=2))
        return
    use_color = _wants_color(color)
    report = render_report(comparison, left_name=left, right_name=right, color=use_color)
    typer.echo(report, color=use_color)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, "utf-8")
    except OSError as exc:
        _fail(f"{path}: cannot write: {exc.strerror or exc}")


def _check_side(ref: str, html: bool, remote: bool) -> tuple[Source, dict[str, Any]]:
    """A check input: a file (or ``-``), or ``article:ID[@VERSION]`` (a
    stored article; only against a service)."""
    if ref.startswith(ARTICLE_PREFIX):
        if not remote:
            _fail(f"{ref}: stored articles need a service (--url)")
        article_id, _, number = ref.removeprefix(ARTICLE_PREFIX).partition("@")
        if not article_id or (number and not number.isdigit()):
            _fail(f"{ref}: expected article:ID or article:ID@VERSION")
        side: dict[str, Any] = {"article_id": article_id}
        if number:
            side["version"] = int(number)
        return StoredSource(article_id, int(number) if number else None), side
    source = _source(ref, html)
    if isinstance(source, HtmlSource):
        return source, {"html": source.html}
    assert isinstance(source, TextSource)
    return source, {"text": source.text}


def _remote_check(
    url: str, api_key: str | None, body: dict[str, Any], timeout: float
) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    try:
        response = httpx.post(
            f"{url.rstrip('/')}/v1/checks", json=body, headers=headers, timeout=timeout
        )
    except httpx.HTTPError as exc:
        _fail(f"{url}: {exc}")
    if response.status_code != 200:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text[:500]
        _fail(f"{url}: {response.status_code}: {detail}")
    result: dict[str, Any] = response.json()
    return result


@app.command()
def check(
    baseline: Annotated[
        str, typer.Argument(help="The reference: a file, -, or article:ID[@VERSION] with --url.")
    ],
    candidate: Annotated[str, typer.Argument(help="What is checked against it, likewise.")],
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            help="A finding kind that fails the check (repeat, or comma-separate): "
            "dropped, reworded, partial, speaker, added, passage (or their full names), "
            "or a typed edit of a quote: trimmed, ellipsis, substituted, inserted, spliced, "
            "retranslated, case_punctuation_only. Default: dropped, reworded.",
            show_default=False,
        ),
    ] = None,
    min_passage_words: Annotated[
        int, typer.Option(min=1, help="Least words of a removed passage finding.")
    ] = DEFAULT_PASSAGE_WORDS,
    policy: Annotated[
        str | None, typer.Option(help="A policy saved on the service, by name (with --url).")
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(help="Check through this Sourcediff service instead of in-process."),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(envvar="SOURCEDIFF_API_KEY", help="API key for --url.", show_default=False),
    ] = None,
    html: Annotated[bool, typer.Option("--html", help="Read both files as HTML.")] = False,
    junit: Annotated[
        Path | None, typer.Option(help="Write the findings as JUnit XML to this file.")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="Write the check's JSON result to this file.")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for --url.")] = 60.0,
) -> None:
    """Check CANDIDATE's coverage against BASELINE: fails when it dropped or
    reworded a quotation (or whatever --fail-on names).

    Exit status: 0 passed, 1 a regression, 2 bad input (a missing file, an
    unknown kind) or a service that refused or could not be reached.
    """
    if policy is not None and (url is None or fail_on):
        _fail("--policy names a policy saved on a service: use it with --url, without --fail-on")
    kinds = [k for given in fail_on or () for k in given.split(",") if k.strip()]
    try:
        spec = parse_kinds(kinds) if kinds else DEFAULT_FAIL_ON
    except ValueError as exc:
        _fail(str(exc))
    left, left_body = _check_side(baseline, html, url is not None)
    right, right_body = _check_side(candidate, html, url is not None)
    if url is not None:
        request: dict[str, Any] = {"baseline": left_body, "candidate": right_body}
        if policy is not None:
            request["policy"] = policy
        elif kinds or min_passage_words != DEFAULT_PASSAGE_WORDS:
            request["policy"] = {
                "fail_on": sorted(spec),
                "min_passage_words": min_passage_words,
            }
        body = _remote_check(url, api_key, request, timeout)
    else:
        try:
            comparison = compare_sides(left, right, Settings())
        except SourcediffError as exc:
            _fail(exc.detail)
        body = run_core_check(comparison, Policy(spec, min_passage_words)).as_dict()
        body["policy"] = {"name": None, **body["policy"]}
    typer.echo(render_check(body, baseline, candidate), nl=False)
    if junit is not None:
        _write(junit, junit_xml(body, baseline, candidate))
    if json_out is not None:
        _write(json_out, json.dumps(body, indent=2, ensure_ascii=False) + "\n")
    raise typer.Exit(0 if body["passed"] else 1)


@contextmanager
def _database(url: str | None, settings: Settings, *, ensure: bool = True) -> Iterator[Engine]:
    """An engine on ``url`` (default: the settings'), its schema checked (and,
    on SQLite, created) unless ``ensure`` is false; database failures exit 1."""
    try:
        engine = make_engine(settings.database_url if url is None else url)
    except SQLAlchemyError as exc:
        _fail(f"bad database URL: {exc}", 1)
    try:
        if ensure:
            ensure_schema(engine)
        yield engine
    except SchemaBehind as exc:
        _fail(str(exc), 1)
    except SQLAlchemyError as exc:
        # The first line names the cause; the rest is SQL and a link.
        _fail(f"database error: {str(exc).splitlines()[0]}", 1)
    except OSError as exc:  # e.g. the SQLite file's directory is missing
        _fail(f"database error: {exc}", 1)
    finally:
        engine.dispose()


@db_app.command("upgrade")
def db_upgrade(database_url: DatabaseUrl = None) -> None:
    """Run the database migrations up to the newest revision."""
    with _database(database_url, Settings(), ensure=False) as engine:
        before, _ = schema_status(engine)
        upgrade(engine)
        after, _ = schema_status(engine)
    outcome = "already at head" if before == after else "upgraded"
    typer.echo(f"revision {before or 'none'} → {after or 'none'} ({outcome})")


@db_app.command("status")
def db_status(database_url: DatabaseUrl = None) -> None:
    """Print the database's revision and this code's; exit 1 when they differ."""
    with _database(database_url, Settings(), ensure=False) as engine:
        current, head = schema_status(engine)
    typer.echo(f"current {current or 'none'}\nhead    {head or 'none'}")
    if current != head:
        _fail("the database schema is not at head: run `sourcediff db upgrade`", 1)


@keys_app.command("create")
def keys_create(
    name: Annotated[str, typer.Option("--name", help="Who or what the key is for.")],
    scope: Annotated[
        list[str],
        typer.Option("--scope", help=f"One of {', '.join(SCOPES)}; repeat for several."),
    ],
    tenant: Annotated[str, typer.Option("--tenant", help="The tenant it acts for.")] = (
        DEFAULT_TENANT
    ),
    database_url: DatabaseUrl = None,
) -> None:
    """Create an API key and print it: this once, as only its hash is stored."""
    try:
        parse_scopes(scope)
    except ValueError as exc:
        _fail(str(exc))
    with _database(database_url, Settings()) as engine, Session(engine) as session:
        try:
            created = create_key(session, tenant, name, scope)
        except ValueError as exc:
            _fail(str(exc))
        session.commit()
    info = created.info
    typer.echo(created.key)
    typer.echo(
        f"created key {info.key_id} for tenant {info.tenant!r} with scopes "
        f"{' '.join(info.scopes)}; it is shown only this once",
        err=True,
    )


def _key_row(key: KeyInfo) -> dict[str, Any]:
    return {
        "key_id": key.key_id,
        "tenant": key.tenant,
        "name": key.name,
        "scopes": list(key.scopes),
        "created_at": key.created_at.isoformat(),
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


@keys_app.command("list")
def keys_list(
    tenant: Annotated[str | None, typer.Option("--tenant", help="Only this tenant's.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list of the keys instead.")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """List the API keys (never the keys themselves), revoked ones too."""
    with _database(database_url, Settings()) as engine, Session(engine) as session:
        rows = [_key_row(key) for key in list_keys(session, tenant)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    typer.echo(
        f"{'key id':<16}  {'tenant':<12}  {'scopes':<16}  {'created (UTC)':<19}  revoked  name"
    )
    for row in rows:
        created = row["created_at"][:19].replace("T", " ")
        revoked = "yes" if row["revoked_at"] else "no"
        typer.echo(
            f"{row['key_id']:<16}  {row['tenant']:<12}  {' '.join(row['scopes']):<16}  "
            f"{created:<19}  {revoked:<7}  {row['name']}"
        )


@keys_app.command("revoke")
def keys_revoke(
    key_id: Annotated[str, typer.Argument(help="The key's id (`keys list` shows them).")],
    database_url: DatabaseUrl = None,
) -> None:
    """Revoke an API key: from now on it is refused with 401."""
    with _database(database_url, Settings()) as engine, Session(engine) as session:
        try:
            key = revoke_key(session, key_id)
        except SourcediffError as exc:
            _fail(exc.detail, 1)
        session.commit()
    assert key.revoked_at is not None
    typer.echo(f"revoked {key.key_id} ({key.tenant}: {key.name}) at {key.revoked_at.isoformat()}")


def _ninjs_submission(path: str, raw: str, outlet: str | None) -> Submission:
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        _fail(f"{path}: not JSON ({exc.msg}, line {exc.lineno})")
    if not isinstance(doc, dict) or not looks_like_ninjs(doc):
        _fail(f"{path}: not a ninjs news item (no `uri` beside a body or headline)")
    try:
        return submission_from_ninjs(parse_ninjs(doc), outlet)
    except ValueError as exc:
        _fail(f"{path}: {exc}")


def _submission(path: str, given: Submission) -> Submission:
    """What ``path`` holds, as a submission; ``given`` carries the options."""
    raw = _read(path)
    suffix = "" if path == STDIN else Path(path).suffix.lower()
    if suffix == JSON_SUFFIX:
        if given.url is not None or given.external_id is not None:
            _fail(f"{path}: a ninjs item is identified by its uri: drop --url/--external-id")
        found = _ninjs_submission(path, raw, given.outlet or None)
        # --title and --byline win over the item's own.
        return dataclasses.replace(
            found, title=given.title or found.title, byline=given.byline or found.byline
        )
    if not given.outlet or (given.url is None and given.external_id is None):
        _fail(f"{path}: a text or HTML file needs --outlet and --url (or --external-id)")
    if suffix in HTML_SUFFIXES:
        return dataclasses.replace(given, html=raw)
    return dataclasses.replace(given, text=raw)


@app.command()
def ingest(
    files: Annotated[
        list[str],
        typer.Argument(
            help="Versions to store, in order: .html/.htm files are HTML, .json files ninjs "
            "news items, anything else plain text; - reads standard input.",
            show_default=False,
        ),
    ],
    outlet: Annotated[
        str | None,
        typer.Option(help="Who published it (ninjs: default the item's copyright holder)."),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            help="The article's canonical URL; several FILEs are its successive versions."
        ),
    ] = None,
    external_id: Annotated[
        str | None, typer.Option(help="The outlet's own id for the article, instead of --url.")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Headline of every FILE.")] = None,
    byline: Annotated[str | None, typer.Option(help="Byline of every FILE.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Store each FILE as a version of an article, straight into the database.

    A version is only created when the text changed since the article's
    latest one. Prints `created v3 <article id>` or `unchanged v2 <id>` per
    FILE. Every FILE is read (and ninjs parsed) before anything is stored;
    a FILE the service refuses (an empty text, say) stops the run there.
    """
    if url is not None and external_id is not None:
        _fail("give --url or --external-id, not both")
    if files.count(STDIN) > 1:
        _fail("standard input (-) can only be read once")
    given = Submission(
        outlet=outlet or "", url=url, external_id=external_id, title=title, byline=byline
    )
    submissions = [(path, _submission(path, given)) for path in files]
    settings = Settings()
    with _database(database_url, settings) as engine:
        for path, submission in submissions:
            try:
                recorded = record_version(engine, DEFAULT_TENANT, submission, settings)
            except SourcediffError as exc:
                _fail(f"{path}: {exc.detail}")
            typer.echo(_recorded_line(recorded))


@app.command()
def fetch(
    url: Annotated[str, typer.Argument(help="The page's URL.")],
    outlet: Annotated[
        str | None, typer.Option(help="Who published it (default: the page's host).")
    ] = None,
    story: Annotated[str | None, typer.Option(help="A story for the article to join.")] = None,
    database_url: DatabaseUrl = None,
) -> None:
    """Fetch URL and store its article text as a version, straight into the
    database. Prints `created v1 <article id>` or `unchanged v1 <id>`.
    SOURCEDIFF_FETCH_ALLOW lets it reach private addresses."""
    settings = Settings()
    with _database(database_url, settings) as engine:
        try:
            recorded, _ = fetch_article(
                engine, DEFAULT_TENANT, url, settings, outlet=outlet, story=story
            )
        except SourcediffError as exc:
            _fail(f"{url}: {exc.detail}")
    typer.echo(_recorded_line(recorded))


def _recorded_line(recorded: Recorded) -> str:
    return f"{'created' if recorded.created else 'unchanged'} v{recorded.version} {recorded.id}"


def _all_versions(repo: ArticleRepository, article_id: str) -> list[Version]:
    found: list[Version] = []
    page = repo.versions(article_id, limit=500)
    found.extend(page.items)
    while page.next is not None:
        page = repo.versions(article_id, after=found[-1].number, limit=500)
        found.extend(page.items)
    return found


def _version_row(version: Version) -> dict[str, Any]:
    fetched = utc(version.fetched_at)
    assert fetched is not None
    return {
        "version": version.number,
        "fetched_at": fetched.isoformat(),
        "content_hash": version.content_hash,
        "words": len(tokenize(version.text)),
        "title": version.title,
    }


@app.command()
def versions(
    url: Annotated[str, typer.Argument(help="The article's canonical URL (or ninjs uri).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list of the versions instead.")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """List every stored version of an article, oldest first."""
    with _database(database_url, Settings()) as engine, Session(engine) as session:
        repo = ArticleRepository(session, DEFAULT_TENANT)
        article = repo.article_by_url(url)
        if article is None:
            _fail(f"no article has the URL {url}", 1)
        outlet = repo.outlet(article.outlet_id)
        rows = [_version_row(v) for v in _all_versions(repo, article.id)]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{url}\n  article {article.id} · {outlet.name if outlet else '?'}")
    typer.echo(
        f"  {'version':<8} {'fetched (UTC)':<20} {'hash':<{HASH_PREFIX}} {'words':>6}  title"
    )
    for row in rows:
        fetched = row["fetched_at"][:19].replace("T", " ")
        typer.echo(
            f"  {'v' + str(row['version']):<8} {fetched:<20} "
            f"{row['content_hash'][:HASH_PREFIX]} {row['words']:>6}  {row['title'] or '—'}"
        )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface (default: SOURCEDIFF_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: SOURCEDIFF_PORT).")] = None,
    workers: Annotated[
        int | None, typer.Option(help="Worker processes (default: SOURCEDIFF_WORKERS).")
    ] = None,
) -> None:
    """Run the HTTP service (service.main:app) with uvicorn."""
    settings = Settings()
    server.run(
        host=settings.host if host is None else host,
        port=settings.port if port is None else port,
        workers=settings.workers if workers is None else workers,
    )


@app.command()
def openapi(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here (default: stdout).")
    ] = None,
) -> None:
    """Print the service's OpenAPI document (JSON, sorted keys)."""
    document = openapi_json(create_app())
    if output is None:
        typer.echo(document, nl=False)
    else:
        output.write_text(document, encoding="utf-8")


def main() -> None:
    """Console entry point (``sourcediff``)."""
    app()


if __name__ == "__main__":
    main()
