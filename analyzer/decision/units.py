"""Parameter values in the questionnaire's own words and units, for sentences a tech lead reads.

The model works in per-month incident rates; the questionnaire asks for counts over a window, so
rates are shown per year. A few answers read better as a count phrase ("9 production deploys a
week"); everything else is "<label> of <value> <unit>".
"""

from __future__ import annotations

from analyzer.decision.fmt import fmt_short, unit_for
from analyzer.model.core import MONTHS_PER_YEAR
from analyzer.model.params import Param

INCIDENT_RATE_PREFIX = "incidents.rate."

#: Answers whose value reads as a count phrase: name -> the noun phrase after the number.
COUNT_PHRASES: dict[str, str] = {
    "delivery.prod_deploys_per_week": "production deploys a week",
    "delivery.nonprod_deploys_per_week": "non-production deploys a week",
    "team.engineers": "engineers",
    "team.hires_per_year": "hires a year",
}


def is_incident_rate(name: str) -> bool:
    return name.startswith(INCIDENT_RATE_PREFIX)


def display_value(param: Param, value: float) -> float:
    """The value in the questionnaire's unit: incident rates per month become per year."""
    return value * MONTHS_PER_YEAR if is_incident_rate(param.name) else value


def display_unit(param: Param) -> str:
    return "incidents a year" if is_incident_rate(param.name) else param.unit


def is_fraction(param: Param) -> bool:
    """Shares between 0 and 1, which people read as percentages."""
    return param.unit.startswith("fraction")


def number(param: Param, value: float) -> str:
    """The bare value as a person reads it: '12 %' for a share, else '9' or '0.85'."""
    if is_fraction(param):
        return f"{fmt_short(100 * value)} %"
    return fmt_short(display_value(param, value))


def quantity(param: Param, value: float) -> str:
    """'9 production deploys a week', '3.2 environment drift incidents a year', '80 GB', '12 %'."""
    shown = number(param, value)
    if param.name in COUNT_PHRASES:
        return f"{shown} {unit_for(shown, COUNT_PHRASES[param.name])}"
    if is_incident_rate(param.name):
        return f"{shown} {unit_for(shown, param.label + ' a year')}"
    if is_fraction(param) or param.unit.startswith("score"):
        return shown  # a share reads as a percentage; a 0-1 score needs no unit
    return f"{shown} {unit_for(shown, param.unit)}".strip()


def reads_as_count(param: Param) -> bool:
    """True where '<number> <noun phrase>' reads naturally ('9 production deploys a week')."""
    return param.name in COUNT_PHRASES or is_incident_rate(param.name)
