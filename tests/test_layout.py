"""The layout, read from the imports (ast, nothing is imported): no import cycle among strikelog's
modules, the extract and merge packages import only the stages before them, and no module in
either package outgrows a reader's patience (500 lines; a class 250)."""
from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "strikelog"
MAX_LINES = 500
MAX_CLASS_LINES = 250
# what each package may import besides itself and the standard library (see its __init__)
ALLOWED = {
    "strikelog.extract": {"strikelog.records", "strikelog.resources", "strikelog.errors", "strikelog.literals.counts"},
    "strikelog.merge": {"strikelog.records", "strikelog.resources", "strikelog.errors", "strikelog.resolve.place"},
}


def _name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(p): p for p in sorted(SRC.rglob("*.py"))}


def imports(module: str) -> tuple[set[str], set[str]]:
    """The strikelog modules `module` imports: (at import time, anywhere including inside functions)."""
    path = MODULES[module]
    tree = ast.parse(path.read_text("utf-8"))
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    top: set[str] = set()
    every: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([node.module] if node.module else []))
            found = {f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names}
        elif isinstance(node, ast.Import):
            found = {a.name for a in node.names}
        else:
            continue
        found = {f for f in found if f == "strikelog" or f.startswith("strikelog.")}
        every |= found
        if node in tree.body:  # a module-level import runs when the module is imported
            top |= found
    return top, every


def _cycle(graph: dict[str, set[str]]) -> list[str]:
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str]:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        path.pop()
        return []

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return []


def _inside(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_no_import_cycle_among_strikelog_modules():
    # Imports that run when a module is imported; a package importing its own submodules from its
    # __init__ is how a package is built, not a cycle. (Deferred imports inside functions are not
    # counted: store -> pgstore is one, issue 20's to remove.)
    graph = {}
    for module in MODULES:
        top, _ = imports(module)
        graph[module] = {t for t in top if not (MODULES[module].name == "__init__.py" and _inside(t, module))}
    cycle = _cycle(graph)
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_extract_and_merge_import_only_earlier_stages():
    for package, allowed in ALLOWED.items():
        for module in (m for m in MODULES if _inside(m, package)):
            _, every = imports(module)
            stray = {t for t in every if not _inside(t, package) and t not in allowed}
            assert not stray, f"{module} imports {sorted(stray)}"


def test_the_check_sees_a_forbidden_import():
    top, every = imports("strikelog.api")
    assert "strikelog.merge" in top and "strikelog.store" in every
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]


def test_no_module_of_extract_or_merge_over_500_lines_nor_class_over_250():
    for package in ALLOWED:
        for module in (m for m in MODULES if _inside(m, package)):
            text = MODULES[module].read_text("utf-8")
            assert text.count("\n") <= MAX_LINES, f"{module}: {text.count(chr(10))} lines"
            for node in ast.walk(ast.parse(text)):
                if isinstance(node, ast.ClassDef):
                    size = node.end_lineno - node.lineno + 1
                    assert size <= MAX_CLASS_LINES, f"{module}.{node.name}: {size} lines"
