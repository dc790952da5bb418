"""The package's layout holds: folders follow the data, lower layers never import higher ones,
no module imports itself round a cycle, and the public API keeps its names.

The imports are read with ``ast`` from the source, so the checks need no import side effects.
"""

from __future__ import annotations

import ast
import importlib
import threading
from pathlib import Path

import pytest

import analyzer

PACKAGE = Path(analyzer.__file__).resolve().parent

#: Layers from the bottom up: a module may import its own layer and the ones below it.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("analyzer.errors", "analyzer._version"),
    ("analyzer._io",),
    ("analyzer.questionnaire",),
    ("analyzer.history",),
    ("analyzer.model",),
    ("analyzer.decision",),
    ("analyzer.report",),
    ("analyzer.portfolio", "analyzer.scan"),
    ("analyzer.app",),
    ("analyzer.__init__", "analyzer.__main__"),
)

#: Where importing the project's own modules inside a function is allowed: command dispatch and
#: the package root's lazy attributes, so quick commands do not load the heavy parts.
LAZY_ALLOWED = ("analyzer.__init__", "analyzer.app.")

#: Known exceptions, each to be removed, not added to: the prices (money work) subclass the
#: assumptions' entry type, and loading an assumptions file checks its ``prices:`` section with
#: them. Breaking it means moving ``Assumption`` and ``_validate`` below both modules.
KNOWN_CYCLES = {frozenset({"analyzer.model.assumptions", "analyzer.model.prices"})}
KNOWN_LAZY = {("analyzer.model.assumptions", "analyzer.model.prices")}

#: The public API the README and the notebooks use.
PUBLIC_NAMES = {
    "AnalyzerError", "Assessment", "Assumptions", "Decision", "Estimate", "Frontier",
    "InputError", "OutputError", "Problem", "Questionnaire", "RecommendationMap", "Sweep",
    "__version__", "analyze", "assess", "breakeven_frontier", "charts", "decide",
    "dora_profile", "example_questionnaire", "history_profile", "import_incidents",
    "load_assumptions", "load_options", "load_questionnaire", "parse_questionnaire", "reassess",
    "recommend", "recommendation_map", "sweep", "Verdict", "what_if",
}
CHART_NAMES = {
    "cost_over_time", "parameter_distribution", "sweep_chart", "clear_drawing",
    "redraw_cost_over_time", "recommendation_map_chart", "breakeven_frontier_chart", "tornado_chart",
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _layer(module: str) -> int:
    if module in ("analyzer", "analyzer.__init__"):
        return len(LAYERS) - 1
    for index, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    raise AssertionError(f"{module} is in no layer; add its folder to LAYERS")


def _resolve(module: str) -> str:
    """The module an import names: a package's ``__init__`` or a plain module."""
    if module in MODULES:
        return module
    if f"{module}.__init__" in MODULES:
        return f"{module}.__init__"
    return module  # a namespace package (no __init__)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> list[tuple[str, int, bool]]:
    """(imported project module, line, inside a function) for every run-time import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        if isinstance(node, ast.If) and _type_checking(node):
            for child in node.orelse:
                visit(child, in_function)
            return
        if isinstance(node, ast.Import):
            found.extend(
                (a.name, node.lineno, in_function)
                for a in node.names
                if a.name.split(".")[0] == "analyzer"
            )
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.level == 0
            and node.module.split(".")[0] == "analyzer"
        ):
            for a in node.names:  # `from analyzer.x import y` may import module x.y
                sub = f"{node.module}.{a.name}"
                name = sub if sub in MODULES or f"{sub}.__init__" in MODULES else node.module
                found.append((name, node.lineno, in_function))
        inner = in_function or isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
        for child in ast.iter_child_nodes(node):
            visit(child, inner)

    visit(tree, False)
    return [(_resolve(m), line, f) for m, line, f in found]


GRAPH = {name: _imports(path) for name, path in MODULES.items()}


def test_every_module_is_in_a_layer() -> None:
    for name in MODULES:
        _layer(name)


def test_no_module_imports_from_a_higher_layer() -> None:
    upward = [
        f"{MODULES[name]}:{line}: {name} imports {target}"
        for name, imports in GRAPH.items()
        for target, line, _ in imports
        if target != "analyzer" and _layer(target) > _layer(name)
    ]
    assert upward == []


def test_no_import_cycles() -> None:
    edges = {
        name: {
            t for t, _, _ in imports
            if t in MODULES and t != name and frozenset({name, t}) not in KNOWN_CYCLES
        }
        for name, imports in GRAPH.items()
    }
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done

    def walk(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt):], nxt])
            elif nxt not in state:
                walk(nxt, stack)
        stack.pop()
        state[node] = 2

    for name in sorted(edges):
        if name not in state:
            walk(name, [])
    assert cycles == []


def test_project_modules_are_imported_at_module_level() -> None:
    lazy = [
        f"{MODULES[name]}:{line}: {target}"
        for name, imports in GRAPH.items()
        if not name.startswith(LAZY_ALLOWED)
        for target, line, in_function in imports
        if in_function and (name, target) not in KNOWN_LAZY
    ]
    assert lazy == []


def test_the_public_api_keeps_its_names() -> None:
    assert set(analyzer.__all__) == PUBLIC_NAMES
    for name in PUBLIC_NAMES:
        assert getattr(analyzer, name) is not None, name
    assert set(dir(analyzer.charts)) >= CHART_NAMES
    assert analyzer.charts is importlib.import_module("analyzer.report.charts")


@pytest.mark.parametrize("name", sorted(PUBLIC_NAMES - {"__version__", "charts"}))
def test_public_names_come_from_their_layer(name: str) -> None:
    """Every exported name is defined in the package, not re-exported from a third party."""
    module = getattr(getattr(analyzer, name), "__module__", "")
    assert module.startswith("analyzer."), (name, module)


def test_the_console_script_and_python_m_reach_the_cli() -> None:
    """pyproject's ``analyzer = module:function`` and ``python -m analyzer`` both name the CLI."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+

    pyproject = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    module, _, function = pyproject["project"]["scripts"]["analyzer"].partition(":")
    main = getattr(importlib.import_module(module), function)
    assert main is importlib.import_module("analyzer.app.cli").run
    assert "from analyzer.app.cli import run" in (PACKAGE / "__main__.py").read_text()


def test_quick_exit_only_after_commands_that_leave_nothing_running() -> None:
    """``run`` skips the interpreter's teardown only after commands that write atomically and
    start nothing that outlives them; the portfolio (workers, a Dask client) only when no thread
    is left beside the main one, and the interview exits normally."""
    cli = importlib.import_module("analyzer.app.cli")
    assert {"report", "assess", "validate", "schema", "init"} >= cli.QUICK_EXIT_COMMANDS
    assert "portfolio" not in cli.QUICK_EXIT_COMMANDS and "ask" not in cli.QUICK_EXIT_COMMANDS
    assert {"portfolio"} == cli.QUICK_EXIT_WHEN_ALONE
    ready, stop = threading.Event(), threading.Event()
    other = threading.Thread(target=lambda: (ready.set(), stop.wait()))
    other.start()
    try:
        ready.wait()
        assert not cli._alone()  # e.g. a Dask client's threads: the usual exit
    finally:
        stop.set()
        other.join()
