"""Clients generated from the checked-in openapi.json, as integrators make them.

openapi-python-client writes a client package and datamodel-code-generator
writes pydantic models, both offline from the file. Either fails the test
when it warns of anything but the XML bodies it cannot model (NewsML-G2 in
and out of ``/v1/articles``), when a class name is numbered (``Relation1``,
``SideRequestType0``: a schema the tools had to name by counting), or when a
side's fields are untyped or missing. Then the generated client makes a
typed compare call with an outlet on each side against a live server, and
its answer is read into both tools' types.

openapi-python-client pins typer below the CLI's, so it lives in a venv of
its own: ``.venv/clients``, which the first run makes and fills from
``tests/http/client-generators.txt`` (from PyPI, as the README's test
command installs the project's), or wherever
``SOURCEDIFF_OPENAPI_PYTHON_CLIENT`` points to its script.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.serving import Server

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = ROOT / "openapi.json"
REQUIREMENTS = Path(__file__).with_name("client-generators.txt")
OPC = Path(
    os.environ.get("SOURCEDIFF_OPENAPI_PYTHON_CLIENT")
    or ROOT / ".venv" / "clients" / "bin" / "openapi-python-client"
)
DATAMODEL_CODEGEN = Path(sys.executable).with_name("datamodel-codegen")
PACKAGE = "sourcediff_generated_client"
MODELS = "sourcediff_generated_models"

# A class name the tools made up by counting: `Relation1`, `SideRequestType0`.
NUMBERED = re.compile(r"\d$|Type\d")

# What openapi-python-client may say: the XML media types it cannot model.
# Every other line (a dropped property, an unparsed schema, a failed ruff
# run) fails the test. Its JSON excerpts are indented or braces alone.
EXPECTED_OPC_LINES = (
    re.compile(r"Generating (client|/.*)"),
    re.compile(r"Warning\(s\) encountered while generating\. .*"),
    re.compile(
        r"WARNING parsing (POST /v1/articles|GET /v1/articles/\{article_id\}/versions/"
        r"\{number\}/newsml) within articles\."
    ),
    re.compile(r"Unsupported content type (application|text)/[\w.+-]*xml"),
    re.compile(
        r"Cannot parse response for status code .* \(Unsupported content_type "
        r"application/[\w.+-]*xml\), response will be omitted from generated client"
    ),
    re.compile(r"If you believe this was a mistake or this tool is missing a feature .*"),
)

LEFT = (
    'The minister said: "We will not raise taxes this year." '
    'She added that "the budget is balanced".'
)
RIGHT = (
    "<html><body><article><p>“We will not raise taxes,” the minister said on Monday.</p>"
    "<p>A spokesman said the ministry “has no plans to borrow”.</p></article></body></html>"
)


def _tool_env() -> dict[str, str]:
    # The generators run ruff on what they write: each finds its own beside it.
    path = os.pathsep.join([str(OPC.parent), str(DATAMODEL_CODEGEN.parent), os.environ["PATH"]])
    return {**os.environ, "PATH": path}


def _unexpected_opc_lines(output: str) -> list[str]:
    return [
        line
        for line in output.splitlines()
        if line.strip()
        and not line.startswith((" ", "{", "}"))
        and not any(pattern.fullmatch(line) for pattern in EXPECTED_OPC_LINES)
    ]


def _class_names(directory: Path) -> list[str]:
    return [
        node.name
        for path in sorted(directory.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text("utf-8")))
        if isinstance(node, ast.ClassDef)
    ]


def _install_generator() -> None:
    """openapi-python-client into ``.venv/clients`` (the first run only),
    from PyPI as the project's own dependencies come: a clone needs no step
    of its own before the suite."""
    venv = OPC.parent.parent
    steps = [
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "pip"), "install", "-q", "-r", str(REQUIREMENTS)],
    ]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True, check=False)
        assert result.returncode == 0, (
            f"could not install openapi-python-client into {venv} ({' '.join(step)}):\n"
            f"{result.stdout}{result.stderr}"
        )


@pytest.fixture(scope="module")
def client_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not OPC.is_file() and not os.environ.get("SOURCEDIFF_OPENAPI_PYTHON_CLIENT"):
        _install_generator()
    assert OPC.is_file(), f"openapi-python-client is not at {OPC}"
    out = tmp_path_factory.mktemp("opc") / PACKAGE
    result = subprocess.run(
        [*(str(OPC), "generate", "--path", str(OPENAPI)), "--meta", "none", "--output-path", out],
        capture_output=True,
        text=True,
        env=_tool_env(),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert _unexpected_opc_lines(output) == [], output
    return out


@pytest.fixture(scope="module")
def client(client_dir: Path) -> Iterator[ModuleType]:
    """The generated package, imported (its modules imported on first use too)."""
    sys.path.insert(0, str(client_dir.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(client_dir.parent))
        for name in [n for n in sys.modules if n.split(".")[0] in (PACKAGE, MODELS)]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def models_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dcg") / f"{MODELS}.py"
    result = subprocess.run(
        [
            *(DATAMODEL_CODEGEN, "--input", OPENAPI, "--input-file-type", "openapi"),
            *("--output", out, "--output-model-type", "pydantic_v2.BaseModel"),
            *("--formatters", "ruff-format"),
        ],
        capture_output=True,
        text=True,
        env=_tool_env(),
        stdin=subprocess.DEVNULL,
        check=False,
    )
    # Not a warning of any kind: numbered names come as a NamingHintWarning.
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr
    return out


def _import(name: str, directory: Path) -> ModuleType:
    sys.path.insert(0, str(directory))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(directory))


def test_openapi_python_client_names_and_types_every_schema(
    client_dir: Path, client: ModuleType
) -> None:
    names = _class_names(client_dir / "models")
    assert [name for name in names if NUMBERED.search(name)] == []
    assert {"CompareRequest", "TextSide", "HtmlSide", "StoredSide", "Relation"} <= set(names)
    models = importlib.import_module(f"{PACKAGE}.models")
    hints = {
        shape: inspect.get_annotations(getattr(models, shape))
        for shape in ("TextSide", "HtmlSide", "StoredSide")
    }
    assert hints["TextSide"]["text"] == "str"
    assert hints["HtmlSide"]["html"] == "str"
    assert hints["StoredSide"]["article_id"] == "str"
    for shape in ("TextSide", "HtmlSide"):
        assert set(hints[shape]["outlet"].split(" | ")) == {"None", "str", "Unset"}
    assert set(hints["StoredSide"]["version"].split(" | ")) == {"int", "None", "Unset"}
    for field in ("left", "right"):
        side = inspect.get_annotations(models.CompareRequest)[field]
        assert set(side.split(" | ")) == {"TextSide", "HtmlSide", "StoredSide"}


def test_datamodel_code_generator_names_and_types_every_schema(models_file: Path) -> None:
    tree = ast.parse(models_file.read_text("utf-8"))
    classes = {node.name: node for node in tree.body if isinstance(node, ast.ClassDef)}
    assert [name for name in classes if NUMBERED.search(name)] == []

    def fields(name: str) -> dict[str, str]:
        return {
            node.target.id: ast.unparse(node.annotation)
            for node in classes[name].body
            if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name)
        }

    assert set(fields("TextSide")) == {"text", "outlet"}
    assert fields("TextSide")["outlet"] == "str | None"
    assert set(fields("StoredSide")) == {"article_id", "version"}
    assert fields("SideRequest")["root"] == "TextSide | HtmlSide | StoredSide"
    assert fields("MatchOut")["relation"] == "Relation"
    assert fields("CompareRequest")["left"] == "SideRequest"


def test_a_typed_compare_call_with_outlets(
    client: ModuleType, models_file: Path, tmp_path: Path
) -> None:
    from sourcediff_generated_client.api.compare import compare  # type: ignore[import-not-found]
    from sourcediff_generated_client.models import (  # type: ignore[import-not-found]
        CompareRequest,
        CompareResponse,
        HtmlSide,
        MatchOut,
        QuoteOut,
        Relation,
        TextSide,
    )

    body = CompareRequest(
        left=TextSide(text=LEFT, outlet="The Ledger"),
        right=HtmlSide(html=RIGHT, outlet="Morning Post"),
        passages=False,
    )
    env = {"SOURCEDIFF_OPEN_COMPARE": "true"}  # no key: inline sides on loopback
    with Server(f"sqlite:///{tmp_path / 'clients.db'}", env=env) as server:
        # openapi-python-client types the call for an AuthenticatedClient although
        # the operation's security has `{}` (anonymous allowed): upstream issue 1372.
        anonymous: Any = client.Client(base_url=server.url, raise_on_unexpected_status=True)
        with anonymous:
            response = compare.sync_detailed(client=anonymous, body=body)
    assert response.status_code == 200, response.content
    answer = response.parsed
    assert isinstance(answer, CompareResponse), answer
    assert (answer.left.outlet, answer.right.outlet) == ("The Ledger", "Morning Post")
    assert answer.right.text.startswith("“We will not raise taxes,”")  # read from the HTML
    quotes = answer.left.quotes + answer.right.quotes
    assert quotes and all(isinstance(quote, QuoteOut) for quote in quotes)
    left_text = {quote.id: quote.text for quote in answer.left.quotes}
    assert left_text["L1"] == "We will not raise taxes this year."
    assert answer.matches and all(isinstance(match, MatchOut) for match in answer.matches)
    first = answer.matches[0]
    assert (first.left, first.right, first.relation) == ("L1", "R1", Relation.REWORDED)
    print(
        f"\noutlets: {answer.left.outlet} / {answer.right.outlet}\n"
        + "".join(
            f"{m.left} {left_text[m.left]!r} ~ {m.right} ({m.relation.value}, {m.score:.1f})\n"
            for m in answer.matches
        )
        + f"left_only {answer.left_only}, right_only {answer.right_only}"
    )

    # The same answer read into datamodel-code-generator's models.
    models = _import(MODELS, models_file.parent)
    typed = models.CompareResponse.model_validate_json(response.content)
    assert (typed.left.outlet, typed.right.outlet) == ("The Ledger", "Morning Post")
    assert isinstance(typed.left.quotes[0], models.QuoteOut)
    assert typed.matches[0].relation is models.Relation.reworded
