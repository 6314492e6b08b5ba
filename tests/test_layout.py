"""The package is laid out by stage and lower stages never import upper ones; no import circles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "syndetect"

# Lowest first. A module may import its own stage and any lower one, never a higher one.
STAGES = [
    (
        "syndetect.records",
        "syndetect.config",
        "syndetect.parallel",
        "syndetect.io.dates",
        "syndetect.io.errors",
    ),
    ("syndetect.text",),
    ("syndetect.io",),
    ("syndetect.detect",),
    ("syndetect.provenance",),
    ("syndetect.dedup",),
    ("syndetect.report",),
    ("syndetect.pipeline", "syndetect.index", "syndetect.backends"),
    ("syndetect.evaluate",),
]


def _module(path: Path) -> str:
    rel = path.relative_to(PKG.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stage(module: str) -> int | None:
    """The stage of a module: the most specific prefix listed wins (``syndetect.io.dates`` is base)."""
    best, best_len = None, -1
    for level, prefixes in enumerate(STAGES):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best_len:
                best, best_len = level, len(p)
    return best


def _type_only(tree: ast.Module) -> set[int]:
    """The ids of the nodes inside ``if TYPE_CHECKING:`` blocks: imports for annotations only."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            out.update(id(n) for child in node.body for n in ast.walk(child))
    return out


def imports(path: Path, runtime: bool = False) -> set[str]:
    """Every ``syndetect`` module a file imports (at the top or inside functions); with ``runtime``,
    leaving out the ones under ``if TYPE_CHECKING:``, which never run."""
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_only(tree) if runtime else set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("syndetect"):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("syndetect"))
    return found


MODULES = {
    _module(p): p
    for p in sorted(PKG.rglob("*.py"))
    if _module(p) != "syndetect" and "__pycache__" not in p.parts
}


def test_every_module_has_a_stage():
    assert not [m for m in MODULES if stage(m) is None]


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_imports_a_higher_stage(module):
    own = stage(module)
    upward = sorted(i for i in imports(MODULES[module]) if (stage(i) or 0) > own)
    assert not upward, f"{module} (stage {own}) imports {upward}"


def test_no_import_circle():
    graph = {m: {i for i in imports(p, runtime=True) if i in MODULES and i != m} for m, p in MODULES.items()}
    seen: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(m: str, path: list[str]) -> None:
        seen[m] = 1
        for n in sorted(graph[m]):
            if seen.get(n) == 1:
                raise AssertionError("import circle: " + " -> ".join([*path[path.index(n) :], n]))
            if n not in seen:
                visit(n, [*path, n])
        seen[m] = 2

    for m in sorted(graph):
        if m not in seen:
            visit(m, [m])


def test_each_stage_is_a_folder():
    for folder in ("text", "detect", "provenance", "report", "io", "evaluate"):
        assert (PKG / folder / "__init__.py").exists(), folder
