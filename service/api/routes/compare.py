"""``POST /v1/compare``: align the quotations of two articles (``shared/API.md``).

It only reads, so the ``read`` scope is enough; stored sides are the caller's
tenant's articles."""

from __future__ import annotations

from functools import partial
from typing import Any

from fastapi import APIRouter, Depends

from service import metrics
from service.api.deps import SessionDep, SettingsDep, TenantDep, require_json, require_scope
from service.api.problems import AUTH_RESPONSES, PROBLEM_RESPONSES
from service.api.schemas import CompareRequest, CompareResponse
from service.usecases.articles import stored_text
from service.usecases.compare import compare_sides, comparison_body

__all__ = ["router"]

router = APIRouter(prefix="/v1", tags=["compare"])


@router.post(
    "/compare",
    response_model=CompareResponse,
    response_model_exclude_unset=True,
    dependencies=[require_scope("read"), Depends(require_json)],
    responses={**PROBLEM_RESPONSES, **AUTH_RESPONSES},
)
def compare(
    body: CompareRequest, settings: SettingsDep, session: SessionDep, tenant: TenantDep
) -> dict[str, Any]:
    """Extract both sides' quotations, align them and diff each matched pair.

    A side is a text, an HTML page, or a stored article version (the latest
    when ``version`` is absent)."""
    left, right = body.left.to_source(), body.right.to_source()
    load = partial(stored_text, session, tenant)
    comparison = compare_sides(left, right, settings, load=load)
    metrics.count_comparison(comparison)
    return comparison_body(comparison, left, right)
