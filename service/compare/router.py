"""``POST /v1/compare``: align the quotations of two articles (the compare
contract: docs/compare-api.md).

It only reads, so the ``read`` scope is enough; stored sides are the caller's
tenant's articles. Sides given inline (text, HTML) need no key unless
``open_compare`` is off: comparing a client's own texts reads nothing
stored, and clients and quality harnesses call it so without credentials. A
key presented is still checked (and rate-limited)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.concurrency import run_in_threadpool

from service.articles.service import stored_loader
from service.compare.schemas import CompareRequest, CompareResponse
from service.compare.service import StoredSource, check_primaries, compare_sides, primary_texts
from service.keys.deps import OptionalReaderDep
from service.platform import metrics
from service.platform.deps import EngineDep, SettingsDep, require_json
from service.platform.errors import Unauthorized
from service.platform.problems import AUTH_RESPONSES, PROBLEM_RESPONSES

__all__ = ["router"]


router = APIRouter(prefix="/v1", tags=["compare"])


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
    body: CompareRequest, settings: SettingsDep, engine: EngineDep, caller: OptionalReaderDep
) -> CompareResponse:
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

    # The work goes to the thread pool in one hop, keeping the event loop
    # free. The response model it builds is returned as it is: FastAPI takes
    # the instance without validating it again and dumps it to JSON once.
    def work() -> CompareResponse:
        comparison = compare_sides(
            left, right, settings, load=load, passages=body.passages, semantic=body.semantic
        )
        metrics.count_comparison(comparison)
        texts = primary_texts(primaries, settings, load=load)
        checked = check_primaries(comparison, texts) if texts else None
        return CompareResponse.of(comparison, left, right, checked)

    return await run_in_threadpool(work)
