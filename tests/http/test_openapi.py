"""The checked-in openapi.json is the app's own document."""

from __future__ import annotations

from pathlib import Path

from service.http import create_app, openapi_json

OPENAPI = Path(__file__).resolve().parents[2] / "openapi.json"
REGENERATE = "sourcediff openapi --output openapi.json"


def test_openapi_json_matches_the_app() -> None:
    assert OPENAPI.is_file(), f"openapi.json is missing; generate it with: {REGENERATE}"
    committed = OPENAPI.read_text("utf-8")
    assert committed == openapi_json(create_app()), (
        f"openapi.json is out of date with the app; regenerate it with: {REGENERATE}"
    )


def test_compare_is_documented_with_problem_responses() -> None:
    operation = create_app().openapi()["paths"]["/v1/compare"]["post"]
    for status in ("400", "404", "413", "415", "422"):
        content = operation["responses"][status]["content"]
        assert list(content) == ["application/problem+json"], status
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/CompareRequest"}
