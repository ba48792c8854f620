"""The editors' pages: server-rendered HTML over the same use cases as the
API, each page rendering the same schema objects as the API's response.

Templates, static files and the view model live in ``service.web``.

Routes (none is in the OpenAPI document; they are pages, not API):

- ``GET /``: what there is to look at.
- ``GET /compare``: the form to paste two texts; with ``left`` and ``right``
  (``ARTICLE_ID`` for the latest version, ``ARTICLE_ID@N`` for version N)
  two stored articles side by side. ``POST /compare``: the form's texts
  side by side.
- ``GET /articles``, ``GET /articles/{id}`` (its versions, two to pick),
  ``GET /articles/{id}/diff?from=&to=`` (the word diff of two versions).
- ``GET /stories``, ``GET /stories/{key}`` (the story's quotations n-way).
- ``GET /sign-in``, ``POST /sign-in``, ``POST /sign-out``.

Signing in: a browser cannot send the API's ``Authorization`` header, so
``POST /sign-in`` checks an API key and begins a session
(``service.keys.sessions``): the HttpOnly, SameSite=Lax cookie (Secure over
HTTPS, a trusted proxy's included) holds the session's random token, never
the key, and lasts ``session_seconds``. Pages read it as the API reads the
header, with the key's scopes, counted against the key's rate limit.
``POST /sign-out`` ends the session in the database, and revoking the key
ends all of its sessions. A refused key counts against the client address
as on the API. With ``auth_disabled`` no one signs in. Pasted texts need no
key (as ``POST /v1/compare`` with inline sides) while
``Settings.compare_open`` says so, within the per-address limit.

Safety: Jinja2 escapes every value (no template marks anything safe), and
every page is sent with a Content-Security-Policy that allows only this
service's own script and style, so text from an article can neither run
nor style anything. POSTs from another origin are refused, and signing in
or out needs the browser to say where the form came from (below,
``_same_origin``): a forged sign-in would put a browser in someone else's
account. Errors on pages
are pages (``error.html``) with the problem's status, title and detail.
"""

from __future__ import annotations

import json
from datetime import datetime
from importlib.resources import files
from typing import Annotated, Any
from urllib.parse import quote as url_quote
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, FastAPI, Form, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from service.articles.schemas import ArticleOut, ArticlePage, VersionDiff, VersionPage
from service.articles.service import (
    VersionPair,
    diffed_versions,
    list_articles,
    list_versions,
    read_article,
    stored_loader,
    versions_to_diff,
)
from service.compare.service import (
    HtmlSource,
    Source,
    StoredLoader,
    StoredSource,
    TextSource,
    compare_sides,
    input_size,
    read_stored,
)
from service.core.alignment.passages import PassageAlignment
from service.core.insight.wording import say
from service.keys.deps import admit_anonymous, counting_refusals
from service.keys.service import Caller
from service.keys.sessions import admit_session
from service.keys.sessions import sign_in as begin_session
from service.keys.sessions import sign_out as end_session
from service.platform.config import Settings
from service.platform.deps import ComputeDep, EngineDep, NowDep, SessionDep, SettingsDep
from service.platform.errors import Forbidden, PayloadTooLarge, Unauthorized, Unprocessable
from service.platform.wire import MAX_VERSION
from service.stories.deps import StoryPagesDep, StoryVersionsDep
from service.stories.schemas import StoryPage, StoryQuotes
from service.stories.service import (
    StoryLimits,
    StoryReading,
    kept_page,
    list_stories,
    read_story_digested,
    statements_offset,
)
from service.web.views import (
    RELATIONS,
    ComparisonView,
    Run,
    comparison_view,
    link_target,
    unified_runs,
)

__all__ = ["install_pages", "router"]

COOKIE = "sourcediff_session"
# Where the key itself was kept before sessions: cleared at sign-in and out.
_OLD_COOKIE = "sourcediff_key"
# Pages load nothing from elsewhere (no CDN: they work offline) and run no
# inline script, so an article's text can never become code.
_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}

_env = Environment(
    loader=PackageLoader("service.web"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
_env.globals["RELATIONS"] = RELATIONS


def _minute(moment: datetime) -> str:
    """A time as a page shows it: ``2022-09-22 08:00``."""
    return moment.strftime("%Y-%m-%d %H:%M")


_env.filters["iso"] = datetime.isoformat
_env.filters["minute"] = _minute
# Only an http(s) URL becomes a link: an article's url is what its client sent.
_env.filters["link_target"] = link_target
# A typed edit said by which side has which words, as every view says it.
_env.globals["say_edit"] = say
templates = Jinja2Templates(env=_env)

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)


class SignInRequired(Exception):
    """A page that reads stored articles was asked for without a key."""


def _render(
    request: Request,
    template: str,
    context: dict[str, Any],
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    signed_in = bool(request.cookies.get(COOKIE))
    settings = request.app.state.settings
    base = {"signed_in": signed_in, "auth": not settings.auth_disabled}
    return templates.TemplateResponse(
        request,
        template,
        {**base, **context},
        status_code=status,
        headers={**_HEADERS, **(headers or {})},
    )


def _page_caller(
    request: Request, settings: SettingsDep, engine: EngineDep, now: NowDep
) -> Caller | None:
    """The caller whose session the cookie names, ``None`` when there is
    none (or it is over: sign in again)."""
    if settings.auth_disabled:
        return Caller.unauthenticated()
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        return admit_session(engine, token, rate_limit=settings.rate_limit_per_minute, now=now)
    except Unauthorized:
        return None


PageCaller = Annotated[Caller | None, Depends(_page_caller)]


def _reader(caller: PageCaller) -> str:
    """The tenant of a caller who may read stored articles."""
    if caller is None:
        raise SignInRequired
    caller.require("read")
    return caller.tenant


Reader = Annotated[str, Depends(_reader)]


def _own_origin(request: Request) -> str:
    # Behind a trusted proxy uvicorn gives the scheme it was asked with
    # (X-Forwarded-Proto), and the Host is the one it was asked for
    # (X-Forwarded-Host): see service.http.server.
    return f"{request.url.scheme}://{request.headers.get('host', '')}".lower()


def _sent_from(request: Request) -> str | None:
    """The origin a form says it was sent from: ``Origin``, else the origin
    of ``Referer``; ``None`` when neither says (``null`` says nothing)."""
    origin = request.headers.get("origin")
    if origin is not None:
        return None if origin.strip() == "null" else origin.strip().lower()
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.scheme and referer.netloc:
        return f"{referer.scheme}://{referer.netloc}".lower()
    return None


def _same_origin(request: Request, *, required: bool = False) -> None:
    """Refuse a form posted from another site's page (403, a page for a
    browser).

    Browsers send ``Origin`` with every POST; ``null`` (a sandboxed frame, a
    ``data:`` page) or no origin at all proves nothing. Signing in and out
    (``required``) need a same-origin ``Origin`` or, when it is missing, a
    same-origin ``Referer``: the session cookie is SameSite=Lax, but a
    forged sign-in needs no cookie, and would put the browser in another
    tenant's account. The paste form only refuses an origin that is not
    ours: a paste reads nothing stored and another site cannot read its
    answer, so a client without an ``Origin`` (a script) may still paste."""
    sent_from = _sent_from(request)
    if sent_from is None and (required or "origin" in request.headers):
        raise Forbidden("This form may only be sent from Sourcediff's own pages")
    if sent_from is not None and sent_from != _own_origin(request):
        raise Forbidden("This form may only be sent from Sourcediff's own pages")


def _same_origin_stated(request: Request) -> None:
    _same_origin(request, required=True)


SameOrigin = Depends(_same_origin)
SameOriginStated = Depends(_same_origin_stated)


def _safe_next(target: str | None) -> str:
    # Only a path on this site: never an open redirect.
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return "/"


# Home, sign-in ---------------------------------------------------------------


@router.get("/")
def home(request: Request) -> Response:
    return _render(request, "home.html", {})


@router.get("/sign-in")
def sign_in_form(
    request: Request, next: Annotated[str | None, Query(max_length=2048)] = None
) -> Response:
    return _render(request, "sign_in.html", {"next": _safe_next(next), "error": None})


@router.post("/sign-in", dependencies=[SameOriginStated])
def sign_in(
    request: Request,
    settings: SettingsDep,
    engine: EngineDep,
    now: NowDep,
    key: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2048)] = "/",
) -> Response:
    presented = key.strip()
    try:
        with counting_refusals(request, settings, presented, now):
            signed = begin_session(engine, presented, lifetime=settings.session_seconds, now=now)
    except Unauthorized as exc:
        context = {"next": _safe_next(next), "error": exc.detail}
        return _render(request, "sign_in.html", context, status=401)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        signed.token,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        max_age=signed.max_age,
    )
    if _OLD_COOKIE in request.cookies:
        response.delete_cookie(_OLD_COOKIE, httponly=True, samesite="lax")
    return response


@router.post("/sign-out", dependencies=[SameOriginStated])
def sign_out(request: Request, engine: EngineDep, now: NowDep) -> Response:
    end_session(engine, request.cookies.get(COOKIE), now=now)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(
        COOKIE, httponly=True, samesite="lax", secure=request.url.scheme == "https"
    )
    if _OLD_COOKIE in request.cookies:
        response.delete_cookie(_OLD_COOKIE, httponly=True, samesite="lax")
    return response


# Comparing -------------------------------------------------------------------


def _stored(name: str, ref: str) -> StoredSource:
    """``ARTICLE_ID`` or ``ARTICLE_ID@N`` (``article:`` in front allowed, as
    the CLI writes it)."""
    ref = ref.strip().removeprefix("article:")
    article_id, at, number = ref.partition("@")
    # N within the column's integer: a larger one reached SQL and was a 500.
    digits = number.isascii() and number.isdigit()  # "²" is a digit to isdigit, not to int
    if not article_id or (at and not (digits and 1 <= int(number) <= MAX_VERSION)):
        raise Unprocessable(
            f"{name}: give an article id, or ID@N for version N from 1 to {MAX_VERSION:,} "
            f"(got {ref!r})"
        )
    return StoredSource(article_id, int(number) if at else None)


def _label(source: Source, outlet: str | None, fallback: str) -> str:
    if isinstance(source, StoredSource):
        version = f"version {source.version}" if source.version else "latest version"
        return f"{outlet or source.article_id} · {version}"
    return outlet or fallback


# What a page whose comparison or diff overran the deadline suggests instead.
_COMPARE_ADVICE = "compare shorter texts"
_DIFF_ADVICE = "diff versions that are closer"


async def _comparison_page(
    request: Request,
    compute: ComputeDep,
    left: Source,
    right: Source,
    settings: Settings,
    load: StoredLoader | None = None,
) -> Response:
    # As POST /v1/compare: stored sides are read here, the comparison and
    # the page's view of it are computed in the compute pool (422
    # too-complex past its deadline), and the page is rendered in a thread.
    sides = [left, right]
    if load is not None:
        sides = await run_in_threadpool(read_stored, sides, load)
    view, passages, left_outlet, right_outlet = await compute.run(
        _comparison_view,
        sides[0],
        sides[1],
        settings,
        request=request,
        size=input_size(sides),
        advice=_COMPARE_ADVICE,
    )
    context = {
        "view": view,
        "passages": passages,
        "labels": {
            "left": _label(left, left_outlet, "Left"),
            "right": _label(right, right_outlet, "Right"),
        },
        "stored": {
            "left": left if isinstance(left, StoredSource) else None,
            "right": right if isinstance(right, StoredSource) else None,
        },
    }
    return await run_in_threadpool(_render, request, "compare.html", context)


def _comparison_view(
    left: Source, right: Source, settings: Settings
) -> tuple[ComparisonView, PassageAlignment | None, str | None, str | None]:
    """What the comparison page shows of two sides given inline (stored
    ones read already): the view, the passages and each side's outlet. It
    runs in a worker process."""
    comparison = compare_sides(left, right, settings)
    view = comparison_view(comparison)
    return view, comparison.passages, comparison.left.outlet, comparison.right.outlet


@router.get("/compare")
async def compare_page(
    request: Request,
    settings: SettingsDep,
    engine: EngineDep,
    compute: ComputeDep,
    caller: PageCaller,
    left: Annotated[str | None, Query(max_length=200)] = None,
    right: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    if left is None and right is None:
        if caller is None and not settings.compare_open:
            raise SignInRequired
        return _render(request, "compare_form.html", {"form": {}, "error": None})
    if not left or not right:
        raise Unprocessable("Give both `left` and `right` (article ids, or ID@N for a version)")
    load = stored_loader(engine, _reader(caller))
    left_source, right_source = _stored("left", left), _stored("right", right)
    return await _comparison_page(request, compute, left_source, right_source, settings, load)


def _pasted(text: str, outlet: str, kind: str) -> Source:
    name = outlet.strip() or None
    return HtmlSource(text, name) if kind == "html" else TextSource(text, name)


@router.post("/compare", dependencies=[SameOrigin])
async def compare_pasted(
    request: Request,
    settings: SettingsDep,
    compute: ComputeDep,
    caller: PageCaller,
    left_text: Annotated[str, Form()] = "",
    right_text: Annotated[str, Form()] = "",
    left_outlet: Annotated[str, Form(max_length=200)] = "",
    right_outlet: Annotated[str, Form(max_length=200)] = "",
    left_format: Annotated[str, Form(pattern="^(text|html)$")] = "text",
    right_format: Annotated[str, Form(pattern="^(text|html)$")] = "text",
) -> Response:
    if caller is None and not admit_anonymous(request, settings):
        raise SignInRequired
    left = _pasted(left_text, left_outlet, left_format)
    right = _pasted(right_text, right_outlet, right_format)
    try:
        return await _comparison_page(request, compute, left, right, settings)
    except (Unprocessable, PayloadTooLarge) as exc:  # too-complex too
        # Back to the form, with what was typed and what is wrong.
        form = {
            "left_text": left_text,
            "right_text": right_text,
            "left_outlet": left_outlet,
            "right_outlet": right_outlet,
            "left_format": left_format,
            "right_format": right_format,
        }
        context = {"form": form, "error": exc.detail}
        return _render(request, "compare_form.html", context, status=exc.status)


# Articles and versions -------------------------------------------------------

PageCursor = Annotated[str | None, Query(max_length=512)]


@router.get("/articles")
def articles_page(
    request: Request, session: SessionDep, tenant: Reader, cursor: PageCursor = None
) -> Response:
    page = list_articles(
        session, tenant, outlet=None, url=None, since=None, until=None, cursor=cursor, limit=50
    )
    return _render(request, "articles.html", {"page": ArticlePage.of(page)})


@router.get("/articles/{article_id}")
def article_page(
    request: Request,
    article_id: str,
    session: SessionDep,
    tenant: Reader,
    cursor: PageCursor = None,
) -> Response:
    article = ArticleOut.of(read_article(session, tenant, article_id))
    versions = VersionPage.of(list_versions(session, tenant, article_id, cursor=cursor, limit=100))
    return _render(request, "article.html", {"article": article, "versions": versions})


@router.get("/articles/{article_id}/diff")
async def version_diff_page(
    request: Request,
    article_id: str,
    session: SessionDep,
    compute: ComputeDep,
    tenant: Reader,
    from_: Annotated[int | None, Query(alias="from", ge=1, le=2**31 - 1)] = None,
    to: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None,
) -> Response:
    # Read here, diffed in the compute pool (as GET /v1/articles/{id}/diff),
    # rendered in a thread.
    found = await run_in_threadpool(read_article, session, tenant, article_id)
    article = ArticleOut.of(found)
    pair = await run_in_threadpool(versions_to_diff, session, tenant, article_id, from_, to)
    body, stream, changed = await compute.run(
        _version_diff_view, pair, request=request, size=pair.size, advice=_DIFF_ADVICE
    )
    context = {"article": article, "body": body, "stream": stream, "changed": changed}
    return await run_in_threadpool(_render, request, "version_diff.html", context)


def _version_diff_view(pair: VersionPair) -> tuple[VersionDiff, list[Run], int]:
    """What the version diff page shows: the diff, the one stream of runs
    from the old text to the new, and how many runs changed. It runs in a
    worker process."""
    diffed = diffed_versions(pair)
    ops = diffed.changes.words
    changed = sum(op.op != "equal" for op in ops)
    return VersionDiff.of(diffed), unified_runs(pair.old.text, pair.new.text, ops), changed


# Stories ---------------------------------------------------------------------


@router.get("/stories")
def stories_page(
    request: Request,
    session: SessionDep,
    tenant: Reader,
    cursor: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    rows, following = list_stories(session, tenant, after=cursor, limit=50)
    return _render(request, "stories.html", {"page": StoryPage.of(rows, following)})


# Statements on a story's page; the rest are a "next" link away.
_STORY_PAGE_STATEMENTS = 50
_STORY_ADVICE = "take articles out of the story"


@router.get("/stories/{key}")
async def story_page_view(
    request: Request,
    key: str,
    session: SessionDep,
    settings: SettingsDep,
    compute: ComputeDep,
    tenant: Reader,
    versions: StoryVersionsDep,
    pages: StoryPagesDep,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    # As GET /v1/stories/{key}/quotes: read here (the versions' texts and
    # quotations the server keeps taken from there), aligned in the compute
    # pool (422 too-complex past its deadline) unless the server kept the
    # story's alignment, which the API's reads share, rendered in a thread.
    reading, _, aligned_digest = await run_in_threadpool(
        read_story_digested, session, tenant, key, StoryLimits.of(settings), versions
    )
    offset = statements_offset(reading, cursor)
    aligned_kept = (tenant, aligned_digest)
    body, aligned = await compute.run(
        _story_view,
        reading,
        offset,
        pages.alignment(aligned_kept),
        request=request,
        size=reading.size,
        advice=_STORY_ADVICE,
    )
    if aligned is not None:  # computed there, as none was kept
        pages.keep_alignment(aligned_kept, aligned)
    outlets = {a.article_id: a.outlet for a in body.articles}
    omitted = {o.article_id: o.omitted for o in body.omissions}
    context = {"story": body, "outlets": outlets, "omitted": omitted, "offset": offset}
    return await run_in_threadpool(_render, request, "story.html", context)


def _story_view(
    reading: StoryReading, offset: int, alignment: bytes | None
) -> tuple[StoryQuotes, bytes | None]:
    """The page of statements a story's page shows, on the alignment the
    server kept when given, and the alignment when it was computed here
    (``kept_page``); it runs in a worker process (or, for a small story, in
    a thread)."""
    page, aligned = kept_page(
        reading, offset=offset, limit=_STORY_PAGE_STATEMENTS, alignment=alignment
    )
    return StoryQuotes.of(page), aligned


# Wiring ----------------------------------------------------------------------


def wants_page(request: Request) -> bool:
    """Whether an error should be answered with a page: a browser's request
    (it accepts HTML) for anything outside the API."""
    path = request.url.path
    api = path.startswith("/v1/") or path in ("/healthz", "/readyz", "/metrics")
    return not api and "text/html" in request.headers.get("accept", "")


def error_page(request: Request, problem: Response) -> Response:
    """The problem response ``problem`` as a page, with its status and headers."""
    body = json.loads(bytes(problem.body))
    headers = {
        name: value
        for name, value in problem.headers.items()
        if name.lower() in ("retry-after", "allow", "www-authenticate", "x-request-id")
    }
    return _render(
        request, "error.html", {"problem": body}, status=problem.status_code, headers=headers
    )


async def _on_sign_in_required(request: Request, exc: Exception) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/sign-in?next={url_quote(target, safe='')}", status_code=303)


def install_pages(app: FastAPI) -> None:
    """Serve the pages, their static files and their error pages on ``app``."""
    app.include_router(router)
    static = files("service.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")
    app.state.error_page = error_page
    app.state.wants_page = wants_page
    app.add_exception_handler(SignInRequired, _on_sign_in_required)
