"""The cost model of MODEL.md, vectorised over samples: arrays of shape (options, samples).

``build_space`` turns a questionnaire, the assumptions and the options into a ``Structure`` (what is
fixed: the process list, which option containerises what) and a ``ParamSpace`` (what is uncertain).
``evaluate`` is a pure function of the two; it loops over options and processes (a handful), never
over samples.

Cumulative cost of option o by month m (transition T spread over D months at the team's
migration capacity, the status quo's recurring cost R_sq paid meanwhile, R_o afterwards):

    C_o(m) = (T/D + R_sq) min(m, D) + R_o max(m - D, 0)

NPV uses continuous discounting at delta = ln(1 + r)/12 per month; break-even is
m* = D + T/(R_sq - R_o) when R_o < R_sq, else never.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from analyzer.model import cocomo
from analyzer.model.assumptions import Assumptions
from analyzer.model.distributions import (
    bootstrap_means,
    gamma_rate_posterior,
    pert_mean,
    pert_variance,
)
from analyzer.model.options import WORK_ITEMS, OptionSpec
from analyzer.model.params import Empirical, Gamma, Param, ParamSpace, Pert
from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import ANSWER_LABELS, Questionnaire, incident_categories

if TYPE_CHECKING:
    from analyzer.history import IncidentEvidence

FloatArray = NDArray[np.float64]
WEEKS_PER_MONTH = 52.0 / 12.0
MINUTES_PER_HOUR = 60.0
MONTHS_PER_YEAR = 12.0
BOOTSTRAP_DRAWS = 4096
DRIFT = "environment_drift"
DRIFT_RATE = f"incidents.rate.{DRIFT}"

#: Recurring components, in report order.
RECURRING: tuple[str, ...] = (
    "platform_upkeep",
    "delivery",
    "incidents",
    "dev_environments",
    "scale_out",
    "tooling_overhead",
    "other_operations",
)

WORK_ITEM_LABELS: dict[str, str] = {
    "containerise": "Containerise each process",
    "app_adaptation": "Adapt application code (COCOMO II reuse)",
    "volumes": "Volumes for stateful processes",
    "data_migration": "Migrate data into volumes",
    "backup_drill": "Backup and restore drill",
    "composition": "Compose the processes",
    "environment_config": "Per-environment configuration and secrets",
    "pipeline": "Delivery pipeline (build, push, registry, deploy)",
    "observability": "Observability (logs, monitoring)",
    "learning": "Learning, per engineer by familiarity",
    "productivity_dip": "Productivity dip during the move",
}
RECURRING_LABELS: dict[str, str] = {
    "platform_upkeep": "Platform upkeep (images, scripts, registries)",
    "delivery": "Deploys and rollbacks",
    "incidents": "Incidents",
    "dev_environments": "Dev environments and onboarding",
    "scale_out": "Scale-out handling",
    "tooling_overhead": "Extra tooling to debug",
    "other_operations": "Other operations time you reported",
}


@dataclass(frozen=True)
class ProcessInfo:
    name: str
    kind: str
    service: bool
    stateful: bool
    managed: bool


@dataclass(frozen=True)
class Structure:
    """Everything fixed for a run: options, processes, which option containerises what."""

    option_names: tuple[str, ...]
    options: tuple[OptionSpec, ...]
    processes: tuple[ProcessInfo, ...]
    contained: tuple[tuple[bool, ...], ...]  # [option][process]
    environments: int
    rebake_deploys: bool
    horizon_months: int
    discount_rate_annual: float
    categories: tuple[str, ...]

    @property
    def status_quo(self) -> int:
        return next(i for i, o in enumerate(self.options) if o.status_quo)


def _contains(option: OptionSpec, p: ProcessInfo) -> bool:
    if p.managed or option.containerise == "none":
        return False
    if option.containerise == "stateless":
        return not p.stateful and not p.service
    return True


def build_structure(q: Questionnaire, options: Mapping[str, OptionSpec]) -> Structure:
    procs = tuple(
        ProcessInfo(p.name, p.kind, p.is_service, p.is_stateful, p.managed) for p in q.processes
    )
    specs = tuple(options.values())
    return Structure(
        option_names=tuple(options),
        options=specs,
        processes=procs,
        contained=tuple(tuple(_contains(o, p) for p in procs) for o in specs),
        environments=q.delivery.environments,
        rebake_deploys=q.delivery.deploy_method == "rebake-image",
        horizon_months=q.priorities.horizon_months,
        discount_rate_annual=q.priorities.discount_rate_annual,
        categories=tuple(incident_categories()),
    )


# ----------------------------------------------------------------------------------------------
# Parameters


def _pert(e: object) -> Pert:
    assert isinstance(e, Estimate)  # internal invariant: callers pass validated estimates
    return Pert(e.low, e.likely, e.high)


def _answer_params(q: Questionnaire) -> list[Param]:
    out: list[Param] = []
    for section in ("team", "codebase", "delivery"):
        model = getattr(q, section)
        for key, info in type(model).model_fields.items():
            value = getattr(model, key)
            if type(value).__name__ != "Estimate":
                continue
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            out.append(
                Param(
                    f"{section}.{key}",
                    ANSWER_LABELS.get(f"{section}.{key}", key.replace("_", " ")),
                    str(extra.get("unit", "")),
                    "answer",
                    _pert(value),
                    f"questionnaire: {section}.{key}",
                )
            )
    for p in q.processes:
        for key in ("data_gb", "scale_out_events_per_month", "native_dependencies"):
            info = type(p).model_fields[key]
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            out.append(
                Param(
                    f"processes.{p.name}.{key}",
                    f"{p.name}: {ANSWER_LABELS.get(key, key.replace('_', ' '))}",
                    str(extra.get("unit", "")),
                    "answer",
                    _pert(getattr(p, key)),
                    f"questionnaire: processes[{p.name}].{key}",
                )
            )
    return out


def _incident_params(
    q: Questionnaire, a: Assumptions, evidence: IncidentEvidence | None, rng: np.random.Generator
) -> list[Param]:
    prior_shape = a["incident_prior_shape"].likely
    prior_months = a["incident_prior_months"].likely
    out: list[Param] = []
    inc = q.incidents
    window = evidence.window_months if evidence is not None else inc.window_months.pert_mean
    for cat, meta in incident_categories().items():
        if evidence is not None:
            mean, var, origin = float(evidence.counts.get(cat, 0)), 0.0, "history"
            src = f"{evidence.source}: {evidence.counts.get(cat, 0)} in {window:.1f} months"
        else:
            e = inc.counts.get(cat)
            mean = pert_mean(e.low, e.likely, e.high) if e else 0.0
            var = pert_variance(e.low, e.likely, e.high) if e else 0.0
            origin = "answer"
            src = f"questionnaire: incidents.counts.{cat} over {window:g} months"
        shape, rate = gamma_rate_posterior(mean, var, window, prior_shape, prior_months)
        out.append(
            Param(
                f"incidents.rate.{cat}",
                f"{meta['label'].lower()} incidents",
                "incidents per month",
                origin,  # type: ignore[arg-type]
                Gamma(shape, rate),
                src + " (Gamma-Poisson)",
            )
        )
    if evidence is not None and evidence.restore_hours.size > 0:
        draws = bootstrap_means(evidence.restore_hours, BOOTSTRAP_DRAWS, rng)
        restore: Param = Param(
            "incidents.hours_to_restore",
            "hours to restore",
            "hours",
            "history",
            Empirical(tuple(np.sort(draws).tolist())),
            f"{evidence.source}: bootstrap of {evidence.restore_hours.size} restore times",
        )
    else:
        restore = Param(
            "incidents.hours_to_restore",
            "hours to restore",
            "hours",
            "answer",
            _pert(inc.hours_to_restore),
            "questionnaire: incidents.hours_to_restore",
        )
    out.append(restore)
    out.append(
        Param(
            "incidents.people_per_incident",
            "people per incident",
            "people",
            "answer",
            _pert(inc.people_per_incident),
            "questionnaire: incidents.people_per_incident",
        )
    )
    return out


def _option_params(options: Mapping[str, OptionSpec]) -> list[Param]:
    out: list[Param] = []
    for name, o in options.items():
        src = o.source

        def add(
            key: str, label: str, unit: str, est: object, source: str = src, option: str = name
        ) -> None:
            out.append(
                Param(
                    f"options.{option}.{key}",
                    f"{option}: {label}",
                    unit,
                    "option",
                    _pert(est),
                    source,
                )
            )

        add("deploy_effort_factor", "deploy effort factor", "x today's", o.deploy_effort_factor)
        add(
            "scale_out_effort_factor",
            "scale-out effort factor",
            "x images'",
            o.scale_out_effort_factor,
        )
        add(
            "works_on_my_machine_reduction",
            "works-on-my-machine reduction",
            "fraction",
            o.works_on_my_machine_reduction,
        )
        add("portability", "portability", "score 0-1", o.portability.value, o.portability.source)
        for cat, est in o.prevents.items():
            add(f"prevents.{cat}", f"prevents {cat.replace('_', ' ')}", "fraction", est)
        for cat, est in o.adds_per_year.per_stateful.items():
            add(
                f"adds.per_stateful.{cat}",
                f"adds {cat} incidents per stateful container",
                "incidents per year",
                est,
            )
        for cat, est in o.adds_per_year.per_process.items():
            add(
                f"adds.per_process.{cat}",
                f"adds {cat} incidents per container",
                "incidents per year",
                est,
            )
    return out


def build_space(
    q: Questionnaire,
    a: Assumptions,
    options: Mapping[str, OptionSpec],
    rng: np.random.Generator,
    evidence: IncidentEvidence | None = None,
) -> ParamSpace:
    """Every uncertain input as an independent parameter (rng is used only for bootstraps)."""
    params = _answer_params(q)
    params += _incident_params(q, a, evidence, rng)
    params += [
        Param(
            f"assumptions.{k}",
            v.label,
            v.unit,
            "assumption",
            Pert(v.low, v.likely, v.high),
            v.source,
        )
        for k, v in a.entries.items()
    ]
    params += _option_params(options)
    return ParamSpace(tuple(params))


# ----------------------------------------------------------------------------------------------
# Evaluation


@dataclass(frozen=True)
class Outputs:
    """Model results for every option and sample; arrays are (options, samples)."""

    work_items: dict[str, FloatArray]  # transition hours by work item
    transition_hours: FloatArray
    recurring: dict[str, FloatArray]  # hours per month by component
    recurring_hours: FloatArray
    migration_months: FloatArray
    npv_hours: FloatArray
    total_hours: FloatArray  # undiscounted cumulative cost at the horizon
    saving_hours: FloatArray  # status quo total minus option total at the horizon
    breakeven_month: FloatArray  # inf where never within the horizon (nan for the status quo)
    incident_hours: FloatArray  # per month
    drift_hours: FloatArray  # per month: drift incidents and works-on-my-machine time
    start_seconds: FloatArray  # event-weighted time to add capacity
    scale_out_relevance: FloatArray  # (samples,) 0-1
    capacity_hours: FloatArray  # (samples,) team hours per month
    capacity_npv_hours: FloatArray  # (samples,) team hours over the horizon, discounted like NPV
    portability: FloatArray
    team_fit: FloatArray
    hourly_cost: FloatArray  # (samples,)
    horizon_months: int
    status_quo: int  # index of the status-quo option

    def cumulative(self, months: NDArray[np.float64] | None = None) -> FloatArray:
        """Cumulative cost C_o(m) in hours, shape (options, samples, months)."""
        m = np.arange(0, self.horizon_months + 1, dtype=np.float64) if months is None else months
        return cumulative_cost(
            self.transition_hours, self.migration_months, self.recurring_hours, self.status_quo, m
        )


def cumulative_cost(
    transition: FloatArray,
    months_to_move: FloatArray,
    recurring: FloatArray,
    sq: int,
    m: FloatArray,
) -> FloatArray:
    """C_o(m) = (T/D + R_sq) min(m, D) + R_o max(m - D, 0), vectorised to (O, S, M).

    Computed as R_o m + (T/D + R_sq - R_o) min(m, D) (the same for m <= D and m > D), which
    needs two full-size arrays instead of six: half the time of the direct form.
    """
    t = transition[..., None]
    d = months_to_move[..., None]
    spread = np.divide(t, d, out=np.zeros_like(t), where=d > 0)
    r_o = recurring[..., None]
    slope_during = spread + recurring[sq][None, :, None] - r_o  # (O, S, 1)
    out = np.minimum(m, d)
    out *= slope_during
    out += r_o * m
    return out


def _discounted(x: FloatArray | float, delta: float) -> FloatArray:
    """Integral of e^(-delta t) from 0 to x: (1 - e^(-delta x))/delta, or x when delta = 0."""
    x = np.asarray(x, dtype=np.float64)
    if delta == 0.0:
        return x
    return np.asarray(-np.expm1(-delta * x) / delta)


def _add_other_operations(
    recurring: list[dict[str, FloatArray]],
    sq: int,
    v: Mapping[str, FloatArray],
    capacity: FloatArray,
    n_samples: int,
) -> None:
    """Calibrate to the ops time the team reports (team.ops_time_share).

    Residual U = max(0, ops_share x capacity - itemised status-quo hours). A share s of U is host
    and image work that scales like platform upkeep: option o pays U (1 - s + s P_o / P_sq), with
    P the itemised platform upkeep; the rest is the same for every option.
    """
    itemised = sum((x for k, x in recurring[sq].items()), np.zeros(n_samples))
    residual = np.maximum(v["team.ops_time_share"] * capacity - itemised, 0.0)
    s = v["assumptions.unmodelled_ops_platform_share"]
    p_sq = recurring[sq]["platform_upkeep"]
    for rec in recurring:
        ratio = np.divide(rec["platform_upkeep"], p_sq, out=np.ones(n_samples), where=p_sq > 0)
        rec["other_operations"] = np.broadcast_to(residual * (1.0 - s + s * ratio), (n_samples,))


def evaluate(values: Mapping[str, FloatArray], st: Structure) -> Outputs:
    """Cost and criteria of every option for every sample; ``values`` from a ParamSpace."""
    v = values
    a = lambda k: v[f"assumptions.{k}"]  # noqa: E731 - a short local alias reads better here
    engineers = v["team.engineers"]
    familiarity = v["team.docker_familiarity"]
    deploys = v["delivery.prod_deploys_per_week"] * WEEKS_PER_MONTH
    nonprod = v["delivery.nonprod_deploys_per_week"] * WEEKS_PER_MONTH
    restore = v["incidents.hours_to_restore"] * v["incidents.people_per_incident"]
    per_incident = restore + a("incident_follow_up_hours")
    all_rates = sum((v[f"incidents.rate.{cat}"] for cat in st.categories), np.zeros(1))
    capacity = engineers * a("hours_per_engineer_month")
    n_samples = max(np.size(x) for x in v.values())
    zero = np.zeros(n_samples)

    proc_gb = [v[f"processes.{p.name}.data_gb"] for p in st.processes]
    proc_events = [v[f"processes.{p.name}.scale_out_events_per_month"] for p in st.processes]
    proc_native = [v[f"processes.{p.name}.native_dependencies"] for p in st.processes]
    total_events = sum(proc_events, zero)
    relevance = total_events / (total_events + a("scale_out_events_half"))

    items_by_option: list[dict[str, FloatArray]] = []
    recurring_by_option: list[dict[str, FloatArray]] = []
    incident_hours, drift_hours, start_secs, portability, fit = [], [], [], [], []
    for o, spec in enumerate(st.options):
        name = st.option_names[o]

        def opt(k: str, default: float = 0.0, option: str = name) -> FloatArray | np.float64:
            return v.get(f"options.{option}.{k}", np.float64(default))

        inside = st.contained[o]
        in_containers = [p for p, c in zip(st.processes, inside, strict=True) if c]
        on_images = [
            p for p, c in zip(st.processes, inside, strict=True) if not c and not p.managed
        ]
        n_cont = float(len(in_containers))
        uses_containers = n_cont > 0

        # ---- transition work items (hours)
        items: dict[str, FloatArray] = dict.fromkeys(WORK_ITEMS, zero)
        if uses_containers:
            cont_hours = zero
            adapt = False
            for p, nat, c in zip(st.processes, proc_native, inside, strict=True):
                if not c:
                    continue
                if p.service:
                    cont_hours = cont_hours + a("containerise_service_hours")
                else:
                    cont_hours = (
                        cont_hours
                        + a("containerise_app_hours")
                        + nat * a("native_dependency_hours")
                    )
                    adapt = True
            items["containerise"] = cont_hours
            if adapt:
                items["app_adaptation"] = cocomo.adaptation_hours(
                    v["codebase.kloc"],
                    a("reuse_dm_pct"),
                    a("reuse_cm_pct"),
                    a("reuse_im_pct"),
                    a("reuse_aa"),
                    a("reuse_su"),
                    1.0 - familiarity,
                    a("cocomo_effort_multiplier"),
                    a("cocomo_hours_per_pm"),
                )
            stateful = [
                (p, gb)
                for p, gb, c in zip(st.processes, proc_gb, inside, strict=True)
                if c and p.stateful
            ]
            n_state = float(len(stateful))
            items["volumes"] = n_state * a("volume_setup_hours")
            items["data_migration"] = sum(
                (
                    a("data_migration_base_hours") + gb * a("data_migration_hours_per_gb")
                    for _, gb in stateful
                ),
                zero,
            )
            items["backup_drill"] = n_state * a("backup_drill_hours")
            items["composition"] = n_cont * a("composition_hours_per_process")
            items["environment_config"] = st.environments * a("environment_config_hours")
            items["pipeline"] = a("pipeline_hours") + zero
            items["observability"] = a("observability_hours") + zero
            items["learning"] = engineers * a("learning_hours_per_engineer") * (1.0 - familiarity)
        for k in WORK_ITEMS:
            factor = spec.transition.get(k, 0.0)  # type: ignore[call-overload]
            if factor == 0.0:
                items[k] = zero
            elif factor != 1.0:
                items[k] = items[k] * factor
        subtotal = sum((items[k] for k in WORK_ITEMS if k != "productivity_dip"), zero)
        items["productivity_dip"] = (
            subtotal * a("productivity_dip_fraction") * spec.transition.get("productivity_dip", 0.0)
        )
        items_by_option.append({k: np.broadcast_to(x, (n_samples,)) for k, x in items.items()})

        # ---- recurring (hours per month)
        rec: dict[str, FloatArray] = {}
        upkeep = zero
        if on_images:
            upkeep = (
                upkeep
                + a("image_upkeep_base_hours_month")
                + len(on_images) * a("image_upkeep_per_process_hours_month")
            )
        if uses_containers:
            upkeep = (
                upkeep
                + a("container_upkeep_base_hours_month")
                + n_cont * a("container_upkeep_per_process_hours_month")
            )
        rec["platform_upkeep"] = upkeep

        via_containers = spec.deploys_via == "container"
        effort = opt("deploy_effort_factor", 1.0)
        hands_on = v["delivery.hands_on_minutes_per_deploy"] / MINUTES_PER_HOUR
        delivery = (
            deploys * hands_on * effort
            + nonprod * a("nonprod_minutes_per_deploy") / MINUTES_PER_HOUR * effort
        )
        if st.rebake_deploys:
            wait_minutes = (
                a("container_build_minutes") if via_containers else v["delivery.image_bake_minutes"]
            )
            delivery = delivery + deploys * wait_minutes / MINUTES_PER_HOUR * a(
                "bake_attention_share"
            )
        rollback = a("rollback_hours_containers") if via_containers else a("rollback_hours_images")
        delivery = delivery + deploys * v["delivery.failed_deploy_rate"] * rollback
        rec["delivery"] = delivery

        # Monthly incidents: all categories' rates, less what the option prevents, plus what it
        # adds per containerised (stateful) process; only the categories it touches cost work.
        n_state_c = float(
            sum(1 for p, c in zip(st.processes, inside, strict=True) if c and p.stateful)
        )
        rate = all_rates
        drift_rate = v[DRIFT_RATE]
        for cat in spec.prevents:
            prevented = v[f"incidents.rate.{cat}"] * opt(f"prevents.{cat}")
            rate = rate - prevented
            if cat == DRIFT:
                drift_rate = drift_rate - prevented
        for kind, count in (("per_process", n_cont), ("per_stateful", n_state_c)):
            for cat in getattr(spec.adds_per_year, kind):
                added = count * opt(f"adds.{kind}.{cat}") / MONTHS_PER_YEAR
                rate = rate + added
                if cat == DRIFT:
                    drift_rate = drift_rate + added
        incidents = rate * per_incident
        drift = drift_rate * per_incident
        rec["incidents"] = incidents

        setup = (
            a("dev_env_setup_hours_containers")
            if via_containers
            else a("dev_env_setup_hours_images")
        )
        womm = (
            engineers
            * a("works_on_my_machine_hours_per_engineer_month")
            * (1.0 - opt("works_on_my_machine_reduction"))
        )
        rec["dev_environments"] = v["team.hires_per_year"] / MONTHS_PER_YEAR * setup + womm
        drift = drift + womm

        scale = zero
        weighted_start = zero
        for events, c in zip(proc_events, inside, strict=True):
            per_event = a("scale_out_hours_per_event") * (
                opt("scale_out_effort_factor", 1.0) if c else 1.0
            )
            scale = scale + events * per_event
            start = a("container_start_seconds") if c else a("machine_boot_seconds")
            weighted_start = weighted_start + events * start
        rec["scale_out"] = scale
        mean_start = np.divide(
            weighted_start, total_events, out=np.zeros(n_samples) + 1.0, where=total_events > 0
        )

        overhead = (
            engineers
            * a("container_debug_overhead_hours_per_engineer_month")
            * (1.0 - (1.0 - a("debug_overhead_expert_fraction")) * familiarity)
        )
        rec["tooling_overhead"] = overhead * spec.tooling_overhead
        recurring_by_option.append({k: np.broadcast_to(x, (n_samples,)) for k, x in rec.items()})

        incident_hours.append(np.broadcast_to(incidents, (n_samples,)))
        drift_hours.append(np.broadcast_to(drift, (n_samples,)))
        start_secs.append(np.broadcast_to(mean_start, (n_samples,)))
        portability.append(np.broadcast_to(opt("portability", 0.0), (n_samples,)))
        fit.append(
            np.broadcast_to(
                spec.team_fit.base + spec.team_fit.per_familiarity * familiarity, (n_samples,)
            )
        )

    sq = st.status_quo
    _add_other_operations(recurring_by_option, sq, v, capacity, n_samples)
    work_items = {k: np.stack([it[k] for it in items_by_option]) for k in WORK_ITEMS}
    recurring = {k: np.stack([r[k] for r in recurring_by_option]) for k in RECURRING}
    transition = sum(work_items.values(), np.zeros((len(st.options), n_samples)))
    rec_total = sum(recurring.values(), np.zeros((len(st.options), n_samples)))
    migration_capacity = capacity * a("migration_capacity_share")
    months_to_move = transition / migration_capacity

    h = float(st.horizon_months)
    delta = math.log1p(st.discount_rate_annual) / MONTHS_PER_YEAR
    d_h = np.minimum(months_to_move, h)
    spread = np.divide(
        transition, months_to_move, out=np.zeros_like(transition), where=months_to_move > 0
    )
    during = _discounted(d_h, delta)  # the discounted months the move takes
    npv = (spread + rec_total[sq]) * during + rec_total * (_discounted(h, delta) - during)
    total = (spread + rec_total[sq]) * d_h + rec_total * np.maximum(h - months_to_move, 0.0)
    saving = total[sq] - total
    monthly_saving = rec_total[sq] - rec_total
    with np.errstate(divide="ignore", invalid="ignore"):
        m_star = np.where(monthly_saving > 0, months_to_move + transition / monthly_saving, np.inf)
    breakeven = np.where(m_star <= h, np.ceil(m_star), np.inf)
    breakeven[sq] = np.nan

    out = Outputs(
        work_items=work_items,
        transition_hours=transition,
        recurring=recurring,
        recurring_hours=rec_total,
        migration_months=months_to_move,
        npv_hours=npv,
        total_hours=total,
        saving_hours=saving,
        breakeven_month=breakeven,
        incident_hours=np.stack(incident_hours),
        drift_hours=np.stack(drift_hours),
        start_seconds=np.stack(start_secs),
        scale_out_relevance=np.broadcast_to(relevance, (n_samples,)),
        capacity_hours=np.broadcast_to(capacity, (n_samples,)),
        capacity_npv_hours=np.broadcast_to(capacity * _discounted(h, delta), (n_samples,)),
        portability=np.stack(portability),
        team_fit=np.stack(fit),
        hourly_cost=np.broadcast_to(v["team.hourly_cost"], (n_samples,)),
        horizon_months=st.horizon_months,
        status_quo=sq,
    )
    return out
