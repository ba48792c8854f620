"""The measurement scripts of ``bench/`` without their data: each exits 2
and names what it missed, instead of a traceback or figures over nothing
(``measure_newsedits.py`` used to print "precision 100.0% (0/0)" and exit 0).

Each runs in a subprocess, as the README gives it (``.venv/bin/python
bench/…``), with its data option pointing at a directory that does not
exist, so the test means the same beside ``../shared`` and without it.
Nothing is timed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# Each script with the arguments that point it at missing data ({x} is a
# directory that does not exist) and a path its message must name.
SCRIPTS = {
    "bench/bench_compare.py": ("-n 1 --shared {x}", "{x}/corpus/seeds.json"),
    "bench/bench_ingest.py": ("--versions 10 --no-postgres --shared {x}", "{x}/corpus/seeds"),
    "bench/bench_stored.py": (
        "--rounds 1 --databases sqlite --shared {x}",
        "{x}/corpus/seeds.json",
    ),
    "bench/bench_search.py": (
        "--sizes 1000 --queries 2 --recall-queries 1 --databases sqlite --shared {x}",
        "{x}/corpus/seeds",
    ),
    "bench/compare_bodies.py": ("--url http://127.0.0.1:9 --shared {x}", "{x}/corpus"),
    "bench/load.py": ("--seconds 1 --no-postgres --shared {x}", "{x}/corpus"),
    "bench/profile_compare.py": ("-n 1 --shared {x}", "{x}/corpus/seeds.json"),
    "bench/vs_naive.py": ("-n 1 --shared {x}", "{x}/corpus/seeds.json"),
    "bench/score_inprocess.py": ("--shared {x} {x}/corpus/seeds.json", "{x}/eval/score.py"),
    "bench/targets.py": ("--shared {x}", "{x}/corpus/seeds.json"),
    "bench/snapshot.py": ("--shared {x} --check {x}/prints.json", "{x}/corpus/seeds.json"),
    "bench/search_labelled.py": ("{x}/corpus/seeds.json", "{x}/corpus/seeds.json"),
    "bench/speakers/classes.py": ("--shared {x} {x}/corpus/dev/01.json", "{x}/eval/score.py"),
    "bench/insight/measure.py": ("--corpus {x}/corpus", "{x}/corpus/seeds.json"),
    "bench/passages/measure_newsedits.py": (
        "--corpus {x}/corpus",
        "{x}/corpus/clients/versions",
    ),
    "bench/passages/measure_only_in.py": ("--corpus {x}/corpus", "{x}/corpus/dev"),
    "bench/passages/time_align.py": ("--shared {x}", "{x}/corpus/seeds.json"),
}


# A script that names the shared directory (not "shared with the tests").
_NAMES_SHARED = re.compile(r"\bshared\b(?! with the tests)")


def test_every_script_that_reads_the_corpus_is_listed() -> None:
    reading = {
        str(path.relative_to(REPO))
        for path in (REPO / "bench").rglob("*.py")
        if _NAMES_SHARED.search(path.read_text("utf-8")) and "corpus" in path.read_text("utf-8")
    }
    assert len(reading) >= len(SCRIPTS) // 2  # the search finds them at all
    assert reading <= set(SCRIPTS), sorted(reading - set(SCRIPTS))


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_a_measurement_without_its_data_says_what_is_missing(script: str, tmp_path: Path) -> None:
    missing = tmp_path / "no-shared"
    arguments, named = (part.format(x=missing) for part in SCRIPTS[script])
    ran = subprocess.run(
        [sys.executable, str(REPO / script), *arguments.split()],
        cwd=tmp_path,  # no ../shared here either
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert ran.returncode == 2, (ran.returncode, ran.stdout[-2000:], ran.stderr[-2000:])
    assert "Traceback" not in ran.stderr, ran.stderr
    assert named in ran.stderr, ran.stderr
    assert not missing.exists()
