"""Fixtures shared by the whole suite. Keep helpers generic; topic fixtures live in their tests."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from analyzer._io.paths import data_dir, example_questionnaire

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
