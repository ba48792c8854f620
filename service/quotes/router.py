"""Quote search over every stored quotation.

Route: ``GET /v1/quotes/search?q=…&min_score=&scope=&cursor=&limit=``
(``read`` scope): the stored quotations that are variants of ``q``, best
first, from the quote index (see ``service.quotes.service``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from service.keys.deps import TenantDep, require_scope
from service.platform.deps import SessionDep
from service.platform.problems import AUTH_RESPONSES, PROBLEM_RESPONSES
from service.platform.wire import Unicode
from service.quotes.schemas import SearchPage
from service.quotes.service import Scope, search_quotes

__all__ = ["router"]

router = APIRouter(
    prefix="/v1/quotes", tags=["quotes"], responses={**PROBLEM_RESPONSES, **AUTH_RESPONSES}
)


@router.get("/search", response_model=SearchPage, dependencies=[require_scope("read")])
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
    cursor: Annotated[
        str | None, Query(max_length=512, description="`next` of the previous page.")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size (at most 100).")] = 20,
) -> SearchPage:
    """Every stored quotation that is a variant of `q` (fuzzy, fragments
    included), best first, with its article, outlet, version and score."""
    results = search_quotes(
        session, tenant, q, min_score=min_score, scope=scope, cursor=cursor, limit=limit
    )
    return SearchPage.of(results)
