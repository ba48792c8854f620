"""The RFC 9457 problem body and the error responses routes document."""

from __future__ import annotations

from typing import Any

from pydantic import (
    BaseModel,
    Field,
)

__all__ = ["AUTH_RESPONSES", "PROBLEM_RESPONSES", "Problem", "ProblemError", "problem_doc"]


class ProblemError(BaseModel):
    pointer: str = Field(
        description="RFC 6901 JSON pointer into the request body, as `/left/text` "
        "(empty: the whole body)."
    )
    detail: str
    type: str | None = Field(default=None, description="Machine-readable kind of the error.")


class Problem(BaseModel):
    """An RFC 9457 problem details object (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    errors: list[ProblemError] | None = None
    request_id: str | None = Field(
        default=None,
        description="The request's `X-Request-ID`, to quote when reporting a problem.",
    )


def problem_doc(description: str) -> dict[str, Any]:
    """An OpenAPI ``responses`` entry: a problem body, with ``description``."""
    return {"model": Problem, "description": description}


_doc = problem_doc


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _doc("Malformed body (not JSON, or not UTF-8), or a `cursor` this service did not issue"),
    404: _doc("Unknown article or version"),
    413: _doc("Body or a side's text over the configured limit"),
    415: _doc(
        "Content-Type is not one the operation takes: JSON, or for `POST /v1/articles` "
        "also NewsML-G2 XML"
    ),
    422: _doc("Invalid request (see `errors`), or a side with no text"),
}


AUTH_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: _doc("No API key, or an unknown or revoked one (`WWW-Authenticate: Bearer`)"),
    403: _doc("The API key lacks the scope this operation needs"),
    429: _doc("The API key's requests this minute are over its limit (see `Retry-After`)"),
}
