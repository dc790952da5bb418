"""``decide``: from an Assessment to a recommendation a tech lead can forward.

The recommendation is the option with the best median weighted score over futures that include
the structural uncertainty (scoring constants and weights sampled, ``futures``), except that a
change must beat today's setup in at least ``confidence_threshold`` (data/decision.yaml) of the
futures; below that today's setup is kept for now (``scoring.choose``: the burden of proof is on
the change). Its confidence is the share of futures in which it -- or an option putting the same
processes in containers -- has the top score. When another option wins more futures,
``most_often_best`` says which and the reasons say why. When a change is clearly better than
today but the recommended one wins fewer futures than the threshold, the answer is "too close
to call". The horizon is always checked (``horizon_checks``). Sentences live in ``explain``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analyzer._io.plain import to_plain
from analyzer.decision import explain, reversal
from analyzer.decision import sensitivity as sens
from analyzer.decision.criteria import Constants, likely_constants, threshold_list
from analyzer.decision.engine import DecisionFunction
from analyzer.decision.explain import HorizonCheck
from analyzer.decision.fmt import verb_for
from analyzer.decision.futures import confidence_threshold, score_futures, structural_draws
from analyzer.decision.inputs import given_fields, user_value
from analyzer.decision.reversal import Reversal
from analyzer.decision.scoring import (
    BENEFIT,
    CRITERION_LABELS,
    RAW_UNITS,
    Scoring,
    raw_criteria,
    topsis_on_medians,
)
from analyzer.history.dora import DoraProfile, dora_profile
from analyzer.model.assess import Assessment
from analyzer.model.structure import placement_class
from analyzer.questionnaire.form import CRITERIA

JSON_DIGITS = 6
TOP_DRIVERS = 5


@dataclass(frozen=True, repr=False)
class Decision:
    """The recommendation, how sure it is, why, and what would change it."""

    assessment: Assessment
    scoring: Scoring
    topsis_closeness: np.ndarray
    confidence_threshold: float
    reasons: tuple[str, ...]
    reversals: tuple[Reversal, ...] = ()
    tornado: pd.DataFrame | None = None  # on the score margin (the quantity that decides)
    sobol: pd.DataFrame | None = None  # net saving (S1, ST) and score margin (margin_S1, ...)
    next_unknown: sens.Unknown | None = None  # on the score margin
    dora: DoraProfile | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    horizon_checks: tuple[HorizonCheck, ...] = ()
    knife_edge: str | None = None
    tornado_saving: pd.DataFrame | None = None  # on the net saving
    next_unknown_saving: sens.Unknown | None = None  # on the net saving

    @property
    def recommendation(self) -> str:
        return self.scoring.recommended_name

    @property
    def confidence(self) -> float:
        return self.scoring.confidence

    @property
    def too_close(self) -> bool:
        return self.scoring.too_close(self.confidence_threshold)

    @property
    def kept_for_now(self) -> bool:
        """Today's setup kept because no change clears the confidence threshold."""
        return self.scoring.kept_for_now(self.confidence_threshold)

    @property
    def most_often_best(self) -> str:
        """The option whose group wins most futures."""
        return self.assessment.option_names[self.scoring.most_often_best]

    @property
    def placement(self) -> str:
        """The state the recommendation leads to (``placement_class``): machine-image, hybrid,
        docker or partial, by which processes run in containers under it."""
        return placement_class(self.assessment.structure, self.scoring.recommended)

    @property
    def topsis_winner(self) -> str:
        return self.assessment.option_names[int(np.argmax(self.topsis_closeness))]

    @property
    def methods_agree(self) -> bool:
        return self.topsis_winner == self.recommendation

    def headline(self) -> str:
        """The recommendation in one sentence."""
        return explain.headline(self.assessment, self.scoring, self.confidence_threshold)

    # ---- tables -----------------------------------------------------------------------------

    def scores_table(self) -> pd.DataFrame:
        """Per option: each criterion's contribution (weight x median score), total, win share, TOPSIS."""
        contrib = self.scoring.contributions()
        rows = []
        for i, name in enumerate(self.assessment.option_names):
            row: dict[str, Any] = {"option": name}
            for c in CRITERIA:
                row[c] = float(contrib[c][i])
            row["total_p50"] = float(self.scoring.median_total()[i])
            row["win_share"] = float(self.scoring.winner_share[i])
            row["topsis"] = float(self.topsis_closeness[i])
            rows.append(row)
        return pd.DataFrame(rows).set_index("option")

    def criteria_table(self) -> pd.DataFrame:
        """Per criterion and option: weight, median raw value (with unit) and median 0-100 score."""
        a = self.assessment
        raw = raw_criteria(a.outputs, a.values, a.structure, likely_constants())
        rows = []
        for c in CRITERIA:
            for i, name in enumerate(self.assessment.option_names):
                rows.append(
                    {
                        "criterion": c,
                        "label": CRITERION_LABELS[c],
                        "weight": self.scoring.weights[c],
                        "option": name,
                        "raw_p50": float(np.median(raw[c][i])),
                        "raw_unit": RAW_UNITS[c],
                        "higher_is_better": BENEFIT[c],
                        "score_p50": float(np.median(self.scoring.scores[c][i])),
                    }
                )
        return pd.DataFrame(rows)

    def to_dict(self) -> dict[str, Any]:
        """The assessment's JSON plus recommendation, reversals, sensitivity and delivery profile."""
        out = self.assessment.to_dict()
        scores: dict[Any, dict[Any, Any]] = self.scores_table().to_dict(orient="index")
        for name in self.assessment.option_names:
            row = scores[name]
            out["options"][name]["score"] = {
                "total_p50": round(float(row["total_p50"]), 3),
                "win_share": round(float(row["win_share"]), 4),
                "topsis": round(float(row["topsis"]), 4),
                "contributions": {c: round(float(row[c]), 3) for c in CRITERIA},
            }
        out["recommendation"] = {
            "option": self.recommendation,
            "label": self.assessment.options[self.recommendation].label,
            "placement": self.placement,
            "confidence": round(self.confidence, 4),
            "too_close_to_call": self.too_close,
            "confidence_threshold": self.confidence_threshold,
            "headline": self.headline(),
            "reasons": list(self.reasons),
            "best_median": self.assessment.option_names[self.scoring.best_median],
            "change_share": round(self.scoring.change_share, 4),
            "kept_for_now": self.kept_for_now,
            "nothing_to_move": self.assessment.structure.nothing_to_move,
            "most_often_best": self.most_often_best,
            "most_often_best_note": explain.most_often_sentence(self.assessment, self.scoring),
            "same_containers": [
                n for i, n in enumerate(self.assessment.option_names)
                if self.scoring.same_group(i, self.scoring.recommended)
            ],
            "knife_edge": self.knife_edge,
            "topsis_option": self.topsis_winner,
            "methods_agree": self.methods_agree,
            "weights": {c: round(w, 4) for c, w in self.scoring.weights.items()},
        }
        out["horizon_check"] = [_json(c) for c in self.horizon_checks]
        out["reversals"] = [_json(r) for r in self.reversals]
        out["sensitivity"] = self.sensitivity_dict()
        out["delivery_profile"] = _json(self.dora)
        out["notes"] = list(self.notes)
        return out

    def sensitivity_dict(self) -> dict[str, Any]:
        """``to_dict()["sensitivity"]`` on its own (analyzer.app.report adds it last, once the
        Sobol indices have come)."""
        return {
            "on": list(sens.SENSITIVITY_ON),
            "tornado": _records(self.tornado),
            "sobol": _records(self.sobol),
            "most_valuable_unknown": _json(self.next_unknown),
            "score_margin": {
                "tornado": _records(self.tornado),
                "most_valuable_unknown": _json(self.next_unknown),
            },
            "net_saving": {
                "tornado": _records(self.tornado_saving),
                "most_valuable_unknown": _json(self.next_unknown_saving),
            },
        }

    def __repr__(self) -> str:
        # Short: the generated repr spells out the whole assessment (about 1 MB of text).
        return (
            f"Decision({self.assessment.questionnaire.name!r}, "
            f"recommendation={self.recommendation!r}, confidence={self.confidence:.3f}, "
            f"too_close={self.too_close})"
        )

    def _repr_html_(self) -> str:
        head = f"<p><b>{self.headline()}</b></p><ul>" + "".join(
            f"<li>{r}</li>" for r in self.reasons
        )
        return head + "</ul>" + str(self.scores_table().round(2).to_html())


def _json(obj: Any) -> Any:
    """The decision's JSON values: plain data, floats to six decimals."""
    return to_plain(obj, digits=JSON_DIGITS)


def _records(df: pd.DataFrame | None) -> list[dict[str, Any]]:
    if df is None:
        return []
    clean = df.replace([np.inf, -np.inf], np.nan).astype(object)
    clean = clean.where(pd.notna(clean), None)
    return [{k: _json(v) for k, v in row.items()} for row in clean.to_dict(orient="records")]




def decide(
    a: Assessment,
    *,
    sensitivity: bool = True,
    sobol_samples: int = sens.SOBOL_SAMPLES,
    progress: sens.Progress | None = None,
    sobol: Callable[[], pd.DataFrame] | None = None,
) -> Decision:
    """Score every sample, recommend, explain; with ``sensitivity`` also the tornado, Sobol
    indices, the most valuable unknown and reversal conditions.

    ``sobol``: where the Sobol indices come from if not computed here (a function called last,
    e.g. ``analyzer.background.Background(...).result``); it must give what
    ``assessment_sobol(a, n=sobol_samples)`` gives.
    """
    weights = a.questionnaire.priorities.weights.normalised()
    draws = structural_draws(a)
    s = score_futures(a, draws=draws)
    closeness = topsis_on_medians(a.outputs, a.values, a.structure, weights, likely_constants())
    limit = confidence_threshold(a)
    reasons = list(explain.build_reasons(a, s))
    often = explain.most_often_sentence(a, s)
    if often:
        reasons.append(often)
    checks = horizon_checks(a, s, draws)
    notes = list(input_notes(a))
    notes.append(explain.horizon_sentence(a, checks))
    dora = _dora(a)
    base: dict[str, Any] = {
        "assessment": a, "scoring": s, "topsis_closeness": closeness,
        "confidence_threshold": limit, "dora": dora, "horizon_checks": checks,
    }
    if not sensitivity:
        return Decision(**base, reasons=tuple(reasons), notes=tuple(notes))
    engine = DecisionFunction(a.structure, weights)
    tornado = sens.tornado(engine, a.space, output="score_margin", option=s.recommended)
    tornado_saving = sens.tornado(engine, a.space)
    # every option is today's state: no input can make one differ from another, so there is
    # no reversal to search for (the report says so once)
    drivers = [] if a.structure.nothing_to_move else reversal_drivers(tornado, a)
    kept = s.kept_for_now(limit)

    def search(by_share: bool) -> list[Reversal]:
        return reversal.reversals(
            engine, a.space, drivers, recommended=s.recommended, questionnaire=a.questionnaire,
            given=given_fields(a.questionnaire),
            decider=reversal.share_decider(a.structure, a.values, *draws, limit)
            if by_share else None,
            grid_points=reversal.SHARE_GRID_POINTS if by_share else reversal.GRID_POINTS,
        )

    # the answer is a share of futures: the median model's winner stands in for it (faster)
    # only where the two agree at the value the team gave; kept for now, or a median model
    # that already prefers another group at some driver's current value (Monzo: containers at
    # the 1,000 GB of Cassandra the team gave), the run's own rule decides every point
    revs = search(kept)
    if not kept and any(not s.same_group(a.option_names.index(r.holds), s.recommended)
                        and r.holds != s.recommended_name for r in revs):
        revs = search(True)
    if kept:  # before the knife edge too: "hands it to today's setup" is the answer already
        revs = _toward_a_change(a, s, revs)
    revs = _not_at_the_answer(a, s, revs)
    revs, edge = _knife_edge(a, revs)
    revs.sort(key=lambda r: (r.kind != "answer", r.threshold is None))  # answers, flips first
    if not a.structure.nothing_to_move:
        revs += _horizon_reversal(a, s, checks)
    if edge:
        reasons.append(edge)
    if sobol is not None:
        indices = sobol()
    else:
        indices = sens.assessment_sobol(a, n=sobol_samples, progress=progress)
    return Decision(
        **base,
        reasons=tuple(reasons),
        reversals=tuple(revs),
        tornado=tornado,
        sobol=indices,
        next_unknown=sens.most_valuable_unknown(indices, a.space, output="score_margin"),
        notes=tuple(notes),
        knife_edge=edge,
        tornado_saving=tornado_saving,
        next_unknown_saving=sens.most_valuable_unknown(indices, a.space),
    )


@dataclass(frozen=True)
class Verdict:
    """The recommendation and its confidence without the explanation (``recommend``)."""

    recommendation: str
    confidence: float
    too_close: bool
    reason: str  # one sentence: how much of today's pain the recommended way removes
    headline: str  # the recommendation in one sentence, as ``Decision.headline()``


def recommend(
    a: Assessment, draws: tuple[Constants, Mapping[str, np.ndarray]] | None = None
) -> Verdict:
    """What ``decide`` recommends and how sure it is -- the same futures and scoring
    (``score_futures`` with ``structural_draws``) -- without TOPSIS, horizon checks, reasons or
    sensitivity: the lean path for callers that assess many applications (``analyzer
    portfolio``) or re-decide on every move of a slider (notebooks/explore_tradeoffs.ipynb). The
    reason is ``explain.problems_sentence`` for the recommended option (for the status quo, over
    the alternatives), one of the sentences ``decide`` gives; the headline is ``decide``'s.
    ``draws``: the structural draws (``structural_draws``) when the caller shares one set among
    many assessments (a portfolio's)."""
    s = score_futures(a, draws=draws if draws is not None else structural_draws(a))
    sq = a.structure.status_quo
    others = [i for i in range(len(a.option_names)) if i != sq]
    stay = s.recommended == sq
    reason = explain.problems_sentence(a, others if stay else [s.recommended], verdict=stay)
    limit = confidence_threshold(a)
    return Verdict(
        s.recommended_name, s.confidence, s.too_close(limit), reason,
        explain.headline(a, s, limit),
    )


def horizon_checks(
    a: Assessment, s: Scoring, draws: tuple[Any, Any] | None = None
) -> tuple[HorizonCheck, ...]:
    """The recommendation and its confidence over each horizon of ``horizon_checks``
    (data/decision.yaml) and the user's own, same futures (model draws, constants, weights)."""
    months = sorted({int(m) for m in threshold_list("horizon_checks")} | {a.horizon_months})
    limit = confidence_threshold(a)
    out = []
    for m in months:
        scored = s if m == a.horizon_months else score_futures(a, horizon_months=m, draws=draws)
        verdict = (explain.TOO_CLOSE if scored.too_close(limit)
                   else explain.KEPT_FOR_NOW if scored.kept_for_now(limit) else explain.CLEAR)
        out.append(HorizonCheck(m, scored.recommended_name, scored.confidence,
                                m == a.horizon_months, scored.change_share, verdict))
    return tuple(out)


def _knife_edge(a: Assessment, revs: list[Reversal]) -> tuple[list[Reversal], str | None]:
    """Flips at today's value are said once, as a knife edge, and dropped from the list."""
    edge = [r for r in revs if r.at_current and r.flips_to is not None]
    if not edge:
        return list(revs), None
    text = explain.knife_edge_sentence(a, [r.label for r in edge], str(edge[0].flips_to))
    return [r for r in revs if not r.at_current], text


def _toward_a_change(a: Assessment, s: Scoring, revs: list[Reversal]) -> list[Reversal]:
    """Today's setup kept for now: a flip back to today's state (where the subset of futures
    ``share_decider`` reads already chose a change at the current value) does not change the
    answer; drop it."""
    names = a.option_names
    return [r for r in revs
            if r.flips_to is None or s.is_change(names.index(r.flips_to))]


def _not_at_the_answer(a: Assessment, s: Scoring, revs: list[Reversal]) -> list[Reversal]:
    """A flip at today's value to the recommendation's own group does not change the answer:
    the run already chose that group there, and the search's own choice at that point differs
    only by its smaller set of futures (Wikimedia, too close with the hybrid leading: "a small
    change in mariadb: data hands it to the hybrid"); drop it. A flip to the recommendation
    further away stays: the answer at the team's own value is then another one ("containers
    already chosen at this value")."""
    names = a.option_names

    def to_the_answer(r: Reversal) -> bool:
        return r.flips_to is not None and (
            r.flips_to == s.recommended_name
            or s.same_group(names.index(r.flips_to), s.recommended))

    return [r for r in revs if not (r.at_current and to_the_answer(r))]


def _horizon_reversal(
    a: Assessment, s: Scoring, checks: tuple[HorizonCheck, ...]
) -> list[Reversal]:
    """The horizon among the reversal checks: the nearest checked horizon where another choice
    wins, or no flip over the horizons checked."""
    names = a.option_names
    rec = s.recommended
    now = a.horizon_months
    lo, hi = float(min(c.months for c in checks)), float(max(c.months for c in checks))
    flips = [c for c in checks
             if not s.same_group(names.index(c.recommendation), rec)]
    if flips:
        c = min(flips, key=lambda c: abs(c.months - now))
        short = a.options[c.recommendation].short_label
        still = s.too_close(confidence_threshold(a))
        if c.verdict == explain.TOO_CLOSE and still:
            text = (f"Over a horizon of {c.months} months {short} "
                    f"{verb_for(short, 'leads')} instead, in "
                    f"{explain.share_phrase(c.confidence)} of futures: still too close to call "
                    f"(now {now} months)")
        elif c.verdict == explain.TOO_CLOSE:
            text = (f"Over a horizon of {c.months} months the answer becomes too close to call: "
                    f"{short} comes out ahead of today's setup in "
                    f"{explain.share_phrase(c.change_share)} of futures but best in only "
                    f"{explain.share_phrase(c.confidence)} (now {now} months)")
        elif c.verdict == explain.KEPT_FOR_NOW:
            text = (f"Over a horizon of {c.months} months {short} is kept for now: the best "
                    f"change comes out ahead of it in only {explain.share_phrase(c.change_share)} "
                    f"of futures, short of the {100 * confidence_threshold(a):.0f} % it has to "
                    f"clear (now {now} months)")
        else:
            text = (f"{explain.cap(short)} {verb_for(short, 'wins')} over a horizon of "
                    f"{c.months} months "
                    f"({explain.share_phrase(c.confidence)} of futures; now {now} months)")
        return [Reversal("priorities.horizon_months", "horizon", "months", float(now),
                         float(c.months), "above" if c.months > now else "below", s.recommended_name, c.recommendation,
                         lo, hi, "answer", False, False, text)]
    text = (f"no flip within the horizons checked ({lo:.0f}-{hi:.0f} months; now {now} months)")
    return [Reversal("priorities.horizon_months", "horizon", "months", float(now), None, None,
                     s.recommended_name, None, lo, hi, "answer", False, False, text)]


def input_notes(a: Assessment) -> tuple[str, ...]:
    """Things about the inputs a reader should know: stated against itemised operations time,
    which source of incidents was used."""
    ops = a.ops_cross_check()
    notes = () if ops is None else (ops,)
    ev = a.evidence
    if ev is None:
        return notes
    note = (
        f"Incident rates and restore times come from {ev.source} "
        f"({sum(ev.counts.values())} incidents over {ev.window_months:.1f} months"
        f"{f', {ev.unclassified} unclassified' if ev.unclassified else ''})"
    )
    if a.questionnaire.incidents.counts:
        note += "; the incident counts typed into the questionnaire were not used"
    return (*notes, note + ".", *ev.notes)


#: The questions the seed post turns on: always asked "what would change the answer" about.
KEY_QUESTIONS: tuple[str, ...] = (
    "delivery.prod_deploys_per_week",
    "incidents.rate.environment_drift",
)
TOP_ANSWERS = 3
TOP_ASSUMPTIONS = 1


def reversal_drivers(tornado: pd.DataFrame, a: Assessment) -> list[str]:
    """Inputs to search for a flip: the key questions, the answers that swing the tornado's
    output most (the score margin), then the most influential assumption; at most TOP_DRIVERS."""
    ranked = [str(n) for n in tornado["name"]]
    answers = [n for n in ranked if a.space[n].origin in ("answer", "history")][:TOP_ANSWERS]
    assumptions = [n for n in ranked if a.space[n].origin == "assumption"][:TOP_ASSUMPTIONS]
    chosen = [n for n in KEY_QUESTIONS if n in a.space] + answers + assumptions
    return list(dict.fromkeys(chosen))[:TOP_DRIVERS]


def _dora(a: Assessment) -> DoraProfile:
    """The DORA profile from the team's own delivery and incident answers (likely values, or
    the imported history's): a key left to the questionnaire's default is not placed (None),
    so no cluster is claimed from a default."""
    q = a.questionnaire
    d, given = q.delivery, given_fields(q)

    def own(field: str, value: float) -> float | None:
        return value if field in given else None

    restore = next(p for p in a.space if p.name == "incidents.hours_to_restore")
    return dora_profile(
        d.prod_deploys_per_week.likely,
        own("delivery.lead_time_hours", d.lead_time_hours.likely),
        own("delivery.failed_deploy_rate", d.failed_deploy_rate.likely),
        user_value(restore, q) if restore.origin == "history"
        or "incidents.hours_to_restore" in given else None,
    )
