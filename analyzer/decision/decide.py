"""``decide``: from an Assessment to a recommendation a tech lead can forward.

The recommendation is the option with the best median weighted score; its confidence is the share
of samples in which it has the top score. Below the ``confidence_threshold`` assumption the answer
is "too close to call" and names the unknown that would settle it. Reasons are the largest parts of
the cost difference, in words and figures.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from analyzer.decision import sensitivity as sens
from analyzer.decision.engine import Engine
from analyzer.decision.scoring import (
    BENEFIT,
    CRITERION_LABELS,
    RAW_UNITS,
    Scoring,
    raw_criteria,
    score,
    topsis_on_medians,
)
from analyzer.fmt import fmt_hours as _h
from analyzer.fmt import fmt_number
from analyzer.model.assess import Assessment, percentiles
from analyzer.model.core import RECURRING_LABELS
from analyzer.questionnaire import CRITERIA

MONTHS_PER_YEAR = 12.0
TOP_DRIVERS = 5
YEARS_NOT_MONTHS = 4  # say "about 7 years" from here on, "about 28 months" below
#: Containers' problems count as felt when they would give back this share of the team's time,
#: or when environment drift happens at least this often a year.
FELT_CAPACITY_SHARE = 0.02
FELT_DRIFT_PER_YEAR = 2.0


@dataclass(frozen=True, repr=False)
class Decision:
    """The recommendation, how sure it is, why, and what would change it."""

    assessment: Assessment
    scoring: Scoring
    topsis_closeness: np.ndarray
    confidence_threshold: float
    reasons: tuple[str, ...]
    reversals: tuple[Any, ...] = ()
    tornado: pd.DataFrame | None = None
    sobol: pd.DataFrame | None = None
    next_unknown: Any = None
    dora: Any = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def recommendation(self) -> str:
        return self.scoring.recommended_name

    @property
    def confidence(self) -> float:
        return self.scoring.confidence

    @property
    def too_close(self) -> bool:
        return self.confidence < self.confidence_threshold

    @property
    def topsis_winner(self) -> str:
        return self.assessment.option_names[int(np.argmax(self.topsis_closeness))]

    @property
    def methods_agree(self) -> bool:
        return self.topsis_winner == self.recommendation

    def headline(self) -> str:
        """The recommendation in one sentence."""
        a = self.assessment
        label = a.options[self.recommendation].short_label
        pct = f"{100 * self.confidence:.0f} %"
        if self.too_close:
            runner = self._runner_up()
            return (
                f"Too close to call between {label} and "
                f"{a.options[runner].short_label}: the leader wins in only {pct} of the "
                f"simulated futures."
            )
        if self.recommendation == a.status_quo:
            return (
                f"Stay with {label} for now: it comes out ahead in {pct} of the simulated futures."
            )
        return f"Move to {label}: it comes out ahead in {pct} of the simulated futures."

    def _runner_up(self) -> str:
        med = self.scoring.median_total().copy()
        med[self.scoring.recommended] = -np.inf
        return self.assessment.option_names[int(np.argmax(med))]

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
        raw = raw_criteria(self.assessment.outputs)
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
            "confidence": round(self.confidence, 4),
            "too_close_to_call": self.too_close,
            "confidence_threshold": self.confidence_threshold,
            "headline": self.headline(),
            "reasons": list(self.reasons),
            "topsis_option": self.topsis_winner,
            "methods_agree": self.methods_agree,
            "weights": {c: round(w, 4) for c, w in self.scoring.weights.items()},
        }
        out["reversals"] = [_plain(r) for r in self.reversals]
        out["sensitivity"] = {
            "tornado": _records(self.tornado),
            "sobol": _records(self.sobol),
            "most_valuable_unknown": _plain(self.next_unknown),
        }
        out["delivery_profile"] = _plain(self.dora)
        out["notes"] = list(self.notes)
        return out

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


def _records(df: pd.DataFrame | None) -> list[dict[str, Any]]:
    if df is None:
        return []
    clean = df.replace([np.inf, -np.inf], np.nan).astype(object)
    clean = clean.where(pd.notna(clean), None)
    return [{k: _plain(v) for k, v in row.items()} for row in clean.to_dict(orient="records")]


def _plain(obj: Any) -> Any:
    """JSON-ready copy of dataclasses, numpy scalars and frames."""
    import dataclasses

    if obj is None or isinstance(obj, (str, bool, int)):
        return obj
    if isinstance(obj, float):
        return None if not np.isfinite(obj) else round(obj, 6)
    if isinstance(obj, np.generic):
        return _plain(obj.item())
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, pd.DataFrame):
        return _records(obj)
    if hasattr(obj, "to_dict"):
        return _plain(obj.to_dict())
    return str(obj)


# ---- reasons ---------------------------------------------------------------------------------


def _span(arr: np.ndarray) -> str:
    p10, p50, p90 = percentiles(arr)
    return f"about {_h(p50)} (P10-P90: {fmt_number(p10)}-{_h(p90)})"


def _name(a: Assessment, i: int) -> str:
    return a.options[a.option_names[i]].short_label


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _monthly_saving(a: Assessment, i: int) -> float:
    o = a.outputs
    return float(np.median(o.recurring_hours[a.structure.status_quo] - o.recurring_hours[i]))


def _payback_phrase(a: Assessment, i: int) -> str:
    o = a.outputs
    saving = _monthly_saving(a, i)
    if saving <= 0:
        return f"costs about {_h(-saving)} a month more to run than today, so it never pays back"
    be = a.breakeven_p50(a.option_names[i])
    if be is not None:
        share = a.breakeven_share(a.option_names[i])
        return (
            f"saves about {_h(saving)} a month: it pays back in about month {be:.0f} "
            f"({100 * share:.0f} % of simulated futures pay back within {a.horizon_months} months)"
        )
    months = (
        float(np.median(o.migration_months[i])) + float(np.median(o.transition_hours[i])) / saving
    )
    years = months / MONTHS_PER_YEAR
    when = f"about {years:.0f} years" if years >= YEARS_NOT_MONTHS else f"about {months:.0f} months"
    return (
        f"saves about {_h(saving)} a month: it would take {when} to pay back, beyond the "
        f"{a.horizon_months}-month horizon"
    )


def _problems_sentence(a: Assessment, alternatives: list[int]) -> str:
    """How much of today's recurring pain the best alternative removes: drift, incidents, deploys."""
    o = a.outputs
    sq = a.structure.status_quo
    drift_year = float(np.median(a.values["incidents.rate.environment_drift"])) * MONTHS_PER_YEAR
    best = max(
        alternatives,
        key=lambda i: float(
            np.median(o.incident_hours[sq] - o.incident_hours[i])
            + np.median(o.drift_hours[sq] - o.drift_hours[i])
        ),
    )
    removed = float(np.median(o.incident_hours[sq] - o.incident_hours[best])) + float(
        np.median(o.drift_hours[sq] - o.drift_hours[best])
    )
    today = float(np.median(o.incident_hours[sq])) + float(np.median(o.drift_hours[sq]))
    capacity = float(np.median(o.capacity_hours))
    felt = removed >= FELT_CAPACITY_SHARE * capacity or drift_year >= FELT_DRIFT_PER_YEAR
    verdict = "are felt here" if felt else "are not being felt much"
    return (
        f"The problems containers solve {verdict}: about {drift_year:.1f} environment-drift "
        f"incidents a year, and incidents plus drift cost about {_h(today)} a month today; "
        f"{_name(a, best)} would remove about {_h(removed)} of that a month."
    )


def _effort_sentence(a: Assessment, alternatives: list[int]) -> str:
    o = a.outputs
    people = float(np.median(o.migration_people[alternatives[0]])) if alternatives else 0.0
    parts = [
        f"{_name(a, i)} {_span(o.transition_hours[i])}"
        f" ({float(np.median(o.migration_months[i])):.1f} months)"
        for i in alternatives
    ]
    return (
        f"The move is significant work: {'; '.join(parts)} up front, with about "
        f"{_people(people)} on it."
    )


def _people(people: float) -> str:
    """'1 person', '0.5 people', '6 people': the people on the move, as the model sizes them."""
    if round(people, 1) == 1:
        return "1 person"
    return f"{people:.1g} people" if people < 1 else f"{people:.0f} people"


def _component_reasons(a: Assessment, i: int, limit: int = 2) -> list[str]:
    """The recurring components that differ most between the status quo and option i."""
    o = a.outputs
    sq = a.structure.status_quo
    diffs = {
        comp: float(np.median(o.recurring[comp][sq] - o.recurring[comp][i])) for comp in o.recurring
    }
    ranked = sorted(diffs.items(), key=lambda kv: -abs(kv[1]))
    out = []
    for comp, diff in ranked[:limit]:
        if abs(diff) < 0.05:
            continue
        verb = "saves" if diff > 0 else "adds"
        out.append(
            f"{RECURRING_LABELS[comp]}: {_name(a, i)} {verb} about {_h(abs(diff))} a month "
            f"(today {_h(float(np.median(o.recurring[comp][sq])))} a month)."
        )
    return out


def build_reasons(a: Assessment, s: Scoring) -> tuple[str, ...]:
    """Three to five sentences with figures: what moving costs, what it saves, what decides."""
    o = a.outputs
    sq = a.structure.status_quo
    rec = s.recommended
    alternatives = [i for i in range(len(a.option_names)) if i != sq]
    reasons: list[str] = []
    if rec == sq:
        reasons.append(_problems_sentence(a, alternatives))
        reasons.append(_effort_sentence(a, alternatives))
        paybacks = [f"{_name(a, i)} {_payback_phrase(a, i)}" for i in alternatives]
        reasons.append(_cap("; ".join(paybacks)) + ".")
    else:
        reasons.append(
            f"{_cap(_name(a, rec))} costs {_span(o.transition_hours[rec])} up front and "
            f"{_payback_phrase(a, rec)}."
        )
        reasons.extend(_component_reasons(a, rec, limit=2))
        reasons.append(_problems_sentence(a, [rec]))
        people = float(np.median(o.migration_people[rec]))
        reasons.append(
            f"The move takes about {float(np.median(o.migration_months[rec])):.1f} months with "
            f"about {_people(people)} on it."
        )
    contrib = s.contributions()
    runner = max(
        (i for i in range(len(a.option_names)) if i != rec),
        key=lambda i: float(np.median(s.total[i])),
    )
    gaps = {c: float(contrib[c][rec] - contrib[c][runner]) for c in CRITERIA}
    top = max(gaps, key=lambda c: gaps[c])
    lead = float(np.median(s.total[rec]) - np.median(s.total[runner]))
    if gaps[top] > 0:
        reasons.append(
            f"On the weighted criteria {_name(a, rec)} leads {_name(a, runner)} by {lead:.1f} "
            f"points of 100; {_lower_first(CRITERION_LABELS[top])} contributes {gaps[top]:.1f} of them."
        )
    return tuple(reasons)


ProgressHook = Callable[[int, int], None]  # progress(done, total), see analyzer.progress


def decide(
    a: Assessment,
    *,
    sensitivity: bool = True,
    sobol_samples: int = sens.SOBOL_SAMPLES,
    progress: ProgressHook | None = None,
    sobol: Callable[[], pd.DataFrame] | None = None,
) -> Decision:
    """Score every sample, recommend, explain; with ``sensitivity`` also the tornado, Sobol
    indices, the most valuable unknown and reversal conditions.

    ``sobol``: where the Sobol indices come from if not computed here (a function called last,
    e.g. ``analyzer.background.Background(...).result``); it must give what
    ``assessment_sobol(a, n=sobol_samples)`` gives.
    """
    weights = a.questionnaire.priorities.weights.normalised()
    s = score(a.outputs, a.values, weights, a.option_names)
    closeness = topsis_on_medians(a.outputs, weights)
    threshold = float(a.assumptions["confidence_threshold"].likely)
    reasons = build_reasons(a, s)
    notes = list(input_notes(a))
    dora = _dora(a)
    if not sensitivity:
        return Decision(a, s, closeness, threshold, reasons, dora=dora, notes=tuple(notes))
    from analyzer.decision import reversal

    engine = Engine(a.structure, weights)
    tornado = sens.tornado(engine, a.space)
    drivers = reversal_drivers(tornado, a)
    revs = reversal.reversals(engine, a.space, drivers, recommended=s.recommended)
    revs.sort(key=lambda r: r.threshold is None)  # flips first, in driver order
    if sobol is not None:
        indices = sobol()
    else:
        indices = sens.assessment_sobol(a, n=sobol_samples, progress=progress)
    unknown = sens.most_valuable_unknown(indices, a.space)
    return Decision(
        a,
        s,
        closeness,
        threshold,
        reasons,
        tuple(revs),
        tornado,
        indices,
        unknown,
        dora,
        tuple(notes),
    )


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
    return (*notes, note + ".")


#: The questions the seed post turns on: always asked "what would change the answer" about.
KEY_QUESTIONS: tuple[str, ...] = (
    "delivery.prod_deploys_per_week",
    "incidents.rate.environment_drift",
)
TOP_ANSWERS = 3
TOP_ASSUMPTIONS = 1


def reversal_drivers(tornado: pd.DataFrame, a: Assessment) -> list[str]:
    """Inputs to search for a flip: the key questions, the answers that swing the net saving
    most (the tornado's order), then the most influential assumption; at most TOP_DRIVERS."""
    ranked = [str(n) for n in tornado["name"]]
    answers = [n for n in ranked if a.space[n].origin in ("answer", "history")][:TOP_ANSWERS]
    assumptions = [n for n in ranked if a.space[n].origin == "assumption"][:TOP_ASSUMPTIONS]
    chosen = [n for n in KEY_QUESTIONS if n in a.space] + answers + assumptions
    return list(dict.fromkeys(chosen))[:TOP_DRIVERS]


def _dora(a: Assessment) -> Any:
    """The DORA profile from the questionnaire's delivery and incident answers (likely values)."""
    try:
        from analyzer.dora import dora_profile
    except ImportError:  # history support not installed in this build
        return None
    d = a.questionnaire.delivery
    restore = float(np.median(a.values["incidents.hours_to_restore"]))
    return dora_profile(
        d.prod_deploys_per_week.likely,
        d.lead_time_hours.likely,
        d.failed_deploy_rate.likely,
        restore,
    )
