"""Quote search over every stored quotation.

Route: ``GET /v1/quotes/search?q=…&min_score=&scope=&cursor=&limit=``
(``read`` scope): the stored quotations that are variants of ``q``, best
first, from the quote index (see ``service.quotes.service``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response

from service.keys.deps import READ, TenantDep, api_router
from service.platform.deps import Cursor, Limit, SessionDep
from service.platform.wire import Unicode
from service.quotes.schemas import SearchPage, search_json
from service.quotes.service import Scope, search_quotes

__all__ = ["router"]

router = api_router("/v1/quotes", "quotes")


@router.get("/search", response_model=SearchPage, dependencies=READ)
def search(
    q: Annotated[
        Unicode, Query(min_length=1, max_length=2000, description="The quotation to look for.")
    ],
    session: SessionDep,
    tenant: TenantDep,
    min_score: Annotated[
        float, Query(ge=0, le=100, description="Least score (0–100) of a hit.")
    ] = 80,
    scope: Annotated[
        Scope,
        Query(description="`latest`: articles' latest versions only; `all`: every version."),
    ] = "latest",
    cursor: Cursor = None,
    limit: Limit = 20,
) -> Response:
    """Every stored quotation that is a variant of `q` (fuzzy, fragments
    included), best first, with its article, outlet, version and score."""
    results = search_quotes(
        session, tenant, q, min_score=min_score, scope=scope, cursor=cursor, limit=limit
    )
    # Written once (search_json); the model documents the shape.
    return Response(search_json(results), media_type="application/json")
