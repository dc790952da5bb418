"""Distributions the model draws from: PERT, Gamma incident rates, bootstrap means.

Each has a sampler that takes an explicit ``numpy.random.Generator`` and, where sensitivity
analysis needs it, a quantile function (ppf) that maps uniforms in (0, 1) to values.

PERT draws come from a table of bracket medians rather than from ``Generator.beta``: the Beta
distribution is cut into ``PERT_CELLS`` equally likely cells, each represented by its median,
and a draw picks a cell uniformly (Clemen & Reilly, *Making Hard Decisions*, 3rd ed., 2014,
ch. 8, "bracket medians", here with 4,096 brackets instead of 3-5). Why: ``Generator.beta``
costs two gamma variates a draw, a table lookup one index (benchmarks/bench_model.py measures
both). What it costs in accuracy: the sampled CDF is within 1/(2 x 4096) =
0.00012 of the exact one everywhere (Kolmogorov distance), a hundred times below the Monte Carlo
error of 10,000 draws (0.0136, the DKW 95 % band). tests/test_distributions.py checks both.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

FloatArray = NDArray[np.float64]
PERT_LAMBDA = 4.0  # the standard (Vose) PERT shape parameter
#: Probabilities are clipped to [eps, 1 - eps]: scipy's betaincinv returns nan below ~1e-200.
PPF_EPS = 1e-15
#: Equally likely cells of the tabulated PERT sampler (Kolmogorov distance <= 1 / (2 cells)).
CELL_BITS = 12
PERT_CELLS = 1 << CELL_BITS  # 4,096
#: Cells cut from one 64-bit raw word of the generator: one from each 16-bit quarter.
CELLS_PER_WORD = 4
#: Integration nodes for the Beta CDF behind the table (max error 2e-6 of the range, see below).
_CDF_NODES = 2049


def pert_shape(
    low: float, mode: float, high: float, lam: float = PERT_LAMBDA
) -> tuple[float, float]:
    """Beta shape (alpha, beta) of PERT(low, mode, high).

    alpha = 1 + lam (mode - low)/(high - low), beta = 1 + lam (high - mode)/(high - low)
    (Vose, *Risk Analysis*, 3rd ed., 2008, sec. 10.3.3).
    """
    span = high - low
    return 1.0 + lam * (mode - low) / span, 1.0 + lam * (high - mode) / span


def pert_mean(low: float, mode: float, high: float, lam: float = PERT_LAMBDA) -> float:
    """(low + lam mode + high)/(lam + 2); (a + 4m + b)/6 for lam = 4."""
    return (low + lam * mode + high) / (lam + 2.0)


def pert_variance(low: float, mode: float, high: float, lam: float = PERT_LAMBDA) -> float:
    """Variance of the scaled Beta: (b - a)^2 alpha beta / ((alpha + beta)^2 (alpha + beta + 1))."""
    if high == low:
        return 0.0
    a, b = pert_shape(low, mode, high, lam)
    return (high - low) ** 2 * a * b / ((a + b) ** 2 * (a + b + 1.0))


def pert(
    low: float,
    mode: float,
    high: float,
    n: int,
    rng: np.random.Generator,
    *,
    lam: float = PERT_LAMBDA,
) -> FloatArray:
    """n draws of PERT(low, mode, high): low + (high - low) x, x a bracket median of
    Beta(alpha, beta) picked uniformly; constant if low == high."""
    if high == low:
        return np.full(n, float(low))
    return pert_from_cells(uniform_cells(n, rng), low, mode, high, lam=lam)


def uniform_cells(n: int, rng: np.random.Generator) -> NDArray[np.uint16]:
    """n cell indices, uniform on [0, PERT_CELLS): the low CELL_BITS bits of each 16-bit
    quarter of the generator's raw 64-bit words (read little-endian, so the same on every
    platform), CELLS_PER_WORD a word.

    PERT_CELLS is a power of two, so a masked field is exactly uniform with no rejection step,
    and one raw word serves four draws: several times cheaper than ``Generator.integers``
    (benchmarks/bench_model.py). The stream is fixed by ``rng`` alone.
    """
    words = rng.bit_generator.random_raw(-(-n // CELLS_PER_WORD)).astype("<u8", copy=False)
    quarters = words.view("<u2")[:n]
    return np.bitwise_and(quarters, np.uint16(PERT_CELLS - 1), dtype=np.uint16)


def uniform_cell_rows(rows: int, n: int, rng: np.random.Generator) -> NDArray[np.uint16]:
    """(rows, n) cells: the same as ``rows`` calls of ``uniform_cells(n, rng)`` one after the
    other (the generator's raw words are one stream, read in one call)."""
    width = -(-n // CELLS_PER_WORD)
    words = rng.bit_generator.random_raw(rows * width).astype("<u8", copy=False)
    quarters = words.view("<u2").reshape(rows, width * CELLS_PER_WORD)[:, :n]
    return np.bitwise_and(quarters, np.uint16(PERT_CELLS - 1), dtype=np.uint16)


def pert_from_cells(
    cells: NDArray[np.integer], low: float, mode: float, high: float, *, lam: float = PERT_LAMBDA
) -> FloatArray:
    """PERT values of cell indices in [0, PERT_CELLS): low + (high - low) m[cells]."""
    return pert_table(low, mode, high, lam).take(cells)


@lru_cache(maxsize=4096)
def pert_table(low: float, mode: float, high: float, lam: float = PERT_LAMBDA) -> FloatArray:
    """The PERT value of every cell, low + (high - low) m_k: one lookup a draw. Cached per
    estimate, read-only."""
    table = beta_bracket_medians(*pert_shape(low, mode, high, lam)) * (high - low)
    table += low
    table.setflags(write=False)
    return table


@lru_cache(maxsize=4096)
def beta_bracket_medians(alpha: float, beta: float) -> FloatArray:
    """m_k = F^-1((k + 1/2) / PERT_CELLS), k = 0 .. PERT_CELLS - 1, F the Beta(alpha, beta) CDF.

    F is integrated by the trapezoid rule in t, where x = sin^2(pi t / 2): the integrand
    f(x(t)) x'(t) behaves like t^(2 alpha - 1) at 0 and (1 - t)^(2 beta - 1) at 1, smooth for
    alpha, beta >= 1, so 2,049 equal steps in t put every m_k within 2e-6 of scipy's
    ``betaincinv`` (tests/test_distributions.py). F^-1 is the linear interpolation in t.
    Cached per shape, read-only.
    """
    t = np.linspace(0.0, 1.0, _CDF_NODES)
    x = np.sin(0.5 * np.pi * t) ** 2
    with np.errstate(divide="ignore"):
        log_x, log_1mx = np.log(x), np.log1p(-x)
    log_x[0] = log_1mx[-1] = 0.0  # x'(t) = 0 there, so the integrand is 0 whatever the shape
    integrand = np.exp((alpha - 1.0) * log_x + (beta - 1.0) * log_1mx) * np.sin(np.pi * t)
    cdf = np.concatenate(([0.0], np.cumsum(integrand[1:] + integrand[:-1])))
    cdf /= cdf[-1]
    probs = (np.arange(PERT_CELLS) + 0.5) / PERT_CELLS
    medians = np.sin(0.5 * np.pi * np.interp(probs, cdf, t)) ** 2
    medians.setflags(write=False)
    return medians


def pert_ppf(
    u: ArrayLike, low: float, mode: float, high: float, *, lam: float = PERT_LAMBDA
) -> FloatArray:
    """Quantile function of PERT(low, mode, high) at probabilities u."""
    q = np.clip(np.asarray(u, dtype=np.float64), PPF_EPS, 1.0 - PPF_EPS)
    if high == low:
        return np.full(q.shape, float(low))
    a, b = pert_shape(low, mode, high, lam)
    return low + (high - low) * special.betaincinv(a, b, q)


def gamma_rate_posterior(
    count_mean: float,
    count_var: float,
    window_months: float,
    prior_shape: float,
    prior_months: float,
) -> tuple[float, float]:
    """Shape and rate (per month) of the Gamma posterior of a monthly incident rate.

    With n incidents seen over T months and a Gamma(alpha0, beta0) prior the posterior is
    Gamma(alpha0 + n, beta0 + T) (Gelman et al., *Bayesian Data Analysis*, 3rd ed., sec. 2.6).
    When n is itself uncertain (a range), the mixture over n is replaced by the Gamma with the
    same mean and variance: mean = (alpha0 + E n)/(beta0 + T),
    var = (alpha0 + E n + Var n)/(beta0 + T)^2.
    """
    rate = prior_months + window_months
    shape_exact = prior_shape + count_mean
    if count_var <= 0.0:
        return shape_exact, rate
    shape = shape_exact**2 / (shape_exact + count_var)
    return shape, rate * shape / shape_exact


@lru_cache(maxsize=1024)
def gamma_bracket_medians(shape: float) -> FloatArray:
    """m_k = G^-1((k + 1/2) / PERT_CELLS), k = 0 .. PERT_CELLS - 1, G the Gamma(shape, 1) CDF.

    The Gamma rate draws are tabulated like the PERT ones (module docstring): a draw is
    m[cell] / rate with a uniform cell, the sampled CDF within 1/(2 x PERT_CELLS) of the exact
    one. What the table drops is the tail beyond the last bracket median (probability
    1/(2 x PERT_CELLS)); tests/test_distributions.py bounds the effect on the mean. Cached per
    shape (scipy's ``gammaincinv``, exact), read-only.
    """
    probs = (np.arange(PERT_CELLS) + 0.5) / PERT_CELLS
    medians = np.asarray(special.gammaincinv(shape, probs), dtype=np.float64)
    medians.setflags(write=False)
    return medians


def gamma_from_cells(cells: NDArray[np.integer], shape: float, rate: float) -> FloatArray:
    """Gamma(shape, rate) values of cell indices in [0, PERT_CELLS): m[cells] / rate."""
    return gamma_table(shape, rate).take(cells)


@lru_cache(maxsize=1024)
def gamma_table(shape: float, rate: float) -> FloatArray:
    """The Gamma(shape, rate) value of every cell, m_k / rate: one lookup a draw. Cached,
    read-only."""
    table = gamma_bracket_medians(shape) / rate
    table.setflags(write=False)
    return table


def gamma_ppf(u: ArrayLike, shape: float, rate: float) -> FloatArray:
    """Quantile function of Gamma(shape, rate); u clipped like PERT's so 0 and 1 stay finite."""
    q = np.clip(np.asarray(u, dtype=np.float64), PPF_EPS, 1.0 - PPF_EPS)
    return np.asarray(special.gammaincinv(shape, q) / rate)


#: Above this many observations the bootstrap works on a summary of BOOTSTRAP_BINS groups of
#: sorted values instead of an n x size index array (4,096 x 1,000,000 int64 would be 30 GiB).
BOOTSTRAP_EXACT_MAX = 4096
BOOTSTRAP_BINS = 1024


def bootstrap_means(data: ArrayLike, n: int, rng: np.random.Generator) -> FloatArray:
    """n bootstrap replicates of the mean of ``data`` (Efron & Tibshirani 1993, ch. 6).

    Up to BOOTSTRAP_EXACT_MAX observations, resampled directly. Beyond, with memory and time
    bounded by BOOTSTRAP_BINS: the sorted data are cut into K groups of sizes m_k with means
    mu_k and within-group variances v_k; a resample of size N = sum m_k draws counts
    c ~ Multinomial(N, m / N) from the groups, so its mean is sum(c_k mu_k) / N plus the
    within-group part, whose variance is sum(m_k v_k) / N^2 and is added as a normal draw.
    Mean and variance equal the exact bootstrap's (sigma^2 / N, sigma^2 the data's variance).
    """
    values = np.asarray(data, dtype=np.float64)
    if values.size == 0:
        raise ValueError("bootstrap needs at least one observation")
    if values.size <= BOOTSTRAP_EXACT_MAX:
        idx = rng.integers(0, values.size, size=(n, values.size))
        return values[idx].mean(axis=1)
    groups = np.array_split(np.sort(values), BOOTSTRAP_BINS)
    sizes = np.array([g.size for g in groups], dtype=np.float64)
    means = np.array([g.mean() for g in groups])
    within = float(sum(g.size * g.var() for g in groups))
    total = float(values.size)
    counts = rng.multinomial(values.size, sizes / total, size=n)
    between = counts @ means / total
    return between + rng.normal(0.0, np.sqrt(within) / total, size=n)
