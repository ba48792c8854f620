"""Every shell example of the README runs as written, in order, against a
live server on a new database, and prints what the README shows.

What runs (``tests/docs/readme.py`` reads the blocks):

- Every fenced block whose info string is ``sh`` (or ``bash``, ``shell``,
  ``console``) is a shell example. Blocks of other kinds (``json``,
  ``yaml``, ``python``, ``text``, ``nginx``, plain output) are shown, not
  run; a shell block right after an example, with nothing but blank lines
  between, is that example's output when it is not ``sh``.
- The install-and-serve command (the first block, which ``.ci/run`` and
  people copy as it is) is not run: the test starts the server it ends with
  (``tests/serving.Server``, ``sourcediff serve`` on 127.0.0.1) with API
  keys on and its default database, the SQLite file in the user's data
  directory, made new here (``XDG_DATA_HOME`` in the test's directory).
  The test command (the second block) is not run either (it is this
  suite); both must stay exactly as ``.ci/run`` has them.
- A block that is only ``[NAME=value …] .venv/bin/sourcediff serve`` starts
  the service again, as a reader stops it and starts it so: the test
  restarts its server, same port and database, with those variables.
- A block marked ``<!-- readme-test: not run: why -->`` on the line before
  its fence is not run (it needs something a clone cannot have, such as a
  PostgreSQL server elsewhere); the mark says why.
- Every other shell block runs in bash (``set -eo pipefail``, so every
  command must succeed; an example that shows a failing exit status writes
  ``|| echo "exit $?"``), in the repository's root, with ``.venv/bin`` first
  on ``PATH`` and no ``SOURCEDIFF_*`` variable but what the examples set.
  The blocks run one after the other, each in a bash of its own that starts
  with the variables the earlier ones left (``KEY``, ``ID``): the README
  captures the key and ids itself, so nothing is substituted but the
  addresses: ``http://127.0.0.1:8000`` becomes the test server's URL and
  the webhook receiver's port ``8001`` a free one.

Each example is a test of its own, named by its README line, so the count
run is visible; ``test_the_readme_has_its_examples`` fails when the
extractor finds fewer runnable examples than ``AT_LEAST``. Each example's
exit status is checked, and its output against what the README shows: the
plain output block after it line by line (ids, hashes and times may differ
but must repeat where they repeat), the JSON after it member by member, and
for the others the check in ``CHECKS`` that its signature names. A new
example needs a check there: an example no check names fails.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.docs.readme import (
    INSTALL,
    SUITE,
    Example,
    Ran,
    Shell,
    contains,
    documents,
    examples,
    leading,
    shows,
)
from tests.serving import Server, free_port

REPO = Path(__file__).resolve().parents[2]
README = REPO / "README.md"
EXAMPLES = examples(README.read_text("utf-8"))
RUN = [e for e in EXAMPLES if e.kind in ("run", "serve")]
AT_LEAST = 13  # shell examples the README runs (and restarts), today 14
README_URL = "http://127.0.0.1:8000"
RECEIVER_PORT = re.compile(r"\b8001\b")
KEY = re.compile(r"^sdk_[0-9a-f]+_[A-Za-z0-9_-]+$")
HEX = re.compile(r"^[0-9a-f]{32}$")


# The checks, by a string only that example holds -------------------------


def _keys(ran: Ran) -> None:
    lines = ran.stdout.splitlines()
    assert KEY.match(lines[0]), lines
    assert any("desk bot" in line for line in lines[1:-1]), lines
    assert lines[-1] == "401", lines


def _key(ran: Ran) -> None:
    assert KEY.match(ran.variables["KEY"]), ran.variables
    assert ran.variables["SOURCEDIFF_API_KEY"] == ran.variables["KEY"]


def _stored(ran: Ran) -> None:
    first, second, diff = documents(ran.stdout)
    assert (first["version"], first["created"]) == (1, True), first
    assert (second["version"], second["created"]) == (2, True), second
    assert first["id"] == second["id"] == diff["article_id"] == ran.variables["ID"]
    assert (diff["from"], diff["to"]) == (1, 2), diff
    assert [c["relation"] for c in diff["quotes"]["changed"]] == ["reworded"], diff["quotes"]


def _newsml(ran: Ran) -> None:
    (stored,) = documents(ran.stdout)
    assert contains(
        stored,
        {
            "version": 1,
            "created": True,
            "outlet": "Example Wire",
            "url": "urn:newsml:wire.example:20261208:libraries-vote",
        },
    ), stored


def _story(ran: Ran) -> None:
    wire, daily, story, search = documents(ran.stdout)
    assert wire["created"] and daily["created"], (wire, daily)
    (statement,) = story["statements"]
    carried = {variant["outlet"] for variant in statement["variants"]}
    assert carried == {"wire", "daily"}, statement
    hits = {hit["article_id"] for hit in search["items"]}
    assert {wire["id"], daily["id"]} <= hits, search


def _check_files(ran: Ran) -> None:
    assert ran.stdout.startswith("PASSED: examples/today.html against examples/yesterday.txt")
    assert "FAILED: examples/today.html against examples/yesterday.txt" in ran.stdout
    assert ran.stdout.rstrip().endswith("exit 1"), ran.stdout
    report = ElementTree.parse(REPO / "build" / "report.xml").getroot()
    failing = [f.get("type") for f in report.iter("failure") if f.get("type")]
    assert failing == ["partial_quote"], failing
    result = documents((REPO / "build" / "report.json").read_text())[0]
    assert result["passed"] is False and result["summary"]["failures"] == 1, result


def _policy(ran: Ran) -> None:
    saved, _ = leading(ran.stdout)
    assert saved["name"] == "strict" and "partial_quote" in saved["fail_on"], saved
    assert f"FAILED: article:{ran.variables['ID']}@2" in ran.stdout, ran.stdout
    assert "reworded_quote" in ran.stdout and ran.stdout.rstrip().endswith("exit 1")


def _webhook(ran: Ran) -> None:
    hook, version = documents(ran.stdout)
    assert hook["id"].startswith("wh_") and hook["secret"].startswith("whsec_"), hook
    assert version["version"] == 3 and version["id"] == ran.variables["ID"], version
    # The receiver, left running by the example, prints each delivery on
    # standard error, the dispatcher sending it soon after the commit: wait
    # for both (a wait with a generous end, not a timing).
    deadline = time.monotonic() + 120
    while True:
        printed = ran.stderr_path.read_text()
        events = [leading(line.split(" ", 1)[1])[0] for line in printed.splitlines()[1:]]
        types = sorted(e["type"] for e in events if e["data"].get("article_id") == version["id"])
        if len(types) >= 2 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert printed.startswith("receiving webhooks on http://127.0.0.1:"), printed
    assert types == ["quote.dropped", "version.created"], printed


def _primary(ran: Ran) -> None:
    (answer,) = documents(ran.stdout)
    primary = answer["primary"]
    assert [q["verdict"] for q in primary["left"]] == ["trimmed"], primary
    assert [q["verdict"] for q in primary["right"]] == ["edited"], primary
    assert "inserted" in {edit["type"] for edit in primary["right"][0]["edits"]}, primary


def _labelled_pair(ran: Ran) -> None:
    first = ran.stdout.splitlines()[0]
    pair = "tests/fixtures/pair/harbour-gazette.txt ↔ tests/fixtures/pair/island-courier.txt"
    assert first == pair, ran.stdout


def _shown(ran: Ran) -> None:
    """The output block after it, as the README shows it."""
    example = ran.example
    assert example.shown is not None
    if example.shown_info == "json":
        printed = documents(ran.stdout)
        assert contains(printed[0], documents(example.shown)[0]), printed
    else:
        why = shows(example.shown, ran.stdout)
        assert why is None, why


CHECKS: dict[str, Callable[[Ran], None]] = {
    "keys create --tenant newsroom": _keys,
    "export KEY=": _key,
    '"right": {"text": "She said:': _shown,
    "/v1/articles/$ID/diff": _stored,
    "@examples/item.xml": _newsml,
    "/v1/stories/nk-arms/quotes": _story,
    "examples/today.html --fail-on": _check_files,
    "/v1/policies/strict": _policy,
    "examples/receiver.py 8001": _webhook,
    '"primary": [{"text"': _primary,
    "compare examples/wire.txt examples/daily.txt": _shown,
    "ingest examples/draft.txt": _shown,
    "compare tests/fixtures/pair/harbour-gazette.txt": _labelled_pair,
}


def _check(example: Example) -> Callable[[Ran], None]:
    named = [check for signature, check in CHECKS.items() if signature in example.text]
    assert len(named) == 1, f"README.md:{example.line}: {len(named)} checks name it"
    return named[0]


# The session: one server, the examples run in order ------------------------


class Session:
    """Runs the README's examples in order, each once, as tests ask for them
    (a test asking for one runs those before it first)."""

    def __init__(self, directory: Path) -> None:
        data = directory / "data"
        env = {k: v for k, v in os.environ.items() if not k.startswith("SOURCEDIFF_")}
        if sys.platform == "linux":
            env["XDG_DATA_HOME"] = str(data)  # the default database, made new
            self.database = data / "sourcediff" / "sourcediff.db"
        else:
            self.database = data / "sourcediff.db"
            env["SOURCEDIFF_DATABASE_URL"] = f"sqlite:///{self.database}"
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
        env.pop("NO_COLOR", None)
        self.env = env
        self.server = Server(log=directory / "server.log")
        self.server.env = dict(env)  # keys on, background work on: the defaults
        self.receiver = free_port()
        self.shell = Shell(directory, REPO, env)
        self.ran: dict[int, Ran] = {}

    def __enter__(self) -> Session:
        self.server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.shell.close()
        finally:
            self.server.close()

    def result(self, example: Example) -> Ran:
        for earlier in RUN[: RUN.index(example) + 1]:
            if earlier.line not in self.ran:
                self.ran[earlier.line] = self._run(earlier)
        return self.ran[example.line]

    def _run(self, example: Example) -> Ran:
        if example.kind == "serve":
            self.server.stop()
            self.server.env = {**self.env, **example.serve_env}
            self.server.start()
            return Ran(example, 0, "", "", Path(os.devnull), Path(os.devnull))
        text = example.text.replace(README_URL, self.server.url)
        text = RECEIVER_PORT.sub(str(self.receiver), text)
        return self.shell.run(example, text)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    with Session(tmp_path_factory.mktemp("readme")) as running:
        yield running


# The tests ----------------------------------------------------------------


def test_the_readme_has_its_examples() -> None:
    kinds = [e.kind for e in EXAMPLES]
    assert kinds[:2] == ["install", "suite"], EXAMPLES[:2]
    assert len(RUN) >= AT_LEAST, f"{len(RUN)} examples found to run, fewer than {AT_LEAST}"
    for example in RUN:
        if example.kind == "run":
            _check(example)
    for signature in CHECKS:
        holding = [e.line for e in RUN if signature in e.text]
        assert len(holding) == 1, f"{signature!r} is in examples {holding}, not one"
    for example in EXAMPLES:
        assert example.kind != "skipped" or example.reason, example
        assert "../" not in example.text, f"README.md:{example.line} points outside the clone"
        if example.kind == "run":
            assert "python bench/" not in example.text  # the project's Python: .venv/bin/python


def test_ci_runs_the_readme_commands_as_they_are() -> None:
    ci = (REPO / ".ci" / "run").read_text("utf-8")
    assert SUITE in ci.splitlines()
    assert INSTALL.rsplit(" && ", 1)[0] in ci


@pytest.mark.parametrize("example", RUN, ids=[f"README.md:{e.line}" for e in RUN])
def test_the_readme_example_runs(session: Session, example: Example) -> None:
    ran = session.result(example)
    assert ran.status == 0, ran.report()
    if example.kind == "serve":
        with socket.create_connection(("127.0.0.1", session.server.port), timeout=5):
            pass
        return
    try:
        _check(example)(ran)
    except Exception as exc:  # with what it ran and printed
        raise AssertionError(f"{exc!r}\n{ran.report()}") from exc


def test_the_server_made_its_database_and_printed_the_admin_key(session: Session) -> None:
    session.result(RUN[0])
    assert session.database.exists()
    log = session.server.log_text()
    assert re.search(r"admin key .* was created", log), log[-2000:]
    assert KEY.search(next(line.strip() for line in log.splitlines() if "sdk_" in line))
