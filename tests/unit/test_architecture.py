"""The one-way architecture, checked from the source: every import counts, including those inside functions.

- nothing under service/ imports workers (the workers depend on the service, never the reverse);
- service/domain/ imports no web, database, Redis or queue library, and nothing of the service outside itself;
- no import cycle between sub-packages (service.domain, service.episodes, service.queue, workers.jobs, ...).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("service", "workers")
FRAMEWORKS = {"flask", "flask_smorest", "flask_wtf", "werkzeug", "marshmallow", "webargs", "sqlalchemy", "alembic",
              "psycopg", "redis", "rq"}


def module_name(path: Path) -> str:
    """`service/domain/goals.py` -> `service.domain.goals`; a package's __init__ is the package."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_modules() -> dict[str, Path]:
    """Every module of the service and the workers (migrations' revision files aside)."""
    return {module_name(path): path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))
            if "migrations/versions" not in path.as_posix()}


def imported_modules(name: str, path: Path) -> Iterator[str]:
    """Every module `name` imports, anywhere in the file (inside functions and TYPE_CHECKING blocks too)."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = name.split(".")
                base = parts if is_package else parts[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module
            # `from service.domain import errors` imports the module service.domain.errors.
            yield from (f"{module}.{alias.name}" for alias in node.names)


MODULES = source_modules()
IMPORTS = {name: set(imported_modules(name, path)) for name, path in MODULES.items()}


def in_tree(module: str) -> str | None:
    """The source module an import refers to, if it is one of ours."""
    while module:
        if module in MODULES:
            return module
        module = module.rpartition(".")[0]
    return None


def component(module: str) -> str:
    """The sub-package (or top-level module) a module belongs to: `service.domain.goals` -> `service.domain`."""
    return ".".join(module.split(".")[:2])


def test_nothing_under_service_imports_workers() -> None:
    offenders = sorted(f"{name} imports {target}" for name, targets in IMPORTS.items() if name.startswith("service")
                       for target in targets if target == "workers" or target.startswith("workers."))
    assert offenders == []


def test_the_domain_imports_no_framework_and_nothing_outside_itself() -> None:
    offenders = sorted(
        f"{name} imports {target}"
        for name, targets in IMPORTS.items() if name == "service.domain" or name.startswith("service.domain.")
        for target in targets
        if target.split(".")[0] in FRAMEWORKS
        or (in_tree(target) is not None and not (target + ".").startswith("service.domain."))
    )
    assert offenders == []


def component_graph() -> dict[str, set[str]]:
    """Which sub-package imports which (imports within one sub-package left out)."""
    graph: dict[str, set[str]] = {component(name): set() for name in MODULES}
    for name, targets in IMPORTS.items():
        for target in targets:
            found = in_tree(target)
            if found is not None and component(found) != component(name):
                graph[component(name)].add(component(found))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            members = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                members.append(member)
                if member == node:
                    break
            if len(members) > 1:
                found.append(sorted(members))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_sub_packages() -> None:
    assert cycles(component_graph()) == []


@pytest.mark.parametrize(("graph", "expected"), [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
])
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert cycles(graph) == expected
