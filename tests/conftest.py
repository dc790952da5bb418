"""Fixtures shared by the whole suite. Keep helpers generic; topic fixtures live in their tests."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from analyzer._io.paths import data_dir, example_questionnaire
from analyzer.model import core
from analyzer.model.assumptions import load_assumptions
from analyzer.model.options import load_options
from analyzer.model.structure import Structure
from analyzer.questionnaire.form import load_questionnaire

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str, cwd: Path | None = None, stdin: str | None = None) -> CliResult:
    """Run ``python -m analyzer ARGS`` in a subprocess, as a user would, and capture everything."""
    proc = subprocess.run(
        [sys.executable, "-m", "analyzer", *args],
        cwd=cwd or ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(),
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


def _env() -> dict[str, str]:
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("MPLBACKEND", "Agg")
    return env


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that run the CLI as a subprocess are ``slow``: ``pytest -m "not slow"`` is the quick
    tier for the edit-run loop, ``make test`` runs everything."""
    for item in items:
        if "cli" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def cli():  # type: ignore[no-untyped-def]
    """The CLI runner: ``cli("validate", path)`` -> CliResult(code, out, err)."""
    return run_cli


@pytest.fixture
def seed_path() -> Path:
    return example_questionnaire("seed-team")


@pytest.fixture
def examples_dir() -> Path:
    return data_dir() / "questionnaires"


#: (bundled questionnaire, samples, seed) -> its structure and that many samples of its inputs.
DrawnRun = Callable[..., tuple[Structure, dict[str, np.ndarray]]]


def _drawn_run(name: str, n: int, seed: int = 1) -> tuple[Structure, dict[str, np.ndarray]]:
    """A bundled questionnaire's structure and ``n`` samples of its inputs: the parameter space
    built with seed 0, the samples drawn with ``seed``."""
    q = load_questionnaire(example_questionnaire(name))
    a, opts = load_assumptions(), load_options()
    structure = core.build_structure(q, opts, a)
    values = core.build_space(q, a, opts, np.random.default_rng(0)).sample(
        n, np.random.default_rng(seed)
    )
    return structure, values


@pytest.fixture(scope="session")
def drawn_run() -> DrawnRun:
    """``drawn_run("seed-team", 101, seed=3)`` -> (structure, values) for the model's tests;
    session-scoped (it holds no state), so hypothesis tests may use it too."""
    return _drawn_run
