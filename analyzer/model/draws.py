"""A typed view of one run's sampled values: frozen dataclasses of arrays.

The parameter space (analyzer.model.params) hands the model a mapping ``name -> samples`` so that
Monte Carlo, the tornado, Sobol indices and the reversal search drive the same function. The model
reads it once, here, into attributes (``d.team.engineers``, ``d.c.experience_learning_rate``,
``d.proc.count``), so a misspelt name is a type error and not a KeyError three modules away.
Every array is broadcast to ``(samples,)``, per-process arrays to ``(processes, samples)``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Per-process answers the model samples (questionnaire field names).
PROCESS_FIELDS: tuple[str, ...] = (
    "count",
    "data_gb",
    "native_dependencies",
    "startup_seconds",
    "instances",
    "scale_out_events_per_month",
)


@dataclass(frozen=True)
class Constants:
    """The assumptions the model reads (data/assumptions.yaml), one array each."""

    hours_per_engineer_month: FloatArray
    hire_share_per_year: FloatArray
    new_service_share_per_year: FloatArray
    migration_capacity_share: FloatArray
    platform_migration_share: FloatArray
    max_people_on_move: FloatArray
    min_people_on_move: FloatArray
    platform_people_when_none: FloatArray
    containerise_service_hours: FloatArray
    containerise_app_hours: FloatArray
    native_dependency_hours: FloatArray
    adaptation_hours_base: FloatArray
    adaptation_kloc_exponent: FloatArray
    experience_learning_rate: FloatArray
    volume_setup_hours: FloatArray
    data_migration_base_hours: FloatArray
    data_migration_hours_per_gb: FloatArray
    backup_drill_hours: FloatArray
    composition_hours_per_process: FloatArray
    environment_config_hours: FloatArray
    environment_config_hours_per_service: FloatArray
    pipeline_hours: FloatArray
    pipeline_hours_per_service: FloatArray
    registry_setup_hours: FloatArray
    bake_pipeline_hours: FloatArray
    bake_image_hours: FloatArray
    compose_setup_hours: FloatArray
    managed_orchestrator_setup_hours: FloatArray
    selfrun_orchestrator_setup_hours: FloatArray
    observability_hours: FloatArray
    observability_hours_per_service: FloatArray
    learning_hours_per_engineer: FloatArray
    learning_hours_platform_engineer: FloatArray
    productivity_dip_fraction: FloatArray
    team_factor: FloatArray
    image_upkeep_hours_per_image_month: FloatArray
    image_patching_hours_per_image_month: FloatArray
    host_patching_hours_per_host_month: FloatArray
    config_management_hours_month: FloatArray
    config_management_node_share: FloatArray
    base_image_rebuild_hours_per_image_month: FloatArray
    container_packing: FloatArray
    managed_node_patch_share: FloatArray
    compose_upkeep_hours_month: FloatArray
    managed_orchestrator_upkeep_hours_month: FloatArray
    selfrun_orchestrator_upkeep_hours_month: FloatArray
    orchestrator_hours_per_service_month: FloatArray
    deploy_effort_factor_container: FloatArray
    manual_deploy_half_per_week: FloatArray
    nonprod_minutes_per_deploy: FloatArray
    bake_attention_share: FloatArray
    container_build_minutes: FloatArray
    rollback_hours_package: FloatArray
    rollback_hours_rebake: FloatArray
    rollback_hours_config_management: FloatArray
    rollback_hours_containers: FloatArray
    drift_prevented_config_management: FloatArray
    drift_prevented_rebake: FloatArray
    drift_prevented_container: FloatArray
    drift_prevented_managed: FloatArray
    dependency_prevented_config_management: FloatArray
    dependency_prevented_rebake: FloatArray
    dependency_prevented_container: FloatArray
    dependency_prevented_managed: FloatArray
    isolation_prevented_container: FloatArray
    orchestrator_incidents_per_year_selfrun: FloatArray
    orchestrator_incidents_per_year_managed: FloatArray
    dev_env_setup_hours_images: FloatArray
    dev_env_setup_hours_containers: FloatArray
    dev_env_hours_per_process_images: FloatArray
    dev_env_hours_per_process_containers: FloatArray
    works_on_my_machine_hours_per_engineer_month: FloatArray
    womm_reduction_container: FloatArray
    new_service_setup_hours_images: FloatArray
    new_service_setup_hours_containers: FloatArray
    new_service_wait_share_containers: FloatArray
    new_service_wait_hours_per_day: FloatArray
    scale_out_hours_per_event: FloatArray
    scale_out_effort_factor_container: FloatArray
    machine_boot_seconds: FloatArray
    boot_provisioning_seconds: FloatArray
    image_pull_seconds: FloatArray
    spare_capacity_share: FloatArray
    container_start_seconds: FloatArray
    container_debug_overhead_hours_per_engineer_month: FloatArray
    debug_overhead_expert_fraction: FloatArray
    image_familiarity: FloatArray
    portability_machine_image: FloatArray
    portability_container: FloatArray
    portability_managed: FloatArray
    incident_follow_up_hours: FloatArray
    scale_out_events_half: FloatArray
    environment_upkeep_hours_images: FloatArray
    environment_upkeep_hours_containers: FloatArray
    nonprod_instance_share: FloatArray


@dataclass(frozen=True)
class TeamDraws:
    engineers: FloatArray
    platform_engineers: FloatArray
    ops_time_share: FloatArray
    hourly_cost: FloatArray
    docker_familiarity: FloatArray
    platform_familiarity: FloatArray  # docker_familiarity where not answered
    hires_per_year: FloatArray  # the hiring plan, else engineers x hire_share_per_year
    #: the team's answer; None: a share of its own services (``new_service_share_per_year``,
    #: worked out where the services are known, recurring.new_services)
    new_services_per_year: FloatArray | None
    new_service_wait_days: FloatArray
    migration_people: FloatArray | None  # None: derived from the team (assumptions)
    kloc: FloatArray
    config_management_hours: FloatArray  # the answer, else the assumption


@dataclass(frozen=True)
class DeliveryDraws:
    prod_deploys_per_week: FloatArray
    nonprod_deploys_per_week: FloatArray
    hands_on_minutes_per_deploy: FloatArray
    failed_deploy_rate: FloatArray
    image_bake_minutes: FloatArray


@dataclass(frozen=True)
class ProcessDraws:
    """(processes, samples) arrays, one per sampled process answer."""

    count: FloatArray
    data_gb: FloatArray
    native_dependencies: FloatArray
    startup_seconds: FloatArray
    instances: FloatArray
    scale_out_events_per_month: FloatArray


@dataclass(frozen=True)
class IncidentDraws:
    rates: FloatArray  # (categories, samples), incidents per month
    hours_to_restore: FloatArray
    people_per_incident: FloatArray


@dataclass(frozen=True)
class Draws:
    """Every sampled value the model reads, typed."""

    n: int
    team: TeamDraws
    delivery: DeliveryDraws
    proc: ProcessDraws
    incidents: IncidentDraws
    c: Constants
    adds_per_process: (
        FloatArray  # (options, samples): incidents a year per container, all categories
    )
    adds_per_stateful: FloatArray  # (options, samples): per stateful container
    adds_drift_per_process: FloatArray  # (options, samples): the environment-drift part
    adds_drift_per_stateful: FloatArray


def _get(values: Mapping[str, FloatArray], name: str, n: int) -> FloatArray:
    """``values[name]`` as (n,): drawn arrays as they are, constants broadcast (read-only;
    the broadcast of the same constant array to the same length made once, ``_BROADCASTS``:
    every block of a run reads the run's constants)."""
    x = values[name]
    if isinstance(x, np.ndarray) and x.shape == (n,) and x.dtype == np.float64:
        return x  # np.broadcast_to would only wrap it in a view, at ~10 us a call
    if isinstance(x, np.ndarray) and x.dtype == np.float64:
        held = _BROADCASTS.get((id(x), n))
        if held is not None and held[0] is x:
            return held[1]
        if len(_BROADCASTS) >= _BROADCASTS_HELD:
            _BROADCASTS.clear()
        view = np.broadcast_to(x, (n,))
        _BROADCASTS[id(x), n] = (x, view)
        return view
    return np.broadcast_to(np.asarray(x, dtype=np.float64), (n,))


#: Constants' broadcasts by (id of the constant, length), with the constant itself (so an id
#: is never taken for another array's); cleared when it holds _BROADCASTS_HELD.
_BROADCASTS: dict[tuple[int, int], tuple[FloatArray, FloatArray]] = {}
_BROADCASTS_HELD = 4096


def stacked(rows: list[FloatArray]) -> FloatArray:
    """``np.stack(rows)``, as a read-only view when the rows are evenly spaced rows of one array
    (``ParamSpace.sample`` draws the tabulated parameters into one (parameters x samples) block,
    a process's fields side by side): the same values without copying them."""
    first = rows[0]
    base = first.base
    if len(rows) > 1 and first.ndim == 1 and isinstance(base, np.ndarray) and all(
        r.base is base and r.shape == first.shape and r.strides == first.strides for r in rows
    ):
        at = [r.__array_interface__["data"][0] for r in rows]
        step = at[1] - at[0]
        if step > 0 and all(b - a == step for a, b in itertools.pairwise(at)):
            return np.lib.stride_tricks.as_strided(
                first, shape=(len(rows), first.shape[0]), strides=(step, first.strides[0]),
                writeable=False,
            )
    return np.stack(rows)


def sample_count(values: Mapping[str, FloatArray]) -> int:
    """The number of samples: the longest array of ``values`` (``np.size`` would cost about a
    microsecond a value in dispatch, and ``evaluate`` asks for some two hundred)."""
    given = getattr(values, "samples", None)  # params.DrawnValues: without drawing them
    if isinstance(given, int):
        return given
    return max(x.size if isinstance(x, np.ndarray) else int(np.size(x)) for x in values.values())


def _optional(values: Mapping[str, FloatArray], name: str, n: int) -> FloatArray | None:
    return _get(values, name, n) if name in values else None


def hires_per_year(values: Mapping[str, FloatArray]) -> FloatArray:
    """The hiring plan when the team gave it, else engineers x ``hire_share_per_year``."""
    if "team.hires_per_year" in values:
        return values["team.hires_per_year"]
    return np.asarray(values["team.engineers"] * values["assumptions.hire_share_per_year"])


def read_draws(
    values: Mapping[str, FloatArray],
    process_names: tuple[str, ...],
    option_names: tuple[str, ...],
    categories: tuple[str, ...],
) -> Draws:
    """The typed view of ``values`` (a ParamSpace sample, at_quantiles or from_unit result)."""
    n = sample_count(values)

    def g(name: str) -> FloatArray:
        return _get(values, name, n)

    constants = Constants(**{f.name: g(f"assumptions.{f.name}") for f in fields(Constants)})
    familiarity = g("team.docker_familiarity")
    cm = _optional(values, "platform.config_management_hours_per_month", n)
    team = TeamDraws(
        engineers=g("team.engineers"),
        platform_engineers=g("team.platform_engineers"),
        ops_time_share=g("team.ops_time_share"),
        hourly_cost=g("team.hourly_cost"),
        docker_familiarity=familiarity,
        platform_familiarity=g("team.platform_familiarity")
        if "team.platform_familiarity" in values
        else familiarity,
        hires_per_year=np.broadcast_to(hires_per_year(values), (n,)),
        new_services_per_year=_optional(values, "team.new_services_per_year", n),
        new_service_wait_days=g("team.new_service_wait_days"),
        migration_people=_optional(values, "team.migration_people", n),
        kloc=g("codebase.kloc"),
        config_management_hours=constants.config_management_hours_month if cm is None else cm,
    )
    delivery = DeliveryDraws(**{f.name: g(f"delivery.{f.name}") for f in fields(DeliveryDraws)})
    per_process: dict[str, Any] = {
        key: stacked([g(f"processes.{p}.{key}") for p in process_names])
        if process_names
        else np.zeros((0, n))
        for key in PROCESS_FIELDS
    }
    incidents = IncidentDraws(
        rates=stacked([g(f"incidents.rate.{c}") for c in categories]),
        hours_to_restore=g("incidents.hours_to_restore"),
        people_per_incident=g("incidents.people_per_incident"),
    )

    def adds(kind: str, only: str | None = None) -> FloatArray:
        """(options, samples): incidents a year an option adds per unit, summed over categories."""
        out = np.zeros((len(option_names), n))
        for i, o in enumerate(option_names):
            for c in categories if only is None else (only,):
                key = f"options.{o}.adds.{kind}.{c}"
                if key in values:
                    out[i] += values[key]
        return out

    return Draws(
        n=n,
        team=team,
        delivery=delivery,
        proc=ProcessDraws(**per_process),
        incidents=incidents,
        c=constants,
        adds_per_process=adds("per_process"),
        adds_per_stateful=adds("per_stateful"),
        adds_drift_per_process=adds("per_process", "environment_drift"),
        adds_drift_per_stateful=adds("per_stateful", "environment_drift"),
    )
