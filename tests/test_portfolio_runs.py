"""Portfolio runs in local workers: batches of applications, failures inside a batch."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzer._io.paths import data_dir
from analyzer.portfolio import run as run_module
from analyzer.portfolio.evaluate import AppOutcome
from analyzer.portfolio.inventory import App, load_portfolio
from analyzer.portfolio.outputs import portfolio_bytes
from analyzer.portfolio.run import MAX_BATCH, batches, local_workers, run_portfolio

ESTATE = data_dir() / "portfolios" / "estate-200" / "inventory.csv"


@given(n=st.integers(0, 600), jobs=st.integers(1, 8))
def test_batches_take_every_application_once_in_order(n: int, jobs: int) -> None:
    cut = batches(n, jobs)
    assert [i for rows in cut for i in rows] == list(range(n))
    assert all(1 <= len(rows) <= MAX_BATCH for rows in cut)
    assert all(len(a) >= len(b) for a, b in itertools.pairwise(cut))  # the smallest at the end
    if n >= MAX_BATCH * 4 * jobs:
        assert len(cut[0]) == MAX_BATCH and len(cut[-1]) == 1


def _small_estate(tmp_path: Path, rows: int) -> Path:
    lines = ESTATE.read_text(encoding="utf-8").splitlines()
    csv = tmp_path / "apps.csv"
    csv.write_text("\n".join(lines[: rows + 1]) + "\n", encoding="utf-8")
    return csv


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers inherit the patch")
def test_a_failure_inside_a_workers_batch_is_named_and_the_others_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = load_portfolio(_small_estate(tmp_path, 5))
    bad = sorted(a.id for a in p.apps)[2]
    real = run_module.evaluate_app

    def flaky(app: App, **kwargs: Any) -> AppOutcome:
        if app.id == bad:
            raise ValueError("no answer for kloc")
        return real(app, **kwargs)

    monkeypatch.setattr(run_module, "evaluate_app", flaky)
    inline = run_portfolio(p, samples=200, seed=4, jobs=1)
    with local_workers(2, "fork") as pool:  # forked after the patch: the workers have it
        local = run_portfolio(p, samples=200, seed=4, jobs=2, pool=pool)
    for r in (inline, local):
        assert [(f.id, f.error) for f in r.failures] == [(bad, "ValueError: no answer for kloc")]
        assert len(r.apps) == 4 and bad not in {a["id"] for a in r.apps}
    assert portfolio_bytes(local, "json", command="", date=None) == portfolio_bytes(
        inline, "json", command="", date=None
    )
