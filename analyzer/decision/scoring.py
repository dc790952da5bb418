"""Criteria, scores and the recommendation (MODEL.md "The decision").

Each criterion is a raw value per option and future (``raw_criteria``); every "lower is better"
criterion is scored by its *difference* to the best option, relative to the team's scale:

    score_o = 100 h / (h + (x_o - min_o x_o) / K)

so no option scores 100 because of a constant, and a criterion neither saturates for a small
team nor collapses for a large one.

Two shared factors per future carry correlated estimation error (McConnell's cone of
uncertainty, 0.5-2x), so that independent constants do not average out: the model's team factor
multiplies every transition item (data/assumptions.yaml ``team_factor``, already in T and D
below), and the decision's running factor g (data/decision.yaml) every running difference from
today, x_o -> x_sq + g (x_o - x_sq), for the recurring cost, incidents, drift and lag (run()).

x, K and h per criterion (h sampled, data/decision.yaml):

- cost:             x = T + run(R), T the transition money, R = money NPV - T the running
                    money (hours x hourly cost + infrastructure, discounted), money =
                    engineer-hours x hourly cost + infrastructure (analyzer.model.money); K = the
                    team's time x hourly cost plus today's infrastructure over the horizon
                    (discounted like the NPV), h = ``cost_share_half``. Hours stay in the
                    outputs (``npv_hours``) for display.
- transition_risk:  x = D (1 + u) + n_s m_s: calendar months D at the team's migration
                    capacity, u the share of the team working on tools it does not know, n_s
                    stateful migrations, m_s = ``stateful_migration_months``; K = 1,
                    h = ``transition_risk_half``; zero for an option equal to today
- operational_risk: x = run(incident h/month), K = team hours a month,
                    h = ``operational_share_half``
- parity:           x = run(drift + works-on-my-machine h/month), K = team hours a month,
                    h = ``parity_share_half``
- scale_out:        x = run(minutes of lag a month (events x start-up)), K = 1,
                    h = ``scale_out_lag_half``
- team_fit:         x = skills gap: (1 - r) (c (1 - F) + i (1 - F_i)) + r (c (1 - M_c) + i (1 - M_i)),
                    c, i the option's shares of own processes in containers and on images, F the
                    team's container familiarity, F_i its image familiarity (1 - today's container
                    share; ``team_bake_familiarity`` for processes baked per release for the
                    first time), r = min(1, hires over the horizon / engineers), M the hires'
                    familiarity; K = 1, h = ``team_fit_half``
- portability:      100 x portability_o (higher is better; no option is at 1)

The weighted sum uses the questionnaire's normalised weights, sampled per future within the
user's tolerance; TOPSIS (Hwang & Yoon 1981) on the median raw values is the cross-check.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from analyzer.decision import quantities as qty
from analyzer.decision.criteria import Constants, criteria_table
from analyzer.model.assess import row_medians
from analyzer.model.core import Outputs, Structure
from analyzer.questionnaire.form import CRITERIA

FloatArray = NDArray[np.float64]
Weights = Mapping[str, float | FloatArray]

CRITERION_LABELS: dict[str, str] = {c: row.label for c, row in criteria_table().items()}
#: True where a larger raw value is better (for TOPSIS).
BENEFIT: dict[str, bool] = {c: row.higher_is_better for c, row in criteria_table().items()}
RAW_UNITS: dict[str, str] = {c: row.unit for c, row in criteria_table().items()}


def raw_criteria(
    out: Outputs, values: Mapping[str, FloatArray], st: Structure, k: Constants
) -> dict[str, FloatArray]:
    """The raw value of every criterion, (options, samples), in the units of RAW_UNITS."""
    n = out.npv_hours.shape[1]
    engineers, familiarity, hires = qty.team_inputs(values)
    share_c = qty.container_share(st)[:, None]
    share_i = 1.0 - share_c
    image_familiarity = 1.0 - float(qty.container_share(st)[st.status_quo])
    # processes that stay on images but are baked per release for the first time: the team
    # knows its hosts, not yet the bake and instance-replacing deploys
    share_b = qty.rebake_new_share(st)[:, None]
    unfamiliar = (
        share_c * (1.0 - familiarity)
        + (share_i - share_b) * (1.0 - image_familiarity)
        + share_b * (1.0 - k["team_bake_familiarity"])
    )
    turnover = np.minimum(hires * st.horizon_months / qty.MONTHS_PER_YEAR / engineers, 1.0)
    hires_gap = share_c * (1.0 - k["hire_container_familiarity"]) + share_i * (
        1.0 - k["hire_image_familiarity"]
    )
    months = qty.transition_months(out)
    risk = months * (1.0 + unfamiliar) + qty.stateful_migrations(st)[:, None] * k[
        "stateful_migration_months"
    ] * (months > 0)
    full = (len(st.options), n)
    g = k["running_factor"]
    sq = st.status_quo

    def run(x: FloatArray) -> FloatArray:
        """x_sq + g (x_o - x_sq): today's value, and every option's difference from it scaled."""
        x = np.broadcast_to(x, full)
        return np.asarray(x[sq] + g * (x - x[sq]))

    recurring = out.money_npv - out.money_transition
    return {
        "cost": out.money_transition + run(recurring),
        "transition_risk": np.broadcast_to(risk, full),
        "operational_risk": run(out.incident_hours),
        "parity": run(out.drift_hours),
        "scale_out": run(qty.scale_out_lag_minutes(out, values, st)),
        "portability": out.portability,
        "team_fit": np.broadcast_to((1.0 - turnover) * unfamiliar + turnover * hires_gap, full),
    }


def _positive(scale: FloatArray) -> FloatArray:
    """A scale with zeros replaced by 1 (no team cost and no infrastructure: nothing to compare)."""
    return np.where(scale > 0, scale, 1.0)


def difference_score(x: FloatArray, scale: FloatArray | float, half: FloatArray) -> FloatArray:
    """100 h / (h + (x - min over options) / K): 100 for the best option, 50 at h K worse."""
    extra = (x - x.min(axis=0)) / scale
    return np.asarray(100.0 * half / (half + extra))


def criterion_scores(
    out: Outputs, values: Mapping[str, FloatArray], st: Structure, k: Constants
) -> dict[str, FloatArray]:
    """0-100 score of every criterion, (options, samples); formulas in the module docstring."""
    raw = raw_criteria(out, values, st, k)
    return {
        "cost": difference_score(raw["cost"], _positive(out.capacity_npv_money), k["cost_share_half"]),
        "transition_risk": difference_score(raw["transition_risk"], 1.0, k["transition_risk_half"]),
        "operational_risk": difference_score(
            raw["operational_risk"], out.capacity_hours, k["operational_share_half"]
        ),
        "parity": difference_score(raw["parity"], out.capacity_hours, k["parity_share_half"]),
        "scale_out": difference_score(raw["scale_out"], 1.0, k["scale_out_lag_half"]),
        "portability": 100.0 * np.clip(raw["portability"], 0.0, 1.0),
        "team_fit": difference_score(raw["team_fit"], 1.0, k["team_fit_half"]),
    }


def weighted_total(scores: Mapping[str, FloatArray], weights: Weights) -> FloatArray:
    """score_o = sum_c w_c x score_{o,c}, with weights summing to 1 (per future if sampled)."""
    return sum((weights[c] * scores[c] for c in CRITERIA), np.zeros_like(scores["cost"]))


def group_shares(winners: NDArray[np.intp], groups: tuple[int, ...]) -> FloatArray:
    """Share of futures won by each option's group (options with the same containers), (O,)."""
    g = np.asarray(groups)
    per_option = np.bincount(winners, minlength=len(groups)) / max(winners.size, 1)
    return np.array([per_option[g == g[o]].sum() for o in range(len(groups))])


@dataclass(frozen=True)
class Scoring:
    """Scores of every option and future, and the recommendation they imply."""

    option_names: tuple[str, ...]
    weights: dict[str, float]  # the questionnaire's, normalised
    scores: dict[str, FloatArray]  # criterion -> (O, S), 0-100
    total: FloatArray  # (O, S)
    winner_share: FloatArray  # (O,) share of futures each option has the top score
    recommended: int  # best median score, unless a change is held back (``held_back``)
    confidence: float  # share of futures the recommended option's group wins
    groups: tuple[int, ...] = ()  # per option, its group's first option
    group_share: FloatArray | None = None  # (O,) share of futures won by the option's group
    status_quo: int = 0  # today's setup
    #: share of futures in which the best change (the option outside today's group with the
    #: best median score, with its group) scores above every option of today's group
    change_share: float = 0.0
    #: the change with the best median score when it was held back: it beats today's setup in
    #: fewer futures than the threshold asks of a change (``choose``); else None
    held_back: int | None = None
    #: each option's median total, as ``score`` worked it out (None: from ``total`` on demand)
    medians: FloatArray | None = None

    @property
    def recommended_name(self) -> str:
        return self.option_names[self.recommended]

    @property
    def best_median(self) -> int:
        """The option with the best median score (the recommendation unless held back)."""
        return self.recommended if self.held_back is None else self.held_back

    @property
    def most_often_best(self) -> int:
        """The option whose group wins most futures (the recommendation's, on a tie)."""
        share = self.group_share if self.group_share is not None else self.winner_share
        best = float(np.max(share))
        if share[self.recommended] >= best:
            return self.recommended
        return int(np.argmax(self.winner_share * (share >= best)))

    def same_group(self, i: int, j: int) -> bool:
        return bool(self.groups) and self.groups[i] == self.groups[j]

    def is_change(self, i: int) -> bool:
        """True for an option that leads away from today's state (not in today's group)."""
        return not (i == self.status_quo or self.same_group(i, self.status_quo))

    def too_close(self, limit: float) -> bool:
        """Too close to call: the recommendation wins fewer than ``limit`` of the futures while
        a change is clearly better than today (else today's setup is kept: ``choose``)."""
        return self.confidence < limit and self.change_share >= limit

    def kept_for_now(self, limit: float) -> bool:
        """Today's setup is recommended without winning ``limit`` of the futures: no change
        clears the bar (the seed post's "not now")."""
        return (not self.is_change(self.recommended) and self.confidence < limit
                and self.change_share < limit)

    def median_total(self) -> FloatArray:
        """Each option's median total (a copy): ``score``'s, else np.median along the futures."""
        return np.array(self.medians if self.medians is not None else row_medians(self.total))

    def contributions(self) -> dict[str, FloatArray]:
        """w_c x median score_{o,c} per criterion: the parts of each option's score, (O,)."""
        return {c: self.weights[c] * np.median(self.scores[c], axis=1) for c in CRITERIA}


def change_shares(
    total: FloatArray,
    in_today: NDArray[np.bool_],
    groups: tuple[int, ...] | None = None,
    med: FloatArray | None = None,
) -> FloatArray:
    """Share of futures (the last axis of ``total``, options first) in which the best change
    -- the option outside today's group with the best median score, with the options of its
    group (``groups``; None: each option its own) -- scores strictly above every option of
    today's group: max_{o in G*} total_o > max_{o in G0} total_o (0 with no change); one share
    for every index between the first axis and the last.

    The change that would be recommended, not "some change": with several changes, the best of
    them beats today's setup in more futures than any one of them does (Wikimedia: some change
    63 %, the hybrid 57 %), and a team moves to one of them, chosen before the future is known
    (the multiple-comparison inflation of a maximum). ``med``: the medians along the futures,
    (O, *mid), when the caller has them."""
    if in_today.all():
        return np.zeros(total.shape[1:-1])
    n = total.shape[0]
    mid = (1,) * (total.ndim - 2)
    g = np.asarray(groups if groups is not None else range(n))
    if med is None:
        med = np.median(total, axis=-1)  # (O, *mid)
    med = np.where(in_today.reshape((n, *mid)), -np.inf, med)
    best_group = g[np.argmax(med, axis=0)]  # (*mid)
    in_best = g.reshape((n, *mid)) == best_group[None]  # (O, *mid)
    change = np.where(in_best[..., None], total, -np.inf).max(axis=0)
    today = total[in_today].max(axis=0)
    return np.asarray(np.mean(change > today, axis=-1))


def change_share(
    total: FloatArray, in_today: NDArray[np.bool_], groups: tuple[int, ...] | None = None
) -> float:
    """``change_shares`` of one set of futures, (O, S) -> a share."""
    return float(change_shares(total, in_today, groups))


def choose(best: int, status_quo: int, is_change: bool, share: float, limit: float | None) -> int:
    """The recommendation: the best median score, except that a change must beat today's setup
    in at least ``limit`` of the futures (``share``, ``change_share``) to be recommended;
    otherwise today's setup is kept for now.

    The burden of proof is on the change: a move is paid up front and hard to undo, so under
    uncertainty waiting has a value of its own and a move is worth making only when it is
    clearly better, not when it is better in a bare majority of futures (Dixit & Pindyck,
    Investment under Uncertainty, 1994, ch. 2: irreversible investment needs a margin over
    break-even). The bar is the same ``confidence_threshold`` that makes an answer clear."""
    if limit is not None and is_change and share < limit:
        return status_quo
    return best


def score(
    out: Outputs,
    values: Mapping[str, FloatArray],
    st: Structure,
    weights: Mapping[str, float],
    constants: Constants,
    sampled_weights: Weights | None = None,
    limit: float | None = None,
) -> Scoring:
    """Recommend the option with the best median score -- a change only when it beats today's
    setup in at least ``limit`` of the futures (``choose``; None: no such bar) --; confidence =
    share of futures its group (the options that containerise the same processes) wins."""
    scores = criterion_scores(out, values, st, constants)
    total = weighted_total(scores, sampled_weights if sampled_weights is not None else weights)
    winners = np.argmax(total, axis=0)
    share = np.bincount(winners, minlength=total.shape[0]) / winners.size
    groups = qty.option_groups(st)
    shares = group_shares(winners, groups)
    med = np.asarray(row_medians(total))  # np.median along the futures, cheaper
    best = int(np.argmax(med))
    sq = st.status_quo
    in_today = np.array([g == groups[sq] for g in groups])
    # np.median's own medians here, not ``med``: row_medians can differ from it in the last bit,
    # and two options with the same median (levelsio's containers and hybrid) then swap places
    changing = change_share(total, in_today, groups)
    chosen = choose(best, sq, not bool(in_today[best]), changing, limit)
    return Scoring(
        option_names=st.option_names,
        weights=dict(weights),
        scores=scores,
        total=total,
        winner_share=share,
        recommended=chosen,
        confidence=float(shares[chosen]),
        groups=groups,
        group_share=shares,
        status_quo=sq,
        change_share=changing,
        held_back=best if chosen != best else None,
        medians=med,
    )


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


def topsis_on_medians(
    out: Outputs,
    values: Mapping[str, FloatArray],
    st: Structure,
    weights: Mapping[str, float],
    constants: Constants,
) -> FloatArray:
    """TOPSIS closeness of each option from the median raw criterion values."""
    raw = raw_criteria(out, values, st, constants)
    matrix = np.column_stack([np.median(raw[c], axis=1) for c in CRITERIA])
    w = np.array([weights[c] for c in CRITERIA])
    benefit = np.array([BENEFIT[c] for c in CRITERIA])
    return topsis(matrix, w, benefit)
