"""The README's shell examples, read from ``README.md`` and run in bash.

Public API:

- ``examples(text)``: every fenced block of the README that is a shell
  example (info string ``sh``, ``bash``, ``shell`` or ``console``), in
  order, as ``Example``: its line, text, kind, and the block shown right
  after it (its output, when the README shows one).
- ``Shell(directory, env)``: runs examples one after the other, each in a
  bash process of its own that starts with the variables the earlier ones
  left, ``set -eo pipefail``, in the repository's root. ``run(example,
  text)`` answers a ``Ran`` (status, stdout, stderr, the variables after
  it). ``close()`` ends what examples left running in the background.
- ``shows(shown, printed)``: why ``printed`` does not have the shape of the
  output the README shows (``None`` when it does).
- ``contains(actual, shown)``, ``documents(printed)``, ``leading(printed)``:
  a JSON value holds every member and item the README shows; the JSON
  documents a command printed one after another; the first of them and the
  text after it.

Kinds: ``install`` (the install-and-serve command, which the test replaces
by a server of its own), ``suite`` (the whole test suite), ``serve`` (a
line that starts the service again, with variables set before it),
``skipped`` (marked ``<!-- readme-test: not run: why -->`` on the line
before the fence) and ``run``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

__all__ = [
    "INSTALL",
    "SUITE",
    "Example",
    "Ran",
    "Shell",
    "contains",
    "documents",
    "examples",
    "leading",
    "shows",
]

# The first two blocks, which .ci/run and people copy as they are.
INSTALL = "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/sourcediff serve"
SUITE = "python3 -m venv .venv && .venv/bin/pip install -e '.[dev]' && .venv/bin/python -m pytest"

SHELL = {"sh", "bash", "shell", "console"}
FENCE = re.compile(r"^```(\S*)\s*$")
NOT_RUN = re.compile(r"^<!-- readme-test: not run: (.+?) -->$")
SERVE = re.compile(r"^((?:[A-Z][A-Z0-9_]*=\S+ )*)\.venv/bin/sourcediff serve$")

Kind = Literal["install", "suite", "serve", "skipped", "run"]


@dataclass(frozen=True)
class Example:
    line: int  # of the opening fence, 1-based
    text: str
    kind: Kind
    reason: str = ""  # why a skipped one is not run
    shown: str | None = None  # the block right after it, if any
    shown_info: str = ""

    @property
    def serve_env(self) -> dict[str, str]:
        """The variables a ``serve`` example sets for the service."""
        match = SERVE.match(self.text.strip())
        assert match is not None
        return dict(pair.split("=", 1) for pair in match.group(1).split())


def _blocks(text: str) -> list[tuple[int, str, str, str]]:
    """Fenced blocks: (line of the fence, info, body, the line before it)."""
    lines = text.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if opening is None:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        before = lines[i - 1] if i else ""
        blocks.append((i + 1, opening.group(1), "\n".join(lines[i + 1 : end]), before))
        i = end + 1
    return blocks


def examples(text: str) -> list[Example]:
    lines = text.splitlines()
    blocks = _blocks(text)
    found = []
    for n, (line, info, body, before) in enumerate(blocks):
        if info not in SHELL:
            continue
        shown = shown_info = None
        if n + 1 < len(blocks):
            following = blocks[n + 1]
            closing = line + body.count("\n") + 2  # the closing fence's line
            gap = lines[closing : following[0] - 1]
            if not any(row.strip() for row in gap):
                shown, shown_info = following[2], following[1]
        marked = NOT_RUN.match(before.strip())
        kind: Kind
        if body == INSTALL:
            kind = "install"
        elif body == SUITE:
            kind = "suite"
        elif marked:
            kind = "skipped"
        elif SERVE.match(body.strip()):
            kind = "serve"
        else:
            kind = "run"
        found.append(
            Example(
                line=line,
                text=body,
                kind=kind,
                reason=marked.group(1) if marked else "",
                shown=shown,
                shown_info=shown_info or "",
            )
        )
    return found


# Running ---------------------------------------------------------------


@dataclass
class Ran:
    example: Example
    status: int
    stdout: str
    stderr: str
    stdout_path: Path
    stderr_path: Path
    variables: dict[str, str] = field(default_factory=dict)

    def report(self) -> str:
        return (
            f"README.md:{self.example.line} exited {self.status}\n"
            f"--- ran:\n{self.example.text}\n--- stdout:\n{self.stdout[-3000:]}\n"
            f"--- stderr:\n{self.stderr[-3000:]}"
        )


# What each example's bash runs around it: the variables the examples before
# it left, and, on the way out whatever happened, the ones it leaves.
_PROLOGUE = """\
__readme_save() {{
    set +e
    local names
    names=$(compgen -v | grep -vxF -f {baseline} | grep -v '^BASH\\|^__readme\\|^_$')
    if [ -n "$names" ]; then declare -p $names > {state}; fi
    for name in $names; do printf '%s=%s\\0' "$name" "${{!name}}"; done > {values}
}}
trap '__readme_status=$?; __readme_save; exit $__readme_status' EXIT
source {state}
set -eo pipefail
"""


class Shell:
    """Runs examples in bash, one process each, carrying variables along."""

    def __init__(self, directory: Path, cwd: Path, env: dict[str, str]) -> None:
        self.directory = directory
        self.cwd = cwd
        self.env = env
        self.state = directory / "state.sh"
        self.state.write_text("")
        self.values = directory / "values"
        baseline = directory / "baseline"
        names = subprocess.run(
            ["bash", "-c", "compgen -v"], env=env, capture_output=True, text=True, check=True
        ).stdout
        baseline.write_text(names)
        self.prologue = _PROLOGUE.format(baseline=baseline, state=self.state, values=self.values)
        self.groups: list[int] = []

    def run(self, example: Example, text: str, *, timeout: float = 600) -> Ran:
        name = f"L{example.line}"
        script = self.directory / f"{name}.sh"
        script.write_text(f"{self.prologue}\n{text}\n")
        out, err = self.directory / f"{name}.out", self.directory / f"{name}.err"
        with out.open("wb") as stdout, err.open("wb") as stderr:
            process = subprocess.Popen(
                ["bash", str(script)],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,  # its background jobs stay in its group
            )
            self.groups.append(process.pid)
            try:
                status = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self._end(process.pid)
                status = process.wait()
        values = self.values.read_bytes().decode() if self.values.exists() else ""
        variables = dict(item.split("=", 1) for item in values.split("\0") if item)
        return Ran(example, status, out.read_text(), err.read_text(), out, err, variables)

    def close(self) -> None:
        """End what the examples left running (a receiver started with ``&``)."""
        for group in self.groups:
            if _group_running(group):
                self._end(group)

    @staticmethod
    def _end(group: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(group, signal.SIGTERM)


def _group_running(group: int) -> bool:
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            state, _ppid, pgrp = stat.read_text().rpartition(")")[2].split()[:3]
        except (OSError, ValueError):
            continue
        if int(pgrp) == group and state != "Z":
            return True
    return False


# What the output looks like ------------------------------------------------

# In output the README shows, these stand for values that differ from run
# to run: ids and hashes (hex, 12 characters or more) and times.
_VARYING = re.compile(r"(?P<hex>\b[0-9a-f]{12,}\b)|(?P<time>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)")


def _pattern(line: str) -> tuple[re.Pattern[str], list[str]]:
    parts, hexes, last = [], [], 0
    for match in _VARYING.finditer(line):
        parts.append(re.escape(line[last : match.start()]))
        if match.group("hex"):
            parts.append(f"([0-9a-f]{{{len(match.group())}}})")
            hexes.append(match.group())
        else:
            parts.append(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")
        last = match.end()
    parts.append(re.escape(line[last:]))
    return re.compile("".join(parts)), hexes


def shows(shown: str, printed: str) -> str | None:
    """Why ``printed`` is not what ``shown`` shows, line by line: the same
    text, but for ids, hashes and times, which must still repeat where the
    README repeats them; a line ``…`` stands for whatever follows."""
    printed_lines = printed.rstrip("\n").splitlines()
    same: dict[str, str] = {}
    for n, line in enumerate(shown.splitlines()):
        if line == "…":
            return None
        if n >= len(printed_lines):
            return f"line {n + 1} is missing: {line!r}"
        pattern, hexes = _pattern(line)
        match = pattern.fullmatch(printed_lines[n])
        if match is None:
            return f"line {n + 1}: {printed_lines[n]!r} is not {line!r}"
        for readme, actual in zip(hexes, match.groups(), strict=True):
            if same.setdefault(readme, actual) != actual:
                return f"line {n + 1}: {actual} where the README repeats {readme}"
    if len(printed_lines) > len(shown.splitlines()):
        return f"more lines than the README shows: {printed_lines[len(shown.splitlines())]!r}"
    return None


def contains(actual: Any, shown: Any) -> bool:
    """Whether ``actual`` has every member ``shown`` has, with the same
    values (objects may have more members; arrays have the same items)."""
    if isinstance(shown, dict):
        return isinstance(actual, dict) and all(
            key in actual and contains(actual[key], value) for key, value in shown.items()
        )
    if isinstance(shown, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(shown)
            and all(contains(a, s) for a, s in zip(actual, shown, strict=True))
        )
    return bool(actual == shown)


def documents(printed: str) -> list[Any]:
    """The JSON documents printed one after another (curl after curl)."""
    decoder = json.JSONDecoder()
    found, i = [], 0
    while True:
        while i < len(printed) and printed[i].isspace():
            i += 1
        if i == len(printed):
            return found
        value, i = decoder.raw_decode(printed, i)
        found.append(value)


def leading(printed: str) -> tuple[Any, str]:
    """The JSON document ``printed`` starts with, and what follows it (curl
    ends its output without a new line, so the next command's follows it)."""
    start = len(printed) - len(printed.lstrip())
    value, end = json.JSONDecoder().raw_decode(printed, start)
    return value, printed[end:]
