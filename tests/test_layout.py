"""The layout, read from the imports (ast, nothing is imported): no import cycle among strikelog's
modules; no stage importing a later stage (the order is STAGES, docs/architecture.md); the extract
and merge packages import only what their __init__ allows; no module outgrows a reader's patience
(500 lines; a class 250); every package's __init__ says what it holds and what it may import."""
from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "strikelog"
MAX_LINES = 500
MAX_CLASS_LINES = 250
# The stages in order (sources -> text -> nlp -> extract -> resolve -> merge -> ledger -> run -> api ->
# cli/web), each with the modules and packages it holds; a module may import only its own stage and
# earlier ones. "base" is what every stage may use: records, errors, settings, the data loader and
# the caches, the readers of written dates and counts. Every module must be placed here.
STAGES: list[tuple[str, set[str]]] = [
    ("base", {"strikelog.records", "strikelog.errors", "strikelog.config", "strikelog.caches",
              "strikelog.resources", "strikelog.vocabulary", "strikelog.literals", "strikelog.data"}),
    ("sources", {"strikelog.sources"}),
    ("text", {"strikelog.text"}),
    ("nlp", {"strikelog.nlp"}),
    ("extract", {"strikelog.extract"}),
    ("resolve", {"strikelog.resolve"}),
    ("merge", {"strikelog.merge"}),
    ("ledger", {"strikelog.ledger", "strikelog.changes",
                "strikelog.export", "strikelog.acled", "strikelog.filters"}),
    ("run", {"strikelog.run"}),
    ("api", {"strikelog.api", "strikelog"}),
    ("faces", {"strikelog.cli", "strikelog.web", "strikelog.terminal", "strikelog.__main__"}),
]
# what each package may import besides itself and the standard library (see its __init__)
ALLOWED = {
    "strikelog.extract": {"strikelog.records", "strikelog.resources", "strikelog.errors", "strikelog.literals.counts",
                          "strikelog.literals.dates"},
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


def stage_of(module: str) -> int:
    """The position in STAGES of the stage holding `module` (its longest matching package wins)."""
    best, rank = "", -1
    for number, (_, members) in enumerate(STAGES):
        for member in members:
            # "strikelog" is the package's own __init__ (the public names), not everything inside it
            held = module == member if member == "strikelog" else _inside(module, member)
            if held and len(member) > len(best):
                best, rank = member, number
    return rank


def test_no_import_cycle_among_strikelog_modules():
    # Imports that run when a module is imported; a package importing its own submodules from its
    # __init__ is how a package is built, not a cycle. (Deferred imports inside functions are not
    # counted here; the stage order below counts them.)
    graph = {}
    for module in MODULES:
        top, _ = imports(module)
        graph[module] = {t for t in top if not (MODULES[module].name == "__init__.py" and _inside(t, module))}
    cycle = _cycle(graph)
    assert not cycle, "import cycle: " + " -> ".join(cycle)


def test_every_module_belongs_to_a_stage():
    unplaced = [m for m in MODULES if stage_of(m) < 0]
    assert not unplaced, f"modules in no stage of STAGES: {unplaced}"


def later_imports(graph: dict[str, set[str]]) -> list[str]:
    """Each import (module -> what it imports) of a later stage than the importer's."""
    return [f"{module} ({STAGES[stage_of(module)][0]}) imports {target} ({STAGES[stage_of(target)][0]})"
            for module in sorted(graph) for target in sorted(graph[module]) if stage_of(target) > stage_of(module)]


def test_no_stage_imports_a_later_stage():
    # every import counts, deferred ones too: a function that runs a later stage is a later stage's work
    strays = later_imports({module: imports(module)[1] for module in MODULES})
    assert not strays, "\n".join(strays)


def test_extract_and_merge_import_only_what_their_init_allows():
    for package, allowed in ALLOWED.items():
        for module in (m for m in MODULES if _inside(m, package)):
            _, every = imports(module)
            stray = {t for t in every if not _inside(t, package) and t not in allowed}
            assert not stray, f"{module} imports {sorted(stray)}"


def test_the_check_sees_a_forbidden_import():
    top, every = imports("strikelog.api")
    assert "strikelog.merge" in top and "strikelog.ledger" in every and "strikelog.run.workers" in every
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert stage_of("strikelog.sources.files") < stage_of("strikelog.text.clean") < stage_of("strikelog.nlp.model")
    assert stage_of("strikelog.run.engine") > stage_of("strikelog.ledger") > stage_of("strikelog.merge.across")
    assert stage_of("strikelog.literals.dates") == 0 and stage_of("strikelog.nowhere") == -1
    assert later_imports({"strikelog.sources.feeds": {"strikelog.ledger", "strikelog.records"},
                          "strikelog.run.engine": {"strikelog.ledger"}}) == [
        "strikelog.sources.feeds (sources) imports strikelog.ledger (ledger)"]


def sizes() -> dict[str, int]:
    """Lines of every module and of every class (as module.Class)."""
    out = {}
    for module, path in MODULES.items():
        text = path.read_text("utf-8")
        out[module] = text.count("\n")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef):
                out[f"{module}.{node.name}"] = node.end_lineno - node.lineno + 1
    return out


def _limit(name: str) -> int:
    return MAX_LINES if name in MODULES else MAX_CLASS_LINES


def test_no_module_over_500_lines_nor_class_over_250():
    over = {name: size for name, size in sizes().items() if size > _limit(name)}
    assert not over, f"over {MAX_LINES} lines (module) or {MAX_CLASS_LINES} (class): {over}"


def test_every_package_says_what_it_holds_and_may_import():
    for module, path in MODULES.items():
        if path.name != "__init__.py":
            continue
        doc = ast.get_docstring(ast.parse(path.read_text("utf-8")))
        assert doc, f"{module}: its __init__ has no docstring"
        if module in {"strikelog", "strikelog.data", "strikelog.web"}:
            continue  # the package itself (its docstring is the project's), the data files, the web face
        assert "import" in doc.lower(), f"{module}: its __init__ does not say what it may import"
