"""The cost model's per-sample arithmetic in plain Python floats: the honest baseline for the
speed-up of vectorising (issue 20, benchmarks/bench_model.py).

``evaluate_sample(values, plan)`` computes, for ONE sample (a mapping ``name -> float``), what
``analyzer.model.core.evaluate`` computes for that sample with numpy over all samples: the work
items, the recurring components, the infrastructure money of today and of every option, and the
horizon figures (NPV, total, saving, break-even) in hours and in money. Loops run over options and
process entries; every formula is the one of the vectorised module named beside it
(transition.py, recurring.py, money.py, infrastructure.py, core.py). tests/test_plain_model.py
checks that both give the same outputs for the same drawn inputs.

Left out, so the baseline does less than ``evaluate`` (the speed-up printed is a lower bound):
the criteria-only outputs (start seconds, scale-out relevance, portability, team fit, drift
hours, services moved) and the per-entry containerise hours as an output of their own. The
features the bench's questionnaire (the seed team) does not use -- automatic scaling (scale-out
headroom), own hardware, serverless -- are refused (``PlainPlan.of`` raises), not approximated.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from analyzer.model.core import MONTHS_PER_YEAR, RECURRING, Structure
from analyzer.model.money import CLUSTERS, COMPOSE, MIN_CLUSTER_HOSTS
from analyzer.model.options import WORK_ITEMS
from analyzer.model.prices import host_type
from analyzer.model.recurring import (
    CHANGED_CATEGORIES,
    MINUTES_PER_HOUR,
    SECONDS_PER_MINUTE,
    WEEKS_PER_MONTH,
)
from analyzer.model.structure import (
    BAKED_CONTAINER,
    CONFIG_MANAGEMENT,
    CONTAINER,
    CONTAINER_METHOD,
    MACHINE_IMAGE,
    MANAGED,
    MANAGED_METHOD,
    MANAGED_ORCHESTRATOR,
    NO_ORCHESTRATOR,
    PACKAGE,
    REBAKE,
    SELF_RUN,
)

Row = list[float]
METHODS = (PACKAGE, REBAKE, CONFIG_MANAGEMENT, CONTAINER_METHOD, BAKED_CONTAINER, MANAGED_METHOD)
INFRA_ITEMS = (
    "machine_images",
    "container_hosts",
    "serverless",
    "managed_services",
    "control_plane",
    "registry",
    "transfer",
    "load_balancers",
    "ci",
    "platform_people",
)


@dataclass(frozen=True)
class PlainPlan:
    """What is fixed for a run, as plain lists: masks [option][process] and [process]."""

    names: tuple[str, ...]
    options: tuple[str, ...]
    categories: tuple[str, ...]
    sq: int
    embedded: Row
    img: list[Row]
    ctr: list[Row]
    mgd: list[Row]
    img0: Row
    ctr0: Row
    mgd0: Row
    own: Row
    stateful: Row
    co_located: Row
    manual: Row
    entries: Row
    method: dict[str, list[Row]]
    method0: dict[str, Row]
    method_of: tuple[tuple[str, ...], ...]  # [option][process]: the target method ("" embedded)
    method0_of: tuple[str, ...]
    orchestrator: tuple[str, ...]
    orchestrator_today: str
    new_pieces: tuple[tuple[str, ...], ...]
    environments: float
    config_management: bool
    hands_on_answered: bool
    rebakes_today: bool
    horizon: float
    delta: float
    # money
    price_provider: str
    instance_keys: tuple[str, ...]  # prices.<type> per process
    host_keys: tuple[str, ...]  # per state (today, then options)
    host_vcpu: Row
    host_memory_gib: Row
    vcpu: Row
    memory_gib: Row
    host_share: Row
    state_orchestrators: tuple[str, ...]

    @staticmethod
    def of(st: Structure) -> PlainPlan:
        mp = st.money
        if mp is None:
            raise ValueError("the structure has no money plan")
        if mp.autoscaling.any() or mp.provider == "own-hardware":
            raise ValueError("plain_model: automatic scaling and own hardware are not ported")
        rows = lambda a: [[float(x) for x in r] for r in a]  # noqa: E731
        row = lambda a: [float(x) for x in a]  # noqa: E731
        hosts = [
            mp.compose_host if o == COMPOSE else host_type(mp.book, mp.provider)
            for o in mp.orchestrators
        ]
        return PlainPlan(
            names=tuple(p.name for p in st.processes),
            options=st.option_names,
            categories=st.categories,
            sq=st.status_quo,
            embedded=[float(p.embedded) for p in st.processes],
            img=rows(st.mask(MACHINE_IMAGE)),
            ctr=rows(st.mask(CONTAINER)),
            mgd=rows(st.mask(MANAGED)),
            img0=row(st.today_mask(MACHINE_IMAGE)),
            ctr0=row(st.today_mask(CONTAINER)),
            mgd0=row(st.today_mask(MANAGED)),
            own=row(st.process_mask("own")),
            stateful=row(st.process_mask("stateful")),
            co_located=row(st.process_mask("co_located")),
            manual=row(st.process_mask("manual")),
            entries=row(st.process_mask("any")),
            method={m: rows(st.method_mask(m)) for m in METHODS},
            method0={m: row(st.today_method_mask(m)) for m in METHODS},
            method_of=tuple(
                tuple("" if p.embedded else m for m, p in zip(r, st.processes, strict=True))
                for r in st.method
            ),
            method0_of=tuple("" if p.embedded else p.method for p in st.processes),
            orchestrator=st.orchestrator,
            orchestrator_today=st.orchestrator_today,
            new_pieces=st.new_pieces,
            environments=float(st.environments),
            config_management=st.config_management,
            hands_on_answered=st.hands_on_answered,
            rebakes_today=st.rebakes_today,
            horizon=float(st.horizon_months),
            delta=math.log1p(st.discount_rate_annual) / MONTHS_PER_YEAR,
            price_provider=mp.book.price_provider(mp.provider),
            instance_keys=tuple(f"prices.{t}" for t in mp.instance_types),
            host_keys=tuple(f"prices.{h}" for h in hosts),
            host_vcpu=[float(mp.book.size(h).vcpu) for h in hosts],
            host_memory_gib=[float(mp.book.size(h).memory_gib) for h in hosts],
            vcpu=row(mp.vcpu.ravel()),
            memory_gib=row(mp.memory_gib.ravel()),
            host_share=row(mp.host_share.ravel()),
            state_orchestrators=mp.orchestrators,
        )


def _share(part: float, whole: float) -> float:
    return part / whole if whole > 0 else 0.0


def experience_sum(n: float, rate: float) -> float:
    """placement.experience_sum for one value."""
    n = max(n, 1.0)
    b = math.log2(rate)
    nb = n**b
    return (n * nb - 1.0) / (b + 1.0) + (1.0 + nb) / 2.0 + b * (nb / n - 1.0) / 12.0


def _discounted(x: float, delta: float) -> float:
    return x if delta == 0.0 else -math.expm1(-delta * x) / delta


def _ramp_discounted(x: float, delta: float) -> float:
    if delta == 0.0:
        return x * x / 2.0
    return (1.0 - math.exp(-delta * x) * (1.0 + delta * x)) / (delta * delta)


def _totals(trans: Row, months: Row, rec: Row, sq: int, h: float, delta: float) -> tuple[Row, Row]:
    """core._totals: (NPV, total at the horizon) per option."""
    npv, total = [], []
    for t, d, r in zip(trans, months, rec, strict=True):
        during = min(d, h)
        spread = t / d if d > 0 else 0.0
        slope = (r - rec[sq]) / d if d > 0 else 0.0
        unfinished = spread * max(d - h, 0.0)
        disc = _discounted(during, delta)
        npv.append(
            (spread + rec[sq]) * disc
            + slope * _ramp_discounted(during, delta)
            + r * (_discounted(h, delta) - disc)
            + unfinished * math.exp(-delta * h)
        )
        total.append(
            (spread + rec[sq]) * during
            + slope * during * during / 2.0
            + r * max(h - d, 0.0)
            + unfinished
        )
    return npv, total


def _breakeven(trans: Row, months: Row, rec: Row, sq: int, h: float) -> Row:
    """core._breakeven."""
    out = []
    for o, (t, d, r) in enumerate(zip(trans, months, rec, strict=True)):
        if o == sq:
            out.append(math.nan)
            continue
        s = rec[sq] - r
        if s > 0:
            inside = 2.0 * t / s
            m = inside if inside <= d else d / 2.0 + t / s
        else:
            m = math.inf
        out.append(float(math.ceil(m)) if m <= h else math.inf)
    return out


def evaluate_sample(v: Mapping[str, float], pl: PlainPlan) -> dict[str, Row]:
    """The model for one sample; every list has one value per option."""

    def a(name: str) -> float:
        return v[f"assumptions.{name}"]

    P, O = range(len(pl.names)), range(len(pl.options))  # noqa: E741
    proc = lambda key: [v[f"processes.{name}.{key}"] for name in pl.names]  # noqa: E731
    count, instances = proc("count"), proc("instances")
    n = [c * (1.0 - e) for c, e in zip(count, pl.embedded, strict=True)]
    lr = v["assumptions.experience_learning_rate"]
    curve = [experience_sum(c, lr) for c in count]
    engineers, pe = v["team.engineers"], v["team.platform_engineers"]
    hires = v.get("team.hires_per_year", engineers * v["assumptions.hire_share_per_year"])
    docker_fam = v["team.docker_familiarity"]
    platform_fam = v.get("team.platform_familiarity", docker_fam)
    hours_pm = v["assumptions.hours_per_engineer_month"]
    E = pl.environments

    def units(mask: Row, per: Row | None = None) -> float:
        if per is None:
            return sum(m * x for m, x in zip(mask, n, strict=True))
        return sum(m * (x * q) for m, x, q in zip(mask, n, per, strict=True))

    def curved(mask: Row, first: float | Row) -> float:
        f = first if isinstance(first, list) else [first] * len(n)
        return sum(m * (x * c) for m, x, c in zip(mask, f, curve, strict=True))

    def times(x: Row, y: Row) -> Row:
        return [p * q for p, q in zip(x, y, strict=True)]

    moved = [
        [
            min(
                max(
                    (
                        abs(pl.img[o][p] - pl.img0[p])
                        + abs(pl.ctr[o][p] - pl.ctr0[p])
                        + abs(pl.mgd[o][p] - pl.mgd0[p])
                    )
                    / 2.0,
                    0.0,
                ),
                1.0,
            )
            for p in P
        ]
        for o in O
    ]
    to_ctr = [times(moved[o], pl.ctr[o]) for o in O]
    # in a container today and under the option, deployed another way: onto the platform
    redeployed = [
        [
            min(max(sum(abs(pl.method[m][o][p] - pl.method0[m][p]) for m in METHODS) / 2.0, 0.0), 1.0)
            for p in P
        ]
        for o in O
    ]
    onto = [
        [to_ctr[o][p] + pl.ctr[o][p] * pl.ctr0[p] * redeployed[o][p] for p in P] for o in O
    ]

    # ---- transition (transition.py)
    nd = proc("native_dependencies")
    first = [
        pl.own[p]
        * (
            v["assumptions.containerise_app_hours"]
            + nd[p] * v["assumptions.native_dependency_hours"]
        )
        + (1.0 - pl.own[p]) * v["assumptions.containerise_service_hours"]
        for p in P
    ]
    pp = pe if pe > 0 else min(v["assumptions.platform_people_when_none"], engineers)
    nothing_today = sum(pl.ctr0) == 0 and pl.orchestrator_today == NO_ORCHESTRATOR
    setup_by_kind = {
        "compose": v["assumptions.compose_setup_hours"],
        MANAGED_ORCHESTRATOR: v["assumptions.managed_orchestrator_setup_hours"],
        SELF_RUN: v["assumptions.selfrun_orchestrator_setup_hours"],
    }
    data_gb = proc("data_gb")
    items: dict[str, Row] = {k: [] for k in WORK_ITEMS}
    for o in O:
        tc, own_tc = to_ctr[o], times(to_ctr[o], pl.own)
        any_moving = float(units(tc) > 0)
        any_onto = float(units(onto[o]) > 0)
        own_moving = float(units(own_tc) > 0)
        into_ctr, moving = times(tc, pl.stateful), times(moved[o], pl.stateful)
        pieces = pl.new_pieces[o]
        items["containerise"].append(sum(tc[p] * (first[p] * curve[p]) for p in P))
        items["app_adaptation"].append(
            v["assumptions.adaptation_hours_base"]
            * v["codebase.kloc"] ** v["assumptions.adaptation_kloc_exponent"]
            * own_moving
        )
        items["volumes"].append(curved(into_ctr, v["assumptions.volume_setup_hours"]))
        items["data_migration"].append(
            curved(moving, v["assumptions.data_migration_base_hours"])
            + units(moving, data_gb) * v["assumptions.data_migration_hours_per_gb"]
        )
        items["backup_drill"].append(curved(into_ctr, v["assumptions.backup_drill_hours"]))
        items["composition"].append(
            curved(onto[o], v["assumptions.composition_hours_per_process"])
        )
        items["environment_config"].append(
            any_onto * E * v["assumptions.environment_config_hours"]
            + E * curved(onto[o], v["assumptions.environment_config_hours_per_service"])
        )
        setup = (
            float("container_pipeline" in pieces) * v["assumptions.pipeline_hours"]
            + float("registry" in pieces) * v["assumptions.registry_setup_hours"]
        )
        items["pipeline"].append(
            setup * any_moving + curved(own_tc, v["assumptions.pipeline_hours_per_service"])
        )
        switching = [
            pl.method[REBAKE][o][p] * (1.0 - pl.method0[REBAKE][p]) * (1.0 - moved[o][p]) for p in P
        ]
        items["bake_pipeline"].append(
            float(units(switching) > 0)
            * (1.0 - float(pl.rebakes_today))
            * v["assumptions.bake_pipeline_hours"]
            + curved(switching, v["assumptions.bake_image_hours"])
        )
        orch = pl.orchestrator[o]
        items["platform_setup"].append(
            setup_by_kind[orch]
            if orch != NO_ORCHESTRATOR and f"orchestrator:{orch}" in pieces
            else 0.0
        )
        items["observability"].append(
            any_moving * (1.0 - float(sum(pl.ctr0) > 0)) * v["assumptions.observability_hours"]
            + curved(tc, v["assumptions.observability_hours_per_service"])
        )
        new_platform = float(nothing_today or any(x.startswith("orchestrator:") for x in pieces))
        deep = pp * v["assumptions.learning_hours_platform_engineer"] * (1.0 - platform_fam)
        light = engineers * v["assumptions.learning_hours_per_engineer"] * (1.0 - docker_fam)
        items["learning"].append(any_moving * new_platform * deep + own_moving * light)
        team_factor = v["assumptions.team_factor"]
        for k in WORK_ITEMS[:-1]:  # one shared over- or under-run on every item
            items[k][o] *= team_factor
        subtotal = 0.0
        for k in WORK_ITEMS[:-1]:
            subtotal += items[k][o]
        items["productivity_dip"].append(subtotal * v["assumptions.productivity_dip_fraction"])
    if "team.migration_people" in v:
        people = v["team.migration_people"]
    else:
        derived = (
            engineers * v["assumptions.migration_capacity_share"]
            + pe * v["assumptions.platform_migration_share"]
        )
        people = min(
            max(derived, v["assumptions.min_people_on_move"]), v["assumptions.max_people_on_move"]
        )
        people = min(people, engineers + pe)

    # ---- recurring (recurring.py)
    rec: dict[str, Row] = {k: [] for k in RECURRING}
    dl = {
        k: v[f"delivery.{k}"]
        for k in (
            "prod_deploys_per_week",
            "nonprod_deploys_per_week",
            "hands_on_minutes_per_deploy",
            "failed_deploy_rate",
            "image_bake_minutes",
        )
    }
    env_factor = 1.0 + (E - 1) * v["assumptions.nonprod_instance_share"]
    entries_units = units(pl.entries)
    own_units = units(pl.own)
    deploys = dl["prod_deploys_per_week"] * WEEKS_PER_MONTH
    nonprod = dl["nonprod_deploys_per_week"] * WEEKS_PER_MONTH
    weight = [_share(n[p] * pl.own[p], own_units) for p in P]
    manual = v["assumptions.manual_deploy_half_per_week"] / (
        v["assumptions.manual_deploy_half_per_week"]
        + _share(dl["prod_deploys_per_week"], own_units)
    )
    ctr_effort = v["assumptions.deploy_effort_factor_container"]
    effort = {
        PACKAGE: 1.0,
        REBAKE: ctr_effort,
        CONFIG_MANAGEMENT: 1.0,
        CONTAINER_METHOD: ctr_effort,
        BAKED_CONTAINER: ctr_effort,
        MANAGED_METHOD: ctr_effort,
    }
    bake, build = dl["image_bake_minutes"], v["assumptions.container_build_minutes"]
    boot = v["assumptions.machine_boot_seconds"] / SECONDS_PER_MINUTE
    wait_by = {REBAKE: bake + boot, CONTAINER_METHOD: build, BAKED_CONTAINER: bake + build + boot}
    rb_ctr = v["assumptions.rollback_hours_containers"]
    rollback_by = {
        PACKAGE: v["assumptions.rollback_hours_package"],
        REBAKE: v["assumptions.rollback_hours_rebake"],
        CONFIG_MANAGEMENT: v["assumptions.rollback_hours_config_management"],
        CONTAINER_METHOD: rb_ctr,
        BAKED_CONTAINER: v["assumptions.rollback_hours_rebake"],
        MANAGED_METHOD: rb_ctr,
    }
    hands_on = dl["hands_on_minutes_per_deploy"] * (1.0 if pl.hands_on_answered else manual)

    def per_method(o: int, p: int, table: Mapping[str, float]) -> float:
        """recurring._per_method: the figure of the entry's target method (0 if embedded)."""
        m = pl.method_of[o][p]
        return table.get(m, 0.0) if m else 0.0

    def per_method_today(p: int, table: Mapping[str, float]) -> float:
        m = pl.method0_of[p]
        return table.get(m, 0.0) if m else 0.0

    def protection(category: str) -> tuple[Row, float]:
        key = "drift" if category == "environment_drift" else "dependency"
        cm, rebake = a(f"{key}_prevented_config_management"), a(f"{key}_prevented_rebake")
        ctr = max(a(f"{key}_prevented_container"), max(rebake, cm))
        table = {
            PACKAGE: 0.0,
            REBAKE: rebake,
            CONFIG_MANAGEMENT: cm,
            CONTAINER_METHOD: ctr,
            BAKED_CONTAINER: ctr,
            MANAGED_METHOD: max(a(f"{key}_prevented_managed"), ctr),
        }
        target = [_share(sum(per_method(o, p, table) * n[p] for p in P), entries_units) for o in O]
        today = _share(sum(per_method_today(p, table) * n[p] for p in P), entries_units)
        return target, today

    factors: dict[str, Row] = {}
    for cat in CHANGED_CATEGORIES:
        if cat in ("environment_drift", "dependency"):
            target, today = protection(cat)
            factors[cat] = [(1.0 - t) / max(1.0 - today, 1e-9) for t in target]
        elif cat == "co_location":
            iso, coloc = v["assumptions.isolation_prevented_container"], units(pl.co_located)
            share_0 = _share(units(times(pl.ctr0, pl.co_located)), coloc)
            factors[cat] = [
                (1.0 - iso * _share(units(times(pl.ctr[o], pl.co_located)), coloc))
                / max(1.0 - iso * share_0, 1e-9)
                for o in O
            ]
        else:  # failed deploys: costed in delivery
            factors[cat] = [0.0 for _ in O]
    rates = {c: v[f"incidents.rate.{c}"] for c in pl.categories}
    per_incident = (
        v["incidents.hours_to_restore"] * v["incidents.people_per_incident"]
        + v["assumptions.incident_follow_up_hours"]
    )

    def adds(o: int, kind: str) -> float:
        total = 0.0
        for c in pl.categories:
            total += v.get(f"options.{pl.options[o]}.adds.{kind}.{c}", 0.0)
        return total

    orch_upkeep = {
        NO_ORCHESTRATOR: 0.0,
        "compose": v["assumptions.compose_upkeep_hours_month"],
        MANAGED_ORCHESTRATOR: v["assumptions.managed_orchestrator_upkeep_hours_month"],
        SELF_RUN: v["assumptions.selfrun_orchestrator_upkeep_hours_month"],
    }
    orch_incidents = {
        MANAGED_ORCHESTRATOR: v["assumptions.orchestrator_incidents_per_year_managed"],
        SELF_RUN: v["assumptions.orchestrator_incidents_per_year_selfrun"],
    }
    scale_events = proc("scale_out_events_per_month")
    own_today_ctr = _share(units(times(pl.ctr0, pl.own)), own_units)
    cm_hours = v.get(
        "platform.config_management_hours_per_month", v["assumptions.config_management_hours_month"]
    )
    rate_lr = lr
    for o in O:
        ctr_units = units(pl.ctr[o])
        share = _share(units(times(pl.ctr[o], pl.entries)), entries_units)
        own_share = _share(units(times(pl.ctr[o], pl.own)), own_units)
        baked = pl.method[BAKED_CONTAINER][o]  # a container baked into its own image
        rec["image_upkeep"].append(
            curved([i + b for i, b in zip(pl.img[o], baked, strict=True)],
                   v["assumptions.image_upkeep_hours_per_image_month"])
            + curved([x + b for x, b in zip(times(pl.img[o], pl.method[REBAKE][o]), baked,
                                            strict=True)],
                     v["assumptions.image_patching_hours_per_image_month"])
        )
        long_lived = [
            pl.img[o][p] * (pl.method[PACKAGE][o][p] + pl.method[CONFIG_MANAGEMENT][o][p])
            for p in P
        ]
        hosts = units(long_lived, instances)
        managed = float(pl.orchestrator[o] == MANAGED_ORCHESTRATOR)
        node_share = 1.0 - managed * (1.0 - v["assumptions.managed_node_patch_share"])
        nodes = units([c - b for c, b in zip(pl.ctr[o], baked, strict=True)], instances) * v[
            "assumptions.container_packing"
        ]
        fleet = (experience_sum(max(hosts, 1.0), rate_lr) if hosts > 1.0 else hosts) + (
            experience_sum(max(nodes, 1.0), rate_lr) if nodes > 1.0 else nodes
        ) * node_share
        rec["host_patching"].append(
            fleet * env_factor * v["assumptions.host_patching_hours_per_host_month"]
        )
        rec["environments"].append(
            (E - 1)
            * (
                (1.0 - share) * v["assumptions.environment_upkeep_hours_images"]
                + share * v["assumptions.environment_upkeep_hours_containers"]
            )
        )
        if not pl.config_management:
            rec["config_management"].append(0.0)
        else:
            managed_today = units(times(pl.img0, pl.method0[CONFIG_MANAGEMENT]))
            if not managed_today > 0:
                managed_today = units(pl.img0)
                kept_units = units(times(pl.img[o], pl.img0))
            else:
                kept_units = units(
                    [
                        pl.img[o][p]
                        * (
                            pl.method[CONFIG_MANAGEMENT][o][p]
                            + pl.method[REBAKE][o][p] * pl.method0[CONFIG_MANAGEMENT][p]
                        )
                        for p in P
                    ]
                )
            kept = _share(kept_units, managed_today)
            left = kept + (1.0 - kept) * v["assumptions.config_management_node_share"] * float(
                ctr_units > 0
            )
            rec["config_management"].append(cm_hours * left)
        running = float(pl.orchestrator[o] == pl.orchestrator_today != NO_ORCHESTRATOR)
        rec["container_platform"].append(
            curved(
                pl.ctr[o],
                v["assumptions.base_image_rebuild_hours_per_image_month"]
                + v["assumptions.orchestrator_hours_per_service_month"],
            )
            + max(float(ctr_units > 0), running) * orch_upkeep[pl.orchestrator[o]]
        )
        delivery = 0.0
        for p in P:
            ratio = per_method(o, p, effort) / max(per_method_today(p, effort), 1e-9)
            rollback = manual * per_method(o, p, rollback_by) + (1.0 - manual) * rb_ctr
            per_deploy = (
                deploys * hands_on / MINUTES_PER_HOUR * ratio
                + nonprod * v["assumptions.nonprod_minutes_per_deploy"] / MINUTES_PER_HOUR * ratio
                + deploys
                * per_method(o, p, wait_by)
                / MINUTES_PER_HOUR
                * v["assumptions.bake_attention_share"]
                * manual
                + deploys * dl["failed_deploy_rate"] * rollback
            )
            delivery += per_deploy * weight[p]
        rec["delivery"].append(delivery)
        rate = sum(rates.values())
        for cat in CHANGED_CATEGORIES:
            if cat in rates:
                rate = rate + rates[cat] * (factors[cat][o] - 1.0)
        moved_ctr, moved_stateful = units(to_ctr[o]), units(times(to_ctr[o], pl.stateful))
        rate += (
            adds(o, "per_process") * moved_ctr + adds(o, "per_stateful") * moved_stateful
        ) / MONTHS_PER_YEAR
        if pl.orchestrator[o] != pl.orchestrator_today and pl.orchestrator[o] in orch_incidents:
            rate += orch_incidents[pl.orchestrator[o]] / MONTHS_PER_YEAR
        rec["incidents"].append(rate * per_incident)
        base = (1.0 - share) * v["assumptions.dev_env_setup_hours_images"] + share * a(
            "dev_env_setup_hours_containers"
        )
        entries_img = sum(pl.img[o][p] * pl.entries[p] for p in P)
        entries_ctr = sum((pl.ctr[o][p] + pl.mgd[o][p]) * pl.entries[p] for p in P)
        per_hire = (
            base
            + entries_img * v["assumptions.dev_env_hours_per_process_images"]
            + entries_ctr * v["assumptions.dev_env_hours_per_process_containers"]
        )
        womm = (
            engineers
            * v["assumptions.works_on_my_machine_hours_per_engineer_month"]
            * (1.0 - v["assumptions.womm_reduction_container"] * share)
        )
        rec["dev_environments"].append(hires / MONTHS_PER_YEAR * per_hire + womm)
        on_ctr = float(own_share >= 0.5)
        setup_new = (
            on_ctr * v["assumptions.new_service_setup_hours_containers"]
            + (1.0 - on_ctr) * v["assumptions.new_service_setup_hours_images"]
        )
        gained = on_ctr * (1.0 - float(own_today_ctr >= 0.5))
        wait_share = 1.0 - gained * (1.0 - v["assumptions.new_service_wait_share_containers"])
        waiting = (
            v["team.new_service_wait_days"]
            * wait_share
            * v["assumptions.new_service_wait_hours_per_day"]
        )
        new_a_year = v.get(
            "team.new_services_per_year", own_units * v["assumptions.new_service_share_per_year"]
        )
        rec["new_services"].append(new_a_year / MONTHS_PER_YEAR * (setup_new + waiting))
        scale = 0.0
        for p in P:
            factor = pl.ctr[o][p] * v["assumptions.scale_out_effort_factor_container"] + (
                1.0 - pl.ctr[o][p]
            )
            scale += scale_events[p] * float(n[p] > 0) * pl.manual[p] * factor
        rec["scale_out"].append(scale * v["assumptions.scale_out_hours_per_event"])
        shrink = 1.0 - (1.0 - v["assumptions.debug_overhead_expert_fraction"]) * docker_fam
        rec["tooling_overhead"].append(
            engineers
            * (v["assumptions.container_debug_overhead_hours_per_engineer_month"] * shrink)
            * own_share
        )
    stated = (v["team.ops_time_share"] * engineers + pe) * hours_pm
    itemised = 0.0
    for k in RECURRING[:-1]:
        itemised += rec[k][pl.sq]
    rec["other_operations"] = [max(stated - itemised, 0.0) for _ in O]

    trans, rec_total = [], []
    for o in O:
        t = r = 0.0
        for k in WORK_ITEMS:
            t += items[k][o]
        for k in RECURRING:
            r += rec[k][o]
        trans.append(t)
        rec_total.append(r)
    months = [t / (people * hours_pm) for t in trans]

    # ---- money (money.py, infrastructure.py): today, then every option
    infra = _infrastructure(v, pl, n, instances, moved_states(pl), dl)
    rate_cost = v["team.hourly_cost"]
    money_month = [r * rate_cost + infra[o + 1] for o, r in enumerate(rec_total)]
    money_trans = [t * rate_cost for t in trans]
    h, delta, sq = pl.horizon, pl.delta, pl.sq
    npv, total = _totals(trans, months, rec_total, sq, h, delta)
    money_npv, money_total = _totals(money_trans, months, money_month, sq, h, delta)
    return {
        **{f"work_items.{k}": x for k, x in items.items()},
        **{f"recurring.{k}": x for k, x in rec.items()},
        "transition_hours": trans,
        "recurring_hours": rec_total,
        "migration_months": months,
        "npv_hours": npv,
        "total_hours": total,
        "saving_hours": [total[sq] - x for x in total],
        "breakeven_month": _breakeven(trans, months, rec_total, sq, h),
        "infrastructure_monthly": infra[1:],
        "money_monthly": money_month,
        "money_transition": money_trans,
        "money_npv": money_npv,
        "money_total": money_total,
        "money_saving": [money_total[sq] - x for x in money_total],
        "money_breakeven_month": _breakeven(money_trans, months, money_month, sq, h),
    }


def moved_states(pl: PlainPlan) -> dict[str, list[Row]]:
    """money.StateMasks of today then every option, [state][process]."""
    m, m0 = pl.method, pl.method0
    def both(x: list[Row], y: list[Row]) -> list[Row]:
        return [[a + b for a, b in zip(r, s, strict=True)] for r, s in zip(x, y, strict=True)]

    def unbaked(ctr: Row, baked: Row) -> Row:  # one baked container per VM: billed as a VM
        return [c * (1.0 - b) for c, b in zip(ctr, baked, strict=True)]

    return {
        "container": [
            unbaked(pl.ctr0, m0[BAKED_CONTAINER]),
            *(unbaked(c, b) for c, b in zip(pl.ctr, m[BAKED_CONTAINER], strict=True)),
        ],
        "managed": [pl.mgd0, *pl.mgd],
        "rebake": [
            [a + b for a, b in zip(m0[REBAKE], m0[BAKED_CONTAINER], strict=True)],
            *both(m[REBAKE], m[BAKED_CONTAINER]),
        ],
        "container_build": [
            [a + b for a, b in zip(m0[CONTAINER_METHOD], m0[BAKED_CONTAINER], strict=True)],
            *both(m[CONTAINER_METHOD], m[BAKED_CONTAINER]),
        ],
    }


def _infrastructure(
    v: Mapping[str, float],
    pl: PlainPlan,
    units: Row,
    instances: Row,
    masks: dict[str, list[Row]],
    dl: Mapping[str, float],
) -> Row:
    """Infrastructure money a month per state (money.states_monthly + infrastructure_monthly,
    cloud, no automatic scaling): the total of the items."""
    P = range(len(pl.names))
    price = lambda key: v[f"prices.{pl.price_provider}.{key}"]  # noqa: E731
    proc = lambda key: [v[f"processes.{name}.{key}"] for name in pl.names]  # noqa: E731
    peak_inst = [max(x, i) for x, i in zip(proc("peak_instances"), instances, strict=True)]
    peak_h, util = proc("peak_hours_per_day"), proc("utilisation")
    scale_events = proc("scale_out_events_per_month")
    hours_pm, days = v["prices.common.hours_per_month"], v["prices.common.days_per_month"]
    usable = 1.0 - v["prices.node_reserved_share"]
    image_gb = v["prices.image_gb"]
    min_hosts = v[f"prices.{MIN_CLUSTER_HOSTS}"]
    instance_price = [v[k] for k in pl.instance_keys]
    total_units = max(sum(units), 1e-12)
    deploys = (dl["prod_deploys_per_week"] + dl["nonprod_deploys_per_week"]) * WEEKS_PER_MONTH
    hours = []
    for p in P:
        peak = min(min(peak_h[p], 24.0) * days, hours_pm)
        hours.append(
            units[p] * pl.host_share[p] * (instances[p] * (hours_pm - peak) + peak_inst[p] * peak)
        )
    out = []
    for k, orch in enumerate(pl.state_orchestrators):
        ctr, mgd = masks["container"][k], masks["managed"][k]
        machine_images = managed_services = cpu = mem = in_ctr = 0.0
        contained = bake = build = per_unit_instances = scale_outs = 0.0
        for p in P:
            machine = min(max(1.0 - ctr[p] - mgd[p], 0.0), 1.0)
            machine_images += machine * hours[p] * instance_price[p]
            managed_services += mgd[p] * hours[p] * instance_price[p]
            w = ctr[p] * hours[p] * 1.0
            cpu += w * pl.vcpu[p] * util[p]
            mem += w * pl.memory_gib[p] * v["prices.memory_used_share"]
            in_ctr += ctr[p] * units[p]
            contained += ctr[p] * units[p]
            bake += masks["rebake"][k][p] * units[p]
            build += masks["container_build"][k][p] * units[p]
            per_unit_instances += ctr[p] * (units[p] * instances[p])
            scale_outs += ctr[p] * (float(units[p] > 0) * scale_events[p])
        managed_services *= v["prices.managed_premium"]
        any_ctr = float(contained > 0)
        minutes = deploys * (
            bake / total_units * dl["image_bake_minutes"]
            + build / total_units * v["assumptions.container_build_minutes"]
        )
        pulls = deploys * (per_unit_instances / total_units) + scale_outs
        floor_hosts = float(orch in CLUSTERS) * min_hosts + float(orch == COMPOSE)
        by_cpu = cpu / (pl.host_vcpu[k] * usable * v["prices.packed_cpu_utilisation"])
        by_mem = mem / (pl.host_memory_gib[k] * usable * v["prices.packed_memory_fill"])
        host_h = max(max(by_cpu, by_mem), float(in_ctr > 0) * floor_hosts * hours_pm)
        items = {
            "machine_images": machine_images,
            "container_hosts": host_h * v[pl.host_keys[k]],
            "serverless": 0.0,
            "managed_services": managed_services,
            "control_plane": any_ctr
            * float(orch == MANAGED_ORCHESTRATOR)
            * price("control_plane_month"),
            "registry": any_ctr * price("registry_fee_month")
            + in_ctr * v["prices.images_kept_per_service"] * image_gb * price("registry_gb_month"),
            "transfer": pulls * image_gb * v["prices.charged_pull_share"] * price("transfer_gb"),
            "load_balancers": 0.0,
            "ci": minutes * v["prices.common.ci_minute"],
            "platform_people": 0.0,
        }
        total = 0.0
        for key in INFRA_ITEMS:
            total += items[key]
        out.append(total)
    return out
