"""The core's public surface is what each module's ``__all__`` says: every
core module exports exactly the public names it defines (as httpx's test of
its exported members does), a stricter rule than the one
``tests/test_layout.py`` holds for all of ``service/`` (every module has an
``__all__`` of names it has, a docstring without a hand-written API list,
no function over 80 lines), where routers' endpoints stay unexported."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import types
from pathlib import Path

import pytest

import service.core

MODULES = sorted(
    [service.core.__name__]
    + [m.name for m in pkgutil.walk_packages(service.core.__path__, prefix="service.core.")]
)


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
def test_all_lists_exactly_the_public_names(name: str) -> None:
    module = importlib.import_module(name)
    exported = module.__dict__.get("__all__")
    assert isinstance(exported, list), f"{name} has no __all__"
    assert sorted(_defined(module) - set(exported)) == [], name


def test_the_package_exports_what_it_imports() -> None:
    imported = {
        name
        for name, value in vars(service.core).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert set(service.core.__all__) == imported
