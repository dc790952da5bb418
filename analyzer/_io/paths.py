"""Where the bundled data lives: data/ in a source checkout, analyzer/_data in a wheel."""

from __future__ import annotations

from functools import cache
from pathlib import Path


@cache
def data_dir() -> Path:
    """The folder holding assumptions, options, categories and example questionnaires."""
    here = Path(__file__).resolve().parent.parent  # the analyzer package
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "assumptions.yaml").is_file() or (candidate / "questionnaires").is_dir():
            return candidate
    raise FileNotFoundError(
        f"analyzer's data folder is missing (looked in {here / '_data'} and {here.parent / 'data'})"
    )


def example_questionnaire(name: str = "seed-team") -> Path:
    """Path of a bundled example questionnaire, e.g. ``example_questionnaire("seed-team")``."""
    return data_dir() / "questionnaires" / f"{name}.yaml"
