"""COCOMO II effort and the reuse (adaptation) model.

Boehm et al., *Software Cost Estimation with COCOMO II* (2000), and the COCOMO II.2000
model definition manual: PM = A x Size^E x prod(EM), E = B + 0.01 x sum(SF),
TDEV = C x PM^(D + 0.2 (E - B)), with A = 2.94, B = 0.91, C = 3.67, D = 0.28.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

A = 2.94
B = 0.91
C = 3.67
D = 0.28
#: The five scale factors at their nominal ratings (PREC, FLEX, RESL, TEAM, PMAT).
NOMINAL_SCALE_FACTORS = (3.72, 3.04, 4.24, 3.29, 4.68)
NOMINAL_SF_SUM = float(sum(NOMINAL_SCALE_FACTORS))  # 18.97, so E = 1.0997
HOURS_PER_PM = 152.0


def exponent(scale_factor_sum: float = NOMINAL_SF_SUM) -> float:
    """E = B + 0.01 x sum(SF)."""
    return B + 0.01 * scale_factor_sum


def effort_pm(
    ksloc: ArrayLike,
    *,
    scale_factor_sum: float = NOMINAL_SF_SUM,
    effort_multiplier: ArrayLike = 1.0,
) -> NDArray[np.float64]:
    """Person-months PM = A x KSLOC^E x EAF."""
    size = np.asarray(ksloc, dtype=np.float64)
    return A * size ** exponent(scale_factor_sum) * np.asarray(effort_multiplier, dtype=np.float64)


def schedule_months(
    pm: ArrayLike, *, scale_factor_sum: float = NOMINAL_SF_SUM
) -> NDArray[np.float64]:
    """TDEV = C x PM^(D + 0.2 (E - B))."""
    f = D + 0.2 * (exponent(scale_factor_sum) - B)
    return C * np.asarray(pm, dtype=np.float64) ** f


def adaptation_adjustment(
    dm: ArrayLike, cm: ArrayLike, im: ArrayLike, aa: ArrayLike, su: ArrayLike, unfm: ArrayLike
) -> NDArray[np.float64]:
    """AAM of the reuse model.

    AAF = 0.4 DM + 0.3 CM + 0.3 IM (percent of design, code modified; integration re-tested);
    AAM = [AA + AAF (1 + 0.02 SU UNFM)] / 100 when AAF <= 50,
    AAM = [AA + AAF + SU UNFM] / 100 otherwise.
    """
    aaf = 0.4 * np.asarray(dm) + 0.3 * np.asarray(cm) + 0.3 * np.asarray(im)
    aa_, su_, unfm_ = np.asarray(aa), np.asarray(su), np.asarray(unfm)
    small = (aa_ + aaf * (1.0 + 0.02 * su_ * unfm_)) / 100.0
    large = (aa_ + aaf + su_ * unfm_) / 100.0
    return np.asarray(np.where(aaf <= 50.0, small, large), dtype=np.float64)


def adaptation_hours(
    ksloc: ArrayLike,
    dm: ArrayLike,
    cm: ArrayLike,
    im: ArrayLike,
    aa: ArrayLike,
    su: ArrayLike,
    unfm: ArrayLike,
    effort_multiplier: ArrayLike = 1.0,
    hours_per_pm: ArrayLike = HOURS_PER_PM,
) -> NDArray[np.float64]:
    """Hours to adapt existing code: ESLOC = KSLOC x AAM, then PM(ESLOC) x hours per PM (152)."""
    esloc = np.asarray(ksloc, dtype=np.float64) * adaptation_adjustment(dm, cm, im, aa, su, unfm)
    pm = effort_pm(esloc, effort_multiplier=effort_multiplier)
    return np.asarray(pm * np.asarray(hours_per_pm, dtype=np.float64))
