"""Reversal conditions: how far one input must move, alone, before another choice wins.

On the median model (every input at its median, the scoring constants at their likely values)
the input x starts at the value the user gave ("now", ``inputs.user_value``) and is varied over
its plausible range; the winning choice (options that containerise the same processes are one
choice) is tracked. A coarse grid, one model call for every driver at once, brackets the flips
nearest "now"; vectorised bisection (one call per step for all drivers) then narrows each bracket
to a relative tolerance. A flip and a flip back inside one grid cell would be missed: the grid is
fine enough (``GRID_POINTS``) that this needs a winner region narrower than 1/128 of the range.

Plausible range of an input (``plausible_range``), stated in every result:
- the user's range (low, high) -- for an assumption its low and high, for other inputs P10-P90 --
  widened by the factor F = ``plausible_factor`` (data/decision.yaml): [low / F, high x F];
- the high end at least the input's floor (``plausible_floors``, by parameter name), where the
  user's own range is zero or tiny;
- inside the questionnaire field's bounds (``Bounds.ge``/``le``), 0 for everything else (no model
  input is negative), and at most 1 for fractions and 0-1 scores.
A flip outside that range is not reported: "no flip within the plausible range".

When today's setup is kept for now (no change wins the confidence threshold of the futures:
``scoring.choose``), the answer is a share of futures, which the median model cannot show: the
choice is then made over a fixed subset of the run's futures (``share_decider``: model draws,
scoring constants and weights; the same futures at every point, so the share moves only with the
input), and a flip is where a change starts to win the threshold's share of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from analyzer.decision.criteria import Constants, plausible_floor, threshold
from analyzer.decision.engine import DecisionFunction
from analyzer.decision.inputs import Kind, is_default, kind_of, user_range, user_value
from analyzer.decision.quantities import option_groups
from analyzer.decision.scoring import change_shares
from analyzer.decision.units import number, quantity, reads_as_count
from analyzer.model.core import Structure
from analyzer.model.params import DrawnValues, Param, ParamSpace
from analyzer.questionnaire.estimate import Bounds
from analyzer.questionnaire.form import Codebase, Delivery, Incidents, Process, Questionnaire, Team

FloatArray = NDArray[np.float64]
Direction = Literal["above", "below"]

GRID_POINTS = 129
#: Grid points and futures a point when the choice is a share of futures (``share_decider``):
#: 5 inputs x 34 points x 200 futures is one model call of 34,000 samples.
SHARE_GRID_POINTS = 33
SHARE_FUTURES = 200
#: Bisection stops when the bracket is narrower than this share of the threshold (or of the
#: range, for a threshold near zero).
RELATIVE_TOLERANCE = 1e-3
MAX_BISECTIONS = 60
QUANTILE_LOW, MEDIAN, QUANTILE_HIGH = 0.1, 0.5, 0.9
#: Units bounded above by 1.
UNIT_INTERVAL_UNITS = ("fraction", "score 0-1")


@dataclass(frozen=True)
class Reversal:
    """Where the median model's winning choice changes when one input moves alone."""

    parameter: str
    label: str
    unit: str
    current: float  # the user's value ("now"), in the model's unit
    threshold: float | None  # None: no flip within [plausible_low, plausible_high]
    direction: Direction | None
    holds: str  # the median model's winner at the current value
    flips_to: str | None
    plausible_low: float
    plausible_high: float
    kind: Kind  # answer: the team can find it out; assumption: the model's prior
    default: bool  # "now" is the questionnaire's default, not the user's answer
    at_current: bool  # the flip sits at today's value (a knife edge)
    text: str

    @property
    def range_low(self) -> float:
        return self.plausible_low

    @property
    def range_high(self) -> float:
        return self.plausible_high


def _field_bounds(name: str) -> tuple[float, float] | None:
    """(ge, le) of the questionnaire field an answer comes from, if it has Bounds."""
    sections = {"team": Team, "codebase": Codebase, "delivery": Delivery, "incidents": Incidents}
    parts = name.split(".")
    if parts[0] == "processes" and len(parts) == 3:
        model, key = Process, parts[2]
    elif parts[0] in sections and len(parts) == 2:
        model, key = sections[parts[0]], parts[1]  # type: ignore[assignment]
    else:
        return None
    info = model.model_fields.get(key)
    bounds = [m for m in (info.metadata if info else []) if isinstance(m, Bounds)]
    return (float(bounds[0].ge), float(bounds[0].le)) if bounds else None


def plausible_range(param: Param, q: Questionnaire | None = None) -> tuple[float, float]:
    """The plausible range searched for a flip (module docstring)."""
    factor = threshold("plausible_factor")
    if q is not None:
        low, high = user_range(param, q)
    else:
        low, high = param.quantile(QUANTILE_LOW), param.quantile(QUANTILE_HIGH)
    bounds = _field_bounds(param.name) if param.origin == "answer" else None
    lo = low / factor
    hi = max(high * factor, plausible_floor(param.name))
    if bounds:
        lo, hi = max(lo, bounds[0]), min(hi, bounds[1])
    else:
        lo = max(lo, 0.0)
    if param.unit.startswith(UNIT_INTERVAL_UNITS):
        hi = min(hi, 1.0)
    return lo, max(hi, lo)


search_range = plausible_range


def bisect_brackets(
    inside: FloatArray,
    outside: FloatArray,
    stays_inside: Callable[[FloatArray], NDArray[np.bool_]],
    converged: Callable[[FloatArray, FloatArray], bool],
    max_steps: int,
) -> tuple[FloatArray, FloatArray]:
    """Narrow many brackets at once: each [inside, outside] holds one change of a step function;
    the midpoint replaces ``inside`` where ``stays_inside(mid)`` holds, else ``outside``.

    Shared by the reversal conditions and the break-even frontier (each brackets on a grid
    first); stops when ``converged(inside, outside)`` or after ``max_steps`` halvings.
    """
    for _ in range(max_steps if inside.size else 0):
        if converged(inside, outside):
            break
        mid = 0.5 * (inside + outside)
        same = stays_inside(mid)
        inside = np.where(same, mid, inside)
        outside = np.where(same, outside, mid)
    return inside, outside


def _winners(
    engine: DecisionFunction, space: ParamSpace, names: Sequence[str], x: FloatArray
) -> NDArray[np.intp]:
    """Winning choice (group) of the median model with input names[d] set to x[d, i]; x is (drivers, points)."""
    values = space.medians()
    d, m = x.shape
    for i, name in enumerate(names):
        column = np.repeat(values[name], d * m).reshape(d, m)
        column[i] = x[i]
        values[name] = column.ravel()
    return engine.winner_group(values).reshape(d, m)


#: (input names, values (inputs, points)) -> the winning choice (group) at each point.
Decider = Callable[[Sequence[str], FloatArray], NDArray[np.intp]]


def share_decider(
    structure: Structure,
    values: Mapping[str, FloatArray],
    constants: Constants,
    weights: Mapping[str, FloatArray],
    limit: float,
    futures: int = SHARE_FUTURES,
) -> Decider:
    """The run's decision rule over its first ``futures`` futures, with input names[d] set to
    x[d, i] in every one of them: a change (an option outside today's group) is chosen -- the
    one with the best median score among changes -- when it (with its group) scores above
    today's group in at least ``limit`` of them (``scoring.change_shares``); else today's group
    (``scoring.choose``)."""
    groups = np.asarray(option_groups(structure))
    sq = structure.status_quo
    in_today = groups == groups[sq]
    k = futures

    def first(v: FloatArray) -> FloatArray:
        v = np.asarray(v, dtype=np.float64)
        return v if v.shape == (1,) else v[:k]

    # a run drawn on demand (above assess.HELD_SAMPLES) draws only its first futures
    drawn = values.block(0, k) if isinstance(values, DrawnValues) else values
    base = {n: first(drawn[n]) for n in drawn}
    k = min(k, max(len(v) for v in base.values()))
    cons = {n: first(constants[n]) for n in constants.values}
    wts = {c: first(w) for c, w in weights.items()}

    def decide(names: Sequence[str], x: FloatArray) -> NDArray[np.intp]:
        d, m = x.shape
        rows = d * m

        def tile(v: FloatArray) -> FloatArray:
            return v if v.shape == (1,) else np.tile(v, rows)

        vals = {n: tile(v) for n, v in base.items()}
        for i, name in enumerate(names):
            col = np.tile(np.broadcast_to(base[name], (k,)), rows).reshape(d, m, k)
            col[i] = x[i][:, None]
            vals[name] = col.ravel()
        engine = DecisionFunction(
            structure, {c: tile(w) for c, w in wts.items()},
            Constants({n: tile(v) for n, v in cons.items()}),
        )
        totals = engine.totals(vals).reshape(-1, d, m, k)
        if in_today.all():
            return np.full((d, m), groups[sq], dtype=np.intp)
        med = np.median(totals, axis=-1)
        share = change_shares(totals, in_today, tuple(int(x) for x in groups), med)
        best_change = groups[np.argmax(np.where(in_today[:, None, None], -np.inf, med), axis=0)]
        return np.asarray(np.where(share >= limit, best_change, groups[sq]), dtype=np.intp)

    return decide


def _nearest_flip(
    grid: FloatArray, wins: NDArray[np.intp], current: float, holds: int
) -> tuple[float, float] | None:
    """(inside, outside): the grid points around the change of winner nearest ``current``."""
    changed = np.flatnonzero(wins != holds)
    if changed.size == 0:
        return None
    above = changed[grid[changed] > current]
    below = changed[grid[changed] < current]
    options = []
    if above.size:
        j = int(above[0])
        inside = float(grid[j - 1]) if j > 0 else current
        options.append((grid[j] - current, (inside, float(grid[j]))))
    if below.size:
        j = int(below[-1])
        options.append((current - grid[j], (float(grid[j + 1]), float(grid[j]))))
    if not options:
        return None
    return min(options, key=lambda o: o[0])[1]


def reversals(
    engine: DecisionFunction,
    space: ParamSpace,
    drivers: list[str],
    *,
    recommended: int,
    questionnaire: Questionnaire | None = None,
    given: frozenset[str] | None = None,
    grid_points: int = GRID_POINTS,
    rtol: float = RELATIVE_TOLERANCE,
    decider: Decider | None = None,
) -> list[Reversal]:
    """For each driver, the value within its plausible range at which the median model's
    winning choice changes (or None).

    The flip reported is the one nearest the driver's "now" (the user's value with
    ``questionnaire``, else the median), above or below. ``recommended`` is the run's
    recommendation; where the median model's winner differs the text says so. ``given``: the
    answers the user gave (``inputs.given_fields``); the others are marked as defaults.
    ``decider``: the choice at each point (``share_decider`` when the answer is a share of
    futures); default the median model's winner.
    """
    if not drivers:
        return []

    def winners(names: Sequence[str], x: FloatArray) -> NDArray[np.intp]:
        if decider is not None:
            return decider(names, x)
        return _winners(engine, space, names, x)

    params = [space[name] for name in drivers]
    names = engine.structure.option_names
    groups = engine.groups
    if questionnaire is not None:
        current = np.array([user_value(p, questionnaire) for p in params])
    else:
        current = np.array([p.quantile(MEDIAN) for p in params])
    ranges = np.array([plausible_range(p, questionnaire) for p in params])
    current = np.clip(current, ranges[:, 0], ranges[:, 1])
    grids = np.linspace(ranges[:, 0], ranges[:, 1], grid_points, axis=1)
    grids = np.sort(np.column_stack([grids, current]), axis=1)
    wins = winners(drivers, grids)
    holds = winners(drivers, current[:, None])[:, 0]

    nan = (float("nan"), float("nan"))
    brackets = np.array([
        _nearest_flip(grids[i], wins[i], current[i], int(holds[i])) or nan
        for i in range(len(params))
    ])
    found = np.flatnonzero(np.isfinite(brackets[:, 0]))
    inside, outside = brackets[found, 0], brackets[found, 1]
    found_names = [drivers[i] for i in found]
    width = ranges[found, 1] - ranges[found, 0]

    def converged(inside: FloatArray, outside: FloatArray) -> bool:
        scale = np.maximum(np.maximum(np.abs(inside), np.abs(outside)), rtol * width)
        return bool(np.all(np.abs(outside - inside) <= rtol * scale))

    inside, outside = bisect_brackets(
        inside,
        outside,
        lambda mid: winners(found_names, mid[:, None])[:, 0] == holds[found],
        converged,
        MAX_BISECTIONS,
    )
    thresholds = np.full(len(params), np.nan)
    thresholds[found] = 0.5 * (inside + outside)
    flipped = np.full(len(params), -1)
    if found.size:
        flipped[found] = winners(found_names, outside[:, None])[:, 0]

    edge = threshold("knife_edge_share")
    out = []
    for i, p in enumerate(params):
        lo, hi = (float(v) for v in ranges[i])
        holder = names[int(holds[i])]
        thr: float | None = None
        direction: Direction | None = None
        flips_to: str | None = None
        at_current = False
        if flipped[i] >= 0:
            thr = float(thresholds[i])
            direction = "above" if thr > current[i] else "below"
            flips_to = names[int(flipped[i])]
            at_current = abs(thr - current[i]) <= edge * (hi - lo)
        default = given is not None and is_default(p, given)
        text = _text(p, float(current[i]), thr, direction, flips_to, lo, hi, default)
        if groups[int(holds[i])] != groups[recommended]:
            text += (f" (with every input at its median, {holder} already scores best)"
                     if decider is None else f" ({holder} already chosen at this value)")
        out.append(
            Reversal(
                parameter=p.name, label=p.label, unit=p.unit, current=float(current[i]),
                threshold=thr, direction=direction, holds=holder, flips_to=flips_to,
                plausible_low=lo, plausible_high=hi, kind=kind_of(p), default=default,
                at_current=at_current, text=text,
            )
        )
    return out


def _text(p: Param, current: float, threshold: float | None, direction: Direction | None,
          flips_to: str | None, low: float, high: float, default: bool = False) -> str:
    """'docker wins above 9 production deploys a week (now 1; plausible 0.5-10)' or
    'no flip within the plausible range ...'."""
    # a count phrase carries its unit in the span beside it; anything else says it here too
    shown = number(p, current) if reads_as_count(p) else quantity(p, current)
    now = f"now {shown}{', a default' if default else ''}"
    span = f"plausible {number(p, low)}-{quantity(p, high)}"
    if threshold is None or flips_to is None:
        if reads_as_count(p):
            return f"no flip within the plausible range of {_count_noun(p)} ({span}; {now})"
        return f"no flip for {p.label} within the plausible range ({span}; {now})"
    if reads_as_count(p):
        # the option's key here ("docker wins"): the outputs name it by its label, and make
        # the verb agree then (report.textout.reversal_text)
        return f"{flips_to} wins {direction} {quantity(p, threshold)} ({now}; {span})"
    return (f"{flips_to} wins when {p.label} is {direction} {quantity(p, threshold)} "
            f"({now}; {span})")


def _count_noun(p: Param) -> str:
    """'production deploys a week' for a count phrase: the quantity without its number."""
    many = quantity(p, 2.0)  # a figure that is not 1: the noun in its plural
    return many.split(" ", 1)[1] if " " in many else p.label
