"""A portfolio's applications share one draw of the world's assumptions per future
(``params.SharedDraws``): the estate's totals keep the assumptions' uncertainty instead of
averaging it away over independent draws, and the draws do not depend on order or workers."""

from __future__ import annotations

import numpy as np

from analyzer._io.paths import example_questionnaire
from analyzer.model.assess import assess
from analyzer.model.params import Param, Pert, SharedDraws
from analyzer.questionnaire.form import load_questionnaire

N = 500


def test_assessments_sharing_draws_share_every_assumption_and_only_those() -> None:
    seed_q = load_questionnaire(example_questionnaire("seed-team"))
    saas_q = load_questionnaire(example_questionnaire("saas-12"))
    shared = SharedDraws(7, N)
    a = assess(seed_q, samples=N, seed=1, shared=shared)
    b = assess(saas_q, samples=N, seed=2, shared=shared)
    common = [p.name for p in a.space.uncertain if p.origin == "assumption" and p.name in b.space]
    assert common  # the model's assumptions
    for name in common:
        if a.space[name].dist == b.space[name].dist:
            assert a.values[name] is b.values[name], name  # the one array, read-only
            assert not a.values[name].flags.writeable
    answers = [p.name for p in a.space.uncertain if p.origin == "answer" and p.name in b.space]
    assert any(not np.array_equal(a.values[n], b.values[n]) for n in answers)  # their own streams


def test_shared_draws_do_not_depend_on_the_order_they_are_asked_in() -> None:
    x = Param("assumptions.x", "x", "h", "assumption", Pert(1.0, 2.0, 5.0))
    y = Param("assumptions.y", "y", "h", "assumption", Pert(0.1, 0.2, 0.3))
    first, second = SharedDraws(3, N), SharedDraws(3, N)
    xs, ys = first.get(x), first.get(y)
    ys2, xs2 = second.get(y), second.get(x)
    assert xs is not None and ys is not None and xs2 is not None and ys2 is not None
    np.testing.assert_array_equal(xs, xs2)
    np.testing.assert_array_equal(ys, ys2)
    assert not np.array_equal(xs, SharedDraws(4, N).get(x))  # another run, other futures


def test_an_answer_or_an_overridden_assumption_is_not_taken_from_the_shared_draws() -> None:
    shared = SharedDraws(3, N)
    answer = Param("team.engineers", "engineers", "people", "answer", Pert(1.0, 2.0, 4.0))
    assert shared.get(answer) is None
    mine = Param("assumptions.x", "x", "h", "assumption", Pert(1.0, 2.0, 5.0))
    theirs = Param("assumptions.x", "x", "h", "assumption", Pert(2.0, 3.0, 9.0))
    a, b = shared.get(mine), shared.get(theirs)
    assert a is not None and b is not None
    assert a.min() >= 1.0 and a.max() <= 5.0 and b.min() >= 2.0 and b.max() <= 9.0
