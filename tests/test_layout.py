"""The shape of ``service/`` that the README draws, held by tests.

- Every module says what it exports in ``__all__``, and every name there
  exists (as httpx's ``tests/test_exported_members.py`` holds its surface):
  the exported names are the public API, not a list copied into a docstring.
- The core's public surface is pinned: changing it is a decision, made here.
- No function in ``service/`` runs over 80 lines.
- Nothing loose at the top of ``service/`` but ``__init__.py`` and ``main.py``.
- Product code never points at files outside the repository.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import service
import service.core

SERVICE = Path(service.__file__).parent
MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages([str(SERVICE)], prefix="service.")
    if not m.name.endswith("__main__")  # running it starts the CLI
)
MAX_FUNCTION_LINES = 80


def _sources() -> list[Path]:
    return sorted(SERVICE.rglob("*.py"))


@pytest.mark.parametrize("name", MODULES)
def test_every_module_declares_what_it_exports(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    # ruff (RUF022) keeps it in order; here, each name once.
    assert len(exported) == len(set(exported)), f"{name}.__all__ repeats a name"
    missing = [n for n in exported if not hasattr(module, n)]
    assert not missing, f"{name}.__all__ names what it lacks: {missing}"
    assert module.__doc__ and module.__doc__.strip(), f"{name} has no docstring"
    # Signature lists in docstrings drift from the code; __all__ is the list.
    assert "Public API" not in module.__doc__, f"{name}'s docstring lists its API by hand"


def test_the_core_exports_exactly_its_public_surface() -> None:
    assert service.core.__all__ == [
        "DEFAULT_RULES",
        "Alignment",
        "Comparison",
        "DiffOp",
        "Match",
        "MatchRules",
        "Quote",
        "Relation",
        "Side",
        "Token",
        "align_quotes",
        "compare_quotes",
        "compare_texts",
        "extract_quotes",
        "fingerprint",
        "fold_marks",
        "normalize",
        "rebuild",
        "tokenize",
        "word_diff",
        "word_key",
    ]


def test_no_function_is_longer_than_80_lines() -> None:
    long = []
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(SERVICE.parent)}:{node.lineno} {node.name}")
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"


def test_nothing_is_loose_at_the_top_of_service() -> None:
    loose = sorted(p.name for p in SERVICE.glob("*.py"))
    assert loose == ["__init__.py", "main.py"]


def test_product_code_never_points_outside_the_repository() -> None:
    outside = re.compile(r"\bshared/|\.\./shared")
    found = [
        f"{path.relative_to(SERVICE.parent)}:{i}"
        for path in _sources()
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if outside.search(line)
    ]
    assert not found, f"pointers outside the repository: {found}"


README = SERVICE.parent / "README.md"


def test_the_readme_drawing_names_every_package_and_only_those() -> None:
    text = README.read_text(encoding="utf-8")
    drawing = text.split("```text\nservice/\n", 1)[1].split("```", 1)[0]
    drawn = set(re.findall(r"^  ([a-z]+)/", drawing, re.M))
    packages = {p.parent.name for p in SERVICE.glob("*/__init__.py")}
    assert drawn == packages


def test_the_readme_links_to_files_that_exist() -> None:
    text = README.read_text(encoding="utf-8")
    targets = re.findall(r"\]\(((?!https?:|#)[^)#\s]+)", text)
    assert targets, "the README links to no file at all"
    missing = sorted({t for t in targets if not (SERVICE.parent / t).exists()})
    assert not missing, f"README links to files that do not exist: {missing}"
