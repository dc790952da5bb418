"""``analyzer portfolio``'s inputs and outputs: what it refuses, and where it says the problem is.

Most tests call the command in this process (``analyzer.app.cli.main``) or the loader directly;
those that need a run use few samples."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyzer.errors import InputError
from analyzer.portfolio.inventory import load_portfolio

HEADER = "id,name,engineers,kloc,services,prod_deploys_per_week,database,critical,depends_on\n"


def _csv(tmp_path: Path, rows: str, name: str = "apps.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        load_portfolio(path)
    return [str(p) for p in err.value.problems]


# ---- reading the inventory ---------------------------------------------------------------------


def test_a_binary_inventory_is_not_called_yaml(tmp_path: Path) -> None:
    path = tmp_path / "apps.csv"
    path.write_bytes(HEADER.encode() + bytes(range(256)))
    assert _problems(path) == [f"{path}: the inventory CSV is binary, not comma-separated text"]
