"""``EXTRACTOR`` names the extraction code: it covers every module that
extraction runs and no other, and every process computes the same name
(a stored stamp is compared across server and worker processes)."""

from __future__ import annotations

import os
import subprocess
import sys

from service.core.quotes import EXTRACTOR, identity


def test_it_covers_the_modules_extraction_imports_and_not_the_rest() -> None:
    covered = {p.relative_to(identity._CORE).as_posix() for p in identity._sources()}
    quotes = {
        f"quotes/{name}.py"
        for name in ("clauses", "coref", "cues", "extract", "mentions", "speakers")
    }
    assert quotes | {"text.py"} <= covered
    assert covered.isdisjoint({"quotes/identity.py", "quotes/__init__.py", "compare.py"})


def test_every_process_names_it_alike() -> None:
    names = set()
    for seed in ("1", "2"):
        found = subprocess.run(
            [sys.executable, "-c", "from service.core.quotes import EXTRACTOR; print(EXTRACTOR)"],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        names.add(found.stdout.strip())
    assert names == {EXTRACTOR}
    assert len(EXTRACTOR) == 16 and int(EXTRACTOR, 16) >= 0
