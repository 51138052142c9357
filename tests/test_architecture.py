"""The house rules of ``src/petstore``, read from the source (nothing is imported or run).

- core imports no domain package and none of the composition modules above them;
- a domain's ``service.py`` and ``repository.py`` speak no HTTP (no fastapi, no starlette);
- a domain's REST routes use other domains only through their services and schemas;
- the other doors (graphql, grpc, realtime, mqtt, mcp, classic) may reach a domain only through
  its ``service``, ``schemas`` and ``events``;
- SQL (statement constructs, session calls) is written only in ``repository.py`` modules, the
  migrations and core's database, outbox and server-secret plumbing.

A rule broken names the module, the line and what it reached for.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import petstore

ROOT = Path(petstore.__file__).parent
DOMAINS = frozenset(
    {"auth", "chat", "images", "oauth", "payments", "pets", "store", "support", "users", "webhooks"}
)
DOORS = frozenset({"graphql", "grpc", "realtime", "mqtt", "mcp", "classic", "frontdoor"})
COMPOSITION = frozenset(
    {"app", "asgi", "asyncapi", "asyncapi_page", "cli", "container", "events", "models", "openapi"}
)
DOOR_MAY_USE = frozenset({"service", "schemas", "events"})
HTTP = frozenset({"fastapi", "starlette"})
STATEMENT_MODULES = frozenset({"sqlalchemy", "sqlalchemy.sql", "sqlalchemy.sql.expression"})
STATEMENT_CONSTRUCTS = frozenset(
    {
        "select", "update", "delete", "insert", "func", "text", "exists", "and_", "or_", "not_",
        "case", "literal", "literal_column", "bindparam", "union", "union_all", "column",
        "table", "cast", "tuple_", "values", "true", "false", "null",
    }
)  # fmt: skip
SESSION_CALLS = frozenset(
    {"execute", "scalar", "scalars", "stream", "get", "add", "add_all", "delete", "merge"}
)
SESSION_NAMES = frozenset({"session", "db", "conn", "connection"})
SQL_PLUMBING = frozenset(
    {"core/database.py", "core/outbox.py", "core/secrets.py", "core/health.py", "core/live.py"}
)


@dataclass(frozen=True, slots=True)
class Module:
    path: str  # relative to the package, e.g. "pets/service.py"
    tree: ast.Module

    @property
    def package(self) -> str:
        """First component (``pets``), or the module's own name for top-level modules."""
        return self.path.split("/")[0].removesuffix(".py")

    @property
    def leaf(self) -> str:
        return Path(self.path).stem


def modules(root: Path = ROOT) -> list[Module]:
    return [
        Module(str(p.relative_to(root)), ast.parse(p.read_text(encoding="utf-8")))
        for p in sorted(root.rglob("*.py"))
        if "migrations" not in p.parts
    ]


def imports(module: Module) -> Iterator[tuple[int, str]]:
    """(line, dotted name) of everything imported, also inside functions; for
    ``from petstore.pets import service`` both ``petstore.pets`` and ``petstore.pets.service``."""
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def _petstore_parts(name: str) -> list[str] | None:
    parts = name.split(".")
    return parts[1:] if parts[0] == "petstore" and len(parts) > 1 else None


def import_violations(module: Module) -> list[str]:
    found = []
    for line, name in imports(module):
        reason = _import_rule(module, name)
        if reason:
            found.append(f"{module.path}:{line} imports {name}: {reason}")
    return sorted(set(found))


def _import_rule(module: Module, name: str) -> str | None:
    top = name.split(".")[0]
    if module.leaf in ("service", "repository") and module.package in DOMAINS and top in HTTP:
        return "rules and queries speak no HTTP"
    parts = _petstore_parts(name)
    if parts is None:
        return None
    target = parts[0]
    if module.package == "core" and (target in DOMAINS or target in DOORS or target in COMPOSITION):
        return "core imports no domain, door or composition module"
    if target in DOORS and target != module.package and module.package not in COMPOSITION:
        return "no module knows a door but the composition root"
    other_domain = target in DOMAINS and target != module.package and len(parts) > 1
    reaches_in = other_domain and parts[1] in ("repository", "models")
    if reaches_in and module.package in DOMAINS and module.leaf == "routes":
        return "routes reach other domains through their services"
    if other_domain and module.package in DOORS and parts[1] not in DOOR_MAY_USE:
        return "doors use a domain's service, schemas and events only"
    return None


def _builds_statements(node: ast.ImportFrom) -> bool:
    module = node.module or ""
    if module.startswith("sqlalchemy.dialects"):
        return True  # insert(...).on_conflict_do_nothing() and friends
    if module not in STATEMENT_MODULES:
        return False
    return any(alias.name in STATEMENT_CONSTRUCTS for alias in node.names)


def sql_sites(module: Module) -> list[str]:
    """Imports of statement constructs and calls on a session or connection, by line."""
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.ImportFrom) and _builds_statements(node):
            found.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            target = node.func.value
            owner = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
            if owner in SESSION_NAMES and node.func.attr in SESSION_CALLS:
                found.append(f"line {node.lineno}: {owner}.{node.func.attr}()")
    return found


def may_write_sql(module: Module) -> bool:
    return module.leaf == "repository" or module.path in SQL_PLUMBING or module.leaf == "models"


ALL = modules()


@pytest.mark.parametrize("module", ALL, ids=lambda m: m.path)
def test_imports_follow_the_house_rules(module: Module) -> None:
    assert import_violations(module) == []


@pytest.mark.parametrize("module", [m for m in ALL if not may_write_sql(m)], ids=lambda m: m.path)
def test_sql_is_written_only_in_repositories(module: Module) -> None:
    assert sql_sites(module) == []


def _module(path: str, source: str) -> Module:
    return Module(path, ast.parse(source))


@pytest.mark.parametrize(
    ("path", "source", "broken"),
    [
        ("core/links.py", "from petstore.pets.schemas import Pet", True),
        ("core/links.py", "from petstore.core import errors", False),
        ("core/x.py", "def f():\n    from petstore.webhooks import models", True),
        ("pets/service.py", "from fastapi import Request", True),
        ("pets/repository.py", "import starlette.responses", True),
        ("pets/routes.py", "from fastapi import Request", False),
        ("images/routes.py", "from petstore.pets.repository import get", True),
        ("images/routes.py", "from petstore.pets import models", True),
        ("images/routes.py", "from petstore.pets import service", False),
        ("images/routes.py", "from petstore.images.models import PetImage", False),
        ("graphql/schema.py", "from petstore.pets.repository import page", True),
        ("graphql/schema.py", "from petstore.pets import service, schemas", False),
        ("grpc/server.py", "from petstore.store.models import Order", True),
        ("pets/service.py", "from petstore.graphql import schema", True),
        ("app.py", "from petstore.graphql import schema", False),
    ],
)
def test_the_import_rules_catch_what_they_name(path: str, source: str, broken: bool) -> None:
    """The rules above must fail when broken, also for doors that do not exist yet."""
    assert bool(import_violations(_module(path, source))) is broken


@pytest.mark.parametrize(
    ("source", "sites"),
    [
        ("from sqlalchemy import select, update", 1),
        ("from sqlalchemy.ext.asyncio import AsyncSession", 0),
        ("async def f(session):\n    await session.execute(q)\n    session.add(x)", 2),
        ("async def f(self):\n    await self.db.get(User, 1)", 1),
        ("async def f(storage):\n    await storage.get('key')", 0),
    ],
)
def test_the_sql_rule_catches_what_it_names(source: str, sites: int) -> None:
    assert len(sql_sites(_module("pets/service.py", source))) == sites


def two_way_dependencies(found: list[Module]) -> list[tuple[str, str]]:
    """Pairs of packages that import each other (top-level modules are not packages)."""
    edges = set()
    for module in found:
        for _, name in imports(module):
            parts = _petstore_parts(name)
            if parts and "/" in module.path and parts[0] != module.package:
                edges.add((module.package, parts[0]))
    packages = {m.package for m in found if "/" in m.path}
    return sorted((a, b) for a, b in edges if a < b and (b, a) in edges and {a, b} <= packages)


def report(root: Path = ROOT) -> str:
    """The figures the layout is judged by: ``python tests/test_architecture.py [SRC]``."""
    found = modules(root)
    inside = sum(len(sql_sites(m)) for m in found if m.leaf == "repository")
    outside = {m.path: len(sql_sites(m)) for m in found if not may_write_sql(m)}
    plumbing = sum(len(sql_sites(m)) for m in found if m.path in SQL_PLUMBING)
    lengths = sorted(
        (
            (node.end_lineno or node.lineno) - node.lineno + 1,
            f"{m.path}:{node.name}",
        )
        for m in found
        for node in ast.walk(m.tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    )
    return "\n".join(
        [
            f"SQL sites in repository.py: {inside}; in core plumbing: {plumbing}; "
            f"elsewhere: {sum(outside.values())} {[p for p, n in outside.items() if n]}",
            f"two-way package dependencies: {two_way_dependencies(found)}",
            f"longest functions: {lengths[-3:][::-1]}",
        ]
    )


if __name__ == "__main__":
    import sys

    print(report(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT))
