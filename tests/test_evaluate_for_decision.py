"""core.evaluate_for_decision: the same outputs as evaluate, the horizon's totals when read."""

from __future__ import annotations

import dataclasses

import numpy as np

from analyzer._io.paths import example_questionnaire
from analyzer.decision.decide import recommend
from analyzer.model.assess import assess
from analyzer.model.core import EVAL_BLOCK, HORIZON_LATER, Outputs, evaluate, evaluate_for_decision
from analyzer.model.params import SharedDraws
from analyzer.questionnaire.form import Questionnaire, load_questionnaire


def load_example() -> Questionnaire:
    return load_questionnaire(example_questionnaire("seed-team"))


def _same(a: object, b: object) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        x, y = np.asarray(a), np.asarray(b)
        return x.shape == y.shape and x.dtype == y.dtype and np.array_equal(x, y, equal_nan=True)
    return a == b


def test_every_field_is_evaluates_bit_for_bit_and_the_later_ones_wait_to_be_read() -> None:
    a = assess(load_example(), samples=2_000, seed=8, reuse_horizons=False)
    lean = evaluate_for_decision(a.values, a.structure)
    assert not set(HORIZON_LATER) & set(vars(lean))  # not computed yet
    # the recommendation reads none of them
    assert recommend(dataclasses.replace(a, outputs=lean)) == recommend(a)
    assert not set(HORIZON_LATER) & set(vars(lean))
    for f in dataclasses.fields(Outputs):
        assert _same(getattr(lean, f.name), getattr(a.outputs, f.name)), f.name
    assert set(HORIZON_LATER) <= set(vars(lean))  # computed once, then kept


def test_lean_assessment_gives_the_same_numbers_with_shared_draws() -> None:
    shared = SharedDraws(3, 1_000)
    full = assess(load_example(), samples=1_000, seed=5, shared=shared)
    lean = assess(load_example(), samples=1_000, seed=5, shared=shared, lean=True)
    for name in ("npv_hours", "money_npv", "breakeven_month", "money_saving", "capacity_npv_money"):
        assert np.array_equal(getattr(lean.outputs, name), getattr(full.outputs, name), equal_nan=True)


def test_above_one_block_it_is_evaluate() -> None:
    a = assess(load_example(), samples=200, seed=2)
    space, rng = a.space, np.random.default_rng(4)
    values = space.sample(EVAL_BLOCK + 10, rng)
    out = evaluate_for_decision(values, a.structure)
    assert type(out) is Outputs
    assert np.array_equal(out.breakeven_month, evaluate(values, a.structure).breakeven_month, equal_nan=True)
