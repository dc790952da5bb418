"""Parameter values in the questionnaire's own words and units, for sentences a tech lead reads.

The model works in per-month incident rates; the questionnaire asks for counts over a window, so
rates are shown per year. A few answers read better as a count phrase ("9 production deploys a
week"); everything else is "<label> of <value> <unit>".
"""

from __future__ import annotations

import math

from analyzer.model.params import Param

MONTHS_PER_YEAR = 12.0
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


def fmt(x: float) -> str:
    """A number as a person writes it: two significant figures below 10, whole numbers above."""
    if not math.isfinite(x):
        return str(x)
    if abs(x) >= 10:
        return f"{x:,.0f}"
    if x == 0:
        return "0"
    return f"{x:.2g}"


def quantity(param: Param, value: float) -> str:
    """'9 production deploys a week', '3.2 environment drift incidents a year', '80 GB'."""
    shown = fmt(display_value(param, value))
    if param.name in COUNT_PHRASES:
        return f"{shown} {COUNT_PHRASES[param.name]}"
    if is_incident_rate(param.name):
        return f"{shown} {param.label} a year"
    return f"{shown} {param.unit}".strip()


def reads_as_count(param: Param) -> bool:
    """True where '<number> <noun phrase>' reads naturally ('9 production deploys a week')."""
    return param.name in COUNT_PHRASES or is_incident_rate(param.name)
