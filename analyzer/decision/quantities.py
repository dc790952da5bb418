"""What the decision reads from the model: the one place that knows the model's names.

Every criterion is computed from the quantities below. Where today's model lacks a quantity the
v2 model will have (calendar months of the move, people on it, stateful migrations, which
processes each option containerises, minutes of scale-out lag), it is derived here from what
exists, so the integrator re-points these functions and nothing else. Model attributes read:

- ``Structure``: ``option_names``, ``status_quo``, ``contained[o][p]``, ``processes[p].stateful``,
  ``processes[p].managed``, ``processes[p].name``, ``horizon_months`` (via ``dataclasses.replace``).
- ``Outputs``: ``npv_hours``, ``transition_hours``, ``migration_months``, ``incident_hours``,
  ``drift_hours``, ``start_seconds``, ``capacity_hours``, ``capacity_npv_hours``, ``portability``,
  ``recurring`` / ``recurring_hours``.
- values: ``team.engineers``, ``team.docker_familiarity``, ``team.hires_per_year``,
  ``assumptions.migration_capacity_share``, ``processes.<name>.scale_out_events_per_month``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np
from numpy.typing import NDArray

from analyzer.model.core import Outputs, Structure, evaluate
from analyzer.model.draws import hires_per_year

FloatArray = NDArray[np.float64]
MONTHS_PER_YEAR = 12.0
SECONDS_PER_MINUTE = 60.0


def containerised(st: Structure) -> tuple[frozenset[str], ...]:
    """Per option, the names of the processes it runs in containers."""
    return tuple(
        frozenset(p.name for p, c in zip(st.processes, inside, strict=True) if c)
        for inside in st.contained
    )


def option_groups(st: Structure) -> tuple[int, ...]:
    """Per option, the index of the first option that leads to the same state: the same
    processes in containers, every process delivered by the same method.

    Two such options are one choice for the headline (MODEL.md "The decision"): Docker and the
    hybrid when every data store is managed; "stay" and "bake images per release" for a team
    that already bakes. An embedded file's method is left out: it has none of its own (it
    ships inside the process it lives in), so the options' labels for it told apart two
    options that run and ship everything the same way."""
    own = [i for i, p in enumerate(st.processes) if not p.embedded]
    keys = [(s, tuple(m[i] for i in own)) for s, m in zip(containerised(st), st.method,
                                                          strict=True)]
    return tuple(keys.index(k) for k in keys)


def container_share(st: Structure) -> FloatArray:
    """Per option, the share of the team's own (not managed) processes it runs in containers."""
    own = [i for i, p in enumerate(st.processes) if not p.managed]
    if not own:
        return np.zeros(len(st.options))
    return np.array([sum(inside[i] for i in own) / len(own) for inside in st.contained])


def rebake_new_share(st: Structure) -> FloatArray:
    """Per option, the share of the team's own (not managed) processes it delivers by baking an
    image per release when today they ship another way (new skills: the bake, instance
    replacement)."""
    own = [i for i, p in enumerate(st.processes) if not p.managed]
    if not own:
        return np.zeros(len(st.options))
    return np.array([
        sum(row[i] == "rebake-image" != st.processes[i].method for i in own) / len(own)
        for row in st.method
    ])


def changed_share(st: Structure) -> FloatArray:
    """Per option, the share of own processes whose way of running differs from today's."""
    own = [i for i, p in enumerate(st.processes) if not p.managed]
    today = st.contained[st.status_quo]
    if not own:
        return np.zeros(len(st.options))
    return np.array([sum(inside[i] != today[i] for i in own) / len(own) for inside in st.contained])


def stateful_migrations(st: Structure) -> FloatArray:
    """Per option, stateful processes that move into containers and are not in one today."""
    today = st.contained[st.status_quo]
    return np.array(
        [
            float(sum(1 for p, c, t in zip(st.processes, inside, today, strict=True)
                      if c and not t and p.stateful))
            for inside in st.contained
        ]
    )


def transition_months(out: Outputs) -> FloatArray:
    """Calendar months the move takes, (O, S); zero for an option equal to today."""
    return np.asarray(out.migration_months)


def scale_out_events(values: Mapping[str, FloatArray], st: Structure) -> FloatArray:
    """Scale-out events a month over every process, (S,) or scalar: each entry's own figure,
    over all the services it stands for, as the model counts them (``recurring.scale_out``); an
    embedded file never scales out on its own."""
    total: FloatArray = np.zeros(1)
    for p in st.processes:
        if not p.embedded:
            total = total + values[f"processes.{p.name}.scale_out_events_per_month"]
    return total


def new_services_per_year(values: Mapping[str, FloatArray], st: Structure) -> FloatArray:
    """The team's answer, else its own services today x ``new_service_share_per_year``, as the
    model counts them (``recurring.new_services_per_year``), (S,) or scalar."""
    if "team.new_services_per_year" in values:
        return values["team.new_services_per_year"]
    own = st.process_mask("own")
    services: FloatArray = np.zeros(1)
    for p, mine in zip(st.processes, own, strict=True):
        if mine:
            services = services + values[f"processes.{p.name}.count"]
    return np.asarray(services * values["assumptions.new_service_share_per_year"])


def scale_out_lag_minutes(
    out: Outputs, values: Mapping[str, FloatArray], st: Structure
) -> FloatArray:
    """Minutes a month during which added capacity is not yet serving: events x start-up, (O, S)."""
    return np.asarray(out.start_seconds * scale_out_events(values, st) / SECONDS_PER_MINUTE)


def team_inputs(values: Mapping[str, FloatArray]) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(engineers, container familiarity 0-1, hires a year), each (S,) or scalar.

    The familiarity is the whole team's, as the model's team fit weighs it: product engineers at
    ``docker_familiarity`` and platform engineers at ``platform_familiarity`` (their answer, else
    ``docker_familiarity``), F = (E F_d + P F_p) / (E + P); the platform people are the ones who
    run the orchestrator, so a platform team that runs containers today counts."""
    engineers = values["team.engineers"]
    product = values["team.docker_familiarity"]
    platform = values.get("team.platform_engineers", np.zeros(1))
    platform_fam = values.get("team.platform_familiarity", product)
    team = engineers + platform
    familiarity = np.divide(
        engineers * product + platform * platform_fam, team,
        out=np.asarray(product * np.ones_like(team), dtype=np.float64), where=team > 0,
    )
    return engineers, familiarity, hires_per_year(values)


def at_horizon(st: Structure, months: int) -> Structure:
    """The same run compared over another horizon."""
    return dataclasses.replace(st, horizon_months=int(months))


def evaluate_at_horizon(values: Mapping[str, FloatArray], st: Structure, months: int) -> Outputs:
    return evaluate(values, at_horizon(st, months))
