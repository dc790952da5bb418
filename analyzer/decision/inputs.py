"""The user's own value of an input, whether they gave it, and its kind (answer or assumption).

"Now" in a reversal is the value the user typed (the likely value of their range), not the
model's median; an answer left to its default is marked as a default wherever it is shown.
Incident rates are the user's count over their window (per month, the model's unit).
"""

from __future__ import annotations

from typing import Literal

from analyzer.model.params import Param, Pert
from analyzer.questionnaire.form import Questionnaire, answered, iter_fields

Kind = Literal["answer", "assumption"]
INCIDENT_RATE_PREFIX = "incidents.rate."


def kind_of(param: Param) -> Kind:
    """answer: the team can find it out (answers, imported history); assumption: everything else."""
    return "answer" if param.origin in ("answer", "history") else "assumption"


def given_fields(q: Questionnaire) -> frozenset[str]:
    """Dotted names of every answer the user gave (not left to its default)."""
    given = {path for path, _, was_given, _ in iter_fields(q) if was_given}
    for p in q.processes:
        for key in p.model_fields_set:
            if answered(p, key):  # a null is the default, as if left out
                given.add(f"processes.{p.name}.{key}")
    for cat in q.incidents.counts:
        given.add(f"incidents.counts.{cat}")
    return frozenset(given)


def question_of(param_name: str) -> str:
    """The questionnaire field a parameter comes from (incident rates come from counts)."""
    if param_name.startswith(INCIDENT_RATE_PREFIX):
        return "incidents.counts." + param_name.removeprefix(INCIDENT_RATE_PREFIX)
    return param_name


def is_default(param: Param, given: frozenset[str]) -> bool:
    """True for an answer the user did not give (the questionnaire's default was used)."""
    return param.origin == "answer" and question_of(param.name) not in given


def user_value(param: Param, q: Questionnaire) -> float:
    """The value the user gave, in the model's unit: a range's likely value; an incident count
    over the window, per month; otherwise (assumptions, history) the median."""
    if param.origin == "answer" and param.name.startswith(INCIDENT_RATE_PREFIX):
        est = q.incidents.counts.get(param.name.removeprefix(INCIDENT_RATE_PREFIX))
        window = q.incidents.window_months.likely
        return float(est.likely) / float(window) if est is not None and window > 0 else 0.0
    if isinstance(param.dist, Pert):
        return float(param.dist.likely)
    return param.quantile(0.5)


def user_range(param: Param, q: Questionnaire) -> tuple[float, float]:
    """The user's own range (low, high) in the model's unit; P10-P90 where there is none."""
    if param.origin == "answer" and param.name.startswith(INCIDENT_RATE_PREFIX):
        est = q.incidents.counts.get(param.name.removeprefix(INCIDENT_RATE_PREFIX))
        window = q.incidents.window_months
        if est is None:
            return 0.0, 0.0
        return float(est.low) / float(window.high), float(est.high) / float(window.low)
    if isinstance(param.dist, Pert):
        return float(param.dist.low), float(param.dist.high)
    return param.quantile(0.1), param.quantile(0.9)
