"""Distributions against their exact formulas: means and variances within 4 standard errors."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from analyzer.model import distributions as dist

N = 200_000


@pytest.mark.parametrize(
    ("low", "mode", "high"),
    [(0.0, 1.0, 2.0), (10.0, 12.0, 30.0), (0.0, 0.0, 1.0), (5.0, 9.0, 9.0), (-3.0, 0.5, 7.0)],
)
def test_pert_sample_mean_and_variance_match_formulas(low: float, mode: float, high: float) -> None:
    rng = np.random.default_rng(7)
    x = dist.pert(low, mode, high, N, rng)
    mean = (low + 4 * mode + high) / 6
    var = dist.pert_variance(low, mode, high)
    assert dist.pert_mean(low, mode, high) == pytest.approx(mean)
    se_mean = np.sqrt(var / N)
    assert abs(x.mean() - mean) < 4 * se_mean
    # standard error of the sample variance: sqrt((mu4 - var^2) / N)
    mu4 = np.mean((x - mean) ** 4)
    se_var = np.sqrt((mu4 - var**2) / N)
    assert abs(x.var() - var) < 4 * se_var
    assert x.min() >= low and x.max() <= high


def test_pert_shape_is_vose_lambda_4() -> None:
    # alpha = 1 + 4 (m - a)/(b - a), beta = 1 + 4 (b - m)/(b - a)
    assert dist.pert_shape(0.0, 1.0, 4.0) == pytest.approx((2.0, 4.0))
    assert dist.pert_shape(0.0, 2.0, 4.0) == pytest.approx((3.0, 3.0))


def test_pert_constant_and_ppf() -> None:
    rng = np.random.default_rng(0)
    assert np.all(dist.pert(3.0, 3.0, 3.0, 10, rng) == 3.0)
    u = np.linspace(0.01, 0.99, 50)
    a, b = dist.pert_shape(2.0, 3.0, 10.0)
    expected = 2.0 + 8.0 * stats.beta.ppf(u, a, b)
    np.testing.assert_allclose(dist.pert_ppf(u, 2.0, 3.0, 10.0), expected, rtol=1e-10)
    assert np.all(np.diff(dist.pert_ppf(u, 2.0, 3.0, 10.0)) > 0)


def test_gamma_posterior_exact_counts() -> None:
    # n incidents over T months with a Gamma(alpha0, beta0) prior -> Gamma(alpha0 + n, beta0 + T)
    shape, rate = dist.gamma_rate_posterior(5.0, 0.0, 12.0, 0.5, 1.0)
    assert (shape, rate) == pytest.approx((5.5, 13.0))


def test_gamma_posterior_uncertain_counts_keeps_mixture_moments() -> None:
    # mean (a0 + En)/(b0 + T), variance (a0 + En + Var n)/(b0 + T)^2
    shape, rate = dist.gamma_rate_posterior(4.0, 2.0, 12.0, 0.5, 1.0)
    assert shape / rate == pytest.approx(4.5 / 13.0)
    assert shape / rate**2 == pytest.approx((4.5 + 2.0) / 13.0**2)
    rng = np.random.default_rng(3)
    draws = rng.gamma(shape, 1 / rate, N)
    assert abs(draws.mean() - shape / rate) < 4 * np.sqrt(shape / rate**2 / N)
    np.testing.assert_allclose(
        dist.gamma_ppf([0.5], shape, rate), stats.gamma.ppf(0.5, shape, scale=1 / rate)
    )


def test_bootstrap_means_centre_and_spread() -> None:
    data = np.array([0.5, 1.0, 1.5, 2.0, 8.0, 0.25, 3.0])
    rng = np.random.default_rng(11)
    b = dist.bootstrap_means(data, 50_000, rng)
    assert abs(b.mean() - data.mean()) < 4 * data.std() / np.sqrt(data.size) / np.sqrt(50_000) * 10
    # the bootstrap variance of the mean is the plug-in variance / n
    assert b.var() == pytest.approx(data.var() / data.size, rel=0.05)
    with pytest.raises(ValueError):
        dist.bootstrap_means(np.array([]), 10, rng)


@pytest.mark.parametrize(("alpha", "beta"), [(1.0, 5.0), (5.0, 1.0), (3.0, 3.0), (1.4, 4.6), (2.0, 4.0)])
def test_bracket_medians_match_exact_beta_quantiles(alpha: float, beta: float) -> None:
    # m_k = F^-1((k + 1/2) / cells), against scipy's betaincinv
    m = dist.beta_bracket_medians(alpha, beta)
    probs = (np.arange(dist.PERT_CELLS) + 0.5) / dist.PERT_CELLS
    np.testing.assert_allclose(m, stats.beta.ppf(probs, alpha, beta), atol=5e-6, rtol=0)
    assert np.all(np.diff(m) > 0)
    assert not m.flags.writeable


def test_tabulated_pert_is_within_its_kolmogorov_bound() -> None:
    # sup |F_table - F| <= 1 / (2 cells): the table's CDF steps by 1/cells at each bracket median
    alpha, beta = dist.pert_shape(2.0, 3.0, 10.0)
    m = dist.beta_bracket_medians(alpha, beta)
    exact = stats.beta.cdf(m, alpha, beta)
    steps = np.arange(dist.PERT_CELLS + 1) / dist.PERT_CELLS
    distance = max(np.abs(exact - steps[:-1]).max(), np.abs(exact - steps[1:]).max())
    assert distance <= 1 / (2 * dist.PERT_CELLS) + 1e-5
    # and drawn values follow it: KS distance of 200,000 draws is at Monte Carlo size
    x = dist.pert(2.0, 3.0, 10.0, N, np.random.default_rng(5))
    assert stats.kstest((x - 2.0) / 8.0, stats.beta(alpha, beta).cdf).pvalue > 0.001


def test_pert_draws_are_reproducible() -> None:
    a = dist.pert(0.0, 1.0, 4.0, 1000, np.random.default_rng(9))
    b = dist.pert(0.0, 1.0, 4.0, 1000, np.random.default_rng(9))
    assert np.array_equal(a, b)


@pytest.mark.parametrize("shape", [0.5, 1.3, 5.5, 40.0])
def test_gamma_bracket_medians_are_exact_quantiles_and_keep_the_mean(shape: float) -> None:
    # m_k = G^-1((k + 1/2) / cells); a uniform cell gives a sampled CDF within 1/(2 cells)
    cells = dist.PERT_CELLS
    m = dist.gamma_bracket_medians(shape)
    probs = (np.arange(cells) + 0.5) / cells
    np.testing.assert_allclose(m, stats.gamma.ppf(probs, shape), rtol=1e-9)
    assert np.all(np.diff(m) > 0)
    # the table's mean is the exact mean up to the dropped tail: within 1 % here
    assert float(m.mean()) == pytest.approx(shape, rel=0.01)
    x = dist.gamma_from_cells(np.random.default_rng(2).integers(0, cells, N), shape, 4.0)
    assert abs(x.mean() - shape / 4.0) < 4 * np.sqrt(shape / 16.0 / N) + 0.01 * shape / 4.0


def test_uniform_cells_are_uniform_in_range_and_fixed_by_the_seed() -> None:
    # chi-square over the 4,096 cells: 4,095 degrees of freedom, mean 4,095, sd ~ 90.5
    n = 4 * 4096 * 20 + 3
    cells = dist.uniform_cells(n, np.random.default_rng(9))
    assert cells.shape == (n,) and cells.min() >= 0 and cells.max() < dist.PERT_CELLS
    counts = np.bincount(cells, minlength=dist.PERT_CELLS)
    expected = n / dist.PERT_CELLS
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    assert abs(chi2 - (dist.PERT_CELLS - 1)) < 5 * np.sqrt(2 * (dist.PERT_CELLS - 1))
    # neighbouring cells (fields of one word) are independent: the pair counts are flat too
    pairs = np.bincount(cells[:-1:4] // 64 * 64 + cells[1::4] // 64, minlength=4096)
    chi2p = float(np.sum((pairs - pairs.mean()) ** 2 / pairs.mean()))
    assert abs(chi2p - 4095) < 5 * np.sqrt(2 * 4095)
    again = dist.uniform_cells(n, np.random.default_rng(9))
    np.testing.assert_array_equal(cells, again)
