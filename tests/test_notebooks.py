"""The notebooks in notebooks/: committed without outputs, written against the public API only,
and executed headless (nbclient, a real kernel) with a small sample count, so a notebook that
no longer runs fails the suite.
"""

from __future__ import annotations

import ast
import os
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

import analyzer

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = {"assumptions.ipynb", "explore_tradeoffs.ipynb"}
#: Third-party packages a notebook may import besides analyzer (and the standard library).
ALLOWED_PACKAGES = {"analyzer", "numpy", "pandas", "matplotlib", "ipywidgets"}
TEST_SAMPLES = 300
#: Figures each executed notebook must show (so "ran without error" is not all that is checked).
MIN_FIGURES = {"explore_tradeoffs.ipynb": 6, "assumptions.ipynb": 2}


def _ids(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def _code(nb: Any) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def test_the_notebooks_are_there() -> None:
    assert {p.name for p in NOTEBOOKS} == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_committed_without_outputs(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert cell.outputs == [], f"cell {i} has outputs: clear them before committing"
            assert cell.execution_count is None, f"cell {i} has an execution count"


def _problems(source: str) -> list[str]:
    """Imports of anything but the allowed packages and the standard library, imports of
    analyzer's submodules, names analyzer does not export, and private (_name) attributes."""
    public = set(analyzer.__all__)
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if alias.name.startswith("analyzer."):
                    found.append(f"import {alias.name}: use `import analyzer`")
                elif top not in ALLOWED_PACKAGES and top not in sys.stdlib_module_names:
                    found.append(f"import {alias.name}: not an allowed package")
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            top = module.split(".")[0]
            if module.startswith("analyzer"):
                found.append(f"from {module} import ...: use `import analyzer`")
            elif top not in ALLOWED_PACKAGES and top not in sys.stdlib_module_names:
                found.append(f"from {module} import ...: not an allowed package")
        elif isinstance(node, ast.Attribute):
            is_analyzer = isinstance(node.value, ast.Name) and node.value.id == "analyzer"
            if is_analyzer and node.attr not in public:
                found.append(f"analyzer.{node.attr}: not in analyzer.__all__")
            if node.attr.startswith("_") and not node.attr.startswith("__"):
                found.append(f".{node.attr}: a private name")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebooks_use_only_the_public_api(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    problems = [f"cell {i}: {p}" for i, src in enumerate(_code(nb)) for p in _problems(src)]
    assert not problems, "\n".join(problems)


def test_the_public_api_check_catches_what_it_should() -> None:
    assert _problems("import analyzer.model.core") == [
        "import analyzer.model.core: use `import analyzer`"
    ]
    assert _problems("from analyzer.decision.explore import what_if")
    assert _problems("analyzer.model") == ["analyzer.model: not in analyzer.__all__"]
    assert _problems("a._repr_html_()") == ["._repr_html_: a private name"]
    assert _problems("import scipy") == ["import scipy: not an allowed package"]
    assert _problems("import tempfile, numpy as np\nanalyzer.charts.tornado_chart(d)") == []


def _with_small_samples(nb: Any) -> Any:
    """Set SAMPLES in the cell tagged 'parameters' (papermill's convention)."""
    cells = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1, "one cell must be tagged 'parameters'"
    source, n = re.subn(r"^SAMPLES = .*$", f"SAMPLES = {TEST_SAMPLES}", cells[0].source,
                        flags=re.M)
    assert n == 1, "the parameters cell must set SAMPLES"
    cells[0].source = source
    return nb


def _figures(nb: Any) -> int:
    return sum(
        1
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type in ("display_data", "execute_result") and "image/png" in o.data
    )


KERNEL = "analyzer-tests"


@pytest.fixture(scope="module")
def jupyter_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Jupyter data folder with one kernel spec that runs this interpreter, so the notebooks
    run in the environment under test whatever other 'python3' kernels are installed."""
    pytest.importorskip("ipykernel")
    import json

    folder = tmp_path_factory.mktemp("jupyter")
    spec = folder / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "analyzer tests",
        "language": "python",
    }))
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs_headless(
    path: Path, tmp_path: Path, jupyter_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nbclient = pytest.importorskip("nbclient")

    # The kernel starts with this process's environment: make it import this checkout's
    # analyzer (an editable install does the same) and use the notebook's inline backend.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("JUPYTER_PATH", str(jupyter_path))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = _with_small_samples(nbformat.read(path, as_version=4))
    client = nbclient.NotebookClient(nb, timeout=120, kernel_name=KERNEL,
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell and traceback, if a cell fails
    assert _figures(nb) >= MIN_FIGURES[path.name]
    assert list(tmp_path.iterdir()) == [], "a notebook wrote into its working folder"
