"""infrastructure.matmul: numpy's ``@``, bit for bit, without its slow loop for one entry."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from analyzer.model.infrastructure import matmul

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
