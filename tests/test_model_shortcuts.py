"""The model's speed shortcuts (issue 20) compute what the plain formulas compute: cells drawn in
one call are the cells drawn row by row, a value block holds each row's table lookups, and the
per-method lookup is the sum over the methods' masks."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer._io.paths import example_questionnaire
from analyzer.model import assess as assess_module
from analyzer.model import core, draws, recurring
from analyzer.model import distributions as dist
from analyzer.model.assumptions import load_assumptions
from analyzer.model.draws import read_draws
from analyzer.model.options import load_options
from analyzer.model.params import Gamma, Pert
from analyzer.model.placement import METHODS, place
from analyzer.questionnaire.form import load_questionnaire

if TYPE_CHECKING:
    from conftest import DrawnRun


@given(rows=st.integers(1, 9), n=st.integers(1, 41), seed=st.integers(0, 2**32 - 1))
def test_cell_rows_are_consecutive_cell_draws(rows: int, n: int, seed: int) -> None:
    one = dist.uniform_cell_rows(rows, n, np.random.default_rng(seed))
    rng = np.random.default_rng(seed)
    np.testing.assert_array_equal(one, np.stack([dist.uniform_cells(n, rng) for _ in range(rows)]))


@pytest.mark.parametrize("n", [1, 5, 1001])
def test_sample_is_the_row_by_row_draw(n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """The value block, in chunks of rows or whole, against one uniform_cells call a parameter
    (PERTs, then Gammas) looked up by ``from_cells``."""
    q = load_questionnaire(example_questionnaire("seed-team"))
    a, opts = load_assumptions(), load_options()
    space = core.build_space(q, a, opts, np.random.default_rng(0))
    rng = np.random.default_rng(9)
    tabulated = [p for p in space if isinstance(p.dist, Pert) and not p.constant]
    tabulated += [p for p in space if isinstance(p.dist, Gamma)]
    want = {p.name: p.dist.from_cells(dist.uniform_cells(n, rng)) for p in tabulated}
    for block in (7 * n, 1 << 22):  # rows in chunks of 7, and all rows at once
        monkeypatch.setattr("analyzer.model.params.CELL_BLOCK", block)
        got = space.sample(n, np.random.default_rng(9))
        for name, x in want.items():
            np.testing.assert_array_equal(got[name], x, err_msg=name)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), scalar=st.booleans())
def test_per_method_lookup_is_the_masked_sum(
    seed: int, scalar: bool, drawn_run: DrawnRun
) -> None:
    structure, values = drawn_run("seed-team", 6, seed=1)
    d = read_draws(values, tuple(p.name for p in structure.processes), structure.option_names,
                   structure.categories)
    pl = place(structure, d)
    rng = np.random.default_rng(seed)
    table: dict[str, np.ndarray | float] = {
        m: float(rng.uniform(0, 5)) if scalar and i % 2 else rng.uniform(0, 5, d.n)
        for i, m in enumerate(METHODS[: int(rng.integers(1, len(METHODS) + 1))])
    }
    target = sum(pl.method[m][:, :, None] * np.asarray(v) for m, v in table.items())
    today = sum(pl.method0[m][:, None] * np.asarray(v) for m, v in table.items())
    got = recurring._per_method_units(pl, table)
    np.testing.assert_array_equal(got, (target * pl.n[None]).sum(axis=1))
    np.testing.assert_array_equal(
        recurring._per_method_today_units(pl, table),
        (np.broadcast_to(today, pl.n.shape) * pl.n).sum(axis=0),
    )


@pytest.mark.parametrize("n", [1, 2, 7, 1001])
def test_values_drawn_on_demand_are_the_sample(n: int) -> None:
    """``draw_on_demand`` gives ``sample``'s values, whole or any block of samples, and leaves
    the generator where ``sample`` does."""
    q = load_questionnaire(example_questionnaire("seed-team"))
    a, opts = load_assumptions(), load_options()
    space = core.build_space(q, a, opts, np.random.default_rng(0))
    r1, r2 = np.random.default_rng(5), np.random.default_rng(5)
    held, drawn = space.sample(n, r1), space.draw_on_demand(n, r2)
    assert r1.bit_generator.state == r2.bit_generator.state
    assert list(held) == list(drawn)
    for lo, hi in ((0, n), (min(1, n - 1), n), (n // 3, n // 2 + 1)):
        block = drawn.block(lo, hi)
        for name, x in held.items():
            np.testing.assert_array_equal(drawn[name], x, err_msg=name)
            np.testing.assert_array_equal(block[name], x[lo:hi] if x.size == n else x)


def test_a_run_without_held_draws_and_breakdowns_gives_the_same_numbers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Above HELD_SAMPLES: values drawn on demand, outputs held as float32 (LEAN_DTYPE), the
    breakdowns and the LATER fields evaluated when read; every output is the held run's
    rounded to float32 (exactly: each block is evaluated in float64, then stored), and the
    tables move by at most float32's rounding."""
    q = load_questionnaire(example_questionnaire("seed-team"))
    monkeypatch.setattr(core, "EVAL_BLOCK", 40)
    held = assess_module.assess(q, samples=203, seed=3)
    monkeypatch.setattr(assess_module, "HELD_SAMPLES", 100)
    lazy = assess_module.assess(q, samples=203, seed=3)
    assert not isinstance(lazy.values, dict) and not isinstance(lazy.outputs.recurring, dict)
    assert not set(core.LATER) & set(vars(lazy.outputs))  # not held until read
    for name in held.values:
        np.testing.assert_array_equal(held.values[name], lazy.values[name], err_msg=name)
    for f in dataclasses.fields(core.Outputs):
        x, y = getattr(held.outputs, f.name), getattr(lazy.outputs, f.name)
        if isinstance(x, Mapping):
            assert list(x) == list(y), f.name
            pairs = [(x[k], y[k], f"{f.name}.{k}") for k in x]
        else:
            pairs = [(x, y, f.name)]
        for u, v, what in pairs:
            if isinstance(u, np.ndarray):
                assert v.dtype == core.LEAN_DTYPE and v.shape == u.shape, what
                np.testing.assert_array_equal(v, u.astype(core.LEAN_DTYPE), err_msg=what)
            else:
                assert u == v, what
    assert set(core.LATER) <= set(vars(lazy.outputs))  # read once: held since
    # the tables: P10/P50/P90 of float32-rounded samples (relative rounding <= 2^-24)
    pd.testing.assert_frame_equal(held.summary(), lazy.summary(), rtol=1e-6)
    pd.testing.assert_frame_equal(
        held.recurring_breakdown(), lazy.recurring_breakdown(), rtol=1e-6
    )


def test_a_blocked_run_of_held_draws_reads_its_breakdowns_in_one_evaluation(
    monkeypatch: pytest.MonkeyPatch, drawn_run: DrawnRun
) -> None:
    """Held draws above EVAL_BLOCK: the breakdowns are evaluated again when first read, all four
    in one pass, and are the held run's numbers."""
    st, values = drawn_run("seed-team", 150, seed=7)
    monkeypatch.setattr(core, "EVAL_BLOCK", 40)
    kept = core.evaluate(values, st, hold_breakdowns=True)
    lazy = core.evaluate(values, st)
    calls = []
    evaluate_block = core._evaluate_block

    def counted(v: Mapping[str, np.ndarray], s: core.Structure) -> core.Outputs:
        calls.append(1)
        return evaluate_block(v, s)

    monkeypatch.setattr(core, "_evaluate_block", counted)
    for name in core.BREAKDOWNS:
        x, y = getattr(kept, name), getattr(lazy, name)
        assert isinstance(x, dict) and not isinstance(y, dict)
        assert list(x) == list(y)
        for k in x:
            np.testing.assert_array_equal(x[k], y[k], err_msg=f"{name}.{k}")
    assert len(calls) == 4  # the four blocks once, for all four breakdowns


@settings(max_examples=50, deadline=None)
@given(
    n_opt=st.integers(1, 6), n_p=st.integers(1, 17), k=st.integers(1, 5), n=st.integers(1, 40),
    seed=st.integers(0, 2**32 - 1),
)
def test_picked_sum_is_the_gathered_sum(n_opt: int, n_p: int, k: int, n: int, seed: int) -> None:
    """The picked rows added entry by entry, in entry order (what numpy's sum over the entries'
    axis of the gathered (O, P, S) array does when the samples' axis is long, as in the model:
    checked at 1,000 samples)."""
    rng = np.random.default_rng(seed)
    table = rng.lognormal(0.0, 3.0, (k, n_p, n)) * rng.choice([-1.0, 0.0, 1.0], (k, n_p, 1))
    choice = rng.integers(0, k, (n_opt, n_p))
    want = table[choice[:, 0], 0]
    for p in range(1, n_p):
        want = want + table[choice[:, p], p]
    np.testing.assert_array_equal(recurring._picked_sum(choice, table), want)
    long = rng.normal(0.0, 1.0, (k, n_p, 1000))
    np.testing.assert_array_equal(
        recurring._picked_sum(choice, long), long[choice, np.arange(n_p)].sum(axis=1)
    )


@settings(max_examples=200, deadline=None)
@given(
    rows=st.integers(1, 4), n=st.one_of(st.integers(1, 60), st.integers(1000, 5000)),
    seed=st.integers(0, 2**32 - 1), nan=st.booleans(),
    shape=st.sampled_from(["ties", "wide", "sorted", "constant", "two values"]),
)
def test_row_medians_are_numpys(rows: int, n: int, seed: int, nan: bool, shape: str) -> None:
    """The bracketed partition (long rows) and the full one give np.median's values, whatever
    the data: ties, heavy tails, sorted rows (the evenly spaced probe is then no sample),
    constants, nan."""
    rng = np.random.default_rng(seed)
    x = {
        "ties": np.round(rng.normal(0.0, 1.0, (rows, n)), 1),
        "wide": rng.lognormal(0.0, 4.0, (rows, n)) * rng.choice([-1.0, 1.0], (rows, n)),
        "sorted": np.sort(rng.normal(0.0, 1.0, (rows, n)), axis=1),
        "constant": np.full((rows, n), 3.5),
        "two values": rng.choice([0.0, 1.0], (rows, n), p=[0.49, 0.51]),
    }[shape]
    if nan:
        x[rng.integers(0, rows), rng.integers(0, n)] = np.nan
    want = [float(np.median(r)) for r in x]
    got = assess_module.row_medians(x.copy())
    np.testing.assert_array_equal(got, want)


def test_stacked_rows_of_one_block_are_a_view_with_the_stacked_values() -> None:
    """``draws.stacked``: evenly spaced rows of one block as a read-only view; anything else
    (rows of other arrays, uneven spacing, broadcast constants) stacked as ``np.stack`` does."""
    block = np.arange(60.0).reshape(10, 6)
    even = [block[1], block[4], block[7]]
    view = draws.stacked(even)
    assert not view.flags.owndata and not view.flags.writeable
    np.testing.assert_array_equal(view, np.stack(even))
    for rows in (
        [block[1], block[2], block[4]],  # uneven
        [block[1], np.arange(6.0)],  # another array
        [np.broadcast_to(np.array([2.0]), (6,)), block[0]],
        [block[3]],
    ):
        got = draws.stacked(rows)
        np.testing.assert_array_equal(got, np.stack(rows))
    half = block[:, 2:5]  # rows of a non-contiguous view: still evenly spaced
    np.testing.assert_array_equal(draws.stacked([half[0], half[2]]), np.stack([half[0], half[2]]))


def test_assess_can_hold_the_breakdowns_of_a_blocked_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """``assess(hold_breakdowns=True)`` (a caller that reads them, e.g. the portfolio's work
    items) joins them as it goes: the numbers of the run that evaluates them when read."""
    q = load_questionnaire(example_questionnaire("seed-team"))
    monkeypatch.setattr(core, "EVAL_BLOCK", 40)
    held = assess_module.assess(q, samples=150, seed=8, hold_breakdowns=True)
    later = assess_module.assess(q, samples=150, seed=8)
    for name in core.BREAKDOWNS:
        x, y = getattr(held.outputs, name), getattr(later.outputs, name)
        assert isinstance(x, dict) and not isinstance(y, dict), name
        for k in x:
            np.testing.assert_array_equal(x[k], y[k], err_msg=f"{name}.{k}")
