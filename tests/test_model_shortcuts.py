"""The model's speed shortcuts (issue 20) compute what the plain formulas compute: cells drawn in
one call are the cells drawn row by row, a value block holds each row's table lookups, and the
per-method lookup is the sum over the methods' masks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer._io.paths import example_questionnaire
from analyzer.model import core, recurring
from analyzer.model import distributions as dist
from analyzer.model.assumptions import load_assumptions
from analyzer.model.draws import read_draws
from analyzer.model.options import load_options
from analyzer.model.params import Gamma, Pert
from analyzer.model.placement import METHODS, place
from analyzer.questionnaire.form import load_questionnaire


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
def test_per_method_lookup_is_the_masked_sum(seed: int, scalar: bool) -> None:
    q = load_questionnaire(example_questionnaire("seed-team"))
    a, opts = load_assumptions(), load_options()
    structure = core.build_structure(q, opts, a)
    values = core.build_space(q, a, opts, np.random.default_rng(0)).sample(
        6, np.random.default_rng(1)
    )
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
    got = recurring._per_method(pl, table)
    np.testing.assert_array_equal(np.broadcast_to(got, np.shape(target)), target)
    np.testing.assert_array_equal(
        np.broadcast_to(recurring._per_method_today(pl, table), np.shape(today)), today
    )
