"""Assumptions: every default the model uses, with its range, unit and source (data/assumptions.yaml).

A user's override file has the same shape and lists only what it changes; it is validated with the
same care as the questionnaire and merged over the defaults entry by entry.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from analyzer._io.paths import data_dir
from analyzer._io.yamlio import LoadedYaml, load_yaml
from analyzer.errors import InputError, Problem, did_you_mean
from analyzer.questionnaire.estimate import Estimate, beside
from analyzer.questionnaire.form import problems_from_validation


class Assumption(BaseModel):
    """One assumption: a PERT range (equal values make a constant), its unit and where it comes from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str = Field(min_length=3, max_length=80, description="How sentences name it.")
    low: float = Field(allow_inf_nan=False)
    likely: float = Field(allow_inf_nan=False)
    high: float = Field(allow_inf_nan=False)
    unit: str = Field(min_length=1)
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _ordered(self) -> Assumption:
        if not self.low <= self.likely <= self.high:
            raise ValueError(
                f"need low <= likely <= high, got {self.low:g}, {self.likely:g}, {self.high:g}"
            )
        return self

    @property
    def estimate(self) -> Estimate:
        return Estimate(self.low, self.likely, self.high)


class RangeOverride(BaseModel):
    """An entry in a user's override file: any of the fields; the rest come from the default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label: str | None = Field(None, min_length=3, max_length=80)
    low: float | None = Field(None, allow_inf_nan=False)
    likely: float | None = Field(None, allow_inf_nan=False)
    high: float | None = Field(None, allow_inf_nan=False)
    source: str | None = Field(None, min_length=3)


class AssumptionOverride(RangeOverride):
    """An assumption in a user's override file (``assumptions:``)."""

    unit: str | None = None


class AssumptionsFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1]
    assumptions: dict[str, Assumption]


class OverrideFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    schema_version: Literal[1]
    assumptions: dict[str, AssumptionOverride] = Field(default_factory=dict)
    #: Price overrides, validated by ``analyzer.model.prices.load_prices`` (same file).
    prices: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class Assumptions:
    """The assumptions in force for a run, and which of them a user's file overrode."""

    entries: Mapping[str, Assumption]
    overridden: frozenset[str] = frozenset()
    override_source: str | None = None

    def __getitem__(self, name: str) -> Assumption:
        return self.entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def digest(self) -> str:
        """SHA-256 of the entries in force (stable across key order)."""
        payload = {k: v.model_dump() for k, v in sorted(self.entries.items())}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def scaled(self, names: set[str], factor: float) -> Assumptions:
        """A copy with the named assumptions' low/likely/high multiplied by ``factor``."""
        entries = {
            k: (
                v.model_copy(
                    update={
                        "low": v.low * factor,
                        "likely": v.likely * factor,
                        "high": v.high * factor,
                    }
                )
                if k in names
                else v
            )
            for k, v in self.entries.items()
        }
        return Assumptions(entries, self.overridden, self.override_source)


def _validate(loaded: LoadedYaml, model: type[BaseModel]) -> Any:
    name = str(loaded.path)
    if not isinstance(loaded.data, dict):
        raise InputError(
            [Problem(name, "expected a mapping with schema_version and assumptions", 1, 1)]
        )
    try:
        return model.model_validate(loaded.data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, name, loaded.marks, model)) from None


def default_assumptions_path() -> Path:
    return data_dir() / "assumptions.yaml"


@cache
def _bundled() -> AssumptionsFile:
    """The bundled defaults, read once per process (they are immutable)."""
    parsed: AssumptionsFile = _validate(load_yaml(default_assumptions_path()), AssumptionsFile)
    return parsed


#: An override above this many times the bundled high value is taken for a unit slip (minutes
#: for hours, a share as a percentage) rather than a belief; it is refused, naming the bound.
OVERRIDE_MAX_FACTOR = 1000.0
#: Assumptions the model divides by (half-saturation constants, the team's monthly hours and the
#: share of them for the move): 0 would make every result undefined.
DIVISORS = frozenset({
    "hours_per_engineer_month", "migration_capacity_share", "min_people_on_move",
    "max_people_on_move", "experience_learning_rate",
})
_UNIT_RANGE = re.compile(r"\((\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)\)")


def out_of_bounds(
    value: Assumption, default: Assumption, divisor: bool = False,
    max_factor: float | None = OVERRIDE_MAX_FACTOR,
) -> str | None:
    """Why an overridden assumption (or price) is impossible, or None. Every bundled quantity
    is a count, a duration, a share, a rate or a price, so none is below 0; fractions stay
    within 0-1, percentages within 0-100, a unit naming its range ("(0-8)") within it; Gamma
    priors and effort multipliers stay above 0; nothing exceeds ``max_factor`` x the bundled
    high (None: no such bound, for a price, which a team's own contract may well exceed)."""
    unit = default.unit.lower()
    lowest = 0.0
    highest = default.high * max_factor if max_factor is not None and default.high > 0 else None
    if unit.startswith("fraction"):  # (a confidence threshold above 1 means "never decide")
        highest = 1.0
    elif unit.startswith("percent"):
        highest = 100.0
    elif (m := _UNIT_RANGE.search(unit)) is not None:
        lowest, highest = float(m.group(1)), float(m.group(2))
    positive = divisor or "prior" in unit or "effort multipliers" in unit
    if value.low < lowest or (positive and value.low <= 0):
        bound = "above 0" if positive else f"at least {lowest:g}"
        return f"low {beside(value.low, lowest)} is impossible for {default.unit}: it must be {bound}"
    if highest is not None and value.high > highest:
        return f"high {beside(value.high, highest)} is beyond the plausible maximum {highest:g} {default.unit}"
    return None


def load_assumptions(override: str | Path | None = None) -> Assumptions:
    """The bundled assumptions, with a user's override file merged over them if given."""
    entries: dict[str, Assumption] = dict(_bundled().assumptions)
    if override is None:
        return Assumptions(entries)
    loaded = load_yaml(override, what="assumptions file")
    parsed: OverrideFile = _validate(loaded, OverrideFile)
    name = str(loaded.path)
    problems: list[Problem] = []
    for key, change in parsed.assumptions.items():
        line, col = loaded.marks.locate(("assumptions", key), prefer_key=True)
        if key not in entries:
            hint = did_you_mean(key, entries)
            problems.append(
                Problem(name, f"unknown assumption '{key}'{hint}", line, col, f"assumptions.{key}")
            )
            continue
        merged = entries[key].model_dump() | change.model_dump(exclude_none=True)
        if change.source is None:
            merged["source"] = f"override in {loaded.path.name} (default: {entries[key].source})"
        try:
            entries[key] = Assumption.model_validate(merged)
        except ValidationError as exc:
            for err in exc.errors(include_url=False):
                message = str(err["msg"]).removeprefix("Value error, ")
                problems.append(Problem(name, message, line, col, f"assumptions.{key}"))
            continue
        outside = out_of_bounds(entries[key], _bundled().assumptions[key], key in DIVISORS)
        if outside is not None:
            problems.append(Problem(name, outside, line, col, f"assumptions.{key}"))
    if problems:
        raise InputError(problems)
    if parsed.prices:
        from analyzer.model.prices import load_prices  # prices builds on this module

        load_prices(override)  # the prices: section, checked now with the same FILE:LINE:COLUMN
    return Assumptions(entries, frozenset(parsed.assumptions), str(loaded.path))
