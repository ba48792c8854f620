"""The problem-details check that API tests share (RFC 9457 bodies)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2

__all__ = ["ProblemCheck", "check_problem"]

ProblemCheck = Callable[[httpx2.Response, int], dict[str, Any]]


def check_problem(response: httpx2.Response, status: int) -> dict[str, Any]:
    """Assert ``response`` is an RFC 9457 problem with ``status``; its body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:sourcediff:problem:")
    assert body["title"] and body["detail"]
    assert body["instance"] == response.request.url.path
    assert "Traceback" not in response.text
    return body
