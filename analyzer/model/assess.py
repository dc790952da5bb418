"""``assess``: run the model for one questionnaire and keep everything a report needs.

The ``Assessment`` holds the raw arrays (for notebooks) and builds every table from them; the text,
JSON, Markdown and PDF outputs all read these tables, so their numbers cannot disagree.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analyzer._version import __version__
from analyzer.model.assumptions import Assumptions, load_assumptions
from analyzer.model.core import (
    RECURRING,
    RECURRING_LABELS,
    WORK_ITEM_LABELS,
    Outputs,
    Structure,
    build_space,
    build_structure,
    evaluate,
    evaluate_for_decision,
)
from analyzer.model.defaults import DEFAULT_SAMPLES, DEFAULT_SEED
from analyzer.model.options import WORK_ITEMS, OptionSpec, load_options
from analyzer.model.params import ParamSpace, SharedDraws
from analyzer.questionnaire.form import Questionnaire

if TYPE_CHECKING:
    from analyzer.history import IncidentEvidence

PERCENTILES = (10, 50, 90)
#: Above this many samples an assessment keeps neither the draws (``ParamSpace.draw_on_demand``)
#: nor the per-item breakdowns nor the outputs that neither the decision nor ``summary`` reads
#: (``core.LATER``): they are drawn or evaluated again when read; and its outputs are float32
#: (``core.LEAN_DTYPE``: tables move by at most ~6e-8 relative), so a million samples fit in
#: under 500 MB (benchmarks/bench_model.py). At or below it every number is float64, as ever.
HELD_SAMPLES = 1 << 18


def percentiles(x: NDArray[np.float64], axis: int = -1) -> NDArray[np.float64]:
    """P10, P50, P90 along ``axis``, stacked first: what ``np.percentile(x, PERCENTILES, axis)``
    gives (its default "linear" method, Hyndman & Fan type 7), from one partition.

    q-th percentile of n sorted values: x[i] + w (x[i+1] - x[i]) with i + w = q/100 (n - 1).
    Why not np.percentile: for three percentiles it does more work than one partition at the six
    order statistics (benchmarks/bench_explore.py), and the notebook sliders recompute bands on
    every change.
    Equal neighbours (including infinite ones: "never pays back") give that value exactly.
    """
    ordered = np.array(np.moveaxis(np.asarray(x, dtype=np.float64), axis, -1), order="C")
    n = ordered.shape[-1]
    position = np.asarray(PERCENTILES, dtype=np.float64) / 100.0 * (n - 1)
    lower = np.floor(position).astype(np.intp)
    upper = np.minimum(lower + 1, n - 1)
    # only the six order statistics are needed: a partition at them (in place, along the
    # contiguous last axis) puts exactly those values there, in about 2/3 of a full sort's time
    ordered.partition(np.unique(np.concatenate((lower, upper))), axis=-1)
    low = np.moveaxis(np.take(ordered, lower, axis=-1), -1, 0)
    high = np.moveaxis(np.take(ordered, upper, axis=-1), -1, 0)
    weight = (position - lower).reshape((-1,) + (1,) * (low.ndim - 1))
    with np.errstate(invalid="ignore"):  # inf - inf where neighbours are equal and infinite
        between = low + (high - low) * weight
    return np.asarray(np.where(high == low, low, between))


#: Samples drawn (evenly spaced) from a row to bracket its median (``middle``), and the margin
#: either side of the sample's middle, in sample positions: the bracket holds the median's ranks
#: unless the row is far from exchangeable (then a full partition answers).
MEDIAN_PROBE = 256
MEDIAN_MARGIN = 20


def middle(row: NDArray[np.float64]) -> float:
    """``np.median`` of a 1-D array: the middle order statistic, or (lo + hi)/2 of the two middle
    ones, nan when it holds one. A partition of 10,000 values costs ~100 us, its branches being
    unpredictable; so two values from an evenly spaced sample bracket the median, branch-free
    comparisons count the values below and keep those between (about an eighth), and only those
    are partitioned. When the bracket misses the middle ranks, the whole row is partitioned (a
    copy): the same values either way."""
    n = row.shape[0]
    half = n // 2
    ranks = [half - 1, half] if n % 2 == 0 else [half]
    if n >= 8 * MEDIAN_PROBE:
        probe = np.sort(row[:: n // MEDIAN_PROBE])
        mid = probe.shape[0] // 2
        lo, hi = probe[mid - MEDIAN_MARGIN], probe[mid + MEDIAN_MARGIN]
        below = int(np.count_nonzero(row < lo))
        band = row[(row >= lo) & (row <= hi)]
        if below + band.shape[0] + int(np.count_nonzero(row > hi)) != n:
            return float("nan")  # a nan compares false every way
        if below <= ranks[0] and ranks[-1] < below + band.shape[0]:
            at = [r - below for r in ranks]
            band.partition(at)
            return float(band[at[0]] if n % 2 else (band[at[0]] + band[at[1]]) / 2.0)
    part = np.partition(row, [*ranks, n - 1])
    if np.isnan(part[n - 1]):
        return float("nan")
    return float(part[ranks[0]] if n % 2 else (part[ranks[0]] + part[ranks[1]]) / 2.0)


def row_medians(rows: NDArray[np.float64]) -> list[float]:
    """``np.median`` of each row of a (k, n) array (``middle``)."""
    return [middle(row) for row in rows]


def _p(x: NDArray[np.float64]) -> dict[str, float]:
    p10, p50, p90 = (float(v) for v in percentiles(x))
    return {"p10": p10, "p50": p50, "p90": p90}


def _finite_or_none(x: float) -> float | None:
    return None if (math.isinf(x) or math.isnan(x)) else x


@dataclass(frozen=True, repr=False)
class Assessment:
    """Model results for one questionnaire: inputs, samples, outputs and the tables built on them."""

    questionnaire: Questionnaire
    assumptions: Assumptions
    options: Mapping[str, OptionSpec]
    structure: Structure
    space: ParamSpace
    values: Mapping[str, NDArray[np.float64]]  # above HELD_SAMPLES: drawn again when read
    outputs: Outputs
    samples: int
    seed: int
    evidence: IncidentEvidence | None = None

    @property
    def option_names(self) -> tuple[str, ...]:
        return self.structure.option_names

    @property
    def status_quo(self) -> str:
        return self.option_names[self.structure.status_quo]

    @property
    def horizon_months(self) -> int:
        return self.structure.horizon_months

    @cached_property
    def cheapest_share(self) -> NDArray[np.float64]:
        """P(option has the lowest NPV), per option."""
        winners = np.argmin(self.outputs.npv_hours, axis=0)
        return np.bincount(winners, minlength=len(self.option_names)) / winners.size

    def breakeven_p50(self, option: str) -> float | None:
        """Median break-even month; None where the median sample never breaks even (or status quo)."""
        i = self.option_names.index(option)
        if i == self.structure.status_quo:
            return None
        return _finite_or_none(float(np.median(self.outputs.breakeven_month[i])))

    def breakeven_share(self, option: str) -> float:
        """Share of samples in which the option pays back within the horizon."""
        i = self.option_names.index(option)
        if i == self.structure.status_quo:
            return float("nan")
        return float(np.mean(np.isfinite(self.outputs.breakeven_month[i])))

    def ops_cross_check(self) -> str | None:
        """A sentence when the operations time the team states (ops_time_share of the product
        engineers plus the platform engineers) and what the model itemises for today differ by
        more than ``ops_gap_note_share`` of the stated time; None when they agree."""
        o = self.outputs
        stated = float(np.median(o.ops_stated_hours))
        itemised = float(np.median(o.ops_itemised_hours))
        limit = self.assumptions["ops_gap_note_share"].likely
        if stated > 0 and abs(stated - itemised) <= limit * stated:
            return None
        team = self.questionnaire.team
        if "ops_time_share" in team.model_fields_set:
            said = f"You state about {stated:,.0f} h a month of operations today"
        else:  # a default is not the team's answer (MODEL.md, "Defaults must be honest")
            said = (
                f"The default share of time on operations ({100 * team.ops_time_share.likely:.0f} "
                f"%, not an answer you gave) comes to about {stated:,.0f} h a month today"
            )
        if itemised > stated:
            return (
                f"{said}, but the model "
                f"itemises about {itemised:,.0f} h (deploys, images, patching, incidents...): "
                "either the stated share is low or some itemised defaults overstate your work; "
                "nothing was clamped, the itemised figures are used."
            )
        # the remainder said as the difference of the two rounded figures, so the three add up
        # (7 h stated, 5 h itemised: the other 2 h, not the 3 h of 7.4 - 4.6)
        rest = round(stated) - round(itemised)
        return (
            f"{said} and the model itemises "
            f"about {itemised:,.0f} h; the other {rest:,.0f} h are kept as 'other "
            "operations', the same under every option."
        )

    # ---- money --------------------------------------------------------------------------------

    @property
    def currency(self) -> str:
        """The currency of every money figure: the price snapshot's (data/prices.yaml)."""
        return self.outputs.currency

    def money(self, option: str) -> dict[str, Any]:
        """``_money_of(option)``, worked out once per option: page 1, the cost table and the
        JSON each read it (many percentiles of each array); callers only read it."""
        return self._money[option]

    @cached_property
    def _money(self) -> dict[str, dict[str, Any]]:
        return {name: self._money_of(name) for name in self.option_names}

    def _money_of(self, option: str) -> dict[str, Any]:
        """The option's money, P10/P50/P90 each (engineer-hours x hourly cost + infrastructure):
        ``transition`` (up front), ``monthly`` (people + infrastructure, after the move),
        ``people_monthly``, ``infrastructure_monthly``, ``total`` (undiscounted at the
        horizon), ``npv``, ``saving`` (today's total minus the option's) and the monthly
        ``infrastructure_items``; ``breakeven_month`` the median month (None: never) and
        ``breakeven_share_within_horizon`` the share of futures paying back within the horizon
        (None for today's setup)."""
        o = self.outputs
        i = self.option_names.index(option)

        def trio(arr: NDArray[np.float64]) -> dict[str, float]:
            return {k: round(v, 2) for k, v in _p(arr).items()}

        sq = i == self.structure.status_quo
        be = None if sq else _finite_or_none(float(np.median(o.money_breakeven_month[i])))
        # the share page 1 and the reasons quote: futures paying back in money in the horizon
        within = None if sq else round(float(np.mean(np.isfinite(o.money_breakeven_month[i]))), 4)
        return {
            "transition": trio(o.money_transition[i]),
            "monthly": trio(o.money_monthly[i]),
            "people_monthly": trio(o.people_monthly[i]),
            "infrastructure_monthly": trio(o.infrastructure_monthly[i]),
            "total": trio(o.money_total[i]),
            "npv": trio(o.money_npv[i]),
            "saving": trio(o.money_saving[i]),
            "breakeven_month": be,
            "breakeven_share_within_horizon": within,
            "infrastructure_items": {
                k: trio(v[i]) for k, v in o.infrastructure_items.items() if np.any(v[i])
            },
        }

    # ---- tables -------------------------------------------------------------------------------

    def summary(self) -> pd.DataFrame:
        """One row per option: P10/P50/P90 of the main figures, in hours (``money_*`` and
        ``infrastructure_monthly`` in the price snapshot's currency). Computed once (a report
        reads it in five places, 50 percentiles each time); each call gets its own copy."""
        return self._summary.copy()

    @cached_property
    def _summary(self) -> pd.DataFrame:
        o = self.outputs
        rows = []
        for i, name in enumerate(self.option_names):
            row: dict[str, Any] = {"option": name, "label": self.options[name].label}
            for key, arr in (
                ("transition_hours", o.transition_hours[i]),
                ("recurring_hours_per_month", o.recurring_hours[i]),
                ("total_hours", o.total_hours[i]),
                ("npv_hours", o.npv_hours[i]),
                ("saving_hours", o.saving_hours[i]),
                ("migration_months", o.migration_months[i]),
                ("money_transition", o.money_transition[i]),
                ("money_monthly", o.money_monthly[i]),
                ("infrastructure_monthly", o.infrastructure_monthly[i]),
                ("money_npv", o.money_npv[i]),
            ):
                for k, v in _p(arr).items():
                    row[f"{key}_{k}"] = v
            row["breakeven_month_p50"] = self.breakeven_p50(name)
            row["breakeven_share"] = self.breakeven_share(name)
            row["cheapest_share"] = float(self.cheapest_share[i])
            rows.append(row)
        return pd.DataFrame(rows).set_index("option")

    def work_items(self) -> pd.DataFrame:
        """Transition hours by work item (rows) for each option that has any: P10/P50/P90."""
        rows = []
        for i, name in enumerate(self.option_names):
            for item in WORK_ITEMS:
                arr = self.outputs.work_items[item][i]
                if not np.any(arr):
                    continue
                rows.append(
                    {"option": name, "item": item, "label": WORK_ITEM_LABELS[item], **_p(arr)}
                )
        return pd.DataFrame(rows, columns=["option", "item", "label", "p10", "p50", "p90"])

    def recurring_breakdown(self) -> pd.DataFrame:
        """Recurring hours per month by component and option: the median and mean."""
        rows = []
        for i, name in enumerate(self.option_names):
            for comp in RECURRING:
                arr = self.outputs.recurring[comp][i]
                rows.append(
                    {
                        "option": name,
                        "component": comp,
                        "label": RECURRING_LABELS[comp],
                        "mean": float(np.mean(arr)),
                        **_p(arr),
                    }
                )
        return pd.DataFrame(rows)

    def cumulative_bands(self) -> pd.DataFrame:
        """Cumulative cost in hours by month (0..horizon) per option: P10, P50, P90."""
        cum = self.outputs.cumulative()  # (O, S, M)
        bands = percentiles(cum, axis=1)  # (3, O, M)
        n_opt, n_months = bands.shape[1], bands.shape[2]
        return pd.DataFrame(
            {
                "option": np.repeat(self.option_names, n_months),
                "month": np.tile(np.arange(n_months), n_opt),
                "p10": bands[0].ravel(),
                "p50": bands[1].ravel(),
                "p90": bands[2].ravel(),
            }
        )

    def inputs_used(self) -> pd.DataFrame:
        """Every parameter with its distribution, unit, origin and source, but an embedded
        file's (``processes[].embedded``): it has no service, instance, start-up or scale-out of
        its own and moves with the process it lives in, so nothing of the model or the decision
        reads its answers (tests/test_inputs_used.py holds that true)."""
        skip = tuple(f"processes.{p.name}." for p in self.structure.processes if p.embedded)
        rows = []
        for p in self.space:
            if skip and p.name.startswith(skip):
                continue
            rows.append(
                {
                    "name": p.name,
                    "label": p.label,
                    "origin": p.origin,
                    "unit": p.unit,
                    "distribution": p.dist.describe(),
                    "p10": p.quantile(0.1),
                    "p50": p.quantile(0.5),
                    "p90": p.quantile(0.9),
                    "source": p.source,
                }
            )
        return pd.DataFrame(rows)

    # ---- serialisation --------------------------------------------------------------------

    def questionnaire_digest(self) -> str:
        dumped = self.questionnaire.model_dump(mode="json")
        return hashlib.sha256(json.dumps(dumped, sort_keys=True).encode()).hexdigest()

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON shape documented in the README (numbers in hours unless named)."""
        summary = self.summary()
        options: dict[str, Any] = {}
        for name in self.option_names:
            row = summary.loc[name]

            def trio(key: str, row: pd.Series = row) -> dict[str, float]:
                return {k: round(float(row[f"{key}_{k}"]), 3) for k in ("p10", "p50", "p90")}

            be = self.breakeven_p50(name)
            options[name] = {
                "label": self.options[name].label,
                "status_quo": name == self.status_quo,
                "transition_hours": trio("transition_hours"),
                "recurring_hours_per_month": trio("recurring_hours_per_month"),
                "total_hours": trio("total_hours"),
                "npv_hours": trio("npv_hours"),
                "saving_hours": trio("saving_hours"),
                "migration_months": trio("migration_months"),
                "breakeven_month": {
                    "p50": None if be is None else round(be, 3),
                    "share_within_horizon": _finite_or_none(round(self.breakeven_share(name), 4)),
                },
                "cheapest_share": round(float(row["cheapest_share"]), 4),
                "money": {"currency": self.currency, **self.money(name)},
            }
        return {
            "analyzer_version": _version(),
            "questionnaire": {
                "name": self.questionnaire.name,
                "sha256": self.questionnaire_digest(),
            },
            "assumptions_sha256": self.assumptions.digest(),
            "seed": self.seed,
            "samples": self.samples,
            "horizon_months": self.horizon_months,
            "status_quo": self.status_quo,
            "currency": self.currency,
            "prices": self._prices_record(),
            "options": options,
        }

    def _prices_record(self) -> dict[str, Any]:
        """Which price snapshot the money used: its date, digest and any override file."""
        plan = self.structure.money
        if plan is None:
            return {}
        return {
            "read_on": plan.book.read_on.isoformat(),
            "sha256": plan.book.digest(),
            "overridden": sorted(plan.book.overridden),
        }

    def __repr__(self) -> str:
        # Short: the generated repr spells out every input and array (about 1 MB of text).
        return (
            f"Assessment({self.questionnaire.name!r}, options={list(self.option_names)}, "
            f"samples={self.samples}, seed={self.seed}, horizon_months={self.horizon_months})"
        )

    def _repr_html_(self) -> str:
        cols = [
            "label",
            "transition_hours_p50",
            "recurring_hours_per_month_p50",
            "npv_hours_p50",
            "breakeven_month_p50",
            "cheapest_share",
        ]
        return str(self.summary()[cols].round(1).to_html())


def _version() -> str:
    return __version__


def assess(
    q: Questionnaire,
    *,
    assumptions: Assumptions | None = None,
    options: Mapping[str, OptionSpec] | None = None,
    samples: int = DEFAULT_SAMPLES,
    seed: int = DEFAULT_SEED,
    evidence: IncidentEvidence | None = None,
    reuse_horizons: bool = True,
    shared: SharedDraws | None = None,
    hold_breakdowns: bool = False,
    lean: bool = False,
) -> Assessment:
    """Sample every uncertain input ``samples`` times from one Generator seeded with ``seed``
    and evaluate every option. ``reuse_horizons=False``: the run will not be re-evaluated over
    other horizons (``core.evaluate``), the same numbers for less work. ``shared``: the draws of
    the assumptions that every assessment of a run shares (``params.SharedDraws``, the
    portfolio's), taken instead of drawn. ``hold_breakdowns``: keep the per-item breakdowns of
    a run above ``core.EVAL_BLOCK`` samples (by default evaluated again when first read: one
    more evaluation for a caller that reads them, ~190 MB less at 200,000 samples). ``lean``:
    for a caller that reads what the recommendation reads (``core.evaluate_for_decision``: the
    horizon's totals, savings and break-evens computed only when read; implies
    ``reuse_horizons=False``)."""
    if samples < 2:
        raise ValueError("samples must be at least 2")
    a = assumptions if assumptions is not None else load_assumptions()
    opts = dict(options) if options is not None else load_options()
    rng = np.random.default_rng(seed)
    structure = build_structure(q, opts, a)
    space = build_space(q, a, opts, rng, evidence)
    # above HELD_SAMPLES the draws are not held but drawn again block by block when needed
    held = samples <= HELD_SAMPLES
    values: Mapping[str, NDArray[np.float64]] = (
        space.sample(samples, rng, shared) if held else space.draw_on_demand(samples, rng)
    )
    outputs = (
        evaluate_for_decision(values, structure, hold_breakdowns=hold_breakdowns) if lean
        else evaluate(
            values, structure, reuse_horizons=reuse_horizons, hold_breakdowns=hold_breakdowns
        )
    )
    return Assessment(q, a, opts, structure, space, values, outputs, samples, seed, evidence)
