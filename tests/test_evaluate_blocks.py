"""``evaluate`` in sample blocks gives the numbers of one block: every output is elementwise in
the samples (core.evaluate's docstring), so joining blocks must reproduce the whole, shapes and
non-finite values (never pays back: inf, status quo: nan) included."""

from __future__ import annotations

import dataclasses
import gc
import weakref
from typing import TYPE_CHECKING

import numpy as np
import pytest

from analyzer.model import core

if TYPE_CHECKING:
    from conftest import DrawnRun


@pytest.mark.parametrize("block", [2, 7, 50])
def test_blocks_give_the_numbers_of_one_block(
    block: int, monkeypatch: pytest.MonkeyPatch, drawn_run: DrawnRun
) -> None:
    st, values = drawn_run("seed-team", 101, seed=3)
    whole = core.evaluate(values, st)  # 101 samples <= EVAL_BLOCK: one block
    monkeypatch.setattr(core, "EVAL_BLOCK", block)
    blocked = core.evaluate(values, st)
    for f in dataclasses.fields(core.Outputs):
        x, y = getattr(whole, f.name), getattr(blocked, f.name)
        pairs = [(x[k], y[k]) for k in x] if isinstance(x, dict) else [(x, y)]
        if isinstance(x, dict):
            assert x.keys() == y.keys(), f.name
        for u, v in pairs:
            if isinstance(u, np.ndarray):
                assert u.shape == np.shape(v), f.name
                np.testing.assert_array_equal(u, v, err_msg=f.name)
            else:
                assert u == v, f.name


def _assert_same(x_out: core.Outputs, y_out: core.Outputs) -> None:
    for f in dataclasses.fields(core.Outputs):
        x, y = getattr(x_out, f.name), getattr(y_out, f.name)
        pairs = [(x[k], y[k]) for k in x] if isinstance(x, dict) else [(x, y)]
        for u, v in pairs:
            if isinstance(u, np.ndarray):
                assert u.shape == np.shape(v), f.name
                np.testing.assert_array_equal(u, v, err_msg=f.name)
            else:
                assert u == v, f.name


def test_another_horizon_of_the_same_draws_equals_a_fresh_evaluation(
    monkeypatch: pytest.MonkeyPatch, drawn_run: DrawnRun
) -> None:
    # the decision's horizon checks: same values, dataclasses.replace(structure, horizon)
    st, values = drawn_run("seed-team", 64, seed=4)
    core.evaluate(values, st)
    for months in (6, 60, st.horizon_months):
        other = dataclasses.replace(st, horizon_months=months)
        reused = core.evaluate(values, other)
        monkeypatch.setattr(core, "_LAST", core._Last())
        _assert_same(reused, core.evaluate(values, other))
    # a draw changed in place is not answered from the last call
    core.evaluate(values, st)
    values["team.engineers"][:] *= 2.0
    changed = core.evaluate(values, dataclasses.replace(st, horizon_months=60))
    monkeypatch.setattr(core, "_LAST", core._Last())
    _assert_same(changed, core.evaluate(values, dataclasses.replace(st, horizon_months=60)))


def test_a_blocked_run_is_freed_when_its_outputs_are_dropped(
    monkeypatch: pytest.MonkeyPatch, drawn_run: DrawnRun
) -> None:
    # no reference cycle keeps the joined arrays alive until the cyclic collector runs: a next
    # evaluation would otherwise fault in fresh memory for its outputs
    st, values = drawn_run("seed-team", 101, seed=5)
    monkeypatch.setattr(core, "EVAL_BLOCK", 50)
    gc.disable()
    try:
        out = core.evaluate(values, st)
        alive = weakref.ref(out.npv_hours)
        del out
        assert alive() is None
    finally:
        gc.enable()
