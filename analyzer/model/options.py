"""Options as data (data/options.yaml): what each way of shipping costs, prevents and adds."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from analyzer._io.paths import data_dir
from analyzer._io.yamlio import load_yaml
from analyzer.errors import InputError, Problem
from analyzer.questionnaire.estimate import Bounds, Estimate
from analyzer.questionnaire.form import CategoryName, problems_from_validation

WorkItem = Literal[
    "containerise",
    "app_adaptation",
    "volumes",
    "data_migration",
    "backup_drill",
    "composition",
    "environment_config",
    "pipeline",
    "observability",
    "learning",
    "productivity_dip",
]
WORK_ITEMS: tuple[str, ...] = WorkItem.__args__  # type: ignore[attr-defined]

Share = Annotated[Estimate, Bounds(ge=0, le=1)]
Factor = Annotated[Estimate, Bounds(ge=0, le=10)]
PerYear = Annotated[Estimate, Bounds(ge=0, le=100)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourcedShare(_Frozen):
    value: Share
    source: str = Field(min_length=3)


class TeamFit(_Frozen):
    base: float = Field(ge=0, le=1)
    per_familiarity: float = Field(ge=-1, le=1)

    @model_validator(mode="after")
    def _within_unit(self) -> TeamFit:
        top = self.base + self.per_familiarity
        if not 0 <= top <= 1:
            raise ValueError(f"base + per_familiarity must lie in 0-1, got {top:g}")
        return self


class Adds(_Frozen):
    per_stateful: dict[CategoryName, PerYear] = Field(default_factory=dict)
    per_process: dict[CategoryName, PerYear] = Field(default_factory=dict)


class OptionSpec(_Frozen):
    """One way of building and shipping the application."""

    label: str = Field(min_length=1, max_length=80)
    short_label: str = Field(min_length=1, max_length=30, description="Name used inside sentences.")
    description: str = Field(min_length=1)
    status_quo: bool = False
    containerise: Literal["none", "stateless", "all"]
    deploys_via: Literal["image", "container"]
    transition: dict[WorkItem, float] = Field(default_factory=dict)
    deploy_effort_factor: Factor
    scale_out_effort_factor: Factor
    works_on_my_machine_reduction: Share
    tooling_overhead: float = Field(ge=0, le=10)
    prevents: dict[CategoryName, Share] = Field(default_factory=dict)
    adds_per_year: Adds = Field(default_factory=Adds)
    portability: SourcedShare
    team_fit: TeamFit
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _consistent(self) -> OptionSpec:
        if self.containerise == "none" and self.transition:
            raise ValueError("an option that containerises nothing has no transition work items")
        if any(v < 0 for v in self.transition.values()):
            raise ValueError("transition multipliers must be >= 0")
        return self


class OptionsFile(_Frozen):
    schema_version: Literal[1]
    options: dict[str, OptionSpec] = Field(min_length=2)

    @model_validator(mode="after")
    def _one_status_quo(self) -> OptionsFile:
        sq = [k for k, v in self.options.items() if v.status_quo]
        if len(sq) != 1:
            raise ValueError(f"exactly one option must be the status quo, found {len(sq)}")
        return self


def default_options_path() -> Path:
    return data_dir() / "options.yaml"


def load_options(path: str | Path | None = None) -> dict[str, OptionSpec]:
    """Options in file order, the status quo first (the bundled file is read once per process)."""
    if path is None:
        return dict(_bundled_options())
    return _load_options(Path(path))


@cache
def _bundled_options() -> tuple[tuple[str, OptionSpec], ...]:
    return tuple(_load_options(default_options_path()).items())


def _load_options(path: Path) -> dict[str, OptionSpec]:
    loaded = load_yaml(path, what="options file")
    name = str(loaded.path)
    if not isinstance(loaded.data, dict):
        raise InputError(
            [Problem(name, "expected a mapping with schema_version and options", 1, 1)]
        )
    try:
        parsed = OptionsFile.model_validate(loaded.data)
    except ValidationError as exc:
        raise InputError(problems_from_validation(exc, name, loaded.marks, OptionsFile)) from None
    items = sorted(parsed.options.items(), key=lambda kv: not kv[1].status_quo)
    return dict(items)
