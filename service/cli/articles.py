"""``sourcediff ingest``, ``fetch`` and ``versions``: storing article versions
straight into the database (no server needed) and listing them.

``ingest FILE...`` stores each file as a version of an article (text, HTML,
a ninjs news item, or each text item of a NewsML-G2 document, told apart
by its content); ``fetch URL`` fetches a page and stores it, under the
same SSRF rules as ``POST /v1/fetch``; ``versions URL`` lists an article's
stored versions, and with ``--json`` prints them as the API's
``VersionSummary`` items (``GET /v1/articles/{id}/versions``).
"""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Annotated

import typer
from sqlmodel import Session

from service.articles.repository import ArticleRepository
from service.articles.schemas import VersionSummary
from service.articles.service import Recorded, Submission, record_version, submission_from_ninjs
from service.cli.app import HTML_SUFFIXES, STDIN, DatabaseUrl, database, fail, read_input
from service.feeds.service import fetch_article
from service.models.articles import Version
from service.platform.config import DEFAULT_TENANT, Settings
from service.platform.errors import SourcediffError
from service.platform.newsml import NewsmlError, looks_like_newsml, parse_newsml
from service.platform.ninjs import looks_like_ninjs, parse_ninjs

__all__ = ["fetch", "ingest", "versions"]

JSON_SUFFIX = ".json"
HASH_PREFIX = 12
PAGE = 500


def _ninjs_submission(path: str, raw: str, outlet: str | None) -> Submission:
    try:
        doc = json.loads(raw)
    except json.JSONDecodeError as exc:
        fail(f"{path}: not JSON ({exc.msg}, line {exc.lineno})")
    if not isinstance(doc, dict) or not looks_like_ninjs(doc):
        fail(f"{path}: not a ninjs news item (no `uri` or `guid`, nor another ninjs member)")
    try:
        return submission_from_ninjs(parse_ninjs(doc), outlet)
    except ValueError as exc:
        fail(f"{path}: {exc}")


# An XML declaration's encoding: the file was read as UTF-8, and is parsed so.
_DECLARED_ENCODING = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*)(["'])[^"']*\2""")


def _newsml_submissions(path: str, raw: str, outlet: str | None) -> list[Submission]:
    document = _DECLARED_ENCODING.sub(r"\1\2UTF-8\2", raw, count=1).encode("utf-8")
    try:
        items = parse_newsml(document).items
    except NewsmlError as exc:
        fail(f"{path}: NewsML-G2: {exc}")
    return [submission_from_ninjs(item, outlet) for item in items]


def _submissions(path: str, given: Submission) -> list[Submission]:
    """What ``path`` holds, as submissions (a NewsML-G2 message holds
    several); ``given`` carries the options."""
    raw = read_input(path)
    suffix = "" if path == STDIN else Path(path).suffix.lower()
    newsml = suffix != JSON_SUFFIX and looks_like_newsml(raw[:4096].encode("utf-8"))
    if suffix == JSON_SUFFIX or newsml:
        if given.url is not None or given.external_id is not None:
            fail(
                f"{path}: a {'NewsML-G2' if newsml else 'ninjs'} item is identified by its "
                f"{'guid' if newsml else 'uri (or guid)'}: drop --url/--external-id"
            )
        outlet = given.outlet or None
        found = (
            _newsml_submissions(path, raw, outlet)
            if newsml
            else [_ninjs_submission(path, raw, outlet)]
        )
        # --title and --byline win over the item's own.
        return [
            dataclasses.replace(s, title=given.title or s.title, byline=given.byline or s.byline)
            for s in found
        ]
    if not given.outlet or (given.url is None and given.external_id is None):
        fail(f"{path}: a text or HTML file needs --outlet and --url (or --external-id)")
    if suffix in HTML_SUFFIXES:
        return [dataclasses.replace(given, html=raw)]
    return [dataclasses.replace(given, text=raw)]


def _recorded_line(recorded: Recorded) -> str:
    return f"{'created' if recorded.created else 'unchanged'} v{recorded.version} {recorded.id}"


def ingest(
    files: Annotated[
        list[str],
        typer.Argument(
            help="Versions to store, in order: NewsML-G2 documents (by their content) store "
            "each text item, .html/.htm files are HTML, .json files ninjs "
            "news items, anything else plain text; - reads standard input.",
            show_default=False,
        ),
    ],
    outlet: Annotated[
        str | None,
        typer.Option(
            help="Who published it (ninjs: default the item's copyright holder; NewsML-G2: "
            "its provider)."
        ),
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
    FILE (per text item of a NewsML-G2 message). Every FILE is read (and
    ninjs and NewsML-G2 parsed) before anything is stored; a FILE the
    service refuses (an empty text, say) stops the run there.
    """
    if url is not None and external_id is not None:
        fail("give --url or --external-id, not both")
    if files.count(STDIN) > 1:
        fail("standard input (-) can only be read once")
    given = Submission(
        outlet=outlet or "", url=url, external_id=external_id, title=title, byline=byline
    )
    submissions = [(path, s) for path in files for s in _submissions(path, given)]
    settings = Settings()
    with database(database_url, settings) as engine:
        for path, submission in submissions:
            try:
                recorded = record_version(engine, DEFAULT_TENANT, submission, settings)
            except SourcediffError as exc:
                fail(f"{path}: {exc.detail}")
            typer.echo(_recorded_line(recorded))


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
    with database(database_url, settings) as engine:
        try:
            recorded, _ = fetch_article(
                engine, DEFAULT_TENANT, url, settings, outlet=outlet, story=story
            )
        except SourcediffError as exc:
            fail(f"{url}: {exc.detail}")
    typer.echo(_recorded_line(recorded))


def _all_versions(repo: ArticleRepository, article_id: str) -> list[Version]:
    found: list[Version] = []
    page = repo.versions(article_id, limit=PAGE)
    found.extend(page.items)
    while page.next is not None:
        page = repo.versions(article_id, after=found[-1].number, limit=PAGE)
        found.extend(page.items)
    return found


def versions(
    url: Annotated[str, typer.Argument(help="The article's canonical URL (or ninjs uri).")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list of the versions instead.")
    ] = False,
    database_url: DatabaseUrl = None,
) -> None:
    """List every stored version of an article, oldest first."""
    with (
        database(database_url, Settings(), existing=True) as engine,
        Session(engine) as session,
    ):
        repo = ArticleRepository(session, DEFAULT_TENANT)
        article = repo.article_by_url(url)
        if article is None:
            fail(f"no article has the URL {url}", 1)
        outlet = repo.outlet(article.outlet_id)
        summaries = [VersionSummary.of(v) for v in _all_versions(repo, article.id)]
    rows = [summary.model_dump(mode="json") for summary in summaries]
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
            f"{row['content_hash'][:HASH_PREFIX]} {row['words']:>6}  {row['headline'] or '—'}"
        )
