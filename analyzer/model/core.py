"""The cost model of MODEL.md v2, vectorised over samples and options.

``build_space`` turns a questionnaire, the assumptions and the options into a ``ParamSpace`` (what is
uncertain); ``build_structure`` (analyzer.model.structure) says what is fixed: today's state, each
option's target and the difference. ``evaluate`` is a pure function of the two: it reads the
sampled values once into a typed view (analyzer.model.draws) and calls one function per cost
component, each working on arrays of shape (options, processes, samples) or (options, samples).

Cumulative cost of option o by month m (transition T over D months with the people on the move,
the status quo's recurring cost R_sq paid meanwhile, R_o afterwards):

    C_o(m) = (T/D + R_sq) min(m, D) + R_o max(m - D, 0)

A move longer than the horizon H is not cut off: the hours still to do at H, T (D - H)/D, are
added at H (``unfinished_transition_hours``). NPV uses continuous discounting at
delta = ln(1 + r)/12 per month; break-even is m* = D + T/(R_sq - R_o) when R_o < R_sq, else never.

Money (analyzer.model.money) takes the same curve with T x hourly cost for the transition and
R x hourly cost + infrastructure a month for the recurring cost; the decision's cost criterion
reads its NPV. ``build_structure`` here attaches the run's price plan to the structure.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from analyzer.model import money, recurring, transition
from analyzer.model import structure as _structure
from analyzer.model.assumptions import Assumptions
from analyzer.model.distributions import (
    bootstrap_means,
    gamma_rate_posterior,
    pert_mean,
    pert_variance,
)
from analyzer.model.draws import PROCESS_FIELDS, Draws, read_draws, sample_count
from analyzer.model.heap import keep_freed_memory
from analyzer.model.options import WORK_ITEMS, OptionSpec
from analyzer.model.params import DrawnValues, Empirical, Gamma, Param, ParamSpace, Pert
from analyzer.model.placement import Placement, place
from analyzer.model.structure import (
    BAKED_CONTAINER,
    CONTAINER_METHOD,
    REBAKE,
    ProcessInfo,
    Structure,
)
from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import (
    ANSWER_LABELS,
    Questionnaire,
    answered,
    incident_categories,
)

if TYPE_CHECKING:
    from analyzer.history import IncidentEvidence

__all__ = [
    "RECURRING",
    "RECURRING_LABELS",
    "WORK_ITEM_LABELS",
    "Outputs",
    "ProcessInfo",
    "Structure",
    "build_space",
    "build_structure",
    "cumulative_cost",
    "evaluate",
]

FloatArray = NDArray[np.float64]
WEEKS_PER_MONTH = 52.0 / 12.0
MINUTES_PER_HOUR = 60.0
MONTHS_PER_YEAR = 12.0
BOOTSTRAP_DRAWS = 4096
#: Samples ``evaluate`` takes at once (benchmarks/bench_model.py: 200,000 samples in blocks).
EVAL_BLOCK = 32_768
#: Parameter values (samples x parameters) a block of values drawn on demand (above
#: assess.HELD_SAMPLES) takes: a block's temporaries are ~30 bytes a sample per parameter (seed
#: team, 190 parameters: ~6 KB a sample; saas-12, 289: ~8.4 KB), so a million samples of the
#: seed team peaked at 561 MB in blocks of 32,768 and 457 MB in blocks of 16,384 (the goal: 500
#: MB), for ~12 % more time (benchmarks/bench_model.py). 16,384 x 192: ~95 MB of temporaries.
LEAN_BLOCK_VALUES = 16_384 * 192
#: The smallest block: below it the fixed cost of a block (~1.5 ms) dominates.
LEAN_BLOCK_MIN = 1_024
DRIFT = "environment_drift"
DRIFT_RATE = f"incidents.rate.{DRIFT}"

#: Recurring components, in report order.
RECURRING: tuple[str, ...] = (
    "image_upkeep",
    "host_patching",
    "environments",
    "config_management",
    "container_platform",
    "delivery",
    "incidents",
    "dev_environments",
    "new_services",
    "scale_out",
    "tooling_overhead",
    "other_operations",
)

WORK_ITEM_LABELS: dict[str, str] = {
    "containerise": "Containerise each process (experience curve over fleets)",
    "app_adaptation": "Adapt start-up and configuration code",
    "volumes": "Volumes for stateful processes",
    "data_migration": "Migrate data (by GB)",
    "backup_drill": "Backup and restore drill",
    "composition": "Compose or describe the processes for the orchestrator",
    "environment_config": "Per-environment configuration and secrets",
    "pipeline": "Container pipeline and registry",
    "bake_pipeline": "Bake pipeline and per-release images (instance-replacing deploys)",
    "platform_setup": "Orchestrator set-up",
    "observability": "Observability (logs, monitoring)",
    "learning": "Learning: deep for platform people, light for product engineers",
    "productivity_dip": "Productivity dip during the move",
}
RECURRING_LABELS: dict[str, str] = {
    "image_upkeep": "Machine images: bake pipelines, launch templates and OS patching per image",
    "host_patching": "Host OS patching (long-lived hosts and container nodes)",
    "environments": "Non-production environments kept in step",
    "config_management": "Config-management upkeep",
    "container_platform": "Container platform: base images, orchestrator upgrades and on-call",
    "delivery": "Deploys, bake and boot waits, rollbacks",
    "incidents": "Incidents",
    "dev_environments": "Dev environments and onboarding",
    "new_services": "New services: set-up and waiting",
    "scale_out": "Manual scale-outs",
    "tooling_overhead": "Extra tooling to debug",
    "other_operations": "Other operations time (the operations share, beyond the itemised)",
}


# ----------------------------------------------------------------------------------------------
# Parameters


def _pert(e: object) -> Pert:
    assert isinstance(e, Estimate)  # internal invariant: callers pass validated estimates
    return Pert(e.low, e.likely, e.high)


def _answer_params(q: Questionnaire) -> list[Param]:
    out: list[Param] = []
    for section in ("team", "codebase", "platform", "delivery"):
        model = getattr(q, section)
        for key, info in type(model).model_fields.items():
            value = getattr(model, key)
            if not isinstance(value, Estimate):
                continue  # optional answers left out (None) take their documented default
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            # "currency per hour" reads "USD per hour": the team's own currency
            unit = str(extra.get("unit", "")).replace("currency", q.team.currency)
            out.append(
                Param(
                    f"{section}.{key}",
                    ANSWER_LABELS.get(f"{section}.{key}", key.replace("_", " ")),
                    unit,
                    "answer",
                    _pert(value),
                    f"questionnaire: {section}.{key}",
                )
            )
    for p in q.processes:
        for key in PROCESS_FIELDS:
            info = type(p).model_fields[key]
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            value = p.startup if key == "startup_seconds" else getattr(p, key)
            given = answered(p, key)
            out.append(
                Param(
                    f"processes.{p.name}.{key}",
                    f"{p.name}: {ANSWER_LABELS.get(key, key.replace('_', ' '))}",
                    str(extra.get("unit", "")),
                    "answer",
                    _pert(value),
                    f"questionnaire: processes[{p.name}].{key}"
                    + ("" if given else " (default)"),
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
        for kind, per in (
            ("per_stateful", "per stateful container"),
            ("per_process", "per container"),
        ):
            for cat, est in getattr(o.adds_per_year, kind).items():
                out.append(
                    Param(
                        f"options.{name}.adds.{kind}.{cat}",
                        f"{name}: adds {cat.replace('_', ' ')} incidents {per}",
                        "incidents per year",
                        "option",
                        _pert(est),
                        o.source,
                    )
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
    params += money.params(q, a)
    return ParamSpace(tuple(params))


def build_structure(
    q: Questionnaire, options: Mapping[str, OptionSpec], assumptions: Assumptions
) -> Structure:
    """analyzer.model.structure.build_structure with the run's money plan (prices, sizes) attached."""
    st = _structure.build_structure(q, options, assumptions)
    plan = money.plan(q, assumptions, st.orchestrator_today, st.orchestrator)
    return replace(st, money=plan)


# ----------------------------------------------------------------------------------------------
# Evaluation


@dataclass(frozen=True)
class Outputs:
    """Model results for every option and sample; arrays are (options, samples), float64; for
    values drawn on demand (above assess.HELD_SAMPLES) float32 (LEAN_DTYPE), with the LATER
    fields and the breakdowns evaluated again when first read (``evaluate``)."""

    work_items: Mapping[str, FloatArray]  # transition hours by work item
    transition_hours: FloatArray
    recurring: Mapping[str, FloatArray]  # hours per month by component
    recurring_hours: FloatArray
    migration_months: FloatArray  # calendar months the move takes with the people on it
    npv_hours: FloatArray
    total_hours: FloatArray  # undiscounted cumulative cost at the horizon
    saving_hours: FloatArray  # status quo total minus option total at the horizon
    breakeven_month: FloatArray  # inf where never within the horizon (nan for the status quo)
    incident_hours: FloatArray  # per month
    drift_hours: FloatArray  # per month: drift incidents and works-on-my-machine time
    start_seconds: FloatArray  # event-weighted time to add capacity
    scale_out_relevance: FloatArray  # (samples,) 0-1
    capacity_hours: FloatArray  # (samples,) product and platform engineers' hours per month
    capacity_npv_hours: FloatArray  # (samples,) team hours over the horizon, discounted like NPV
    portability: FloatArray
    team_fit: FloatArray
    hourly_cost: FloatArray  # (samples,)
    horizon_months: int
    status_quo: int  # index of the status-quo option
    # ---- added in model v2 (for the decision layer and the report)
    migration_people: FloatArray  # people working on the move at once
    unfinished_transition_hours: FloatArray  # transition hours still to do at the horizon
    services_moved: FloatArray  # service units whose location changes (counts summed)
    stateful_moved: FloatArray  # stateful units whose data moves (into volumes or managed)
    data_gb_moved: FloatArray  # GB of data moved
    process_containerise_hours: FloatArray  # (options, processes, samples)
    ops_stated_hours: FloatArray  # (samples,) operations time the team states, per month
    ops_itemised_hours: FloatArray  # (samples,) what the model itemises for today, per month
    ops_gap_hours: FloatArray  # (samples,) stated - itemised: > 0 unitemised, < 0 overstated
    # ---- money (analyzer.model.money): engineer hours x hourly cost + infrastructure
    currency: str
    infrastructure_items: Mapping[str, FloatArray]  # money a month per item, (O, S)
    infrastructure_today: Mapping[str, FloatArray]  # today's money a month per item, (S,)
    infrastructure_monthly: FloatArray  # (O, S) money a month
    people_monthly: FloatArray  # recurring hours x hourly cost, (O, S) a month
    money_monthly: FloatArray  # people + infrastructure, (O, S) a month
    money_transition: FloatArray  # transition hours x hourly cost
    money_npv: FloatArray
    money_total: FloatArray  # undiscounted at the horizon
    money_saving: FloatArray  # status quo total minus option total at the horizon
    money_breakeven_month: FloatArray  # inf where never (nan for the status quo)
    capacity_npv_money: FloatArray  # (S,) team's time x rate + today's infrastructure, NPV

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
    """C_o(m) = T min(m, D)/D + R_sq m + (R_o - R_sq) (min(m, D)^2 / (2D) + max(m - D, 0)),
    vectorised to (O, S, M).

    Services move one after another, so the recurring cost ramps linearly from today's to the
    option's while the move lasts (D months) instead of changing all at once at its end; D = 0
    (nothing to move) gives R_o m.
    """
    t = transition[..., None]
    d = months_to_move[..., None]
    r_o = recurring[..., None]
    delta_r = r_o - recurring[sq][None, :, None]
    upto = np.minimum(m, d)
    moving = d > 0
    spread = np.divide(t, d, out=np.zeros_like(t), where=moving)
    ramp = np.divide(upto * upto, 2.0 * d, out=np.zeros_like(upto * d), where=moving)
    out = r_o * m
    out = out + np.where(moving, spread * upto - delta_r * (upto - ramp), 0.0)
    return np.asarray(out)


def _discounted(x: FloatArray | float, delta: float) -> FloatArray:
    """Integral of e^(-delta t) from 0 to x: (1 - e^(-delta x))/delta, or x when delta = 0."""
    x = np.asarray(x, dtype=np.float64)
    if delta == 0.0:
        return x
    return np.asarray(-np.expm1(-delta * x) / delta)


def _ramp_discounted(x: FloatArray, delta: float) -> FloatArray:
    """Integral of t e^(-delta t) from 0 to x: (1 - e^(-delta x)(1 + delta x))/delta^2, or x^2/2."""
    x = np.asarray(x, dtype=np.float64)
    if delta == 0.0:
        return np.asarray(x * x / 2.0)
    return np.asarray((1.0 - np.exp(-delta * x) * (1.0 + delta * x)) / (delta * delta))


@dataclass(frozen=True)
class _Clock:
    """What ``_totals`` needs of the move's length alone, shared by the hours and the money:
    months moving within the horizon, discounted, and ramp-discounted; months past the horizon
    still moving (D - H)+ and after the move within it (H - D)+, and the discount factor of the
    time after the move; which options' rows move in every sample or in none (``rows``)."""

    months: FloatArray
    during: FloatArray
    moving: NDArray[np.bool_]
    discounted_during: FloatArray
    ramp_during: FloatArray
    over: FloatArray
    after: FloatArray
    discounted_after: FloatArray
    #: per row of ``moving`` (2-D): True all moving, False none, None mixed; () for 1-D
    rows: tuple[bool | None, ...]
    #: every move ends within the horizon: (D - H)+ is 0 everywhere (no nan either)
    within: bool

    @staticmethod
    def of(months: FloatArray, h: float, delta: float) -> _Clock:
        during = np.minimum(months, h)
        discounted_during = _discounted(during, delta)
        moving = months > 0
        rows: tuple[bool | None, ...] = ()
        if moving.ndim == 2:
            every = [bool(x) for x in np.all(moving, axis=1, keepdims=True)[:, 0]]
            some = [bool(x) for x in np.any(moving, axis=1, keepdims=True)[:, 0]]
            rows = tuple(
                True if a else (False if not b else None)
                for a, b in zip(every, some, strict=True)
            )
        over = np.maximum(months - h, 0.0)
        return _Clock(months, during, moving, discounted_during,
                      _ramp_discounted(during, delta), over,
                      np.maximum(h - months, 0.0), _discounted(h, delta) - discounted_during,
                      rows, not bool(np.any(over)))

    def divided(self, num: FloatArray, out: FloatArray | None = None) -> FloatArray:
        """num / D where the move takes time (D > 0), else 0: ``np.divide(num, D, out=zeros,
        where=D > 0)``, row by row where a row moves in every sample (a plain division) or in
        none (zeros): numpy's masked loop costs about twice a plain division. The same values."""
        out = np.empty_like(num) if out is None else out
        if not self.rows or None in self.rows or out.ndim != 2 or num.shape != out.shape:
            out[...] = 0.0
            return np.asarray(np.divide(num, self.months, out=out, where=self.moving))
        for i, every in enumerate(self.rows):
            if every:
                np.divide(num[i], self.months[i], out=out[i])
            else:
                out[i] = 0.0
        return out


def _totals(
    trans: FloatArray, months: FloatArray | _Clock, rec: FloatArray, sq: int, h: float,
    delta: float, *, with_total: bool = True, with_unfinished: bool = True,
    into: tuple[FloatArray | None, FloatArray | None, FloatArray | None] = (None, None, None),
) -> tuple[FloatArray, FloatArray | None, FloatArray | None]:
    """(NPV, undiscounted total at the horizon, unfinished transition hours), (O, S) each;
    ``with_total=False``: no total (None), the same NPV; ``with_unfinished=False``: the
    unfinished hours may be left out (None). ``into``: where to put the three (None: new
    arrays).

    When every move ends within the horizon (``_Clock.within``) the unfinished hours are
    spread x 0 with a finite spread (D <= H, so T/D is finite): +-0, which leaves any sum it
    is added to as it is (NPV and total never are -0: their first term is >= +0), so they are
    not added.

    Rate of cost while moving (t < D): T/D + R_sq + (R_o - R_sq) t/D; after: R_o. A move longer
    than the horizon is not cut off: the transition hours still to do at H, T (D - H)/D, are added
    (discounted to H). ``months``: D, or its ``_Clock`` (computed once for hours and money).

        NPV   = (T/D + R_sq) disc(min(D, H)) + slope ramp(min(D, H)) + R_o (disc(H) - disc(min(D, H)))
                + unfinished e^(-delta H)
        total = (T/D + R_sq) min(D, H) + slope min(D, H)^2 / 2 + R_o (H - D)+ + unfinished

    summed term by term in that order, into one array each.
    """
    clock = months if isinstance(months, _Clock) else _Clock.of(months, h, delta)
    during = clock.during
    npv_out, total_out, unfinished_out = into
    spread = clock.divided(trans)
    slope = np.subtract(rec, rec[sq])
    clock.divided(slope, out=slope)
    unfinished = (
        np.multiply(spread, clock.over, out=unfinished_out)
        if with_unfinished or not clock.within else None
    )
    spread += rec[sq]  # T/D + R_sq: both sums start from it
    npv = np.multiply(spread, clock.discounted_during, out=npv_out)
    scratch = np.multiply(slope, clock.ramp_during)
    npv += scratch
    np.multiply(rec, clock.discounted_after, out=scratch)
    npv += scratch
    if not clock.within:
        assert unfinished is not None
        np.multiply(unfinished, math.exp(-delta * h), out=scratch)
        npv += scratch
    if not with_total:
        return np.asarray(npv), None, unfinished
    total = np.multiply(spread, during, out=total_out)
    slope *= during
    slope *= during
    slope /= 2.0
    total += slope
    np.multiply(rec, clock.after, out=scratch)
    total += scratch
    if not clock.within:
        assert unfinished is not None
        total += unfinished
    return np.asarray(npv), np.asarray(total), unfinished


def _breakeven(
    trans: FloatArray, months: FloatArray, rec: FloatArray, sq: int, h: float,
    out: FloatArray | None = None,
) -> FloatArray:
    """First month the option's cumulative cost is at most today's: with s = R_sq - R_o > 0,
    m* = 2T/s when that falls within the move (2T/s <= D), else D/2 + T/s; inf when s <= 0 or
    m* > H; nan for the status quo. ``out``: where to put it (None: a new array). The
    status quo's row is left out of the arithmetic when it is the first or last row (a
    contiguous slice of the others; its nan is set alone)."""
    if out is None:
        out = np.empty(np.broadcast_shapes(trans.shape, months.shape, rec.shape))
    n_opt = out.shape[0] if out.ndim == 2 else 0
    if n_opt > 1 and sq in (0, n_opt - 1) and trans.shape == months.shape == rec.shape == out.shape:
        others = slice(1, None) if sq == 0 else slice(0, -1)
        _breakeven_rows(trans[others], months[others], rec[others], rec[sq], h, out[others])
    else:
        _breakeven_rows(trans, months, rec, rec[sq], h, out)
    out[sq] = np.nan
    return out


def _breakeven_rows(
    trans: FloatArray, months: FloatArray, rec: FloatArray, rec_sq: FloatArray, h: float,
    out: FloatArray,
) -> None:
    """``_breakeven`` into ``out`` for the given rows, against today's recurring ``rec_sq``."""
    s = np.subtract(rec_sq, rec)
    with np.errstate(divide="ignore", invalid="ignore"):
        per = np.divide(trans, s)
        m_star = np.divide(months, 2.0, out=out)
        m_star += per  # D/2 + T/s
        per *= 2.0  # = 2T/s exactly: doubling is exact in binary floating point
        np.copyto(m_star, per, where=per <= months)
        kept = np.greater(s, 0.0)  # not (s <= 0): a nan s gives inf too
        kept &= m_star <= h
        np.ceil(m_star, out=m_star)
    np.copyto(m_star, np.inf, where=~kept)


def _recurring(
    pl: Placement, d: Draws, st: Structure, into: Mapping[str, FloatArray] | None = None
) -> tuple[dict[str, FloatArray], dict[str, FloatArray]]:
    """Recurring hours per month by component, and the criteria inputs computed on the way
    (``into``: ``_evaluate_block``'s)."""
    into = into or {}
    incident_hours, drift_incidents = recurring.incidents(
        pl, d, st, (into.get("incident_hours"), None)
    )
    dev, womm = recurring.dev_environments(pl, d)
    scale_hours, start, relevance = recurring.scale_out(pl, d, into.get("start_seconds"))
    components = {
        "image_upkeep": recurring.image_upkeep(pl, d),
        "host_patching": recurring.host_patching(pl, d, st),
        "environments": recurring.environment_upkeep(pl, d, st),
        "config_management": recurring.config_management(pl, d, st),
        "container_platform": recurring.container_platform(pl, d, st),
        "delivery": recurring.delivery(pl, d, st),
        "incidents": incident_hours,
        "dev_environments": dev,
        "new_services": recurring.new_services(pl, d, st),
        "scale_out": scale_hours,
        "tooling_overhead": recurring.tooling_overhead(pl, d),
    }
    extra = {
        "incident_hours": incident_hours,
        "drift_hours": np.add(drift_incidents, womm, out=into.get("drift_hours")),
        "start_seconds": start,
        "relevance": relevance,
    }
    return components, extra


def _add_all(
    arrays: Iterable[FloatArray], shape: tuple[int, ...], out: FloatArray | None = None
) -> FloatArray:
    """0 + a_1 + a_2 + ... in that order, into one array of ``shape`` (``out`` when given): the
    same sums as ``sum(arrays, np.zeros(shape))`` without a new array for every partial sum,
    and without the zeros (0 + a_1 is a_1 + 0: IEEE addition is commutative, signed zeros
    and nans included)."""
    out = np.empty(shape) if out is None else out
    it = iter(arrays)
    first = next(it, None)
    if first is None:
        out[...] = 0.0
        return out
    np.add(first, 0.0, out=out)
    for x in it:
        out += x
    return out


def _other_operations(
    itemised_row: FloatArray, n_opt: int, d: Draws,
    into: Mapping[str, FloatArray] | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """(other operations (O, S), stated (S,), itemised (S,), stated - itemised (S,)) from the
    status quo's itemised components summed (``itemised_row``, copied); ``into``:
    ``_evaluate_block``'s.

    Stated = ops_time_share x product engineers' hours + platform engineers' hours; itemised =
    the status quo's recurring components. The unitemised rest, max(stated - itemised, 0), is the
    same under every option (v1 scaled it by an upkeep ratio); a negative gap (the team states
    less than the model itemises) is kept in ``ops_gap_hours`` and said in the output, not
    clamped away silently.
    """
    into = into or {}
    hours = d.c.hours_per_engineer_month
    stated = np.multiply(
        d.team.ops_time_share * d.team.engineers + d.team.platform_engineers, hours,
        out=into.get("ops_stated_hours"),
    )
    itemised = into.get("ops_itemised_hours")
    if itemised is None:
        itemised = itemised_row.copy()
    else:
        itemised[...] = itemised_row
    gap = np.subtract(stated, itemised, out=into.get("ops_gap_hours"))
    rest = np.maximum(gap, 0.0)
    return np.broadcast_to(rest, (n_opt, d.n)), stated, itemised, gap


def evaluate(
    values: Mapping[str, FloatArray],
    st: Structure,
    *,
    reuse_horizons: bool = True,
    hold_breakdowns: bool = False,
) -> Outputs:
    """Cost and criteria of every option for every sample; ``values`` from a ParamSpace
    (``sample``, or ``draw_on_demand``: then each block's values are drawn as it is evaluated).

    ``reuse_horizons=False`` does not keep the run for another horizon's re-evaluation (``_Last``:
    summing every input array to recognise it later); for callers that never re-evaluate over
    another horizon, such as ``analyzer portfolio``. The outputs are the same either way.

    More than EVAL_BLOCK samples are evaluated in blocks of about EVAL_BLOCK: every output is
    elementwise in the samples, so the blocks give the same numbers, while each block's
    (options x processes x block) temporaries stay in the CPU cache and the peak of
    temporaries stays bounded in the number of samples.

    Above EVAL_BLOCK samples the per-item breakdowns (BREAKDOWNS: work items, recurring
    components, infrastructure items) are not kept but evaluated again, block by block, when a
    field is first read (``hold_breakdowns=True`` keeps them): the same numbers, for one more
    evaluation (all four in one pass; one at a time for values drawn on demand, some seconds
    each at a million samples); they are most of what a run holds.

    Values drawn on demand (``ParamSpace.draw_on_demand``, what ``assess`` uses above
    ``assess.HELD_SAMPLES``): the outputs are held as float32 (LEAN_DTYPE), and the LATER
    fields, which neither the decision nor the summary reads, are evaluated again when read.
    """
    keep_freed_memory()
    n = sample_count(values)
    on_demand = isinstance(values, DrawnValues)
    if n <= EVAL_BLOCK:
        if isinstance(values, DrawnValues):
            values = values.block(0, n)
        reused = _LAST.over_horizon(values, st)
        if reused is not None:
            return reused
        out = _evaluate_block(values, st)
        if reuse_horizons:
            _LAST.remember(values, st, out)
        return out
    lean = on_demand
    size = EVAL_BLOCK
    if lean:
        size = min(EVAL_BLOCK, max(LEAN_BLOCK_MIN, LEAN_BLOCK_VALUES // max(len(values), 1)))
    cuts = tuple(int(c) for c in np.linspace(0, n, -(-n // size) + 1))  # >= size / 2
    keep = hold_breakdowns
    later = (() if keep else BREAKDOWNS) + (LATER if lean else ())
    dtype = LEAN_DTYPE if lean else np.float64
    joined: _Joined | None = None
    for lo, hi in itertools.pairwise(cuts):
        into = joined.views(lo, hi) if joined is not None else {}
        block = _evaluate_block(_block(values, n, lo, hi), st, into=into)
        joined = _Joined(block, n, later, dtype) if joined is None else joined
        joined.put(block, lo, hi, into)
    assert joined is not None  # at least two blocks
    fields = joined.fields
    again = _Again(values, st, cuts, dtype, together=not lean)
    if not keep:
        for name in BREAKDOWNS:
            fields[name] = _OnDemand(joined.skipped_keys[name], again.loader(name))
    if not lean:
        return Outputs(**fields)  # type: ignore[arg-type]
    return _Deferred.of(fields, LATER, lambda _: again.load(LATER))


#: (O, S) outputs a block of a joined run computes straight into the joined arrays
#: (``_Joined.views``), each by its last operation, instead of copying them there afterwards.
DIRECT = (
    "transition_hours", "recurring_hours", "migration_months", "infrastructure_monthly",
    "people_monthly", "money_monthly", "money_transition", "npv_hours", "total_hours",
    "unfinished_transition_hours", "money_npv", "money_total", "saving_hours", "money_saving",
    "breakeven_month", "money_breakeven_month", "process_containerise_hours", "incident_hours",
    "drift_hours", "portability", "team_fit", "start_seconds", "ops_stated_hours",
    "ops_itemised_hours", "ops_gap_hours", "capacity_hours", "capacity_npv_hours",
    "capacity_npv_money",
)
#: The per-item breakdowns of ``Outputs`` ``evaluate`` leaves to be evaluated when read.
BREAKDOWNS = ("work_items", "recurring", "infrastructure_items", "infrastructure_today")
#: ``Outputs`` fields that neither the decision nor the assessment's summary reads (the
#: report's money table and migration plan read some): a run drawn on demand (above
#: assess.HELD_SAMPLES) evaluates them again, all at once, when one is first read.
LATER = (
    "team_fit", "unfinished_transition_hours", "services_moved", "stateful_moved",
    "data_gb_moved", "process_containerise_hours", "capacity_npv_hours", "scale_out_relevance",
    "ops_gap_hours", "people_monthly", "money_total", "money_saving", "money_breakeven_month",
)
#: What a run drawn on demand holds its arrays in: float32 halves the memory, and moves any
#: P10/P50/P90 by at most ~6e-8 relative (docs/design/model-performance.md, fifth round).
LEAN_DTYPE = np.float32


def _block(values: Mapping[str, FloatArray], n: int, lo: int, hi: int) -> dict[str, FloatArray]:
    """Samples lo..hi - 1 of every value (constants as they are)."""
    if isinstance(values, DrawnValues):
        return values.block(lo, hi)
    return {k: v[lo:hi] if v.size == n else v for k, v in values.items()}


@dataclass
class _Again:
    """Fields of a blocked run evaluated again, block by block, when first read: ``together``,
    every breakdown not yet read in the one pass (a run of held draws: it fits); else only the
    field read (a run drawn on demand: one breakdown at a time). Handed-out fields are not
    kept here."""

    values: Mapping[str, FloatArray]
    structure: Structure
    cuts: tuple[int, ...]
    dtype: type[np.floating]
    together: bool
    pending: dict[str, object] = field(default_factory=dict)

    def load(self, names: tuple[str, ...]) -> dict[str, object]:
        """The named fields of every block, joined (one evaluation of all the blocks)."""
        n = self.cuts[-1]
        skip = tuple(f.name for f in dataclasses.fields(Outputs) if f.name not in names)
        joined: _Joined | None = None
        for lo, hi in itertools.pairwise(self.cuts):
            block = _evaluate_block(_block(self.values, n, lo, hi), self.structure)
            joined = _Joined(block, n, skip, self.dtype) if joined is None else joined
            joined.put(block, lo, hi)
        assert joined is not None
        return {name: joined.fields[name] for name in names}

    def breakdown(self, name: str) -> dict[str, FloatArray]:
        """One breakdown, handed out once (its ``_OnDemand`` keeps it); ``together``, the
        first read loads all four, so the others are pending until read."""
        if name not in self.pending:
            self.pending.update(self.load(BREAKDOWNS if self.together else (name,)))
        out = self.pending.pop(name)
        assert isinstance(out, dict)
        return out

    def loader(self, name: str) -> Callable[[], dict[str, FloatArray]]:
        return lambda: self.breakdown(name)


class _Deferred(Outputs):
    """``Outputs`` whose ``later`` fields are computed, all at once, when one is first read
    (``load(outputs)`` gives them) and then kept; ``__getattr__`` is asked only for attributes
    not set yet. A run drawn on demand (``evaluate`` above assess.HELD_SAMPLES: the LATER fields
    evaluated again) and the decision's lean evaluation (``evaluate_for_decision``: the
    HORIZON_LATER fields from the outputs they depend on) both hand these out."""

    _later: tuple[str, ...]
    _load: Callable[[Outputs], Mapping[str, object]]

    @classmethod
    def of(
        cls,
        fields: dict[str, object],
        later: tuple[str, ...],
        load: Callable[[Outputs], Mapping[str, object]],
    ) -> _Deferred:
        out = object.__new__(cls)
        for name, value in fields.items():
            object.__setattr__(out, name, value)
        object.__setattr__(out, "_later", later)
        object.__setattr__(out, "_load", load)
        return out

    def __getattr__(self, name: str) -> object:
        later = self.__dict__.get("_later", ())
        if name not in later:
            raise AttributeError(name)
        for key, value in self.__dict__["_load"](self).items():
            object.__setattr__(self, key, value)
        return self.__dict__[name]


class _OnDemand(Mapping[str, FloatArray]):
    """A breakdown (name -> array) evaluated on first read, then kept."""

    def __init__(self, keys: tuple[str, ...], load: Callable[[], dict[str, FloatArray]]) -> None:
        self._keys = keys
        self._load = load
        self._data: dict[str, FloatArray] | None = None

    def __getitem__(self, key: str) -> FloatArray:
        if self._data is None:
            self._data = self._load()
        return self._data[key]

    def __contains__(self, key: object) -> bool:
        return key in self._keys

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)


class _Joined:
    """Outputs of consecutive sample blocks written into one preallocated set (``fields``, by
    name; the ``skip`` ones left out, their keys in ``skipped_keys``), float arrays as
    ``dtype``: each array's last axis is the samples; rows broadcast over options stay a
    broadcast, and a view several fields share stays one array (as in a single block)."""

    def __init__(
        self, first: Outputs, n: int, skip: tuple[str, ...] = (),
        dtype: type[np.floating] = np.float64,
    ) -> None:
        self._n = n
        self._skip = skip
        self._dtype = dtype
        self.skipped_keys: dict[str, tuple[str, ...]] = {}
        self._targets: dict[tuple[object, ...], FloatArray] = {}
        self._rows: dict[int, FloatArray] = {}  # id of a broadcast target -> its writable row
        self.fields: dict[str, object] = {}
        for f in dataclasses.fields(Outputs):
            x = getattr(first, f.name)
            if f.name in skip:
                if isinstance(x, Mapping):
                    self.skipped_keys[f.name] = tuple(x)
            elif isinstance(x, dict):
                self.fields[f.name] = {k: self._target(v) for k, v in x.items()}
            elif isinstance(x, np.ndarray):
                self.fields[f.name] = self._target(x)
            else:  # horizon, status quo, currency: the same in every block
                self.fields[f.name] = x

    @staticmethod
    def _key(a: FloatArray) -> tuple[object, ...]:
        return (a.__array_interface__["data"][0], a.shape, a.strides)

    @staticmethod
    def _is_row(a: FloatArray) -> bool:
        return a.ndim == 2 and a.shape[0] > 1 and a.strides[0] == 0

    def _target(self, a: FloatArray) -> FloatArray:
        key = self._key(a)
        if key not in self._targets:
            if self._is_row(a):
                row = self._target(a[0])
                out = np.broadcast_to(row, (a.shape[0], self._n))
                self._rows[id(out)] = row
            else:
                dtype = self._dtype if a.dtype == np.float64 else a.dtype
                out = np.empty((*a.shape[:-1], self._n), dtype=dtype)
            self._targets[key] = out
        return self._targets[key]

    def views(self, lo: int, hi: int) -> dict[str, FloatArray]:
        """Samples lo:hi of the targets of the DIRECT fields held as float64 (``into`` of
        ``_evaluate_block``: a block computes them there; ``put`` then skips them)."""
        if self._dtype != np.float64:
            return {}  # a block's later arithmetic reads them: it must see float64
        out: dict[str, FloatArray] = {}
        for name in DIRECT:
            target = self.fields.get(name)
            if isinstance(target, np.ndarray) and id(target) not in self._rows:
                out[name] = target[..., lo:hi]
        assert len({id(self.fields[k]) for k in out}) == len(out)  # no target shared
        return out

    def put(
        self, block: Outputs, lo: int, hi: int, written: Mapping[str, FloatArray] | None = None
    ) -> None:
        """Write one block's arrays into samples lo:hi (each shared array once); ``written``:
        the views the block computed its fields in (``views``), not copied again."""
        done: set[tuple[object, ...]] = set()
        written = written or {}
        for name, out in self.fields.items():
            x = getattr(block, name)
            if x is written.get(name):
                continue
            if isinstance(x, dict):
                assert isinstance(out, dict)
                for k, v in x.items():
                    self._put(v, out[k], lo, hi, done)
            elif isinstance(x, np.ndarray):
                assert isinstance(out, np.ndarray)
                self._put(x, out, lo, hi, done)

    def _put(
        self, a: FloatArray, out: FloatArray, lo: int, hi: int, done: set[tuple[object, ...]]
    ) -> None:
        """One array into samples lo:hi of its target (a broadcast row: into the row). A method,
        not a closure calling itself: such a closure is a reference cycle that kept this object,
        and with it every output array, alive until the cyclic garbage collector ran, so the
        next evaluation faulted in fresh memory (~50,000 page faults at 200,000 samples)."""
        key = self._key(a)
        if key in done:
            return
        done.add(key)
        row = self._rows.get(id(out))
        if row is not None:
            self._put(a[0], row, lo, hi, done)
        else:
            out[..., lo:hi] = a


def _shaped(x: FloatArray, shape: tuple[int, ...]) -> FloatArray:
    """``x`` as ``shape``: itself when it has that shape, else a read-only broadcast view
    (``np.broadcast_to`` costs about 10 us a call, and ``evaluate`` makes some 40 of them)."""
    return x if x.shape == shape else np.broadcast_to(x, shape)


def _evaluate_block(
    values: Mapping[str, FloatArray],
    st: Structure,
    lean: bool = False,
    into: Mapping[str, FloatArray] | None = None,
) -> Outputs:
    """``evaluate`` on one block of samples; ``lean``: ``evaluate_for_decision``'s. ``into``:
    where some (O, S) float64 outputs go (by field name: this block's samples of a joined run,
    ``_Joined.views``), computed there by their last operation instead of copied afterwards;
    the same operations, so the same numbers."""
    into = into or {}
    d = read_draws(
        values, tuple(p.name for p in st.processes), st.option_names, st.categories
    )
    pl = place(st, d)
    sq = st.status_quo
    n_opt = len(st.options)

    items, per_process, subtotal = transition.work_items_and_subtotal(
        pl, d, st, into.get("process_containerise_hours")
    )
    components, extra = _recurring(pl, d, st, into)
    shape = (n_opt, d.n)
    # 0 + component_1 + ... + component_11 in RECURRING order: its status quo's row is what
    # the team's operations are itemised as (the same additions), and + other operations,
    # the last component, makes the recurring total
    assert tuple(components) == RECURRING[:-1] and RECURRING[-1] == "other_operations"
    rec_total = _add_all(
        (_shaped(components[k], shape) for k in RECURRING[:-1]), shape,
        into.get("recurring_hours"),
    )
    other, stated, itemised, gap = _other_operations(rec_total[sq], n_opt, d, into)
    components["other_operations"] = other
    rec_total += other
    work = {k: _shaped(items[k], shape) for k in WORK_ITEMS}
    rec = {k: _shaped(components[k], shape) for k in RECURRING}
    # 0 + item_1 + ... + item_12 (work_items' subtotal, the same additions in WORK_ITEMS
    # order) + the productivity dip, the last item
    assert tuple(items) == WORK_ITEMS and WORK_ITEMS[-1] == "productivity_dip"
    trans = np.add(subtotal, work["productivity_dip"], out=into.get("transition_hours"))

    people = transition.people_on_move(d, n_opt)
    months_to_move = np.divide(
        trans, people * d.c.hours_per_engineer_month, out=into.get("migration_months")
    )

    capacity = np.multiply(
        d.team.engineers + d.team.platform_engineers, d.c.hours_per_engineer_month,
        out=into.get("capacity_hours"),
    )
    infra = _money(values, st, d, pl)
    rate = d.team.hourly_cost
    infra_month = infra.options.added(into.get("infrastructure_monthly"))
    people_month = np.multiply(rec_total, rate, out=into.get("people_monthly"))
    money_month = np.add(people_month, infra_month, out=into.get("money_monthly"))
    money_trans = np.multiply(trans, rate, out=into.get("money_transition"))
    stateful_moving = pl.moved * pl.stateful[None]
    fields = dict(
        **_over_horizon(
            trans, months_to_move, rec_total, money_trans, money_month,
            _shaped(capacity, (d.n,)), rate, infra.today.total, st, lean, into,
        ),
        work_items=work,
        transition_hours=trans,
        recurring=rec,
        recurring_hours=rec_total,
        migration_months=months_to_move,
        incident_hours=_shaped(extra["incident_hours"], shape),
        drift_hours=_shaped(extra["drift_hours"], shape),
        start_seconds=_shaped(extra["start_seconds"], shape),
        scale_out_relevance=_shaped(extra["relevance"], (d.n,)),
        capacity_hours=_shaped(capacity, (d.n,)),
        portability=_shaped(recurring.portability(pl, d, into.get("portability")), shape),
        team_fit=_shaped(recurring.team_fit(pl, d, into.get("team_fit")), shape),
        hourly_cost=d.team.hourly_cost,
        status_quo=sq,
        migration_people=people,
        services_moved=_shaped(pl.units(pl.moved), shape),
        stateful_moved=_shaped(pl.units(stateful_moving), shape),
        data_gb_moved=_shaped(pl.units(stateful_moving, d.proc.data_gb), shape),
        process_containerise_hours=per_process,
        ops_stated_hours=stated,
        ops_itemised_hours=itemised,
        ops_gap_hours=gap,
        currency=st.money.currency if st.money is not None else "",
        infrastructure_items=infra.options.items(),
        infrastructure_today=infra.today.items(),
        infrastructure_monthly=infra_month,
        people_monthly=people_month,
        money_monthly=money_month,
        money_transition=money_trans,
    )
    if lean:
        return _Deferred.of(fields, HORIZON_LATER, lambda out: _horizon_later(out, st))
    return Outputs(**fields)  # type: ignore[arg-type]


def _over_horizon(
    trans: FloatArray,
    months_to_move: FloatArray,
    rec_total: FloatArray,
    money_trans: FloatArray,
    money_month: FloatArray,
    capacity: FloatArray,
    rate: FloatArray,
    today_infra: FloatArray,
    st: Structure,
    lean: bool = False,
    into: Mapping[str, FloatArray] | None = None,
) -> dict[str, object]:
    """The outputs that depend on the horizon (NPV, totals, savings, break-even, capacity over
    the horizon); everything else in ``Outputs`` does not. ``lean``: without the HORIZON_LATER
    fields (``evaluate_for_decision``); ``into``: ``_evaluate_block``'s."""
    into = into or {}
    sq = st.status_quo
    h = float(st.horizon_months)
    delta = math.log1p(st.discount_rate_annual) / MONTHS_PER_YEAR
    clock = _Clock.of(months_to_move, h, delta)
    npv, total, unfinished = _totals(
        trans, clock, rec_total, sq, h, delta, with_total=not lean,
        into=(into.get("npv_hours"), into.get("total_hours"),
              into.get("unfinished_transition_hours")),
    )
    assert unfinished is not None  # with_unfinished
    money_npv, money_total, _ = _totals(
        money_trans, clock, money_month, sq, h, delta, with_total=not lean,
        with_unfinished=False, into=(into.get("money_npv"), into.get("money_total"), None),
    )
    out: dict[str, object] = {
        "horizon_months": st.horizon_months,
        "npv_hours": npv,
        "unfinished_transition_hours": unfinished,
        "capacity_npv_hours": np.multiply(
            capacity, _discounted(h, delta), out=into.get("capacity_npv_hours")
        ),
        "money_npv": money_npv,
        "capacity_npv_money": np.multiply(
            capacity * rate + today_infra, _discounted(h, delta),
            out=into.get("capacity_npv_money"),
        ),
    }
    if total is None or money_total is None:
        return out
    return {
        **out,
        "total_hours": total,
        "saving_hours": np.subtract(total[sq], total, out=into.get("saving_hours")),
        "breakeven_month": _breakeven(
            trans, months_to_move, rec_total, sq, h, into.get("breakeven_month")
        ),
        "money_total": money_total,
        "money_saving": np.subtract(money_total[sq], money_total, out=into.get("money_saving")),
        "money_breakeven_month": _breakeven(
            money_trans, months_to_move, money_month, sq, h, into.get("money_breakeven_month")
        ),
    }


#: The horizon's outputs the decision's recommendation does not read (undiscounted totals,
#: savings, break-evens): ``evaluate_for_decision`` computes them when one is first read.
HORIZON_LATER = (
    "total_hours", "saving_hours", "breakeven_month", "money_total", "money_saving",
    "money_breakeven_month",
)


def evaluate_for_decision(
    values: Mapping[str, FloatArray], st: Structure, *, hold_breakdowns: bool = False
) -> Outputs:
    """``evaluate(values, st, reuse_horizons=False)`` for callers that read what the decision's
    recommendation reads (``analyzer portfolio``, 1,000 applications a run): the HORIZON_LATER
    fields are computed when first read (``_Deferred``), about a tenth of an evaluation
    saved when none is. The same numbers either way. One block only: above EVAL_BLOCK samples,
    or values drawn on demand, it is ``evaluate`` (``hold_breakdowns`` is for that case)."""
    if isinstance(values, DrawnValues) or sample_count(values) > EVAL_BLOCK:
        return evaluate(values, st, reuse_horizons=False, hold_breakdowns=hold_breakdowns)
    keep_freed_memory()
    return _evaluate_block(values, st, lean=True)


def _horizon_later(out: Outputs, st: Structure) -> dict[str, object]:
    """The HORIZON_LATER fields of a lean evaluation (``evaluate_for_decision``), from the
    outputs they depend on (``_over_horizon``, as ``_Last`` does)."""
    today = np.asarray(sum(out.infrastructure_today.values()), dtype=np.float64)
    full = _over_horizon(
        out.transition_hours, out.migration_months, out.recurring_hours, out.money_transition,
        out.money_monthly, out.capacity_hours, out.hourly_cost, today, st,
    )
    return {key: full[key] for key in HORIZON_LATER}


@dataclass
class _Last:
    """The last single-block evaluation, to answer the same draws over another horizon (the
    decision's horizon checks evaluate the run three more times) by recomputing only the
    horizon's outputs; the other arrays are shared with the last call's outputs. Same draws: the
    same array objects with the same sums (an array changed in place is evaluated afresh); same
    structure: every field but the horizon the same object (``dataclasses.replace`` keeps them).
    Holds one block (at most EVAL_BLOCK samples)."""

    values: dict[str, FloatArray] = field(default_factory=dict)
    sums: dict[int, FloatArray] = field(default_factory=dict)
    structure: Structure | None = None
    outputs: Outputs | None = None

    def remember(self, values: Mapping[str, FloatArray], st: Structure, out: Outputs) -> None:
        self.values = dict(values)
        self.sums = _fingerprints(self.values)
        self.structure, self.outputs = st, out

    def over_horizon(self, values: Mapping[str, FloatArray], st: Structure) -> Outputs | None:
        last, out = self.structure, self.outputs
        if last is None or out is None or st.horizon_months == last.horizon_months:
            return None
        if values.keys() != self.values.keys() or any(
            f.name != "horizon_months" and getattr(st, f.name) is not getattr(last, f.name)
            for f in dataclasses.fields(st)
        ):
            return None
        if any(v is not self.values[k] for k, v in values.items()):
            return None
        if not _same_sums(_fingerprints(values), self.sums):
            return None
        today = np.asarray(sum(out.infrastructure_today.values()), dtype=np.float64)
        return replace(out, **_over_horizon(  # type: ignore[arg-type]
            out.transition_hours, out.migration_months, out.recurring_hours,
            out.money_transition, out.money_monthly, out.capacity_hours, out.hourly_cost,
            today, st,
        ))


_LAST = _Last()


def _fingerprints(values: Mapping[str, FloatArray]) -> dict[int, FloatArray]:
    """Sums of the memory behind the arrays, to notice one changed in place (``_Last`` checks
    that they are the same objects): the rows of a C-ordered 2-D block that some are rows of
    (``ParamSpace.sample`` draws the tabulated parameters into one) summed in one call, not
    ~150 calls of a few microseconds each; any other array on its own. Keyed by the owner's id
    (the remembered arrays keep their owners alive)."""
    owners: dict[int, FloatArray] = {}
    for value in values.values():
        v = value if isinstance(value, np.ndarray) else np.asarray(value, dtype=np.float64)
        base = v.base
        owner = base if isinstance(base, np.ndarray) and base.ndim == 2 and base.flags.c_contiguous else v
        owners[id(owner)] = owner
    return {
        key: np.add.reduce(x, axis=1) if x.ndim == 2 else np.atleast_1d(np.add.reduce(x, axis=None))
        for key, x in owners.items()
    }


def _same_sums(a: dict[int, FloatArray], b: dict[int, FloatArray]) -> bool:
    return a.keys() == b.keys() and all(np.array_equal(x, b[k]) for k, x in a.items())


def _money(values: Mapping[str, FloatArray], st: Structure, d: Draws, pl: Placement) -> money.Money:
    """Infrastructure a month for today's placement and each option's (analyzer.model.money)."""
    if st.money is None:
        raise ValueError("the structure has no money plan: build it with core.build_structure")

    def masks(ctr: FloatArray, mgd: FloatArray, method: Mapping[str, FloatArray]) -> money.StateMasks:
        """(K, P) masks: today's (P,) arrays become one row."""
        return money.StateMasks(
            # a container baked into its own machine image runs one per VM: billed as the VM
            # it is, not packed onto shared hosts
            container=np.atleast_2d(ctr * (1.0 - method[BAKED_CONTAINER])),
            managed=np.atleast_2d(mgd),
            rebake=np.atleast_2d(method[REBAKE] + method[BAKED_CONTAINER]),
            container_build=np.atleast_2d(method[CONTAINER_METHOD] + method[BAKED_CONTAINER]),
        )

    today = masks(pl.ctr0, pl.mgd0, pl.method0)
    targets = masks(pl.ctr, pl.mgd, pl.method)
    names = tuple(p.name for p in st.processes)
    return money.evaluate_money(values, st.money, d, names, pl.n, today, targets)
