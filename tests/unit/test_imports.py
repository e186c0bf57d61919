"""No import cycle in ``statusrapport``, counting the imports hidden inside functions.

An import inside a function hides a cycle from Python's import machinery but not from the
design: two modules that need each other are one module in two files, and the order in which
they happen to be first imported decides whether a run works. The graph is built from the source
(AST) of every module: ``import``/``from … import`` at any depth (module level, functions,
methods, ``try`` blocks, ``if TYPE_CHECKING:``) and ``importlib.import_module`` with a literal
name or an f-string whose literal prefix names a package (then every module of that package
counts). A ``TYPE_CHECKING`` import never runs, but it is still a dependency – the type checker
and the reader follow it – so it counts too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import statusrapport

PACKAGE = "statusrapport"
ROOT = Path(statusrapport.__file__).resolve().parent


def _modules(root: Path = ROOT) -> dict[str, Path]:
    """Dotted module name → source file, for every ``.py`` file of the package."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join([PACKAGE, *parts])] = path
    return modules


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> set[str]:
    """Every dotted name ``module`` imports (a name may be ``pkg.attr``, resolved later)."""
    names: set[str] = set()
    package = module if is_package else module.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Call) and _is_import_module(node.func) and node.args:
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                names.add(argument.value)
            elif isinstance(argument, ast.JoinedStr) and argument.values:
                first = argument.values[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names.add(first.value.rstrip(".") + ".*")
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return names


def _is_import_module(func: ast.expr) -> bool:
    return (isinstance(func, ast.Attribute) and func.attr == "import_module") or (
        isinstance(func, ast.Name) and func.id == "import_module"
    )


def _resolve(name: str, modules: dict[str, Path]) -> set[str]:
    """The package modules an imported name loads (``pkg.*``: every module below ``pkg``)."""
    if name.endswith(".*"):
        prefix = name[:-2]
        found = {m for m in modules if m == prefix or m.startswith(prefix + ".")}
    elif name in modules:
        found = {name}
    else:  # ``from pkg import attr``: the attribute lives in pkg
        parent = name.rpartition(".")[0]
        found = {parent} if parent in modules else set()
    # importing ``pkg.mod`` runs ``pkg/__init__.py`` first
    ancestors = {".".join(m.split(".")[:i]) for m in found for i in range(1, m.count(".") + 1)}
    return found | (ancestors & modules.keys())


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Module → the package modules it imports anywhere in its source.

    A module's own ancestors (its packages) are left out: Python imports them first anyway,
    and a package that imports its submodules is not a cycle.
    """
    modules = _modules(root)
    graph: dict[str, set[str]] = {}
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names = _imported_names(tree, module, path.name == "__init__.py")
        targets: set[str] = set()
        for name in names:
            if name == PACKAGE or name.startswith(PACKAGE + "."):
                targets |= _resolve(name, modules)
        graph[module] = {t for t in targets if t != module and not module.startswith(t + ".")}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path ``a → b → … → a``, or None (depth-first search, sorted for
    a stable message)."""
    state: dict[str, int] = {}  # 1: on the stack, 2: done
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*stack[stack.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_package_has_no_import_cycle_counting_lazy_imports() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "Importcyklus i statusrapport: " + " → ".join(cycle or [])


def test_the_graph_sees_lazy_and_importlib_imports(tmp_path: Path) -> None:
    """The detector itself: a cycle through a function-level import and one through
    ``importlib.import_module`` are both found and named, and so is one through a
    ``TYPE_CHECKING`` import."""
    package = tmp_path / PACKAGE
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("")
    (package / "a.py").write_text("from statusrapport import b\n")
    (package / "b.py").write_text("def f():\n    from statusrapport import a\n")
    (package / "c.py").write_text(
        "import importlib\n\n\ndef g(n):\n"
        "    return importlib.import_module(f'statusrapport.sub.{n}')\n"
    )
    (package / "sub" / "d.py").write_text("from statusrapport import c\n")
    graph = import_graph(package)
    assert graph["statusrapport.b"] == {"statusrapport.a"}
    assert graph["statusrapport.c"] == {"statusrapport.sub", "statusrapport.sub.d"}
    assert graph["statusrapport.sub.d"] == {"statusrapport.c"}
    assert find_cycle(graph) == ["statusrapport.a", "statusrapport.b", "statusrapport.a"]
    (package / "b.py").write_text("")
    assert find_cycle(import_graph(package)) == [
        "statusrapport.c",
        "statusrapport.sub.d",
        "statusrapport.c",
    ]
    (package / "sub" / "d.py").write_text(
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from statusrapport.c import g\n"
    )
    assert find_cycle(import_graph(package)) == [
        "statusrapport.c",
        "statusrapport.sub.d",
        "statusrapport.c",
    ]
    (package / "sub" / "d.py").write_text("")
    assert find_cycle(import_graph(package)) is None


def test_every_module_is_in_the_graph() -> None:
    graph = import_graph()
    assert "statusrapport.data" in graph and "statusrapport.disclosure.measures" in graph
    assert "statusrapport.analysis.fravaer" in graph["statusrapport.analysis.personale"]
