"""The shape of ``petstore.oauth``: every query in ``repository.py``, no HTTP in the rules.

Read from the source (no import side effects): a module that builds a statement or touches a
session directly, or a rule that imports the web framework, fails here with its name.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import petstore.oauth

PACKAGE = Path(petstore.oauth.__file__).parent
# Typing and session factories, not statements.
ALLOWED_SQLALCHEMY = {"sqlalchemy.ext.asyncio", "sqlalchemy.orm"}
SESSION_CALLS = {"execute", "scalar", "scalars", "get", "add", "delete", "flush", "merge"}
SESSION_NAMES = {"session", "db"}


def _modules(*excluded: str) -> list[Path]:
    return sorted(p for p in PACKAGE.glob("*.py") if p.name not in excluded)


def _imported(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _session_calls(tree: ast.Module) -> list[str]:
    """``session.execute(...)``, ``self.db.add(...)``, ``server.db.get(...)`` and the like."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        target = node.func.value
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in SESSION_NAMES and node.func.attr in SESSION_CALLS:
            found.append(f"line {node.lineno}: {name}.{node.func.attr}()")
    return found


@pytest.mark.parametrize(
    "module", _modules("repository.py", "models.py"), ids=lambda p: str(p.name)
)
def test_no_query_outside_the_repository(module: Path) -> None:
    tree = ast.parse(module.read_text())
    sqlalchemy = {
        name
        for name in _imported(tree)
        if name.split(".")[0] == "sqlalchemy" and name not in ALLOWED_SQLALCHEMY
    }
    assert not sqlalchemy, f"{module.name} imports {sqlalchemy}"
    assert not _session_calls(tree), f"{module.name}: {_session_calls(tree)}"


@pytest.mark.parametrize("name", ["service.py", "repository.py"])
def test_rules_and_queries_know_no_web_framework(name: str) -> None:
    imported = _imported(ast.parse((PACKAGE / name).read_text()))
    web = {module for module in imported if module.split(".")[0] in ("fastapi", "starlette")}
    assert not web, f"{name} imports {web}"
