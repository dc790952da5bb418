"""Portfolio runs in local workers: batches of applications, failures inside a batch."""

from __future__ import annotations

import gc
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analyzer._io.paths import data_dir
from analyzer.portfolio import run as run_module
from analyzer.portfolio.economics import ramp
from analyzer.portfolio.evaluate import ARRAY_KEYS, AppOutcome
from analyzer.portfolio.inventory import App, load_portfolio
from analyzer.portfolio.outputs import portfolio_bytes
from analyzer.portfolio.run import (
    MAX_BATCH,
    Spool,
    _plan_curves,
    batches,
    local_workers,
    run_portfolio,
)

ESTATE = data_dir() / "portfolios" / "estate-200" / "inventory.csv"
ROOT = Path(__file__).resolve().parent.parent


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


@given(
    apps=st.lists(st.tuples(st.floats(0, 40), st.just(0.0) | st.floats(0.25, 30)), max_size=5),
    platform=st.booleans(),
    seed=st.integers(0, 2**16),
    convert=st.booleans(),
)
def test_the_plans_curves_are_the_sums_of_each_application_futures_first(
    tmp_path_factory: pytest.TempPathFactory, apps: list[tuple[float, float]], platform: bool, seed: int,
    convert: bool,
) -> None:
    """``_plan_curves`` (months first, CHUNK applications read at a time) gives the bits of the
    plain sum, futures first, one application after another: saving x max(m - end, 0) -
    transition x ramp(m), platform first; in money the transition at the hourly cost and the
    saving of people and infrastructure, each x ``to_base`` when currencies are converted."""
    samples, months = 37, np.arange(25.0)
    rng = np.random.default_rng(seed)
    values = {k: rng.standard_normal((len(apps), samples)).astype(np.float32) for k in ARRAY_KEYS}
    values["transition"][:, ::5] = -0.0  # signed zeros count
    folder = tmp_path_factory.mktemp("spool")
    spool = Spool(folder, max(len(apps), 1), samples)
    for k, rows in values.items():
        for i, row in enumerate(rows):
            spool.write(k, i, row)
    spans = [(start, start + length) for start, length in apps]
    plat = (rng.standard_normal(samples), rng.standard_normal(samples), 3.5) if platform else None
    try:
        got_h, got_m = _plan_curves(months, [(i, *span) for i, span in enumerate(spans)], spool, plat,
                                    convert)
    finally:
        spool.close()
    want_h, want_m = np.zeros((samples, months.size)), np.zeros((samples, months.size))
    for acc, k in ((want_h, 0), (want_m, 1)):
        if plat is not None:
            acc -= plat[k][:, None] * ramp(months, 0.0, plat[2])[None, :]
        for i, (start, end) in enumerate(spans):
            fx = values["to_base"][i].astype(np.float64) if convert else 1.0
            rate = values["hourly_cost"][i].astype(np.float64) * fx if k else 1.0
            t = values["transition"][i].astype(np.float64) * rate
            r = (values["monthly_saving_money"][i].astype(np.float64) * fx if k
                 else values["monthly_saving"][i].astype(np.float64))
            acc += r[:, None] * np.maximum(months - end, 0.0)[None, :]
            acc -= t[:, None] * ramp(months, start, end)[None, :]
    assert got_h.T.tobytes() == np.ascontiguousarray(want_h).tobytes()
    assert got_m.T.tobytes() == np.ascontiguousarray(want_m).tobytes()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers")
def test_forked_workers_collect_garbage_whatever_their_parent_does() -> None:
    """The command pauses the collector in its own process; its workers run it, and the freeze
    that keeps them off the pages they share with it is lifted in the parent once they exist."""
    was = gc.isenabled()
    gc.disable()
    try:
        with local_workers(2, "fork") as pool:
            assert gc.get_freeze_count() == 0
            assert all(pool.submit(gc.isenabled).result() for _ in range(4))
        assert not gc.isenabled()
    finally:
        if was:
            gc.enable()


_NO_CYCLES = """
import gc, json, sys
from analyzer.portfolio.inventory import load_portfolio
from analyzer.portfolio.run import local_workers, run_portfolio

def garbage():
    gc.set_debug(gc.DEBUG_SAVEALL)
    gc.collect()
    found = sorted({type(o).__name__ for o in gc.garbage})
    gc.set_debug(0)
    gc.garbage.clear()
    gc.collect()  # freed now, not found again next time
    return found

csv = sys.argv[1]
run_portfolio(load_portfolio(csv), samples=200, seed=4, jobs=1)  # caches filled
gc.collect()
gc.disable()
found = {}
p = load_portfolio(csv)
found["read"] = garbage()
run_portfolio(p, samples=200, seed=4, jobs=1)
found["assessed"] = garbage()
if sys.platform.startswith("linux"):
    with local_workers(2, "fork") as pool:
        run_portfolio(p, samples=200, seed=4, jobs=2, pool=pool)
        found["assessed by two workers"] = garbage()
print(json.dumps(found))
"""


def test_reading_and_assessing_leave_no_reference_cycles(tmp_path: Path) -> None:
    """``analyzer portfolio`` pauses the collector in its own process (which runs the
    applications itself with --jobs 1): reading rows and assessing applications must leave no
    garbage that only the collector frees, or memory would grow with the applications. In a
    fresh process: another test's threads (a Dask cluster's) make garbage of their own."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    res = subprocess.run([sys.executable, "-c", _NO_CYCLES, str(_small_estate(tmp_path, 12))],
                         capture_output=True, text=True, env=env, timeout=120, check=True)
    found = json.loads(res.stdout)
    assert found == {k: [] for k in found} and "assessed" in found
