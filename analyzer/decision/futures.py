"""Score every simulated future, with the structural uncertainty included.

A future is one model sample plus one draw of the scoring constants (data/decision.yaml) and one
draw of the weights within the user's tolerance (``priorities.weight_tolerance``; default in
data/decision.yaml while the questionnaire lacks it). The constants and weights come from their
own Generator seeded (seed, 2), so the model's draws are the same with or without them.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from analyzer.decision.criteria import Constants, sample_constants, sample_weights, threshold
from analyzer.decision.quantities import at_horizon, evaluate_at_horizon
from analyzer.decision.scoring import FloatArray, Scoring, score
from analyzer.model.assess import Assessment
from analyzer.model.assumptions import Assumptions
from analyzer.model.core import Outputs

STRUCTURAL_STREAM = 2


def weight_tolerance(a: Assessment) -> float:
    """The user's tolerance on weights (questionnaire v2), else the default in data/."""
    value = getattr(a.questionnaire.priorities, "weight_tolerance", None)
    return float(value) if value is not None else threshold("default_weight_tolerance")


def structural_draws(
    a: Assessment, seed: int | None = None
) -> tuple[Constants, dict[str, FloatArray]]:
    """(scoring constants, weights) for every future, from the (seed, 2) stream; ``seed``: another
    than the assessment's (a portfolio's run seed: one draw of the scoring's structural
    uncertainty for every application of the estate, as for the model's assumptions)."""
    rng = np.random.default_rng([a.seed if seed is None else seed, STRUCTURAL_STREAM])
    constants = sample_constants(a.samples, rng)
    weights = a.questionnaire.priorities.weights.normalised()
    return constants, sample_weights(weights, weight_tolerance(a), a.samples, rng)


def score_futures(
    a: Assessment,
    outputs: Outputs | None = None,
    *,
    horizon_months: int | None = None,
    draws: tuple[Constants, Mapping[str, FloatArray]] | None = None,
) -> Scoring:
    """Score every future; ``horizon_months`` re-evaluates the model over another horizon."""
    structure = a.structure
    out = outputs if outputs is not None else a.outputs
    if horizon_months is not None and horizon_months != a.horizon_months:
        out = evaluate_at_horizon(a.values, structure, horizon_months)
        structure = at_horizon(structure, horizon_months)
    constants, weights = draws if draws is not None else structural_draws(a)
    return score(
        out, a.values, structure, a.questionnaire.priorities.weights.normalised(), constants,
        weights, limit=confidence_threshold(a),
    )


def confidence_threshold(a: Assessment) -> float:
    """data/decision.yaml's threshold, unless the user's assumptions file overrides it."""
    return threshold_of(a.assumptions)


def threshold_of(assumptions: Assumptions) -> float:
    """``confidence_threshold`` of a set of assumptions (a portfolio's, before any assessment)."""
    if "confidence_threshold" in assumptions.overridden:
        return float(assumptions["confidence_threshold"].likely)
    return threshold("confidence_threshold")
