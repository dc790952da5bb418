"""One application of a portfolio through the model, in whatever process runs it.

The function is module-level and takes plain, picklable arguments, so it runs the same inline, in
a local process pool or on a Dask worker. Its random stream depends only on the run seed and the
application's id (``app_seed``), so results do not depend on partitioning, workers or order. The
model's assumptions are drawn once per run and shared by every application (``shared_draws``:
one future, one value of each assumption for the whole estate), from streams keyed by the run
seed and each assumption's name, the same in every worker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from numpy.typing import NDArray

from analyzer.decision.criteria import Constants
from analyzer.decision.decide import recommend
from analyzer.decision.futures import structural_draws, threshold_of
from analyzer.model.assess import Assessment, assess, row_medians
from analyzer.model.assumptions import Assumptions, load_assumptions
from analyzer.model.params import SharedDraws
from analyzer.portfolio.economics import marginal_choice
from analyzer.portfolio.inventory import App

#: Per-sample arrays each application contributes to the portfolio (what ``run._aggregate``
#: reads), stored as float32 on disk.
ARRAY_KEYS = ("platform", "transition", "monthly_saving", "monthly_saving_money", "hourly_cost",
              "to_base")
#: What an application that moves moves to (``move_kind``): containers (any process in one) or
#: baked machine images (every process stays on machine images, baked per release).
CONTAINERS, BAKED = "containers", "baked images"
#: Why an application that does not move stays (``stays_because``); ``run._aggregate`` adds
#: ``capacity`` (beyond the plan's capacity in time) and ``no_platform`` (no platform built).
BETTER_OFF, NEVER = "better_off", "never_pays_back"
NEVER_PAYS_BACK = ("Never pays back: its best move costs more than it saves over the horizon, "
                   "even with the shared platform in place.")
MAX_SEED = 2**63 - 1


def app_seed(run_seed: int, app_id: str) -> int:
    """The application's seed: a ``numpy.random.SeedSequence`` spawned from the run seed with a
    stable hash of the id (SHA-256, first 8 bytes) as its spawn key."""
    key = int.from_bytes(hashlib.sha256(app_id.encode("utf-8")).digest()[:8], "big")
    seq = np.random.SeedSequence(run_seed, spawn_key=(key,))
    return int(seq.generate_state(1, np.uint64)[0]) & MAX_SEED


@lru_cache(maxsize=2)
def shared_draws(run_seed: int, samples: int) -> SharedDraws:
    """The run's shared assumption draws, one set per process (filled as applications ask)."""
    return SharedDraws(run_seed, samples)


Structure = tuple[Constants, dict[str, NDArray[np.float64]]]
_STRUCTURES: dict[tuple[object, ...], Structure] = {}


def _structure(a: Assessment, run_seed: int) -> Structure:
    """The run's structural draws for ``a``'s weights and tolerance (``structural_draws`` with
    the run seed), drawn once per process and kept read-only."""
    p = a.questionnaire.priorities
    key = (run_seed, a.samples, tuple(p.weights.normalised().items()), p.weight_tolerance)
    if key not in _STRUCTURES:
        if len(_STRUCTURES) >= 4:
            _STRUCTURES.clear()
        constants, weights = structural_draws(a, seed=run_seed)
        for x in (*constants.values.values(), *weights.values()):
            x.flags.writeable = False
        _STRUCTURES[key] = (constants, weights)
    return _STRUCTURES[key]


@lru_cache(maxsize=4)
def _assumptions(path: str | None) -> Assumptions:
    return load_assumptions(path)


def build_threshold(path: str | None) -> float:
    """The share of futures in which the platform must pay for itself to be built: the
    confidence threshold of every application's decision (data/decision.yaml, or the
    portfolio's assumptions file when it sets ``confidence_threshold``)."""
    return threshold_of(_assumptions(path))


@dataclass(frozen=True)
class AppOutcome:
    """A summary a report can print (plain JSON values) and the per-sample arrays the portfolio
    sums (each (samples,), float32; ARRAY_KEYS for an application that moves, none for one that
    stays: the portfolio reads no row of those)."""

    id: str
    summary: dict[str, Any]
    arrays: dict[str, NDArray[np.float32]]


def evaluate_app(
    app: App,
    *,
    horizon_months: int,
    samples: int,
    run_seed: int,
    assumptions_path: str | None,
    platform_items: tuple[str, ...],
) -> AppOutcome:
    """Assess one application stand-alone (recommendation, confidence) and given a shared
    platform: its marginal option, the one with the lowest median marginal money NPV
    ``money_npv[o] - P[o] x rate`` (money as for one application: engineer-hours x hourly cost
    + infrastructure, in its team's currency), its value ``money_npv[sq] - that`` and effort.
    A move whose median value is not positive never pays back: the application stays."""
    seed = app_seed(run_seed, app.id)
    q = app.questionnaire
    if q.priorities.horizon_months != horizon_months:
        q = q.model_copy(update={"priorities": q.priorities.model_copy(update={"horizon_months": horizon_months})})
    a = assess(
        q, assumptions=_assumptions(assumptions_path), samples=samples, seed=seed,
        shared=shared_draws(run_seed, samples),
        lean=True,  # recommend() and this summary read no total, saving or break-even
        hold_breakdowns=True,  # work_items read below (above core.EVAL_BLOCK samples)
    )
    # the lean path: recommendation, confidence, one reason; the scoring's structural draws are
    # the run's, shared by every application with the same weights and tolerance
    d = recommend(a, draws=_structure(a, run_seed))
    out = a.outputs
    st = a.structure
    sq = st.status_quo
    names = a.option_names
    rate = out.hourly_cost
    platform = np.zeros_like(out.npv_hours)
    for item in platform_items:  # names checked against the model by tests/test_portfolio.py
        platform += out.work_items[item]
    # money, as for one application: engineer-hours x hourly cost + infrastructure
    best, marginal = marginal_choice(out.money_npv, platform * rate, sq)
    value = out.money_npv[sq] - marginal
    never_pays = best != sq and float(np.median(value)) <= 0
    if never_pays:  # its best move costs more than it saves, even with the platform in place
        best, value = sq, np.zeros_like(value)
    best_name = names[best]
    moves = best != sq
    transition = out.transition_hours[best] - platform[best]
    monthly_saving = out.recurring_hours[sq] - out.recurring_hours[best]
    monthly_saving_money = out.money_monthly[sq] - out.money_monthly[best]
    value_hours = out.npv_hours[sq] - (out.npv_hours[best] - (platform[best] if moves else 0.0))
    spec = a.options[best_name]
    plan = st.money
    exchange = plan.exchange if plan is not None else None
    # the snapshot's currency per unit of this application's: 1 / fx, or 1 when it is the same
    to_base = 1.0 / np.asarray(a.values[f"prices.{exchange}"], dtype=np.float64) if exchange \
        else np.ones_like(rate)
    # every median the summary prints (assess.row_medians: np.median's values, cheaper)
    rows = [value_hours, value, monthly_saving, monthly_saving_money, to_base] + (
        [transition, platform[best], transition * rate] if moves else [])
    med = row_medians(np.stack(rows))
    summary: dict[str, Any] = {
        "id": app.id,
        "name": app.name,
        "source": app.source,
        "recommendation": d.recommendation,
        "recommendation_label": a.options[d.recommendation].label,
        "confidence": round(d.confidence, 4),
        "too_close_to_call": d.too_close,
        "reason": NEVER_PAYS_BACK if never_pays else d.reason,
        "status_quo": names[sq],
        "with_platform": best_name,
        "with_platform_label": spec.label,
        "recommendation_short": a.options[d.recommendation].short_label,
        "with_platform_short": spec.short_label,
        "moves": moves,
        "move_kind": (CONTAINERS if any(st.contained[best]) else BAKED) if moves else None,
        "stays_because": None if moves else (NEVER if never_pays else BETTER_OFF),
        "nothing_to_move": st.nothing_to_move,
        "value_hours_p50": med[0],
        "value_money_p50": med[1],
        "effort_hours_p50": med[5] if moves else 0.0,
        "effort_money_p50": med[7] if moves else 0.0,
        "platform_hours_p50": med[6] if moves else 0.0,
        "monthly_saving_hours_p50": med[2],
        "monthly_saving_money_p50": med[3],
        "to_base_p50": med[4],
        "stateful_move": moves and bool(st.data_moved(best)),
        "critical": app.critical,
        "depends_on": list(app.depends_on),
        "defaults_used": list(app.defaults_used),
        "horizon_months": a.horizon_months,
        "currency": out.currency or app.questionnaire.team.currency,
        "base_currency": plan.book.currency if plan is not None else out.currency,
    }
    if not moves:  # the portfolio sums only the applications that move: nothing to keep
        return AppOutcome(app.id, summary, {})
    arrays = {
        "platform": platform[best],
        "transition": transition,
        "monthly_saving": monthly_saving,
        "monthly_saving_money": monthly_saving_money,
        "hourly_cost": rate,
        "to_base": to_base,
    }
    return AppOutcome(app.id, summary, {k: np.asarray(v, dtype=np.float32) for k, v in arrays.items()})
