"""Options as data (data/options.yaml): target states. The transition is today -> target.

An option says where each group of processes runs (our own code, stateless off-the-shelf
services, stateful processes) and which platform pieces it needs; what it costs to reach and to
run comes from the difference between today and that target (analyzer.model.structure)."""

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
    "bake_pipeline",
    "platform_setup",
    "observability",
    "learning",
    "productivity_dip",
]
WORK_ITEMS: tuple[str, ...] = WorkItem.__args__  # type: ignore[attr-defined]

#: Where a group of processes runs in an option's target state (``as-today``: where it runs now).
Location = Literal["as-today", "machine-image", "container", "managed"]
#: Process groups an option places: our own code, stateless off-the-shelf services, state.
GROUPS: tuple[str, ...] = ("application", "service", "stateful")
OrchestratorNeed = Literal["none", "any", "compose", "managed", "self-run"]

PerYear = Annotated[Estimate, Bounds(ge=0, le=100)]


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Target(_Frozen):
    """Where each group of processes runs in the option's target state."""

    application: Location = "as-today"
    service: Location = "as-today"
    stateful: Location = "as-today"


ImageMethod = Literal["as-today", "rebake-image"]


class ImageDelivery(_Frozen):
    """How releases reach each group's processes that run on machine images in the target:
    today's method, or a machine image baked per release and rolled out by replacing instances
    (``rebake-image``: immutable images, no in-place upgrades)."""

    application: ImageMethod = "as-today"
    service: ImageMethod = "as-today"
    stateful: ImageMethod = "as-today"


class Needs(_Frozen):
    """Platform pieces the target state needs (existing ones are not paid for again)."""

    registry: bool = False
    container_pipeline: bool = False
    orchestrator: OrchestratorNeed = Field(
        "none",
        description="any: today's orchestrator if there is one, else compose for a few services "
        "and a managed one beyond (assumption compose_max_services).",
    )


class Adds(_Frozen):
    per_stateful: dict[CategoryName, PerYear] = Field(default_factory=dict)
    per_process: dict[CategoryName, PerYear] = Field(default_factory=dict)


class OptionSpec(_Frozen):
    """One target state: where each group of processes runs and which platform pieces it needs."""

    label: str = Field(min_length=1, max_length=80)
    short_label: str = Field(min_length=1, max_length=30, description="Name used inside sentences.")
    description: str = Field(min_length=1)
    status_quo: bool = False
    target: Target = Field(default_factory=Target)
    deploys_via: Literal["container", "rebake-image"] = Field(
        "container",
        description="How releases reach processes that run in containers: pushed images "
        "(container) or containers baked into a machine image per release (rebake-image).",
    )
    image_delivery: ImageDelivery = Field(
        default_factory=ImageDelivery,
        description="How releases reach processes that stay on machine images: today's method "
        "or re-baked per release (rebake-image).",
    )
    needs: Needs = Field(default_factory=Needs)
    adds_per_year: Adds = Field(default_factory=Adds)
    source: str = Field(min_length=3)

    @property
    def uses_containers(self) -> bool:
        return "container" in (self.target.application, self.target.service, self.target.stateful)

    @model_validator(mode="after")
    def _consistent(self) -> OptionSpec:
        if self.status_quo and (
            self.target != Target()
            or self.needs != Needs()
            or self.adds_per_year != Adds()
            or self.image_delivery != ImageDelivery()
        ):
            raise ValueError("the status quo is today's state: every group as-today, no needs")
        return self


class OptionsFile(_Frozen):
    schema_version: Literal[2]
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
