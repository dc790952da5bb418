"""analyzer._io.plain.to_plain: the one conversion to plain data behind every JSON output."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from analyzer._io.plain import to_plain
from analyzer.questionnaire.estimate import Estimate


@dataclass
class _Row:
    name: str
    value: float


def test_numpy_frames_and_dataclasses_become_json() -> None:
    data = {
        1: np.float64(2.5),
        "array": np.array([1.0, np.nan, np.inf]),
        "row": _Row("a", float("-inf")),
        "frame": pd.DataFrame({"x": [1.0, np.nan]}),
        "flag": np.bool_(True),
        "estimate": Estimate(1.0, 2.0, 4.0),
        "point": Estimate.point(3.0),
    }
    plain = to_plain(data)
    assert plain == {
        "1": 2.5,
        "array": [1.0, None, None],
        "row": {"name": "a", "value": None},
        "frame": [{"x": 1.0}, {"x": None}],
        "flag": True,
        "estimate": [1, 2, 4],
        "point": 3,
    }
    json.dumps(plain, allow_nan=False)  # raises if anything non-finite is left


def test_answers_keep_their_nan_for_the_loader_to_refuse() -> None:
    assert math.isnan(to_plain([float("nan")], nan_as_none=False)[0])


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), max_size=20))
def test_rounding_and_non_finite(values: list[float]) -> None:
    plain = to_plain(np.array(values, dtype=float), digits=3)
    for got, want in zip(plain, values, strict=True):
        if math.isfinite(want):
            assert got == round(want, 3)
        else:
            assert got is None
