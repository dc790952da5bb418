"""Transition: the one-off work of going from today to an option's target (MODEL.md v2, "The cost").

Each function returns hours of shape (options, samples). Fleets follow the experience curve
(``Placement.curved``); platform pieces that exist today cost nothing; an option equal to today
moves no unit and so costs nothing.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from analyzer.model.draws import Draws
from analyzer.model.placement import Placement
from analyzer.model.structure import (
    COMPOSE,
    MANAGED_ORCHESTRATOR,
    NO_ORCHESTRATOR,
    REBAKE,
    SELF_RUN,
    Structure,
)

FloatArray = NDArray[np.float64]


def _any(x: FloatArray) -> FloatArray:
    """1.0 where an (options, samples) quantity is positive."""
    return (x > 0).astype(np.float64)


def _any_units(pl: Placement, mask: FloatArray) -> FloatArray:
    """``_any(pl.units(mask))``, worked out once per placement and mask (several work items
    ask whether anything moves into containers); read-only."""
    key = f"any_units:{mask.shape}:{np.ascontiguousarray(mask).tobytes().hex()}"
    if key not in pl.memo:
        pl.memo[key] = _any(pl.units(mask))
    return pl.memo[key]


def per_process_containerise(
    pl: Placement, d: Draws, out: FloatArray | None = None, factor: FloatArray | None = None
) -> FloatArray:
    """(O, P, S) hours to containerise each entry: first unit x experience_sum(count) (x
    ``factor``, the team factor, when given; into ``out`` when given).

    First unit: own code = containerise_app_hours + native deps x native_dependency_hours;
    off-the-shelf = containerise_service_hours (an official image plus configuration).
    """
    c = d.c
    own = pl.own[:, None]
    first = own * (
        c.containerise_app_hours + d.proc.native_dependencies * c.native_dependency_hours
    )
    first = first + (1.0 - own) * c.containerise_service_hours
    fleet = first * pl.curve
    if factor is not None:
        fleet *= factor  # (P, S): cheaper than scaling the (O, P, S) product
    return np.asarray(np.multiply(pl.to_ctr[:, :, None], fleet[None], out=out))


def app_adaptation(pl: Placement, d: Draws) -> FloatArray:
    """Start-up and configuration code, once when any of the team's own code moves into
    containers: base x KLOC^e, e < 1.

    Containerising touches start-up and configuration, not the application's logic, so it grows
    sub-linearly with codebase size (MODEL.md v2; v1's COCOMO reuse on the whole codebase grew
    faster than the code).
    """
    moving = _any_units(pl, pl.to_ctr * pl.own[None])  # (O, S)
    return np.asarray(d.c.adaptation_hours_base * d.team.kloc**d.c.adaptation_kloc_exponent * moving)


def stateful_items(pl: Placement, d: Draws) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(volumes, data migration, backup drill): volumes and a drill per stateful unit moved into
    a container; data moved into a volume or a managed service costs a base per unit plus
    hours per GB."""
    c = d.c
    into_ctr = pl.to_ctr * pl.stateful[None]
    moving = pl.moved * pl.stateful[None]
    volumes = pl.curved(into_ctr, c.volume_setup_hours)
    base = pl.curved(moving, c.data_migration_base_hours)
    per_gb = pl.units(moving, d.proc.data_gb) * c.data_migration_hours_per_gb
    drill = pl.curved(into_ctr, c.backup_drill_hours)
    return volumes, base + per_gb, drill


def composition(pl: Placement, d: Draws) -> FloatArray:
    """Compose file or orchestrator manifests per unit going onto the option's container
    platform (``Placement.onto_platform``: moved into containers, or re-deployed there), on the
    experience curve."""
    return pl.curved(pl.onto_platform, d.c.composition_hours_per_process)


def environment_config(pl: Placement, d: Draws, st: Structure) -> FloatArray:
    """Per environment: a base plus per-service configuration and secrets for every unit going
    onto the option's container platform (experience curve)."""
    c = d.c
    moving = pl.curved(pl.onto_platform, c.environment_config_hours_per_service)
    return np.asarray(
        _any_units(pl, pl.onto_platform) * st.environments * c.environment_config_hours
        + st.environments * moving
    )


def pipeline(pl: Placement, d: Draws, st: Structure) -> FloatArray:
    """Container pipeline and registry where the option needs them and today lacks them, plus
    adding each own-code service to the pipeline (experience curve)."""
    c = d.c
    new = np.array(
        [
            [float("container_pipeline" in pieces), float("registry" in pieces)]
            for pieces in st.new_pieces
        ]
    )  # (O, 2)
    setup = new[:, :1] * c.pipeline_hours + new[:, 1:] * c.registry_setup_hours
    per_service = pl.curved(pl.to_ctr * pl.own[None], c.pipeline_hours_per_service)
    return np.asarray(setup * _any_units(pl, pl.to_ctr) + per_service)


def bake_pipeline(pl: Placement, d: Draws, st: Structure) -> FloatArray:
    """Baking one immutable image per release for units that stay on machine images and are
    deployed another way today: the bake pipeline and instance-replacing deploys once (when
    nothing is re-baked today), plus a bake template per entry on the experience curve.

    hours = [no bake today] x ``bake_pipeline_hours`` x any(switching)
            + sum_p switching_p x ``bake_image_hours`` x experience_sum(n_p)
    """
    c = d.c
    switching = pl.method[REBAKE] * (1.0 - pl.method0[REBAKE])[None] * (1.0 - pl.moved)
    bakes_today = float(st.rebakes_today)
    per_image = pl.curved(switching, c.bake_image_hours)
    return np.asarray(
        _any_units(pl, switching) * (1.0 - bakes_today) * c.bake_pipeline_hours + per_image
    )


def platform_setup(d: Draws, st: Structure) -> FloatArray:
    """Orchestrator set-up where the option runs on one today lacks (compose, managed, self-run)."""
    c = d.c
    by_kind = {
        COMPOSE: c.compose_setup_hours,
        MANAGED_ORCHESTRATOR: c.managed_orchestrator_setup_hours,
        SELF_RUN: c.selfrun_orchestrator_setup_hours,
    }
    zero = np.zeros(d.n)
    rows = []
    for orch, pieces in zip(st.orchestrator, st.new_pieces, strict=True):
        new = orch != NO_ORCHESTRATOR and f"orchestrator:{orch}" in pieces
        rows.append(by_kind[orch] if new else zero)
    return np.stack(rows)


def observability(pl: Placement, d: Draws) -> FloatArray:
    """Container logs and monitoring: a base when the team has no containers today, plus per
    service moved (experience curve)."""
    c = d.c
    has_containers_today = float(pl.ctr0.sum() > 0)  # their logs and monitoring exist
    per_service = pl.curved(pl.to_ctr, c.observability_hours_per_service)
    return np.asarray(
        _any_units(pl, pl.to_ctr) * (1.0 - has_containers_today) * c.observability_hours
        + per_service
    )


def platform_people(d: Draws) -> FloatArray:
    """People who will run the platform: the platform engineers, else one or two product
    engineers (``platform_people_when_none``, at most the team)."""
    t = d.team
    fallback = np.minimum(d.c.platform_people_when_none, t.engineers)
    return np.asarray(np.where(t.platform_engineers > 0, t.platform_engineers, fallback))


def learning(pl: Placement, d: Draws, st: Structure) -> FloatArray:
    """Deep for the platform people (when containers or an orchestrator are new to the team),
    light for product engineers whose code moves into containers, both by familiarity."""
    c, t = d.c, d.team
    nothing_today = pl.ctr0.sum() == 0 and st.orchestrator_today == NO_ORCHESTRATOR
    new_platform = np.array(
        [
            float(nothing_today or any(p.startswith("orchestrator:") for p in pieces))
            for pieces in st.new_pieces
        ]
    )[:, None]
    moving = _any_units(pl, pl.to_ctr)
    own_moving = _any_units(pl, pl.to_ctr * pl.own[None])
    deep = platform_people(d) * c.learning_hours_platform_engineer * (1.0 - t.platform_familiarity)
    light = t.engineers * c.learning_hours_per_engineer * (1.0 - t.docker_familiarity)
    return np.asarray(moving * new_platform * deep + own_moving * light)


def people_on_move(d: Draws, n_options: int) -> FloatArray:
    """People working on the move at once: the team's answer, else
    clip(engineers x share + platform engineers x platform share, min, max) -- a migration squad,
    so calendar time grows with the size of the change (v1: a fixed share of everyone)."""
    t, c = d.team, d.c
    if t.migration_people is not None:
        people = t.migration_people
    else:
        derived = (
            t.engineers * c.migration_capacity_share
            + t.platform_engineers * c.platform_migration_share
        )
        people = np.clip(derived, c.min_people_on_move, c.max_people_on_move)
        people = np.minimum(people, t.engineers + t.platform_engineers)
    return np.broadcast_to(people, (n_options, d.n))


def work_items(
    pl: Placement, d: Draws, st: Structure, per_process_out: FloatArray | None = None
) -> tuple[dict[str, FloatArray], FloatArray]:
    """Every work item (options, samples) and the per-entry containerising hours (O, P, S),
    these into ``per_process_out`` when given."""
    items, per_process, _ = work_items_and_subtotal(pl, d, st, per_process_out)
    return items, per_process


def work_items_and_subtotal(
    pl: Placement, d: Draws, st: Structure, per_process_out: FloatArray | None = None
) -> tuple[dict[str, FloatArray], FloatArray, FloatArray]:
    """``work_items`` and the items' sum before the productivity dip, 0 + item_1 + ... +
    item_12 in WORK_ITEMS order: the transition hours are that sum + the dip, exactly the
    additions of summing all thirteen in order.

    Every item is multiplied by the future's ``team_factor`` f (McConnell's cone, 0.5-2x): one
    team over- or under-runs all its tasks together, so the items are correlated, and the
    ranges shown for the move are the ones the decision weighs."""
    f = d.c.team_factor
    per_process = per_process_containerise(pl, d, per_process_out, factor=f)
    volumes, data, drill = stateful_items(pl, d)
    raw: dict[str, FloatArray] = {
        "app_adaptation": app_adaptation(pl, d),
        "volumes": volumes,
        "data_migration": data,
        "backup_drill": drill,
        "composition": composition(pl, d),
        "environment_config": environment_config(pl, d, st),
        "pipeline": pipeline(pl, d, st),
        "bake_pipeline": bake_pipeline(pl, d, st),
        "platform_setup": platform_setup(d, st),
        "observability": observability(pl, d),
        "learning": learning(pl, d, st),
    }
    shape = (len(st.options), d.n)
    items: dict[str, FloatArray] = {"containerise": per_process.sum(axis=1)}
    for k, v in raw.items():
        # the items are new arrays of their own: scaled in place when full-sized
        own = v.shape == shape and v.flags.writeable and v.base is None
        items[k] = np.multiply(v, f, out=v) if own else np.multiply(v, f)
    # sum(items, zeros) added into one array: ((0 + a_1) + a_2) + ..., with 0 + a_1 as a_1 + 0
    # (IEEE addition is commutative), instead of a new array for every partial sum
    parts = iter(items.values())
    subtotal = np.add(next(parts), 0.0, out=np.empty((len(st.options), d.n)))
    for part in parts:
        subtotal += part
    items["productivity_dip"] = subtotal * d.c.productivity_dip_fraction
    shaped = {k: v if v.shape == shape else np.broadcast_to(v, shape) for k, v in items.items()}
    return shaped, per_process, subtotal
