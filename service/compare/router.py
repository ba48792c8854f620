"""``POST /v1/compare``: align the quotations of two articles (the compare
contract: docs/compare-api.md).

It only reads, so the ``read`` scope is enough; stored sides are the caller's
tenant's articles. Sides given inline (text, HTML) need no key where
comparing is open (``Settings.compare_open``: by default only on a server
bound to loopback with no trusted proxy, where clients and quality harnesses
call it without credentials; comparing a client's own texts reads nothing
stored), limited per client address. A key presented is still checked (and
rate-limited).

Where it runs: stored sides are read here (a worker process has no
database), then the comparison goes to ``service.platform.compute``: in a
worker process with a deadline (422 ``too-complex`` past it, 503
``overloaded`` when the pool is full; stopped if the client leaves), or, for
small inputs, in the thread pool. The worker returns the response's JSON,
so a large body is not serialised on the event loop; the comparison is
counted here. Semantic mode stays in the server's threads: its model takes
seconds to load in each process, which a worker replaced after every
deadline cannot afford, and its work is bounded by its sentence cap."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool

from service.articles.service import stored_loader
from service.compare.schemas import CompareRequest, CompareResponse, response_json
from service.compare.service import (
    Source,
    StoredSource,
    check_primaries,
    compare_sides,
    input_size,
    primary_texts,
    read_stored,
)
from service.keys.deps import OptionalReaderDep
from service.platform import metrics
from service.platform.config import Settings
from service.platform.deps import ComputeDep, EngineDep, SettingsDep, require_json
from service.platform.errors import Unauthorized
from service.platform.problems import AUTH_RESPONSES, PROBLEM_RESPONSES

__all__ = ["router"]


router = APIRouter(prefix="/v1", tags=["compare"])

# What a client whose comparison overran the deadline can send instead.
ADVICE = 'send shorter sides or fewer primary documents, or send "passages": false'


@router.post(
    "/compare",
    response_model=CompareResponse,
    response_model_exclude_unset=True,
    dependencies=[Depends(require_json)],
    # A key is optional here (inline sides); `{}` says so in OpenAPI.
    openapi_extra={"security": [{}, {"HTTPBearer": ["read"]}, {"APIKeyHeader": ["read"]}]},
    responses={**PROBLEM_RESPONSES, **AUTH_RESPONSES},
)
async def compare(
    body: CompareRequest,
    settings: SettingsDep,
    engine: EngineDep,
    caller: OptionalReaderDep,
    compute: ComputeDep,
    request: Request,
) -> Response:
    """Extract both sides' quotations, align them and diff each matched pair.

    A side is a text, an HTML page, or a stored article version (the latest
    when ``version`` is absent; needs an API key with the ``read`` scope)."""
    left, right = body.left.to_source(), body.right.to_source()
    primaries = [p.to_source() for p in body.primary or []]
    stored = any(isinstance(s, StoredSource) for s in (left, right, *primaries))
    if caller is None and (stored or not settings.compare_open):
        raise Unauthorized(
            "Send an API key (Authorization: Bearer sdk_…) to compare stored articles"
        )
    load = stored_loader(engine, caller.tenant) if caller is not None else None
    sides = [left, right, *primaries]
    if stored:
        sides = await run_in_threadpool(read_stored, sides, load)
    args = (sides[0], sides[1], sides[2:], settings, body.passages, body.semantic)
    if body.semantic:
        content, outcome = await run_in_threadpool(_answer, *args)
    else:
        size = input_size(sides)
        content, outcome = await compute.run(
            _answer, *args, request=request, size=size, advice=ADVICE
        )
    metrics.COMPARISONS.labels(outcome=outcome).inc()
    return Response(content, media_type="application/json")


def _answer(
    left: Source,
    right: Source,
    primaries: list[Source],
    settings: Settings,
    passages: bool,
    semantic: bool,
) -> tuple[bytes, str]:
    """The response to a comparison of sides given inline (stored ones read
    already): its JSON, as FastAPI writes ``CompareResponse`` (unset fields
    left out), and the outcome it is counted under
    (``metrics.comparison_outcome``). The JSON is written once, from plain
    data (``response_json``), not validated into the model first. It runs in
    a worker process, so it takes and returns only plain data."""
    comparison = compare_sides(left, right, settings, passages=passages, semantic=semantic)
    texts = primary_texts(primaries, settings)
    checked = check_primaries(comparison, texts) if texts else None
    content = response_json(comparison, left, right, checked)
    return content, metrics.comparison_outcome(comparison)
