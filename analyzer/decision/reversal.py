"""Reversal conditions: how far one input must move, alone, before another option wins.

On the median model (every input at its median), input x is varied over a plausible range and
the winner (top weighted score, ``DecisionFunction.winner``) is tracked. A coarse grid, one model call for
every driver at once, brackets the flips nearest the current value; vectorised bisection (one
call per step for all drivers) then narrows each bracket to a relative tolerance. A flip and a
flip back inside one grid cell would be missed: the grid is fine enough (``GRID_POINTS``) that
this needs a winner region narrower than 1/128 of the range.

Plausible range of an input (``search_range``):
- low: the questionnaire field's lower bound (its ``Bounds.ge``) for answers, 0 for everything
  else (every model input is a count, a duration, a rate, a share or a score: none is negative);
- high: max(RANGE_SCALE x P90, P90 + RANGE_SPREADS x (P90 - P10)), at least the unit's floor in
  ``RANGE_FLOORS``, and never above the field's upper bound (``Bounds.le``) or above 1 for
  fractions and 0-1 scores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from analyzer.decision.engine import DecisionFunction
from analyzer.decision.units import number, quantity, reads_as_count
from analyzer.model.params import Param, ParamSpace
from analyzer.questionnaire.estimate import Bounds
from analyzer.questionnaire.form import Codebase, Delivery, Incidents, Process, Team

FloatArray = NDArray[np.float64]
Direction = Literal["above", "below"]

GRID_POINTS = 129
#: Bisection stops when the bracket is narrower than this share of the threshold (or of the
#: range, for a threshold near zero).
RELATIVE_TOLERANCE = 1e-3
MAX_BISECTIONS = 60
RANGE_SCALE = 10.0
RANGE_SPREADS = 10.0
QUANTILE_LOW, MEDIAN, QUANTILE_HIGH = 0.1, 0.5, 0.9
#: Unit -> the least upper end of the search range. Deploys: 50 a week is several a day, the
#: DORA "on demand" (elite) cluster. Incident rates: 4 a month (48 a year), about one a week.
RANGE_FLOORS: dict[str, float] = {
    "deploys per week": 50.0,
    "incidents per month": 4.0,
}
#: Units bounded above by 1.
UNIT_INTERVAL_UNITS = ("fraction", "score 0-1")


@dataclass(frozen=True)
class Reversal:
    """Where the median model's winner changes when one input moves alone."""

    parameter: str
    label: str
    unit: str
    current: float  # the input's median, in the model's unit
    threshold: float | None  # None: no flip within [range_low, range_high]
    direction: Direction | None
    holds: str  # the median model's winner at the current value
    flips_to: str | None
    range_low: float
    range_high: float
    text: str


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


def search_range(param: Param) -> tuple[float, float]:
    """The plausible range searched for a flip (module docstring)."""
    p10, p90 = param.quantile(QUANTILE_LOW), param.quantile(QUANTILE_HIGH)
    bounds = _field_bounds(param.name) if param.origin == "answer" else None
    low = bounds[0] if bounds else 0.0
    floor = RANGE_FLOORS.get(param.unit, 0.0)
    high = max(RANGE_SCALE * p90, p90 + RANGE_SPREADS * (p90 - p10), floor)
    if bounds:
        high = min(high, bounds[1])
    if param.unit.startswith(UNIT_INTERVAL_UNITS):
        high = min(high, 1.0)
    return low, max(high, low)


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
    """Winner of the median model with input names[d] set to x[d, i]; x is (drivers, points)."""
    values = space.medians()
    d, m = x.shape
    for i, name in enumerate(names):
        column = np.repeat(values[name], d * m).reshape(d, m)
        column[i] = x[i]
        values[name] = column.ravel()
    return engine.winner(values).reshape(d, m)


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
    grid_points: int = GRID_POINTS,
    rtol: float = RELATIVE_TOLERANCE,
) -> list[Reversal]:
    """For each driver, the value at which the median model's winner changes (or None).

    The flip reported is the one nearest the driver's current (median) value, above or below.
    ``recommended`` is the run's recommendation (best median score over the samples); the
    median model usually agrees, and where it does not the text says so.
    """
    if not drivers:
        return []
    params = [space[name] for name in drivers]
    names = engine.structure.option_names
    current = np.array([p.quantile(MEDIAN) for p in params])
    ranges = np.array([search_range(p) for p in params])
    grids = np.linspace(ranges[:, 0], ranges[:, 1], grid_points, axis=1)
    grids = np.sort(np.column_stack([grids, current]), axis=1)
    wins = _winners(engine, space, drivers, grids)
    holds = _winners(engine, space, drivers, current[:, None])[:, 0]

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
        lambda mid: _winners(engine, space, found_names, mid[:, None])[:, 0] == holds[found],
        converged,
        MAX_BISECTIONS,
    )
    thresholds = np.full(len(params), np.nan)
    thresholds[found] = 0.5 * (inside + outside)
    flipped = np.full(len(params), -1)
    if found.size:
        flipped[found] = _winners(engine, space, found_names, outside[:, None])[:, 0]

    out = []
    for i, p in enumerate(params):
        lo, hi = (float(v) for v in ranges[i])
        holder = names[int(holds[i])]
        thr: float | None = None
        direction: Direction | None = None
        flips_to: str | None = None
        if flipped[i] >= 0:
            thr = float(thresholds[i])
            direction = "above" if thr > current[i] else "below"
            flips_to = names[int(flipped[i])]
        text = _text(p, float(current[i]), thr, direction, flips_to, lo, hi)
        if holder != names[recommended]:
            text += f" (with every input at its median, {holder} already scores best)"
        out.append(
            Reversal(p.name, p.label, p.unit, float(current[i]), thr, direction, holder,
                     flips_to, lo, hi, text)
        )
    return out


def _text(p: Param, current: float, threshold: float | None, direction: Direction | None,
          flips_to: str | None, low: float, high: float) -> str:
    """'docker wins above 9 production deploys a week (now 1)' or 'no flip between ...'."""
    now = number(p, current)
    if threshold is None or flips_to is None:
        if reads_as_count(p):
            return f"no flip between {number(p, low)} and {quantity(p, high)} (now {now})"
        return f"no flip for {p.label} between {number(p, low)} and {quantity(p, high)} (now {now})"
    if reads_as_count(p):
        return f"{flips_to} wins {direction} {quantity(p, threshold)} (now {now})"
    return f"{flips_to} wins when {p.label} is {direction} {quantity(p, threshold)} (now {now})"
