"""Explore the model from a notebook: what-if copies of a questionnaire, quick re-runs, and the
answer over a grid of inputs.

- ``what_if(q, **changes)``: a copy of the questionnaire with answers changed by dotted path,
  validated like a questionnaire file.
- ``reassess(a, q)``: the model re-run for a changed questionnaire, keeping the draws of every
  input whose distribution did not change (common random numbers: two what-ifs differ only by
  what changed, not by sampling noise), so a slider moves the answer in milliseconds.
- ``recommendation_map``: the recommended option over a grid of two inputs, on the median model
  (every other input at its median), in one vectorised model call.
- ``breakeven_frontier``: for each value of one input, the value of another at which an option's
  saving over the horizon changes sign (grid, then vectorised bisection).
- ``sweep``: one input moved over a range, all others drawn as in the assessment: how often each
  option wins at each value.

Input names are the parameter names of ``Assessment.space`` (``assessment.inputs_used()`` lists
them): answers such as ``team.engineers``, assumptions such as
``assumptions.learning_hours_per_engineer``.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ValidationError

from analyzer._io.plain import to_plain
from analyzer._io.yamlio import Marks
from analyzer.decision.criteria import sample_weights
from analyzer.decision.engine import DecisionFunction
from analyzer.decision.futures import structural_draws, weight_tolerance
from analyzer.decision.reversal import bisect_brackets, search_range
from analyzer.errors import InputError, Problem, did_you_mean
from analyzer.model.assess import Assessment
from analyzer.model.assumptions import Assumptions
from analyzer.model.core import build_space, build_structure, evaluate
from analyzer.model.params import Empirical, Param, ParamSpace
from analyzer.questionnaire.form import Questionnaire, Weights, problems_from_validation

FloatArray = NDArray[np.float64]
Measure = Literal["npv", "payback"]

#: Points of the coarse grid a frontier is first searched on.
FRONTIER_GRID = 129
#: Bisection stops when every bracket is narrower than this share of the searched range.
FRONTIER_TOLERANCE = 1e-4
MAX_BISECTIONS = 40
WHAT_IF = "what_if"  # the "file" named in what_if's problems

# ---- what_if -----------------------------------------------------------------------------------


def _unknown(path: str, part: str, known: Sequence[str]) -> Problem:
    hint = did_you_mean(part, known)
    return Problem(WHAT_IF, f"unknown answer '{part}'{hint}; known here: {', '.join(known)}",
                   field=path)


def _set(data: dict[str, Any], model: BaseModel, path: str, value: Any) -> Problem | None:
    """Set ``path`` in ``data`` (the model's dump, unset defaults left out); a Problem if the
    path names no answer. Lists of named items (processes) are indexed by name or position."""
    parts = path.split(".")
    node: Any = data
    obj: Any = model
    for depth, part in enumerate(parts):
        last = depth == len(parts) - 1
        if isinstance(obj, BaseModel):
            fields = list(type(obj).model_fields)
            if part not in fields:
                return _unknown(path, part, fields)
            if last:
                node[part] = value
                return None
            if part not in node:  # a default left out of the dump: write it out to go inside
                child = getattr(obj, part)
                node[part] = (
                    child.model_dump(exclude_unset=True) if isinstance(child, BaseModel)
                    else to_plain(child, nan_as_none=False)
                )
            node, obj = node[part], getattr(obj, part)
        elif isinstance(obj, list):
            names = [getattr(item, "name", str(i)) for i, item in enumerate(obj)]
            if part in names:
                index = names.index(part)
            elif part.isdigit() and int(part) < len(obj):
                index = int(part)
            else:
                return _unknown(path, part, names)
            if last:
                node[index] = value
                return None
            node, obj = node[index], obj[index]
        elif isinstance(obj, dict):  # e.g. incidents.counts: new keys are allowed
            if last:
                node[part] = value
                return None
            if part not in obj:
                return _unknown(path, part, list(obj))
            node, obj = node[part], obj[part]
        else:
            return Problem(WHAT_IF, f"'{'.'.join(parts[:depth])}' is a single answer, it has no "
                           f"'{part}'", field=path)
    return None  # pragma: no cover - the loop always returns on the last part


def what_if(q: Questionnaire, **changes: Any) -> Questionnaire:
    """A copy of ``q`` with the answers at the given dotted paths replaced.

    Values are spelt as in a questionnaire file (a number, ``[low, likely, high]``, a mapping) or
    given as an ``Estimate``; the copy is validated with the questionnaire's own rules. Unknown
    paths and invalid values raise one ``InputError`` listing every problem::

        what_if(q, **{"delivery.prod_deploys_per_week": 10, "team.engineers": [4, 5, 6]})
        what_if(q, **{"incidents.counts.environment_drift": 6, "processes.mongodb.data_gb": 200})
    """
    data = q.model_dump(exclude_unset=True)
    problems = [
        p for path, value in changes.items()
        if (p := _set(data, q, path, to_plain(value, nan_as_none=False))) is not None
    ]
    if problems:
        raise InputError(problems)
    try:
        return Questionnaire.model_validate(data)
    except ValidationError as exc:
        found = problems_from_validation(exc, WHAT_IF, Marks(), Questionnaire)
        raise InputError([replace(p, line=None, column=None) for p in found]) from None


# ---- reassess ----------------------------------------------------------------------------------


def _draws(param: Param, samples: int, seed: int) -> FloatArray:
    """Fresh draws of one parameter from its own stream (seed, name): deterministic."""
    if param.constant:
        return np.array([param.quantile(0.5)])
    rng = np.random.default_rng([seed, zlib.crc32(param.name.encode())])
    return param.dist.sample(samples, rng)


def reassess(
    a: Assessment,
    q: Questionnaire | None = None,
    *,
    assumptions: Assumptions | None = None,
) -> Assessment:
    """The model re-run for a changed questionnaire (or assumptions), fast.

    Every input whose distribution is unchanged keeps the assessment's draws; a changed or new
    input is drawn from its own Generator seeded with (seed, name), so the same changes always
    give the same numbers. The horizon and the process list come from ``q`` as in ``assess``;
    incident history evidence, if the assessment had any, is kept as it was.
    """
    q = a.questionnaire if q is None else q
    assumed = a.assumptions if assumptions is None else assumptions
    structure = build_structure(q, a.options, assumed)
    space = build_space(q, assumed, a.options, np.random.default_rng([a.seed, 2]), a.evidence)
    if a.evidence is not None:  # keep the original bootstrap of restore times
        space = ParamSpace(tuple(
            a.space[p.name] if isinstance(p.dist, Empirical) and p.name in a.space else p
            for p in space
        ))
    values: dict[str, FloatArray] = {}
    for p in space:
        same = p.name in a.space and a.space[p.name].dist == p.dist
        values[p.name] = a.values[p.name] if same else _draws(p, a.samples, a.seed)
    outputs = evaluate(values, structure)
    return Assessment(q, assumed, a.options, structure, space, values, outputs, a.samples,
                      a.seed, a.evidence)


# ---- grids on the median model ----------------------------------------------------------------


def _param(a: Assessment, name: str) -> Param:
    if name in a.space:
        return a.space[name]
    names = [p.name for p in a.space]
    hint = did_you_mean(name, names)
    raise InputError([Problem("explore", f"unknown input '{name}'{hint}; "
                              "assessment.inputs_used() lists every input's name", field=name)])


def _grid(values: ArrayLike, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0 or not np.all(np.isfinite(arr)):
        raise InputError([Problem("explore", "give a non-empty list of finite numbers",
                                  field=name)])
    return arr


def _weights(a: Assessment, weights: Mapping[str, float] | None) -> dict[str, float]:
    if weights is None:
        return a.questionnaire.priorities.weights.normalised()
    try:
        return Weights.model_validate(dict(weights)).normalised()
    except ValidationError as exc:
        found = problems_from_validation(exc, "weights", Marks(), Weights)
        raise InputError([replace(p, line=None, column=None) for p in found]) from None


def _median(p: Param) -> float:
    return p.quantile(0.5)


def _on_grid(a: Assessment, columns: Mapping[str, FloatArray]) -> dict[str, FloatArray]:
    """The median model with the named inputs set to the given (equal-length) arrays."""
    values = a.space.medians()
    values.update(columns)
    return values


@dataclass(frozen=True)
class Axis:
    """One input of a grid: its name, how sentences name it, and its unit."""

    name: str
    label: str
    unit: str

    @classmethod
    def of(cls, p: Param) -> Axis:
        return cls(p.name, p.label, p.unit)

    @property
    def title(self) -> str:
        """``label (unit)``, for axis labels."""
        return f"{self.label} ({self.unit})" if self.unit else self.label


@dataclass(frozen=True)
class RecommendationMap:
    """The recommended option at every point of a grid of two inputs (median model)."""

    x: Axis
    y: Axis
    xs: FloatArray
    ys: FloatArray
    winners: NDArray[np.intp]  # (len(ys), len(xs)): index into option_names
    option_names: tuple[str, ...]
    option_labels: tuple[str, ...]
    current: tuple[float, float]  # the assessment's medians of x and y

    def winner_at(self, x: float, y: float) -> str:
        """The recommended option at the grid point nearest (x, y)."""
        i = int(np.argmin(np.abs(self.xs - x)))
        j = int(np.argmin(np.abs(self.ys - y)))
        return self.option_names[int(self.winners[j, i])]

    def summary(self) -> pd.DataFrame:
        """Rows: y values; columns: x values; cells: the recommended option."""
        names = np.asarray(self.option_names, dtype=object)[self.winners]
        return pd.DataFrame(
            names,
            index=pd.Index(self.ys, name=self.y.name),
            columns=pd.Index(self.xs, name=self.x.name),
        )

    def shares(self) -> pd.Series:
        """Share of the grid where each option is recommended."""
        counts = np.bincount(self.winners.ravel(), minlength=len(self.option_names))
        return pd.Series(counts / self.winners.size, index=list(self.option_names), name="share")

    def _repr_html_(self) -> str:
        return str(self.summary().to_html())


def recommendation_map(
    assessment: Assessment,
    x: str,
    xs: ArrayLike,
    y: str,
    ys: ArrayLike,
    *,
    weights: Mapping[str, float] | None = None,
) -> RecommendationMap:
    """The recommended option (top weighted score) over the grid xs x ys of two inputs, every
    other input at its median; one model call for the whole grid.

    ``weights`` (criterion -> weight, normalised here) default to the questionnaire's.
    """
    px, py = _param(assessment, x), _param(assessment, y)
    if x == y:
        raise InputError([Problem("explore", "x and y must be different inputs", field=y)])
    gx, gy = _grid(xs, x), _grid(ys, y)
    mx, my = np.meshgrid(gx, gy)
    engine = DecisionFunction(assessment.structure, _weights(assessment, weights))
    winners = engine.winner(_on_grid(assessment, {x: mx.ravel(), y: my.ravel()}))
    return RecommendationMap(
        Axis.of(px),
        Axis.of(py),
        gx,
        gy,
        np.asarray(winners).reshape(gy.size, gx.size),
        assessment.option_names,
        tuple(assessment.options[n].label for n in assessment.option_names),
        (_median(px), _median(py)),
    )


# ---- break-even frontier ----------------------------------------------------------------------


def option_saving(
    assessment: Assessment, values: Mapping[str, FloatArray], option: str, measure: Measure
) -> FloatArray:
    """Saving of ``option`` against the status quo over the horizon, hours, per point:
    NPV of the status quo minus the option's (``npv``), or the undiscounted cumulative saving at
    the horizon (``payback``: >= 0 exactly when the option pays back within the horizon)."""
    out = evaluate(values, assessment.structure)
    cost = out.npv_hours if measure == "npv" else out.total_hours
    i = assessment.option_names.index(option)
    return np.asarray(cost[assessment.structure.status_quo] - cost[i])


@dataclass(frozen=True)
class Frontier:
    """For each x, the y at which an option's saving against the status quo crosses zero."""

    x: Axis
    y: Axis
    option: str
    option_label: str
    status_quo_label: str
    horizon_months: int
    measure: Measure
    xs: FloatArray
    breakeven: FloatArray  # (len(xs),) y at the crossing; nan where none in the searched range
    saves_above: NDArray[np.bool_]  # (len(xs),) the option saves when y is above the crossing
    grid: FloatArray  # the y values searched
    saving: FloatArray  # (len(grid), len(xs)) saving in hours on the grid
    current: tuple[float, float]

    def summary(self) -> pd.DataFrame:
        """One row per x: the break-even y and on which side of it the option saves."""
        side = np.where(
            np.isfinite(self.breakeven),
            np.where(self.saves_above, "above", "below"),
            np.where(self.saving[0] > 0, "everywhere searched", "nowhere searched"),
        )
        return pd.DataFrame(
            {
                self.x.name: self.xs,
                f"{self.y.name} at break-even": self.breakeven,
                f"{self.option_label} saves when {self.y.label} is": side,
            }
        )

    def _repr_html_(self) -> str:
        return str(self.summary().round(3).to_html(index=False))


def breakeven_frontier(
    assessment: Assessment,
    x: str,
    xs: ArrayLike,
    y: str,
    *,
    option: str = "docker",
    ys: ArrayLike | None = None,
    measure: Measure = "npv",
) -> Frontier:
    """For each x in ``xs``, the value of input ``y`` at which ``option``'s saving against the
    status quo over the horizon crosses zero, on the median model.

    ``measure="npv"``: the discounted net saving; ``"payback"``: the undiscounted cumulative saving
    at the horizon, which crosses zero where the break-even month reaches the horizon. The y range
    (default: the reversal search's plausible range of y) is scanned on a grid in one model call;
    the first crossing from the bottom is then narrowed by bisection, all x at once.
    """
    px, py = _param(assessment, x), _param(assessment, y)
    if x == y:
        raise InputError([Problem("explore", "x and y must be different inputs", field=y)])
    if option not in assessment.option_names or option == assessment.status_quo:
        others = [n for n in assessment.option_names if n != assessment.status_quo]
        raise InputError([Problem("explore", f"option must be one of {', '.join(others)}",
                                  field="option")])
    if measure not in ("npv", "payback"):
        raise InputError([Problem("explore", "measure must be 'npv' or 'payback'",
                                  field="measure")])
    gx = _grid(xs, x)
    grid = np.linspace(*search_range(py), FRONTIER_GRID) if ys is None else _grid(ys, y)
    mx, my = np.meshgrid(gx, grid)
    saving = option_saving(
        assessment, _on_grid(assessment, {x: mx.ravel(), y: my.ravel()}), option, measure
    ).reshape(grid.size, gx.size)

    positive = saving > 0
    change = positive[1:] != positive[:-1]  # (len(grid) - 1, len(xs))
    found = change.any(axis=0)
    first = np.argmax(change, axis=0)
    cols = np.flatnonzero(found)
    lo, hi = grid[first[cols]], grid[first[cols] + 1]
    low_positive = positive[first[cols], cols]
    tolerance = FRONTIER_TOLERANCE * max(float(np.ptp(grid)), 1e-12)
    lo, hi = bisect_brackets(
        lo,
        hi,
        lambda mid: (
            option_saving(assessment, _on_grid(assessment, {x: gx[cols], y: mid}), option, measure)
            > 0
        ) == low_positive,
        lambda lo, hi: float(np.max(hi - lo)) <= tolerance,
        MAX_BISECTIONS,
    )
    breakeven = np.full(gx.size, np.nan)
    breakeven[cols] = 0.5 * (lo + hi)
    saves_above = np.zeros(gx.size, dtype=bool)
    saves_above[cols] = ~low_positive
    return Frontier(
        Axis.of(px),
        Axis.of(py),
        option,
        assessment.options[option].label,
        assessment.options[assessment.status_quo].label,
        assessment.horizon_months,
        measure,
        gx,
        breakeven,
        saves_above,
        grid,
        saving,
        (_median(px), _median(py)),
    )


# ---- sweep ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sweep:
    """One input set to each of several values, every other input drawn as in the assessment."""

    x: Axis
    xs: FloatArray
    option_names: tuple[str, ...]
    option_labels: tuple[str, ...]
    win_share: FloatArray  # (options, len(xs)): share of samples in which each option wins
    median_score: FloatArray  # (options, len(xs)): median weighted score, 0-100
    current: float  # the assessment's median of the input
    #: share of futures an answer must win to be a clear one (``confidence_threshold``)
    threshold: float = 0.6

    @property
    def recommended(self) -> tuple[str, ...]:
        """The recommended option (best median score) at each value."""
        return tuple(self.option_names[int(i)] for i in np.argmax(self.median_score, axis=0))

    def summary(self) -> pd.DataFrame:
        """One row per value: the best-median option (key and label), its confidence, whether
        that clears the threshold (``clear``; else the answer is too close to call), and every
        option's win share."""
        best = np.argmax(self.median_score, axis=0)
        confidence = self.win_share[best, np.arange(self.xs.size)]
        frame = pd.DataFrame(
            {
                self.x.name: self.xs,
                "recommended": list(self.recommended),
                "label": [self.option_labels[int(i)] for i in best],
                "confidence": confidence,
                # below the threshold the decision would call it too close (decide's rule)
                "clear": confidence >= self.threshold,
            }
        )
        for i, name in enumerate(self.option_names):
            frame[f"win_share_{name}"] = self.win_share[i]
        return frame

    def _repr_html_(self) -> str:
        return str(self.summary().round(3).to_html(index=False))


#: Stream of the weights drawn for a sweep with the caller's own weights.
SWEEP_WEIGHTS_STREAM = 3


def sweep(
    assessment: Assessment,
    name: str,
    values: ArrayLike,
    *,
    weights: Mapping[str, float] | None = None,
) -> Sweep:
    """Set input ``name`` to each value in turn for every sample (the other inputs, the scoring
    constants and the weights keep the assessment's draws, as ``decide`` scores them) and score:
    how often each option wins, and its median score.

    One model call per value, each vectorised over the samples.
    """
    p = _param(assessment, name)
    xs = _grid(values, name)
    constants, drawn = structural_draws(assessment)
    if weights is not None:  # the caller's weights, drawn within the same tolerance
        drawn = sample_weights(
            _weights(assessment, weights), weight_tolerance(assessment), assessment.samples,
            np.random.default_rng([assessment.seed, SWEEP_WEIGHTS_STREAM]),
        )
    engine = DecisionFunction(assessment.structure, drawn, constants)
    n_options = len(assessment.option_names)
    share = np.empty((n_options, xs.size))
    median = np.empty((n_options, xs.size))
    for k, value in enumerate(xs):
        fixed = dict(assessment.values)
        fixed[name] = np.array([value])
        totals = engine.totals(fixed)
        wins = np.argmax(totals, axis=0)
        share[:, k] = np.bincount(wins, minlength=n_options) / wins.size
        median[:, k] = np.median(totals, axis=1)
    return Sweep(
        Axis.of(p),
        xs,
        assessment.option_names,
        tuple(assessment.options[n].label for n in assessment.option_names),
        share,
        median,
        _median(p),
        float(assessment.assumptions["confidence_threshold"].likely),
    )
