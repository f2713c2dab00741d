"""The package's plan: folders are layers, imports run one way, no cycles, privacy by folder.

The layers are the ``text layers`` block of docs/architecture.md (lowest first); each names
top-level modules or folders of ``python/sweepwalk``. Every import counts, at module level or
inside a function; only ``if TYPE_CHECKING:`` blocks are exempt (they never run). A module whose
name starts with ``_`` inside a folder is that folder's own: no other folder imports it. No
module reads another object's private attributes. Each check is also run on a deliberately bad
tree, so that a check that cannot fail would be seen.
"""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "python" / "sweepwalk"
ARCHITECTURE = ROOT / "docs" / "architecture.md"


def _module_name(path: pathlib.Path, package: pathlib.Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: pathlib.Path, package: pathlib.Path, modules: set[str]) -> set[str]:
    """Package modules imported by ``path`` (TYPE_CHECKING blocks left out)."""
    name = _module_name(path, package)
    parent = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def resolve(base: str, level: int) -> str:
        if level == 0:
            return base
        parts = parent.split(".")
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


def _graph(package: pathlib.Path = PACKAGE) -> dict[str, set[str]]:
    files = sorted(package.rglob("*.py"))
    modules = {_module_name(p, package) for p in files}
    return {_module_name(p, package): _imports(p, package, modules) for p in files}


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


def _layers(text: str, top: str = "sweepwalk") -> list[list[str]]:
    """The layers of an architecture doc's ``layers`` block, lowest first."""
    block = re.search(r"```text layers\n(.*?)```", text, re.S)
    assert block, "the architecture doc has no ```text layers block"
    layers = []
    for line in block.group(1).splitlines():
        if ":" not in line:
            continue
        names = line.split(":", 1)[1].split()
        layers.append([f"{top}.{n}" for n in names])
    return layers


def _layer_of(module: str, layers: list[list[str]]) -> int:
    for k, names in enumerate(layers):
        for n in names:
            if module == n or module.startswith(n + "."):
                return k
    raise AssertionError(f"{module} is in no layer of the architecture doc")


def _upward(graph: dict[str, set[str]], layers: list[list[str]], top: str) -> list[str]:
    out = []
    for module, deps in graph.items():
        if module == top:  # the package's __init__ re-exports from every layer
            continue
        for dep in deps:
            if dep == top or module.startswith(dep + "."):
                continue
            if _layer_of(dep, layers) > _layer_of(module, layers):
                out.append(f"{module} imports {dep}")
    return sorted(out)


def _folder(module: str) -> str:
    """``sweepwalk.data.codes`` -> ``sweepwalk.data``; a top-level module is its own."""
    return ".".join(module.split(".")[:2])


def _private_across_folders(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for module, deps in graph.items():
        for dep in deps:
            inner = dep.split(".")[2:]  # the parts below the folder
            if any(p.startswith("_") and not p.startswith("__") for p in inner) and _folder(
                dep
            ) != _folder(module):
                out.append(f"{module} imports {dep}")
    return sorted(out)


_THIRD_PARTY = ("np", "pd", "t", "traitlets", "anywidget", "scipy", "stats", "os", "sys")


def _private_reads(path: pathlib.Path) -> list[str]:
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
    return bad


# ---------------------------------------------------------------------------- the real tree
def test_every_folder_of_the_package_is_a_layer():
    layers = _layers(ARCHITECTURE.read_text(encoding="utf-8"))
    for entry in sorted(PACKAGE.iterdir()):
        if entry.name.startswith("__") or entry.name == "static" or entry.suffix not in ("", ".py"):
            continue
        _layer_of(f"sweepwalk.{entry.stem}", layers)  # raises when it is in no layer
    folders = [p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()]
    assert len(folders) >= 7, folders


def test_no_import_cycle():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_imports_follow_the_layers_of_the_architecture_doc():
    upward = _upward(_graph(), _layers(ARCHITECTURE.read_text(encoding="utf-8")), "sweepwalk")
    assert not upward, "imports against the layer order:\n" + "\n".join(upward)


def test_no_folder_imports_another_folder_s_private_module():
    offenders = _private_across_folders(_graph())
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize(
    "path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE))
)
def test_no_module_reads_another_objects_private_attributes(path):
    bad = _private_reads(path)
    assert not bad, f"{path.name} reads private attributes:\n" + "\n".join(bad)


# ---------------------------------------------------------------------------- a bad tree
BAD_DOC = """
```text layers
low: low _vocab
high: high
```
"""


def _write(root: pathlib.Path, files: dict[str, str]) -> pathlib.Path:
    package = root / "pkg"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return package


def test_each_check_fails_on_a_deliberately_bad_tree(tmp_path):
    package = _write(
        tmp_path,
        {
            "__init__.py": "",
            "_vocab.py": "",
            "low/__init__.py": "",
            "low/a.py": (
                "from typing import TYPE_CHECKING\n"
                "if TYPE_CHECKING:\n    from ..high import ok\n"  # exempt: never runs
                "def f():\n    from ..high.b import g\n    return g\n"  # upward, in a function
            ),
            "low/_inner.py": "from .. import _vocab\n",  # a top-level module: anyone may
            "high/__init__.py": "",
            "high/ok.py": "",
            "high/b.py": "from ..low import _inner\nfrom . import c\ndef g(x):\n    return x._y\n",
            "high/c.py": "from . import b\n",  # a cycle b -> c -> b
        },
    )
    graph = _graph(package)
    assert graph["pkg.low.a"] == {"pkg.high.b"}  # TYPE_CHECKING's import left out
    assert _upward(graph, _layers(BAD_DOC, "pkg"), "pkg") == ["pkg.low.a imports pkg.high.b"]
    assert _cycle(graph) in (["pkg.high.b", "pkg.high.c", "pkg.high.b"],)
    assert _private_across_folders(graph) == ["pkg.high.b imports pkg.low._inner"]
    assert _private_reads(package / "high" / "b.py") == ["line 4: x._y"]
    assert _private_reads(package / "low" / "a.py") == []
