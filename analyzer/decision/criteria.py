"""The decision layer's data (data/decision.yaml): the seven criteria in one table, the sampled
scoring constants, and every threshold the decision uses.

Scoring, charts, the report and the questionnaire's default weights read the criteria from here
(``CRITERIA_TABLE``); tests/test_decision.py holds the questionnaire's default weights equal to
the table's. Constants are PERT ranges sampled once per future (structural uncertainty, MODEL.md
"Uncertainty"); thresholds are single values with a source.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from analyzer._io.paths import data_dir
from analyzer._io.yamlio import load_yaml
from analyzer.errors import InputError, Problem
from analyzer.model.assumptions import Assumption, _validate
from analyzer.model.distributions import pert
from analyzer.questionnaire.form import CRITERIA

FloatArray = NDArray[np.float64]


class Criterion(BaseModel):
    """One row of the criteria table."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=3)
    unit: str = Field(min_length=1)
    direction: Literal["lower", "higher"]
    default_weight: float = Field(ge=0)
    source: str = Field(min_length=3)

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"


class Threshold(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float | list[float]
    unit: str = ""
    source: str = Field(min_length=3)


class Floor(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    value: float = Field(ge=0)
    source: str = Field(min_length=3)


class DecisionFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    schema_version: Literal[1]
    criteria: dict[str, Criterion]
    constants: dict[str, Assumption]
    thresholds: dict[str, Threshold]
    plausible_floors: dict[str, Floor] = Field(default_factory=dict)


def decision_data_path() -> Path:
    return data_dir() / "decision.yaml"


@cache
def decision_data() -> DecisionFile:
    """data/decision.yaml, validated once per process; its criteria must be the questionnaire's."""
    loaded = load_yaml(decision_data_path(), what="decision data")
    parsed: DecisionFile = _validate(loaded, DecisionFile)
    if tuple(parsed.criteria) != CRITERIA:
        raise InputError(
            [Problem(str(loaded.path), f"criteria must be, in order: {', '.join(CRITERIA)}", 1, 1)]
        )
    return parsed


def criteria_table() -> Mapping[str, Criterion]:
    """criterion -> its row (label, unit, direction, default weight, source), in CRITERIA order."""
    return decision_data().criteria


def threshold(name: str) -> float:
    """A single-valued threshold from data/decision.yaml."""
    value = decision_data().thresholds[name].value
    if isinstance(value, list):
        raise TypeError(f"threshold {name} is a list")
    return float(value)


def threshold_list(name: str) -> tuple[float, ...]:
    value = decision_data().thresholds[name].value
    return tuple(float(v) for v in (value if isinstance(value, list) else [value]))


def plausible_floor(parameter: str) -> float:
    """The least upper end of a parameter's plausible range (0 when none is listed)."""
    for pattern, floor in decision_data().plausible_floors.items():
        if fnmatch.fnmatchcase(parameter, pattern):
            return floor.value
    return 0.0


@dataclass(frozen=True)
class Constants:
    """Scoring constants: name -> value per future (S,), or one value for the median model."""

    values: Mapping[str, FloatArray]

    def __getitem__(self, name: str) -> FloatArray:
        return self.values[name]


def likely_constants() -> Constants:
    """Every constant at its likely value (the median model of reversals and sensitivity)."""
    return Constants(
        {k: np.array([c.likely]) for k, c in decision_data().constants.items()}
    )


def sample_constants(n: int, rng: np.random.Generator) -> Constants:
    """Every constant drawn n times from its PERT(low, likely, high), independently."""
    out: dict[str, FloatArray] = {}
    for k, c in decision_data().constants.items():
        if c.low == c.high:
            out[k] = np.full(n, c.likely)
        else:
            out[k] = np.asarray(pert(c.low, c.likely, c.high, n, rng), dtype=np.float64)
    return Constants(out)


def sample_weights(
    weights: Mapping[str, float], tolerance: float, n: int, rng: np.random.Generator
) -> dict[str, FloatArray]:
    """Weights within the user's tolerance: w_c U(1 - t, 1 + t), renormalised to sum 1, (S,) each."""
    t = min(max(tolerance, 0.0), 1.0)
    raw = {c: weights[c] * rng.uniform(1.0 - t, 1.0 + t, n) for c in CRITERIA}
    total = sum(raw.values(), np.zeros(n))
    safe = np.where(total > 0, total, 1.0)
    return {c: raw[c] / safe for c in CRITERIA}
