"""The sixth round's shortcuts (docs/design/model-performance.md) give the plain formulas' bits:
a joined run written in place equals its blocks evaluated on their own, and each shortcut is
compared (``tobytes``, so signed zeros and nans count) with the expression it replaces."""

from __future__ import annotations

import dataclasses
import itertools
import math
from typing import TYPE_CHECKING

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer.model import core, money, transition
from analyzer.model.draws import read_draws
from analyzer.model.infrastructure import InfraMonthly, matmul
from analyzer.model.placement import place

if TYPE_CHECKING:
    from conftest import DrawnRun


def _same(x: np.ndarray, y: np.ndarray, what: str) -> None:
    x, y = np.asarray(x), np.asarray(y)
    assert x.shape == y.shape and x.dtype == y.dtype, what
    assert x.tobytes() == y.tobytes(), what


@pytest.mark.parametrize("name", ["seed-team", "saas-12"])
def test_a_joined_run_written_in_place_is_its_blocks(
    name: str, monkeypatch: pytest.MonkeyPatch, drawn_run: DrawnRun
) -> None:
    structure, values = drawn_run(name, 300)
    monkeypatch.setattr(core, "EVAL_BLOCK", 64)
    joined = core.evaluate(values, structure, hold_breakdowns=True)
    cuts = [int(c) for c in np.linspace(0, 300, -(-300 // 64) + 1)]
    blocks = [
        core._evaluate_block(core._block(values, 300, lo, hi), structure)
        for lo, hi in itertools.pairwise(cuts)
    ]
    for name_ in core.DIRECT:
        whole = np.concatenate([np.broadcast_to(getattr(b, name_), np.shape(getattr(b, name_)))
                                for b in blocks], axis=-1)
        _same(getattr(joined, name_), whole, name_)


def test_transition_hours_are_the_sum_of_the_work_items_in_order(drawn_run: DrawnRun) -> None:
    structure, values = drawn_run("seed-team", 500)
    out = core.evaluate(values, structure)
    total = np.zeros_like(out.transition_hours)
    for key in core.WORK_ITEM_LABELS:
        total = total + out.work_items[key]
    _same(out.transition_hours, total, "transition_hours")


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    rows=st.lists(st.lists(st.integers(0, 1), min_size=4, max_size=4).filter(
        lambda r: sum(r) <= 3), min_size=1, max_size=5),
)
def test_single_unit_fleets_sum_first_without_the_product(
    drawn_run: DrawnRun, seed: int, rows: list[list[int]]
) -> None:
    structure, values = drawn_run("seed-team", 97, seed=seed % 1000)
    d = read_draws(values, tuple(p.name for p in structure.processes), structure.option_names,
                   structure.categories)
    pl = place(structure, d)
    assert pl._single_curve()  # the seed team's entries are single services
    rng = np.random.default_rng(seed)
    first = rng.normal(0.0, 5.0, d.n)
    first[:3] = (0.0, -0.0, 1e308)
    mask = np.asarray(rows, dtype=np.float64)
    with np.errstate(over="ignore"):  # 3 x 1e308 is inf either way
        _same(pl.curved(mask, first), matmul(mask, first * pl.curve), "curved")


def test_breakeven_without_the_status_quo_row_is_the_formula() -> None:
    rng = np.random.default_rng(3)
    trans = rng.uniform(0, 500, (4, 64))
    rec = rng.uniform(0, 80, (4, 64))
    months = rng.uniform(0, 30, (4, 64))
    trans[0], months[0], rec[2, :5] = 0.0, 0.0, rec[0, :5]  # s = 0: never
    for sq in (0, 3, 1):
        s = rec[sq] - rec
        with np.errstate(divide="ignore", invalid="ignore"):
            per = trans / s
            m_star = np.where(2.0 * per <= months, 2.0 * per, months / 2.0 + per)
            m_star = np.where(s > 0, m_star, np.inf)
        want = np.where(m_star <= 24.0, np.ceil(m_star), np.inf)
        want[sq] = np.nan
        _same(core._breakeven(trans, months, rec, sq, 24.0), want, f"breakeven sq={sq}")


@pytest.mark.parametrize("h", [3.0, 24.0])
def test_totals_within_the_horizon_skip_only_zeros(h: float) -> None:
    rng = np.random.default_rng(5)
    trans = rng.uniform(0, 500, (4, 200))
    rec = rng.uniform(0, 80, (4, 200))
    months = rng.uniform(0, 20, (4, 200))
    trans[0], months[0] = 0.0, 0.0
    delta = math.log1p(0.08) / 12.0
    clock = core._Clock.of(months, h, delta)
    assert clock.within == (h == 24.0)
    npv, total, unfinished = core._totals(trans, clock, rec, 0, h, delta)
    # the formula term by term, every term added
    moving = months > 0
    spread = np.divide(trans, months, out=np.zeros_like(trans), where=moving)
    slope = np.divide(rec - rec[0], months, out=np.zeros_like(trans), where=moving)
    left = spread * clock.over
    spread = spread + rec[0]
    want_npv = spread * clock.discounted_during
    want_npv += slope * clock.ramp_during
    want_npv += rec * clock.discounted_after
    want_npv += left * math.exp(-delta * h)
    want_total = spread * clock.during + slope * clock.during * clock.during / 2.0
    want_total += rec * clock.after
    want_total += left
    _same(npv, want_npv, "npv")
    assert total is not None and unfinished is not None
    _same(total, want_total, "total")
    _same(unfinished, left, "unfinished")


def test_infrastructure_sums_skip_only_zero_rows() -> None:
    rng = np.random.default_rng(8)
    names = [f.name for f in dataclasses.fields(InfraMonthly)]
    items = {k: rng.uniform(-5, 5, (3, 50)) for k in names}
    items["serverless"] = np.broadcast_to(np.zeros(50), (3, 50))
    items["load_balancers"] = np.broadcast_to(-np.zeros(50), (3, 50))
    items["machine_images"][0, :4] = (0.0, -0.0, np.nan, np.inf)
    want = np.zeros((3, 50))
    for k in names:
        want = want + items[k]
    _same(InfraMonthly(**items).total, want, "total")


def test_today_computed_as_the_status_quo_row_is_todays_state(drawn_run: DrawnRun) -> None:
    structure, values = drawn_run("seed-team", 200)
    d = read_draws(values, tuple(p.name for p in structure.processes), structure.option_names,
                   structure.categories)
    pl = place(structure, d)
    got = core._money(values, structure, d, pl)
    called: list[object] = []
    real = money._same_state
    try:
        money._same_state = lambda *a: called.append(a) or None  # type: ignore[assignment]
        full = core._money(values, structure, d, pl)  # today evaluated as a state of its own
    finally:
        money._same_state = real
    assert called
    for k in got.today.items():
        _same(got.today.items()[k], full.today.items()[k], f"today {k}")
        _same(np.broadcast_to(got.options.items()[k], full.options.items()[k].shape),
              full.options.items()[k], f"options {k}")


def test_work_items_subtotal_is_the_items_before_the_dip(drawn_run: DrawnRun) -> None:
    structure, values = drawn_run("org-40", 300)
    d = read_draws(values, tuple(p.name for p in structure.processes), structure.option_names,
                   structure.categories)
    items, _, subtotal = transition.work_items_and_subtotal(place(structure, d), d, structure)
    want = np.zeros_like(subtotal)
    for k, v in items.items():
        if k != "productivity_dip":
            want = want + v
    _same(subtotal, want, "subtotal")
