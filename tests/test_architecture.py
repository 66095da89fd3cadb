"""Guard rails on the layers, read from the code's imports (ast, nothing is imported).

- litellm is imported in one module (api/llm/client.py): every model call goes through the
  typed LLMClient interface, and the ~5 s import stays lazy;
- the web framework stays at the edge: no FastAPI/Starlette in the pipeline, the engines,
  the model transport, the schemas or the prompts;
- no cycle between the project's units (a unit is a package such as api/pipeline, or a
  top-level module such as api/config.py): the pipeline defines interfaces, engines
  implement them, and the composition root (api/compose.py) joins them.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("api", "schemas", "prompts", "evals")
LITELLM_HOME = "api/llm/client.py"
NO_WEB_FRAMEWORK = ("api/pipeline", "api/builtin", "api/llm", "schemas", "prompts")


def _files() -> list[Path]:
    return sorted(p for top in SHIPPED for p in (ROOT / top).rglob("*.py"))


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> Iterator[str]:
    """Every module `path` imports, at the top or inside functions (lazy imports count:
    a lazy import is still a dependency)."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path.parent / "x")
    package = package.rsplit(".", 1)[0] if path.name != "__init__.py" else package
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def unit_of(module: str) -> str | None:
    """The unit a project module belongs to: its package if it sits in a sub-package of a
    shipped package (api.pipeline.analyze → api.pipeline), else the module itself."""
    parts = module.split(".")
    if parts[0] not in SHIPPED:
        return None
    path = ROOT.joinpath(*parts)
    if len(parts) >= 2 and (ROOT.joinpath(*parts[:2]) / "__init__.py").exists():
        return ".".join(parts[:2])
    if path.with_suffix(".py").exists() or (path / "__init__.py").exists():
        return module
    return None  # a name imported from a module (from api.config import Settings)


def unit_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in _files():
        source = unit_of(_module_name(path))
        if source is None:
            continue
        targets = graph.setdefault(source, set())
        for module in imported_modules(path):
            target = unit_of(module)
            if target is not None and target != source:
                targets.add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one unit (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def test_litellm_is_imported_only_by_the_client() -> None:
    offenders = [
        _relative(p)
        for p in _files()
        if _relative(p) != LITELLM_HOME
        and any(m.split(".")[0] == "litellm" for m in imported_modules(p))
    ]
    assert offenders == [], f"litellm imported outside {LITELLM_HOME}: {offenders}"


@pytest.mark.parametrize("layer", NO_WEB_FRAMEWORK)
def test_web_framework_stays_at_the_edge(layer: str) -> None:
    offenders = [
        _relative(p)
        for p in (ROOT / layer).rglob("*.py")
        if any(m.split(".")[0] in {"fastapi", "starlette"} for m in imported_modules(p))
    ]
    assert offenders == [], f"FastAPI/Starlette imported in {layer}: {offenders}"


def test_no_cycle_between_units() -> None:
    found = cycles(unit_graph())
    assert found == [], "units that import each other (directly or round a loop): " + "; ".join(
        " <-> ".join(c) for c in found
    )


def test_the_checks_see_a_cycle_and_a_pipeline_importing_an_engine() -> None:
    """The guard itself can fail: a made-up graph with the old pipeline → builtin import."""
    graph = unit_graph()
    assert "api.builtin" in graph["api.compose"]
    assert "api.pipeline" in graph["api.builtin"]
    graph["api.pipeline"] = graph.get("api.pipeline", set()) | {"api.builtin"}
    assert ["api.builtin", "api.pipeline"] in cycles(graph)
