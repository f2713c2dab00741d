"""The package's import graph: one direction, no cycles, the layers of docs/architecture.md.

Every import counts, at module level or inside a function; only ``if TYPE_CHECKING:`` blocks
are exempt (they never run).
"""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "python" / "sweepwalk"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: pathlib.Path, modules: set[str]) -> set[str]:
    """Package modules imported by ``path`` (TYPE_CHECKING blocks left out)."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def resolve(base: str, level: int) -> str:
        if level == 0:
            return base
        parts = package.split(".")
        parts = parts[: len(parts) - (level - 1)]
        return ".".join([*parts, base] if base else parts)

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for stmt in child.orelse:
                    visit(stmt)
                continue
            if isinstance(child, ast.Import):
                found.update(a.name for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = resolve(child.module or "", child.level)
                found.add(base)
                found.update(f"{base}.{a.name}" for a in child.names)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {m for m in found if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(p) for p in files}
    return {_module_name(p): _imports(p, modules) for p in files}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (package ``__init__`` edges to children left out), or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def edges(m: str) -> set[str]:
        # importing a.b runs a/__init__ first: that is not a cycle through a's children
        return {d for d in graph[m] if not m.startswith(d + ".") and not d.startswith(m + ".")}

    def dfs(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for d in sorted(edges(m)):
            if state.get(d) == 1:
                return [*stack[stack.index(d) :], d]
            if d not in state and (found := dfs(d)) is not None:
                return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(graph):
        if m not in state and (found := dfs(m)) is not None:
            return found
    return None


def _layers() -> list[list[str]]:
    """The layers of docs/architecture.md's ``layers`` block, lowest first."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    block = re.search(r"```text layers\n(.*?)```", text, re.S)
    assert block, "docs/architecture.md has no ```text layers block"
    layers = []
    for line in block.group(1).splitlines():
        if ":" not in line:
            continue
        names = line.split(":", 1)[1].split()
        layers.append([f"sweepwalk.{n}".rstrip(".") for n in names])
    return layers


def _layer_of(module: str, layers: list[list[str]]) -> int:
    for k, names in enumerate(layers):
        for n in names:
            if module == n or module.startswith(n + "."):
                return k
    raise AssertionError(f"{module} is in no layer of docs/architecture.md")


def test_the_graph_sees_function_level_imports(tmp_path):
    # the checker itself: an import inside a function counts, one under TYPE_CHECKING does not
    (tmp_path / "sweepwalk").mkdir()
    src = tmp_path / "sweepwalk" / "a.py"
    src.write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from .c import C\n"
        "def f():\n    from .b import g\n    return g\n"
    )
    modules = {"sweepwalk.a", "sweepwalk.b", "sweepwalk.c"}
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / "sweepwalk"
    try:
        assert _imports(src, modules) == {"sweepwalk.b"}
    finally:
        PACKAGE = saved
    assert _cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_imports_follow_the_layers_of_the_architecture_doc():
    layers = _layers()
    graph = _graph()
    upward = []
    for module, deps in graph.items():
        if module == "sweepwalk":  # the package's __init__ re-exports from every layer
            continue
        for dep in deps:
            if dep == "sweepwalk" or module.startswith(dep + "."):
                continue
            if _layer_of(dep, layers) > _layer_of(module, layers):
                upward.append(f"{module} imports {dep}")
    assert not upward, "imports against the layer order:\n" + "\n".join(sorted(upward))


def test_nothing_outside_stats_imports_a_private_stats_module():
    offenders = [
        f"{m} imports {d}"
        for m, deps in _graph().items()
        if not m.startswith("sweepwalk.stats")
        for d in deps
        if d.startswith("sweepwalk.stats._")
    ]
    assert not offenders, "\n".join(offenders)


_THIRD_PARTY = ("np", "pd", "t", "traitlets", "anywidget", "scipy", "stats", "os", "sys")


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_reads_another_objects_private_attributes(path):
    # `obj._name` where obj is not self/cls (or `self._a._b`): a read of someone else's private
    # state. Attributes of third-party modules (numpy's, traitlets') are not ours to police.
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}  # this module's classes
    bad = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            continue
        owner = node.value
        if isinstance(owner, ast.Name) and owner.id in ("self", "cls", *own, *_THIRD_PARTY):
            continue
        if isinstance(owner, ast.Call) and ast.unparse(owner) == "super()":  # self's, inherited
            continue
        bad.append(f"line {node.lineno}: {ast.unparse(node)}")
    assert not bad, f"{path.name} reads private attributes:\n" + "\n".join(bad)
