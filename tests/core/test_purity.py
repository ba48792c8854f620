"""service.core stays pure: no web framework, ORM or HTTP client behind it."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

FORBIDDEN = ("fastapi", "starlette", "sqlmodel", "sqlalchemy", "httpx", "pydantic")

PROBE = """
import json, sys
import service.core
from service.core import compare_texts
c = compare_texts('"We are ready," she said.', 'She said: "We are ready."')
assert [m.relation for m in c.alignment.matches] == ["identical"], c.alignment.matches
assert c.insight is not None and c.passages is not None and c.passages.aligned
print(json.dumps(sorted(sys.modules)))
"""


@pytest.fixture(scope="module")
def loaded() -> list[str]:
    """sys.modules of a fresh interpreter that imported and used the core
    (this test process may have imported anything)."""
    out = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    modules: list[str] = json.loads(out.stdout)
    return modules


def test_importing_the_core_loads_no_framework(loaded: list[str]) -> None:
    offenders = [m for m in loaded if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    assert offenders == []


def test_core_uses_only_stdlib_rapidfuzz_and_sentencex(loaded: list[str]) -> None:
    # Private modules (_distutils_hack, editable-install finders, Cython's
    # runtime behind rapidfuzz's extensions) are machinery, not dependencies.
    # sentencex (Rust, no dependencies) segments sentences.
    top = {m.split(".")[0] for m in loaded}
    public = {m for m in top if not m.startswith("_") and m != "cython_runtime"}
    allowed = {"service", "rapidfuzz", "sentencex"}
    third_party = public - set(sys.stdlib_module_names) - allowed
    # numpy may come with rapidfuzz.process.cdist's result arrays.
    assert third_party <= {"numpy"}, sorted(third_party)
