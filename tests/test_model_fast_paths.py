"""Fast paths of numpy calls the model makes many times, bit for bit the calls they replace:
infrastructure.matmul (``@`` over one entry), infrastructure.divide_where (a masked division)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from analyzer.model.infrastructure import divide_where, matmul

VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True),
    st.sampled_from([0.0, -0.0, 1.0, -1.0]),
)


@given(
    mask=hnp.arrays(np.float64, st.tuples(st.integers(1, 6), st.just(1)), elements=VALUES),
    x=hnp.arrays(np.float64, st.tuples(st.just(1), st.integers(1, 300)), elements=VALUES),
)
def test_one_entry_gives_the_matmul_bits(mask: np.ndarray, x: np.ndarray) -> None:
    with np.errstate(all="ignore"):
        fast, slow = matmul(mask, x), mask @ x
    assert fast.shape == slow.shape and fast.dtype == slow.dtype
    assert fast.tobytes() == slow.tobytes()  # signed zeros, infinities and nans included


@given(p=st.integers(2, 5), k=st.integers(1, 5), s=st.integers(1, 50), seed=st.integers(0, 2**32 - 1))
def test_several_entries_are_matmul(p: int, k: int, s: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    mask, x = rng.integers(0, 2, (k, p)).astype(np.float64), rng.normal(size=(p, s))
    assert matmul(mask, x).tobytes() == (mask @ x).tobytes()


def test_a_broadcast_row_is_read_as_its_values() -> None:
    mask = np.array([[1.0], [0.0], [-0.0], [2.5]])
    row = np.broadcast_to(np.array([[3.0, -0.0, np.inf]])[:, :1], (1, 3))
    with np.errstate(invalid="ignore"):
        assert matmul(mask, row).tobytes() == (mask @ row).tobytes()


@given(
    num=hnp.arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(1, 60)), elements=VALUES),
    den=hnp.arrays(np.float64, st.integers(1, 60), elements=VALUES),
    kind=st.sampled_from(["positive", "all", "none", "rows"]),
    fill=st.sampled_from([0.0, 1.0, -0.0]),
)
def test_divide_where_is_the_masked_division(
    num: np.ndarray, den: np.ndarray, kind: str, fill: float
) -> None:
    s = min(num.shape[1], den.shape[0])
    num, den = num[:, :s], den[:s]
    where = {
        "positive": den > 0,
        "all": np.ones(s, dtype=bool),
        "none": np.zeros(s, dtype=bool),
        "rows": np.broadcast_to(np.arange(num.shape[0])[:, None] % 2 == 0, num.shape),
    }[kind]
    with np.errstate(all="ignore"):
        expected = np.divide(num, den, out=np.full(num.shape, fill), where=where)
        got = divide_where(num, den, np.full(num.shape, fill), where)
    assert got.shape == expected.shape and got.tobytes() == expected.tobytes()
