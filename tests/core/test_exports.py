"""The core's public surface is what each module's ``__all__`` says, and its
docs cannot drift from it: every module says what it is for in its opening
docstring (no hand-written lists of signatures) and exports exactly the
public names it defines (as httpx's test of its exported members does)."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import types
from pathlib import Path

import pytest

import service.core

CORE = Path(service.core.__file__).parent
MODULES = sorted(
    [service.core.__name__]
    + [m.name for m in pkgutil.walk_packages(service.core.__path__, prefix="service.core.")]
)
# The house limit on a function's length, in lines.
MAX_FUNCTION_LINES = 80


def _defined(module: types.ModuleType) -> set[str]:
    """The public names a module defines at its top level (not imports)."""
    assert module.__file__ is not None
    tree = ast.parse(Path(module.__file__).read_text("utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {n for n in names if not n.startswith("_")}


@pytest.mark.parametrize("name", MODULES)
def test_module_says_what_it_is_for(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__ and module.__doc__.strip(), name
    assert "Public API" not in module.__doc__, name


@pytest.mark.parametrize("name", MODULES)
def test_all_lists_exactly_the_public_names(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__dict__.get("__all__")
    assert isinstance(exported, list), f"{name} has no __all__"
    assert len(set(exported)) == len(exported), name
    assert [n for n in exported if not hasattr(module, n)] == [], name
    assert sorted(_defined(module) - set(exported)) == [], name


def test_the_package_exports_what_it_imports() -> None:
    imported = {
        name
        for name, value in vars(service.core).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(service.core.__all__) == imported


def test_no_function_is_over_the_limit() -> None:
    long = []
    for path in sorted(CORE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                assert node.end_lineno is not None
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(CORE)}:{node.lineno} {node.name} ({lines})")
    assert long == []
