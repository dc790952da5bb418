"""Criteria, scores and the recommendation (MODEL.md "The decision").

Each criterion is a raw value per option and sample, turned into a 0-100 score by a value function
that is invariant to the unit of time (hours, minutes...), so multiplying every hour-valued input
and assumption by k changes no score:

- cost:             100 x c / (c + (NPV_o - min NPV) / K)           (extra cost as a share of time)
- transition_risk:  100 x h / (h + D_o),  D_o = months of migration capacity the move takes
- operational_risk: 100 x c / (c + I_o / capacity)                  (incident hours as a share of time)
- parity:           100 x c / (c + drift_o / capacity)              (drift incidents + works-on-my-machine)
- scale_out:        100 x (1 - r (1 - s_min / s_o)),  r = events / (events + e_half)
- portability:      100 x portability_o
- team_fit:         100 x (base_o + per_familiarity_o x familiarity)

with K the team's hours over the horizon, discounted like the NPV, and h, c, e_half the documented
assumptions ``transition_risk_half_months``, ``capacity_share_half`` and ``scale_out_events_half``.
Cost is scored by the difference to the cheapest option, not the ratio: a ratio shrinks whenever
costs common to every option grow, and caps the penalty of costing twice as much at 50 points. The weighted sum uses the questionnaire's
normalised weights; TOPSIS (Hwang & Yoon 1981) on the median raw values is the cross-check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from analyzer.model.core import Outputs
from analyzer.questionnaire.form import CRITERIA

FloatArray = NDArray[np.float64]

CRITERION_LABELS: dict[str, str] = {
    "cost": "Total cost (NPV)",
    "transition_risk": "Transition risk",
    "operational_risk": "Operational risk",
    "parity": "Dev/prod parity",
    "scale_out": "Scale-out speed",
    "portability": "Portability",
    "team_fit": "Team fit",
}
#: True where a larger raw value is better (for TOPSIS).
BENEFIT: dict[str, bool] = {
    "cost": False,
    "transition_risk": False,
    "operational_risk": False,
    "parity": False,
    "scale_out": False,
    "portability": True,
    "team_fit": True,
}
RAW_UNITS: dict[str, str] = {
    "cost": "h (NPV)",
    "transition_risk": "months of migration capacity",
    "operational_risk": "incident h/month",
    "parity": "drift h/month",
    "scale_out": "s to add capacity",
    "portability": "score 0-1",
    "team_fit": "score 0-1",
}


def raw_criteria(out: Outputs) -> dict[str, FloatArray]:
    """The raw value of every criterion, (options, samples), in the units of RAW_UNITS."""
    return {
        "cost": out.npv_hours,
        "transition_risk": out.migration_months,
        "operational_risk": out.incident_hours,
        "parity": out.drift_hours,
        "scale_out": out.start_seconds,
        "portability": out.portability,
        "team_fit": out.team_fit,
    }


def criterion_scores(out: Outputs, values: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    """0-100 score of every criterion, (options, samples); formulas in the module docstring."""
    half_months = values["assumptions.transition_risk_half_months"]
    share_half = values["assumptions.capacity_share_half"]
    capacity = out.capacity_hours
    extra = (out.npv_hours - out.npv_hours.min(axis=0)) / out.capacity_npv_hours
    cost = 100.0 * share_half / (share_half + extra)
    start = out.start_seconds
    fastest = start.min(axis=0)
    ratio = np.divide(fastest, start, out=np.ones_like(start), where=start > 0)
    return {
        "cost": cost,
        "transition_risk": 100.0 * half_months / (half_months + out.migration_months),
        "operational_risk": 100.0 * share_half / (share_half + out.incident_hours / capacity),
        "parity": 100.0 * share_half / (share_half + out.drift_hours / capacity),
        "scale_out": 100.0 * (1.0 - out.scale_out_relevance * (1.0 - ratio)),
        "portability": 100.0 * out.portability,
        "team_fit": 100.0 * np.clip(out.team_fit, 0.0, 1.0),
    }


def weighted_total(scores: Mapping[str, FloatArray], weights: Mapping[str, float]) -> FloatArray:
    """score_o = sum_c w_c x score_{o,c}, with weights summing to 1."""
    return sum((weights[c] * scores[c] for c in CRITERIA), np.zeros_like(scores["cost"]))


@dataclass(frozen=True)
class Scoring:
    """Scores of every option and sample, and the recommendation they imply."""

    option_names: tuple[str, ...]
    weights: dict[str, float]
    scores: dict[str, FloatArray]  # criterion -> (O, S), 0-100
    total: FloatArray  # (O, S)
    winner_share: FloatArray  # (O,) share of samples each option has the top score
    recommended: int
    confidence: float

    @property
    def recommended_name(self) -> str:
        return self.option_names[self.recommended]

    def median_total(self) -> FloatArray:
        return np.median(self.total, axis=1)

    def contributions(self) -> dict[str, FloatArray]:
        """w_c x median score_{o,c} per criterion: the parts of each option's score, (O,)."""
        return {c: self.weights[c] * np.median(self.scores[c], axis=1) for c in CRITERIA}


def score(
    out: Outputs,
    values: Mapping[str, FloatArray],
    weights: Mapping[str, float],
    option_names: tuple[str, ...],
) -> Scoring:
    """Recommend the option with the best median score; confidence = share of samples it wins."""
    scores = criterion_scores(out, values)
    total = weighted_total(scores, weights)
    winners = np.argmax(total, axis=0)
    share = np.bincount(winners, minlength=total.shape[0]) / winners.size
    best = int(np.argmax(np.median(total, axis=1)))
    return Scoring(option_names, dict(weights), scores, total, share, best, float(share[best]))


def topsis(
    matrix: NDArray[np.float64], weights: NDArray[np.float64], benefit: NDArray[np.bool_]
) -> FloatArray:
    """TOPSIS closeness to the ideal (Hwang & Yoon 1981), vector normalisation.

    r_ij = x_ij / sqrt(sum_i x_ij^2); v = w r; ideal = best per column; closeness = d- / (d+ + d-).
    Tzeng & Huang (2011) example: [[5,8,4],[7,6,8],[8,8,6],[7,4,6]], w = [.3,.4,.3], all benefit
    -> [0.5037, 0.6581, 0.7482, 0.3340].
    """
    x = np.asarray(matrix, dtype=np.float64)
    norms = np.sqrt((x**2).sum(axis=0))
    r = np.divide(x, norms, out=np.zeros_like(x), where=norms > 0)
    v = r * np.asarray(weights, dtype=np.float64)
    ideal = np.where(benefit, v.max(axis=0), v.min(axis=0))
    anti = np.where(benefit, v.min(axis=0), v.max(axis=0))
    d_plus = np.sqrt(((v - ideal) ** 2).sum(axis=1))
    d_minus = np.sqrt(((v - anti) ** 2).sum(axis=1))
    denom = d_plus + d_minus
    return np.divide(d_minus, denom, out=np.full_like(denom, 0.5), where=denom > 0)


def topsis_on_medians(out: Outputs, weights: Mapping[str, float]) -> FloatArray:
    """TOPSIS closeness of each option from the median raw criterion values."""
    raw = raw_criteria(out)
    matrix = np.column_stack([np.median(raw[c], axis=1) for c in CRITERIA])
    w = np.array([weights[c] for c in CRITERIA])
    benefit = np.array([BENEFIT[c] for c in CRITERIA])
    return topsis(matrix, w, benefit)
