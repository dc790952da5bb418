"""Distributions the model draws from: PERT, Gamma incident rates, bootstrap means.

Each has a sampler that takes an explicit ``numpy.random.Generator`` and, where sensitivity
analysis needs it, a quantile function (ppf) that maps uniforms in (0, 1) to values.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy import special

FloatArray = NDArray[np.float64]
PERT_LAMBDA = 4.0  # the standard (Vose) PERT shape parameter
#: Probabilities are clipped to [eps, 1 - eps]: scipy's betaincinv returns nan below ~1e-200.
PPF_EPS = 1e-15


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
    """n draws of PERT(low, mode, high): low + (high - low) Beta(alpha, beta); constant if low == high."""
    if high == low:
        return np.full(n, float(low))
    a, b = pert_shape(low, mode, high, lam)
    return low + (high - low) * rng.beta(a, b, size=n)


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


def gamma_ppf(u: ArrayLike, shape: float, rate: float) -> FloatArray:
    """Quantile function of Gamma(shape, rate)."""
    return special.gammaincinv(shape, np.asarray(u, dtype=np.float64)) / rate


def bootstrap_means(data: ArrayLike, n: int, rng: np.random.Generator) -> FloatArray:
    """n bootstrap replicates of the mean of ``data`` (Efron & Tibshirani 1993, ch. 6)."""
    values = np.asarray(data, dtype=np.float64)
    if values.size == 0:
        raise ValueError("bootstrap needs at least one observation")
    idx = rng.integers(0, values.size, size=(n, values.size))
    return values[idx].mean(axis=1)
