"""Recurring effort per month, item by item (MODEL.md v2, "The cost": Recurring).

Each function returns engineer-hours per month, (options, samples). Costs per service are counts
times a per-unit figure, so more services weigh on whichever way of running them costs more per
service; incidents are today's rates less what an option prevents *relative to today's method*.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from analyzer.model.draws import Draws
from analyzer.model.infrastructure import divide_where
from analyzer.model.placement import METHODS, Placement, experience_sum
from analyzer.model.structure import (
    BAKED_CONTAINER,
    COMPOSE,
    CONFIG_MANAGEMENT,
    CONTAINER_METHOD,
    MANAGED_METHOD,
    MANAGED_ORCHESTRATOR,
    NO_ORCHESTRATOR,
    PACKAGE,
    REBAKE,
    SELF_RUN,
    Structure,
)
from analyzer.model.transition import platform_people

FloatArray = NDArray[np.float64]
WEEKS_PER_MONTH = 52.0 / 12.0
MINUTES_PER_HOUR = 60.0
SECONDS_PER_MINUTE = 60.0
MONTHS_PER_YEAR = 12.0
DAYS_PER_YEAR_MONTHS = 12.0


def _share(part: FloatArray, whole: FloatArray, out: FloatArray | None = None) -> FloatArray:
    """part / whole where whole > 0, else 0 (into ``out`` when given): a plain division when
    every whole is positive (no zeros written first)."""
    where = np.asarray(whole > 0)
    if where.all():
        return np.asarray(np.divide(part, whole, out=out))
    if out is None:
        out = np.zeros(np.broadcast_shapes(np.shape(part), np.shape(whole)))
    else:
        out[...] = 0.0
    return divide_where(part, whole, out, where)


def image_upkeep(pl: Placement, d: Draws) -> FloatArray:
    """Machine images: bake pipeline and OS patching per image, per machine-image unit.

    hours = C(n_rebake) (u + p) + C(n_long) u, C the experience sum of each entry's units
    (below; C(n) = n for single services): every unit on machine images keeps its own bake or
    packaging and host-set-up scripts (u); a unit baked per release is patched by re-baking its
    image (p), while long-lived hosts (package upgrade, config management) are patched in place,
    which ``host_patching`` counts -- charging them p as well was the v2.0 double count.

    A container baked into its own machine image, one per VM with new instances per release
    (Zalando STUPS, Coinbase Odin), is such a unit too: its own image or launch template and
    instance group per service (u; Zalando: "teams struggling with CloudFormation"), patched
    by rolling every service onto a re-baked image (p), not as shared nodes.

    Each entry's units are on the experience curve (``Placement.upkeep``, Wright 1936), as the
    transition's fleets and ``host_patching``'s hosts are: the count services of one entry are
    alike, so their bake pipeline, launch templates and monthly re-bake are learnt once and then
    run for each -- 1,000 services on one base image (STUPS's Taupage) are not 1,000 times the
    upkeep of one.
    """
    c = d.c
    baked = pl.method[BAKED_CONTAINER]
    return np.asarray(
        pl.upkeep(pl.img + baked, c.image_upkeep_hours_per_image_month)
        + pl.upkeep(pl.img * pl.method[REBAKE] + baked, c.image_patching_hours_per_image_month)
    )


def host_patching(pl: Placement, d: Draws, st: Structure) -> FloatArray:
    """Long-lived hosts patched in place (package-upgrade, config-management: re-baked hosts are
    replaced instead) and container nodes, fewer than instances (packing), less where the
    orchestrator is managed; each fleet on the experience curve (``fleet_hosts``): patching a
    thousand identical hosts is not a thousand times the work of one."""
    c = d.c
    environments = 1.0 + (st.environments - 1) * c.nonprod_instance_share
    long_lived = pl.img * (pl.method[PACKAGE] + pl.method[CONFIG_MANAGEMENT])
    hosts = pl.units(long_lived, d.proc.instances)
    managed = np.array([float(o == MANAGED_ORCHESTRATOR) for o in st.orchestrator])[:, None]
    node_share = 1.0 - managed * (1.0 - c.managed_node_patch_share)
    # baked containers are replaced with their re-baked image (image_upkeep), not patched
    nodes = pl.units(pl.ctr - pl.method[BAKED_CONTAINER], d.proc.instances) * c.container_packing
    rate = c.experience_learning_rate
    fleet = fleet_hosts(hosts, rate) + fleet_hosts(nodes, rate) * node_share
    return np.asarray(fleet * environments * c.host_patching_hours_per_host_month)


def fleet_hosts(n: FloatArray, rate: FloatArray) -> FloatArray:
    """Hosts patched, in multiples of the first: the same patch run on n identical hosts is
    learnt once and then automated, so the k-th host costs first x k^log2(r) (Wright 1936, the
    curve the transition uses for similar services); n itself up to one host."""
    n = np.asarray(n, dtype=np.float64)
    several = n > 1.0
    if not several.any():  # single hosts everywhere (the usual small team): n as it is
        return n.copy()
    if n.ndim == 2 and np.ndim(rate) <= 1:
        # the powers (the costly part) only for the options' rows with a fleet; the others
        # (no such hosts, or single ones) are n as they are
        rows = np.flatnonzero(several.any(axis=1))
        if rows.size < n.shape[0]:
            out = n.copy()
            part = n[rows]
            if several[rows].all():  # n > 1 wherever the powers are taken: max(n, 1) is n
                out[rows] = experience_sum(part, rate)
            else:
                out[rows] = np.where(
                    several[rows], experience_sum(np.maximum(part, 1.0), rate), part
                )
            return out
    return np.asarray(np.where(several, experience_sum(np.maximum(n, 1.0), rate), n))


def environment_upkeep(pl: Placement, d: Draws, st: Structure) -> FloatArray:
    """Each non-production environment kept in step with production: its hosts and images on
    machine images, only configuration with containers, in proportion to the units in each."""
    c = d.c
    share = container_share(pl)
    per_env = (
        1.0 - share
    ) * c.environment_upkeep_hours_images + share * c.environment_upkeep_hours_containers
    return np.asarray((st.environments - 1) * per_env)


def config_management(pl: Placement, d: Draws, st: Structure) -> FloatArray:
    """Config-management upkeep (the team's answer or the assumption) while it configures
    application hosts or bakes their images; a residual share for container nodes once they
    leave."""
    if not st.config_management:
        return np.zeros((len(st.options), d.n))
    managed_today = pl.units(pl.img0 * pl.method0[CONFIG_MANAGEMENT])
    if not np.any(managed_today > 0):
        managed_today = pl.units(pl.img0)  # the tool runs, but no process says it deploys by it
        managed = pl.units(pl.img * pl.img0[None])
    else:
        # a host re-baked per release keeps its roles: they run at bake time instead of on the
        # host (the Guardian's AMIgo bakes with Ansible roles)
        baked = pl.method[REBAKE] * pl.method0[CONFIG_MANAGEMENT][None]
        managed = pl.units(pl.img * (pl.method[CONFIG_MANAGEMENT] + baked))
    kept = _share(managed, managed_today)
    has_nodes = (pl.units(pl.ctr) > 0).astype(np.float64)
    left = kept + (1.0 - kept) * d.c.config_management_node_share * has_nodes
    return np.asarray(d.team.config_management_hours * left)


def container_platform(pl: Placement, d: Draws, st: Structure) -> FloatArray:
    """Base-image rebuilds and orchestrator work per container unit, each entry's units on the
    experience curve (``Placement.upkeep``, as ``image_upkeep``), plus the orchestrator's own
    upgrades and on-call (compose, managed, self-run: self-run Kubernetes is a team's work)."""
    c = d.c
    units = pl.units(pl.ctr)
    per_unit = c.base_image_rebuild_hours_per_image_month + c.orchestrator_hours_per_service_month
    fixed = {
        NO_ORCHESTRATOR: np.zeros(d.n),
        COMPOSE: c.compose_upkeep_hours_month,
        MANAGED_ORCHESTRATOR: c.managed_orchestrator_upkeep_hours_month,
        SELF_RUN: c.selfrun_orchestrator_upkeep_hours_month,
    }
    orch = np.stack([fixed[o] for o in st.orchestrator])
    # an orchestrator that runs today is run (and paid for) under every option that keeps it
    running = np.array(
        [float(o == st.orchestrator_today != NO_ORCHESTRATOR) for o in st.orchestrator]
    )
    return np.asarray(pl.upkeep(pl.ctr, per_unit) + np.maximum(units > 0, running[:, None]) * orch)


def _per_method_units(pl: Placement, values: dict[str, FloatArray | float]) -> FloatArray:
    """sum_p values[target method of p] x n[p] -> (O, S): each entry's figure under its target
    method times its units, summed over the entries in entry order; each product worked out
    once, only for the (method, entry) pairs the options use (``_picked_sum``'s sums)."""
    index = pl.method_index(tuple(values))
    rows = [np.zeros(1)] + [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in values.values()]
    products: dict[tuple[int, int], FloatArray] = {}

    def term(k: int, p: int) -> FloatArray:
        if (k, p) not in products:
            products[k, p] = pl.times_n(rows[k], p)
        return products[k, p]

    return _picked_terms(index, term, pl.n.shape[-1])


def _per_method_today_units(pl: Placement, values: dict[str, FloatArray | float]) -> FloatArray:
    """sum_p values[today's method of p] x n[p] -> (S,), summed in entry order: the sums of
    ``(_pick(today's index, values) * n).sum(axis=0)`` without its (P, S) table and product."""
    index = pl.method_index(tuple(values), today=True).tolist()
    if len(index) < 2:
        return np.asarray((_pick(np.asarray(index, dtype=np.intp), values) * pl.n).sum(axis=0))
    rows = [np.zeros(1)] + [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in values.values()]
    out = np.add(pl.times_n(rows[index[0]], 0), pl.times_n(rows[index[1]], 1))
    for p in range(2, len(index)):
        out += pl.times_n(rows[index[p]], p)
    return out


def _pick(index: NDArray[np.intp], values: dict[str, FloatArray | float]) -> FloatArray:
    """sum_m mask_m x values[m] (0 where no method of ``values`` applies) as one lookup: the
    methods' 0/1 masks do not overlap (an entry has one method), so the sum is the value of the
    entry's own method, taken from a table of rows instead of a multiply and an add per method
    over (O, P, S). ``index``: 1 + each entry's method's position in ``values``, 0 for none."""
    rows = [np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in values.values()]
    table = np.zeros((len(rows) + 1, max(r.shape[-1] for r in rows)))
    for i, row in enumerate(rows, start=1):
        table[i] = row
    return np.asarray(table[index])


def _picked_terms(
    choice: NDArray[np.intp], term: Callable[[int, int], FloatArray], n: int
) -> FloatArray:
    """sum_p term(choice[o, p], p) -> (O, n), added entry by entry into each option's row in
    ``_picked_sum``'s order (so its bits), each term asked for only where an option picks it
    (``term`` may compute it then, once)."""
    n_opt, n_p = choice.shape
    out = np.zeros((n_opt, n))
    if n_p == 0:
        return out
    for row, picks in zip(out, choice.tolist(), strict=True):
        if n_p == 1:
            row[...] = term(picks[0], 0)
            continue
        np.add(term(picks[0], 0), term(picks[1], 1), out=row)
        for p in range(2, n_p):
            row += term(picks[p], p)
    return out


def _picked_sum(choice: NDArray[np.intp], table: FloatArray) -> FloatArray:
    """sum_p table[choice[o, p], p] -> (O, S), for ``table`` (K, P, S): each entry's row picked
    by its choice and added, entry by entry, into the option's row -- the sums of
    ``table[choice, arange(P)].sum(axis=1)`` (the same order, so the same bits) without its
    (O, P, S) temporary. (A 0/1 picking matrix times the rows, one BLAS call, is slower at these
    sizes and may add in another order.)"""
    n_opt, n_p = choice.shape
    out = np.zeros((n_opt, table.shape[-1]))
    if n_p == 0:
        return out
    for row, picks in zip(out, choice.tolist(), strict=True):
        if n_p == 1:
            row[...] = table[picks[0], 0]
            continue
        np.add(table[picks[0], 0], table[picks[1], 1], out=row)
        for p in range(2, n_p):
            row += table[picks[p], p]
    return out


def delivery(pl: Placement, d: Draws, st: Structure) -> FloatArray:
    """Deploys x (hands-on + waiting for a bake and the new instances' boot where the method
    bakes and replaces instances) and failed deploys once, with rollback speed by method; team
    deploys are shared over own-code units.

    Hands-on time scales by the target method's effort relative to today's (the answer measures
    today's). A re-baked image is already a pushed artifact rolled out by the pipeline, so it
    counts the container effort: moving it into a container changes its hands-on time by nothing.

    A team that deploys many times a day per service does it through an automated pipeline
    (DORA, Accelerate 2018 ch. 5): nobody watches each bake, and the default hands-on time (a
    manually run release) does not describe it. Manual share m = h / (h + production deploys a
    week per own-code unit) (DORA counts per application or service), h =
    ``manual_deploy_half_per_week``. A bake (or an image build) is waited for on the attended
    share m of production deploys; the hands-on minutes are the team's answer when given (its
    own measurement of today), else the default times m. A failed deploy is rolled back by the
    method's own steps on the manual share m, by redeploying the previous artifact (the
    container figure) on the rest. Non-production deploys run from CI unattended.
    """
    c, dl = d.c, d.delivery
    deploys = dl.prod_deploys_per_week * WEEKS_PER_MONTH
    nonprod = dl.nonprod_deploys_per_week * WEEKS_PER_MONTH
    own_units = pl.units(pl.own)
    weight = _share(pl.n * pl.own[:, None], own_units)  # (P, S)
    ctr = c.deploy_effort_factor_container
    effort: dict[str, FloatArray | float] = {
        PACKAGE: 1.0,
        REBAKE: ctr,
        CONFIG_MANAGEMENT: 1.0,
        CONTAINER_METHOD: ctr,
        BAKED_CONTAINER: ctr,
        MANAGED_METHOD: ctr,
    }
    per_service = _share(dl.prod_deploys_per_week, own_units)  # DORA counts per service
    manual = c.manual_deploy_half_per_week / (c.manual_deploy_half_per_week + per_service)  # (S,)
    hands_on = dl.hands_on_minutes_per_deploy * (1.0 if st.hands_on_answered else manual)
    bake = dl.image_bake_minutes
    # a release on a new image replaces instances: it waits for them to boot as well as for the
    # bake (Zalando STUPS, "it takes time to spin up new EC2 instances, which affects our
    # deployment velocity"; Coinbase Odin, "every deploy needs completely new hosts")
    boot = c.machine_boot_seconds / SECONDS_PER_MINUTE
    wait: dict[str, FloatArray | float] = {
        REBAKE: bake + boot,
        CONTAINER_METHOD: c.container_build_minutes,
        BAKED_CONTAINER: bake + c.container_build_minutes + boot,
    }
    rollback: dict[str, FloatArray | float] = {
        PACKAGE: c.rollback_hours_package,
        REBAKE: c.rollback_hours_rebake,
        CONFIG_MANAGEMENT: c.rollback_hours_config_management,
        CONTAINER_METHOD: c.rollback_hours_containers,
        BAKED_CONTAINER: c.rollback_hours_rebake,
        MANAGED_METHOD: c.rollback_hours_containers,
    }
    # An entry's hours a deploy depend only on its target method and today's (the effort
    # ratio): worked out once per pair the options use, (S,) each, then weighted by each entry's
    # share and added up entry by entry -- instead of (O, P, S) term by term; the same arithmetic
    # element by element, the same order.
    index = pl.method_index(METHODS)  # (O, P): 0 none, else 1 + the position in METHODS
    today_index = pl.method_index(METHODS, today=True)  # (P,)
    hands = deploys * hands_on / MINUTES_PER_HOUR
    unattended = nonprod * c.nonprod_minutes_per_deploy / MINUTES_PER_HOUR
    failed = deploys * dl.failed_deploy_rate
    rb_ctr = np.asarray(c.rollback_hours_containers)
    n = d.n

    def figure(i: int) -> FloatArray | float:
        return effort.get(METHODS[i - 1], 0.0) if i > 0 else 0.0

    rows: dict[tuple[int, int], FloatArray] = {}
    # the waits and rollbacks depend on the target method only: once per method
    by_method: dict[int, tuple[FloatArray, FloatArray]] = {}
    # hands-on hours a deploy depend on the two methods' effort figures only: once per pair of
    # figures (several methods share one)
    handled: dict[tuple[object, object], FloatArray] = {}

    def key(x: FloatArray | float) -> object:
        return ("array", id(x)) if isinstance(x, np.ndarray) else ("float", x)

    for i, t in set(zip(index.ravel().tolist(), np.tile(today_index, index.shape[0]).tolist(), strict=True)):
        method = METHODS[i - 1] if i > 0 else ""
        pair = (key(figure(i)), key(figure(t)))
        if pair not in handled:
            ratio = figure(i) / np.maximum(np.broadcast_to(np.asarray(figure(t), dtype=np.float64), (n,)), 1e-9)
            handled[pair] = np.asarray(hands * ratio + unattended * ratio)
        if i not in by_method:
            # an automated pipeline rolls back by deploying the previous artifact, whatever
            # the method: only the manual share keeps the method's own steps (downgrade on
            # every host, re-run...)
            back = manual * rollback.get(method, 0.0) + (1.0 - manual) * rb_ctr
            waited = (
                deploys * wait.get(method, 0.0) / MINUTES_PER_HOUR * c.bake_attention_share * manual
            )
            by_method[i] = (np.asarray(waited), np.asarray(failed * back))
        waited, failing = by_method[i]
        rows[i, t] = np.broadcast_to(handled[pair] + waited + failing, (n,))
    out = np.zeros((index.shape[0], n))
    if index.shape[1] == 0:  # no process entries
        return out
    shares: dict[tuple[int, int, int], FloatArray] = {}  # an entry's hours: once per option alike

    def share(i: int, p: int) -> FloatArray:
        key = (i, int(today_index[p]), p)
        if key not in shares:
            shares[key] = rows[key[:2]] * weight[p]
        return shares[key]

    for acc, picks in zip(out, index.tolist(), strict=True):
        np.multiply(rows[picks[0], int(today_index[0])], weight[0], out=acc)
        for p in range(1, len(picks)):
            acc += share(picks[p], p)  # each entry's share
    return out


def _protection(pl: Placement, d: Draws, category: str) -> tuple[FloatArray, FloatArray]:
    """Unit-weighted share of a category prevented relative to in-place upgrades: (O, S), (S,).

    The methods are ordered: a container prevents at least what an immutable per-release image
    does, and a managed service at least what a container does (max of the sampled shares), so an
    independent draw cannot make containers drift more than the images they replace.
    """
    c = d.c
    if category == "environment_drift":
        cm, rebake = c.drift_prevented_config_management, c.drift_prevented_rebake
        ctr = np.maximum(c.drift_prevented_container, np.maximum(rebake, cm))
        managed = np.maximum(c.drift_prevented_managed, ctr)
    else:
        cm, rebake = c.dependency_prevented_config_management, c.dependency_prevented_rebake
        ctr = np.maximum(c.dependency_prevented_container, np.maximum(rebake, cm))
        managed = np.maximum(c.dependency_prevented_managed, ctr)
    table: dict[str, FloatArray | float] = {
        PACKAGE: 0.0,
        REBAKE: rebake,
        CONFIG_MANAGEMENT: cm,
        CONTAINER_METHOD: ctr,
        BAKED_CONTAINER: ctr,
        MANAGED_METHOD: managed,
    }
    units = pl.units(pl.entries)  # (S,)
    target = _per_method_units(pl, table)
    today = _per_method_today_units(pl, table)
    return _share(target, units), _share(today, units)


#: Categories whose rate an option changes relative to today; the rest cost the same everywhere.
CHANGED_CATEGORIES: tuple[str, ...] = (
    "environment_drift",
    "dependency",
    "co_location",
    "failed_deploy",
)


def incident_factor(pl: Placement, d: Draws, category: str) -> FloatArray:
    """(O, S) multiplier of one category's rate under each option, relative to today.

    Drift and dependency: (1 - P_o)/(1 - P_today), P the unit-weighted share the methods prevent
    (immutable per-release images already prevent most drift). Co-location: (1 - i c_o)/(1 - i
    c_today), c the share of co-located units in containers. Failed deploys: 0, because they are
    costed once, in delivery. Other categories: 1.
    """
    n_opt = pl.img.shape[0]
    if category in ("environment_drift", "dependency"):
        target, today = _protection(pl, d, category)
        return np.asarray((1.0 - target) / np.maximum(1.0 - today, 1e-9))
    if category == "co_location":
        iso = d.c.isolation_prevented_container
        coloc = pl.units(pl.co_located)
        share_o = _share(pl.units(pl.ctr * pl.co_located[None]), coloc)
        share_0 = _share(pl.units(pl.ctr0 * pl.co_located), coloc)
        return np.asarray((1.0 - iso * share_o) / np.maximum(1.0 - iso * share_0, 1e-9))
    if category == "failed_deploy":
        return np.zeros((n_opt, d.n))
    return np.ones((n_opt, d.n))


def incidents(
    pl: Placement, d: Draws, st: Structure,
    out: tuple[FloatArray | None, FloatArray | None] = (None, None),
) -> tuple[FloatArray, FloatArray]:
    """(incident hours per month, drift incident hours per month), both (O, S) (into ``out``
    where given).

    sum_c rate_c x factor_oc x (restore x people + follow-up), plus what the option adds:
    incidents a year per unit moved into a container (configuration) and per stateful one
    (volumes), and the orchestrator's own incidents where the target runs one today lacks.
    """
    c = d.c
    per_incident = (
        d.incidents.hours_to_restore * d.incidents.people_per_incident + c.incident_follow_up_hours
    )
    rates = d.incidents.rates
    # row by row, in category order: ``rates.sum(axis=0)`` lets numpy pick the loop order by the
    # array's shape (8 categories summed pairwise for a short block), so blocks of different
    # sizes would round differently in the last bit
    today = np.zeros(d.n)  # the same sum for every option: added once, (S,), then broadcast
    for row in rates:
        today += row
    rate = np.broadcast_to(today, (len(st.options), d.n))  # (O, S), read-only until replaced
    drift = np.zeros((len(st.options), d.n))
    for cat in CHANGED_CATEGORIES:
        if cat not in st.categories:
            continue
        r = rates[st.categories.index(cat)]
        if cat == "failed_deploy":  # factor 0: r x (0 - 1) is -r, and a + (-r) is a - r exactly
            rate = rate - r
            continue
        factor = incident_factor(pl, d, cat)
        rate = rate + r * (factor - 1.0)
        if cat == "environment_drift":
            drift = r * factor
    moved_ctr = pl.units(pl.to_ctr)
    moved_stateful = pl.units(pl.to_ctr * pl.stateful[None])
    rate = (
        rate
        + (d.adds_per_process * moved_ctr + d.adds_per_stateful * moved_stateful) / MONTHS_PER_YEAR
    )
    drift = (
        drift
        + (d.adds_drift_per_process * moved_ctr + d.adds_drift_per_stateful * moved_stateful)
        / MONTHS_PER_YEAR
    )
    by_kind = {
        MANAGED_ORCHESTRATOR: c.orchestrator_incidents_per_year_managed,
        SELF_RUN: c.orchestrator_incidents_per_year_selfrun,
    }
    for i, o in enumerate(st.orchestrator):
        if o != st.orchestrator_today and o in by_kind:
            rate[i] = rate[i] + by_kind[o] / MONTHS_PER_YEAR
    return (
        np.asarray(np.multiply(rate, per_incident, out=out[0])),
        np.asarray(np.multiply(drift, per_incident, out=out[1])),
    )


def container_share(pl: Placement, own_only: bool = False) -> FloatArray:
    """(O, S) share of (own-code) units in containers under each option; computed once per
    placement (five cost functions read it): treat it as read-only."""
    key = "container_share_own" if own_only else "container_share"
    if key not in pl.memo:
        mask = pl.own if own_only else pl.entries
        pl.memo[key] = _share(pl.units(pl.ctr * mask[None]), pl.units(mask))
    return pl.memo[key]


def dev_environments(pl: Placement, d: Draws) -> tuple[FloatArray, FloatArray]:
    """(dev environments and onboarding, works-on-my-machine part), (O, S).

    hires/12 x (set-up base + per process entry, by where it runs), growing with the services and
    data stores a developer runs; plus engineers x works-on-my-machine time, less what containers
    remove in proportion to the units in them."""
    c, t = d.c, d.team
    share = container_share(pl)
    base = (1.0 - share) * c.dev_env_setup_hours_images + share * c.dev_env_setup_hours_containers
    entries_img = pl.img @ pl.entries
    entries_ctr = (pl.ctr + pl.mgd) @ pl.entries
    per_hire = (
        base
        + entries_img[:, None] * c.dev_env_hours_per_process_images
        + entries_ctr[:, None] * c.dev_env_hours_per_process_containers
    )
    womm = (
        t.engineers
        * c.works_on_my_machine_hours_per_engineer_month
        * (1.0 - c.womm_reduction_container * share)
    )
    return np.asarray(t.hires_per_year / MONTHS_PER_YEAR * per_hire + womm), np.asarray(womm)


def new_services(pl: Placement, d: Draws, st: Structure) -> FloatArray:
    """New services a year (``new_services_per_year``) / 12 x (set-up + days waited x hours lost
    a day), by the platform new services land on: containers where the own code mostly runs in
    containers (self-service cuts the wait to a share of today's), machine images otherwise."""
    c, t = d.c, d.team
    own_ctr = container_share(pl, own_only=True)  # (O, S)
    own_units = pl.units(pl.own)
    today_ctr = _share(pl.units(pl.ctr0 * pl.own), own_units)  # (S,)
    on_ctr = (own_ctr >= 0.5).astype(np.float64)
    today_on_ctr = (today_ctr >= 0.5).astype(np.float64)
    setup = (
        on_ctr * c.new_service_setup_hours_containers
        + (1.0 - on_ctr) * c.new_service_setup_hours_images
    )
    # the wait the team states is today's; a platform new to the team shortens it
    gained = on_ctr * (1.0 - today_on_ctr)
    wait_share = 1.0 - gained * (1.0 - c.new_service_wait_share_containers)
    waiting = t.new_service_wait_days * wait_share * c.new_service_wait_hours_per_day
    return np.asarray(new_services_per_year(pl, d) / MONTHS_PER_YEAR * (setup + waiting))


def new_services_per_year(pl: Placement, d: Draws) -> FloatArray:
    """The team's answer, else its own services today x ``new_service_share_per_year`` (an
    estate grows with its size), (S,)."""
    if d.team.new_services_per_year is not None:
        return d.team.new_services_per_year
    return np.asarray(pl.units(pl.own) * d.c.new_service_share_per_year)


def scale_out(
    pl: Placement, d: Draws, start_out: FloatArray | None = None
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(manual scale-out hours, event-weighted start seconds, relevance): hours only where scaling
    is by hand (automatic scaling costs money, the infrastructure module's); start-up is boot
    (+ provisioning at boot for in-place hosts) + application start on machine images, against
    (a node boot when no spare capacity) + image pull + container start + application start.
    ``start_out``: where to put the start seconds (None: a new array)."""
    c = d.c
    # the entry's events a month over all the services it stands for (the questionnaire's
    # ``scale_out_events_per_month``), as the decision's lag counts them; none for an embedded
    # file (entries 0; x 1 everywhere else is left out)
    events = d.proc.scale_out_events_per_month  # (P, S)
    if not bool(np.all(pl.entries == 1.0)):
        events = events * pl.entries[:, None]
    manual = events * pl.manual[:, None]
    # the masks are 0/1, so the blend ctr f + (1 - ctr) is f in containers and exactly 1
    # elsewhere: each entry's hours are manual x f or manual, picked instead of blended
    in_ctr = (pl.ctr > 0).astype(np.intp)
    scaled = manual * c.scale_out_effort_factor_container
    both = (manual, scaled)
    n = events.shape[-1]
    hours = _picked_terms(in_ctr, lambda k, p: both[k][p], n) * c.scale_out_hours_per_event
    app = d.proc.startup_seconds
    boot = c.machine_boot_seconds
    # start-up by kind: image host, image host provisioned at boot (package upgrade, config
    # management), container on shared nodes, container baked into its own image (boots an
    # instance for every scale-out); each entry's kind picked by its 0/1 masks (the blends
    # m a + (1 - m) b of the formula, exactly). A kind's figure before the application's
    # start is the same for every entry, (S,); an entry's term, (head + app) x events
    # (x entries, which is 1 but for embedded files: x 1 changes nothing), is worked out
    # only for the (kind, entry) pairs the options pick.
    heads: dict[int, Callable[[], FloatArray]] = {
        0: lambda: boot + 0.0,  # + 0.0: the formula's zero provisioning, added the same way
        1: lambda: boot + c.boot_provisioning_seconds,
        2: lambda: (1.0 - c.spare_capacity_share) * boot + c.image_pull_seconds
        + c.container_start_seconds,
        3: lambda: boot + c.image_pull_seconds + c.container_start_seconds,
    }
    shape = np.broadcast_shapes(np.shape(app), events.shape)
    apps, counts = np.broadcast_to(app, shape), np.broadcast_to(events, shape)
    head: dict[int, FloatArray] = {}
    terms: dict[tuple[int, int], FloatArray] = {}

    def term(k: int, p: int) -> FloatArray:
        if (k, p) not in terms:
            if k not in head:
                head[k] = heads[k]()
            x = head[k] + apps[p]
            x *= counts[p]
            if pl.entries[p] != 1.0:
                x *= pl.entries[p]
            terms[k, p] = x
        return terms[k, p]

    provisioned = (pl.method[PACKAGE] + pl.method[CONFIG_MANAGEMENT]) > 0
    kind = np.where(
        pl.ctr > 0, np.where(pl.method[BAKED_CONTAINER] > 0, 3, 2), np.where(provisioned, 1, 0)
    )  # (O, P)
    weighted = _picked_terms(kind, term, shape[-1])
    every = bool(np.all(pl.entries == 1.0))
    total = (events if every else events * pl.entries[:, None]).sum(axis=0)
    where = total > 0
    if start_out is None:
        start_out = np.ones_like(weighted)
    elif not where.all():
        start_out[...] = 1.0
    mean_start = divide_where(weighted, total, start_out, where)
    relevance = total / (total + c.scale_out_events_half)
    return np.asarray(hours), np.asarray(mean_start), np.asarray(relevance)


def tooling_overhead(pl: Placement, d: Draws) -> FloatArray:
    """Debugging one layer further away, for product engineers whose code runs in containers;
    familiarity shrinks it to ``debug_overhead_expert_fraction``."""
    c, t = d.c, d.team
    shrink = 1.0 - (1.0 - c.debug_overhead_expert_fraction) * t.docker_familiarity
    per_engineer = c.container_debug_overhead_hours_per_engineer_month * shrink
    return np.asarray(t.engineers * per_engineer * container_share(pl, own_only=True))


def team_fit(pl: Placement, d: Draws, out: FloatArray | None = None) -> FloatArray:
    """Unit-weighted familiarity with where the units run: the team's machine-image fluency on
    images and managed services, the product and platform people's container familiarity in
    containers (no option is 1 by construction)."""

    t = d.team
    people = platform_people(d)
    fam = (t.engineers * t.docker_familiarity + people * t.platform_familiarity) / (
        t.engineers + people
    )
    share = container_share(pl)
    return np.asarray(np.add((1.0 - share) * d.c.image_familiarity, share * fam, out=out))


def portability(pl: Placement, d: Draws, out: FloatArray | None = None) -> FloatArray:
    """Unit-weighted portability of where the units run (into ``out`` when given)."""
    c = d.c
    units = pl.units(pl.entries)
    score = (
        pl.units(pl.img) * c.portability_machine_image
        + pl.units(pl.ctr) * c.portability_container
        + pl.units(pl.mgd) * c.portability_managed
    )
    return _share(score, units, out)
