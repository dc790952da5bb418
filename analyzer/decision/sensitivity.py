"""Sensitivity of the decision: tornado, Sobol indices, and the unknown most worth settling.

All three drive the same vectorised model (``DecisionFunction``) with parameter values made from
probabilities, so nothing here loops over samples.

- Tornado: each uncertain input from its P10 to its P90, every other input at its median
  (Eschenbach, "Spiderplots versus tornado diagrams for sensitivity analysis", Interfaces 22(6),
  1992); 2k + 1 model runs in one call.
- Sobol: first-order S1 and total-order ST indices of the score margin between the
  recommendation and the runner-up, and of the net saving, from one design (Saltelli et al., "Variance
  based sensitivity analysis of model output", Comput. Phys. Commun. 181, 2010), with SALib's
  Sobol'-sequence design and estimators; N (k + 2) model runs.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analyzer.decision.engine import DecisionFunction
from analyzer.decision.futures import score_futures
from analyzer.decision.quantiles import quantile_tables
from analyzer.decision.units import (
    display_unit,
    display_value,
    number,
    quantity,
    reads_as_count,
)
from analyzer.model.assess import Assessment
from analyzer.model.params import Origin, Param, ParamSpace

FloatArray = NDArray[np.float64]
#: progress(done, total): called as work completes; the pure functions never draw anything.
#: progress(done, total): how long computations report how far they are (``analyzer.app.progress``).
Progress = Callable[[int, int], None]
#: map_outputs(analyze, q): [analyze(0), ..., analyze(q - 1)], the Sobol analyses of a model's q
#: outputs, in order; in turn by default, or at once in other processes (analyzer.app).
OutputsMap = Callable[[Callable[[int], "SobolIndices"], int], "list[SobolIndices]"]

TORNADO_LOW = 0.1
TORNADO_HIGH = 0.9
MEDIAN = 0.5
#: Base samples of the Sobol design; a power of two keeps the Sobol' sequence balanced.
SOBOL_SAMPLES = 1024
SOBOL_RESAMPLES = 100  # bootstrap resamples for the confidence intervals (SALib's default)
SOBOL_CONFIDENCE = 0.95
#: The Sobol design is evaluated in this many blocks, so a progress bar can advance.
SOBOL_BLOCKS = 8
#: ... or in more, so that no block's design holds more than this many values (8 MB): the
#: seed team's 157 inputs take 26 blocks, and the report's Sobol child peaks at about 205 MB
#: instead of 320 MB with a third of the page faults (benchmarks/bench_report.py); the same
#: indices (each design row is evaluated on its own).
SOBOL_BLOCK_CELLS = 1_000_000
#: Above this many uncertain inputs the Sobol analysis groups the per-process inputs by kind
#: (every process's start-up time is one group), so its N (g + 2) runs stay bounded as an
#: estate adds process entries; a seed-sized team (about 130 inputs) is analysed input by input.
SOBOL_MAX_INPUTS = 160
#: Names of per-process inputs: "processes.<process>.<field>" (analyzer.model.core).
PROCESS_PREFIX = "processes."
#: Seeds are drawn from [1, 2^32): SALib's ``analyze`` treats seed 0 as "no seed" (``if seed:``).
_SEED_LOW, _SEED_HIGH = 1, 2**32
#: Who can settle an input by finding something out (answers and imported history).
FINDABLE: tuple[Origin, ...] = ("answer", "history")


# ---- model outputs -------------------------------------------------------------------------


def _status_quo_margin(engine: DecisionFunction, values: Mapping[str, FloatArray]) -> FloatArray:
    return engine.margin(values, engine.structure.status_quo)


#: Outputs the tornado can show: name -> (engine, values, option) -> (S,).
OUTPUTS: dict[str, Callable[[DecisionFunction, Mapping[str, FloatArray], int], FloatArray]] = {
    "net_saving": lambda engine, values, option: engine.net_saving(values),
    "score_margin": lambda engine, values, option: engine.margin(values, option),
    "status_quo_margin": lambda engine, values, option: _status_quo_margin(engine, values),
}
OUTPUT_UNITS = {"net_saving": "money (NPV)", "score_margin": "score points",
                "status_quo_margin": "score points"}
#: What the decision's sensitivity analyses: the quantity that decides, and the money.
SENSITIVITY_ON: tuple[str, ...] = ("score_margin", "net_saving")
OUTPUT_PHRASES = {"net_saving": "the net saving",
                  "score_margin": "the score lead of the recommendation over the runner-up"}


# ---- tornado -------------------------------------------------------------------------------


def tornado(
    engine: DecisionFunction,
    space: ParamSpace,
    *,
    output: str = "net_saving",
    option: int | None = None,
    low: float = TORNADO_LOW,
    high: float = TORNADO_HIGH,
) -> pd.DataFrame:
    """Each uncertain input at its P10 and P90 (others at their medians): output and winner.

    One model call on 2k + 1 rows: row 0 is the base (every input at its median), rows 1..k put
    input j at its ``low`` quantile and rows k+1..2k at its ``high`` quantile. swing =
    |output_at_p90 - output_at_p10|. Rows sorted by swing, largest first (ties by name).
    ``attrs`` holds ``base`` (the all-median output), ``base_winner``, ``output`` and ``unit``.
    Outputs: ``net_saving`` (hours, status quo NPV minus the cheapest alternative's),
    ``score_margin`` (score of ``option`` -- the recommendation -- minus the best option outside
    its group: the runner-up) or ``status_quo_margin`` (the same for the status quo).
    """
    if output not in OUTPUTS:
        raise ValueError(f"unknown output '{output}'; known: {', '.join(OUTPUTS)}")
    params = space.uncertain
    k = len(params)
    values = one_at_a_time(space, low, high)
    chosen = engine.structure.status_quo if option is None else option
    if output == "net_saving":
        result, winners = engine.net_saving_and_winner(values)
    else:
        result = OUTPUTS[output](engine, values, chosen)
        winners = engine.winner(values)
    names = engine.structure.option_names
    frame = pd.DataFrame(
        {
            "name": [p.name for p in params],
            "label": [p.label for p in params],
            "unit": [p.unit for p in params],
            "origin": [p.origin for p in params],
            "p10_value": [values[p.name][1 + j] for j, p in enumerate(params)],
            "p90_value": [values[p.name][1 + k + j] for j, p in enumerate(params)],
            "output_at_p10": result[1 : 1 + k],
            "output_at_p90": result[1 + k :],
            "winner_at_p10": [names[w] for w in winners[1 : 1 + k]],
            "winner_at_p90": [names[w] for w in winners[1 + k :]],
        }
    )
    frame["swing"] = (frame["output_at_p90"] - frame["output_at_p10"]).abs()
    base_winner = names[int(winners[0])]
    frame["changes_winner"] = (frame["winner_at_p10"] != base_winner) | (
        frame["winner_at_p90"] != base_winner
    )
    frame = frame.sort_values(["swing", "name"], ascending=[False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs = {
        "base": float(result[0]),
        "base_winner": base_winner,
        "output": output,
        "unit": OUTPUT_UNITS[output],
    }
    return frame


def one_at_a_time(space: ParamSpace, low: float, high: float) -> dict[str, FloatArray]:
    """The tornado's 2k + 1 rows over the k uncertain inputs: row 0 every input at its median,
    row 1 + j input j at its ``low`` quantile, row 1 + k + j at its ``high`` one (constants as
    length-1 arrays).

    The same values as ``space.at_quantiles`` on the whole (2k + 1, k) table of probabilities,
    but each quantile function is evaluated at its three probabilities only (they are
    elementwise), so the cost grows with k, not k^2.
    """
    params = space.uncertain
    k = len(params)
    values = space.medians()
    for j, p in enumerate(params):
        three = np.atleast_1d(p.dist.ppf(np.array([low, MEDIAN, high])))
        which = np.ones(2 * k + 1, dtype=np.intp)
        which[1 + j], which[1 + k + j] = 0, 2
        values[p.name] = three[which]
    return values


# ---- Sobol ---------------------------------------------------------------------------------


def sobol_base(k: int, n: int, seed: int) -> tuple[FloatArray, FloatArray]:
    """The matrices A and B (n, k) of SALib's ``sample.sobol.sample`` for k inputs on [0, 1].

    SALib draws an (n, 2k) scrambled Sobol' sequence and uses its left half as A and its right
    half as B; this is that same call, without SALib's per-element Python loop.
    tests/test_sensitivity.py checks the design equals SALib's.
    """
    from scipy.stats import qmc  # scipy.stats is slow to import: only when Sobol runs

    base = qmc.Sobol(d=2 * k, scramble=True, seed=seed).random(n)
    return base[:, :k], base[:, k:]


def saltelli_columns(
    a: FloatArray, b: FloatArray, groups: Sequence[int] | None = None
) -> FloatArray:
    """The design of Saltelli (2010) as columns (k, n (g + 2)), in SALib's row order.

    For each base row i: A_i, then AB_i^(j) (A_i with the inputs of group j from B_i) for
    j = 1..g, then B_i. ``groups``: the group (0..g-1) of each input; without it each input is its
    own group (g = k).
    """
    n, k = a.shape
    if groups is None:
        cols = np.repeat(a.T[:, :, None], k + 2, axis=2)  # (k, n, k + 2)
        j = np.arange(k)
        cols[j, :, j + 1] = b.T
        cols[:, :, k + 1] = b.T
        return cols.reshape(k, n * (k + 2))
    index = np.asarray(groups)
    g = int(index.max()) + 1
    member = index[:, None] == np.arange(g)[None, :]  # (k, g)
    cols = np.empty((k, n, g + 2))
    cols[:, :, 0] = a.T
    cols[:, :, 1 : g + 1] = np.where(member[:, None, :], b.T[:, :, None], a.T[:, :, None])
    cols[:, :, g + 1] = b.T
    return cols.reshape(k, n * (g + 2))


@dataclass(frozen=True)
class SobolGroup:
    """Inputs analysed together: one row of the Sobol table."""

    name: str
    label: str
    unit: str
    origin: str
    members: tuple[int, ...]  # positions among the uncertain inputs


def sobol_groups(params: Sequence[Param], max_inputs: int = SOBOL_MAX_INPUTS) -> list[SobolGroup]:
    """How the Sobol analysis groups ``params``: each on its own while there are at most
    ``max_inputs``; beyond that the per-process inputs (``processes.<process>.<field>``) form
    one group per field, named ``processes.*.<field>``, so the count of groups no longer grows
    with the processes. Groups keep the order of their first member."""
    grouped = len(params) > max_inputs
    found: dict[str, list[int]] = {}
    for i, p in enumerate(params):
        key = p.name
        if grouped and p.name.startswith(PROCESS_PREFIX) and p.name.count(".") >= 2:
            key = f"{PROCESS_PREFIX}*.{p.name.rsplit('.', 1)[1]}"
        found.setdefault(key, []).append(i)
    result = []
    for key, members in found.items():
        first = params[members[0]]
        if len(members) == 1:  # a field only one process has uncertain: that input, by name
            result.append(SobolGroup(first.name, first.label, first.unit, first.origin,
                                     (members[0],)))
            continue
        what = first.label.split(": ", 1)[-1]
        origins = {params[i].origin for i in members}
        origin = first.origin if len(origins) == 1 else "mixed"
        result.append(SobolGroup(key, f"{what}, every process ({len(members)})", first.unit,
                                 origin, tuple(members)))
    return result


@dataclass(frozen=True)
class SobolIndices:
    """First- and total-order indices with the half-widths of their bootstrap intervals."""

    s1: FloatArray
    s1_conf: FloatArray
    st: FloatArray
    st_conf: FloatArray


def sobol_first_total(
    to_values: Callable[[FloatArray], FloatArray],
    model: Callable[[FloatArray], FloatArray],
    k: int,
    *,
    n: int,
    rng: np.random.Generator,
    progress: Progress | None = None,
    blocks: int = SOBOL_BLOCKS,
) -> SobolIndices:
    """Sobol S1 and ST of ``model`` with k independent inputs, via SALib's analyze.

    ``to_values`` maps uniforms (n, k) to input values (n, k) (the inverse CDFs); ``model`` maps
    input columns (k, m) to outputs (m,). Only A and B pass through ``to_values`` (every row of
    the design takes each input from A or B); the design is then evaluated in ``blocks`` blocks of
    base rows. Two seeds drawn from ``rng`` fix the design and the bootstrap.
    """
    return sobol_many(
        to_values, lambda cols: np.asarray(model(cols))[None, :], k, n=n, rng=rng,
        progress=progress, blocks=blocks,
    )[0]


def sobol_many(
    to_values: Callable[[FloatArray], FloatArray],
    model: Callable[[FloatArray], FloatArray],
    k: int,
    *,
    n: int,
    rng: np.random.Generator,
    progress: Progress | None = None,
    blocks: int = SOBOL_BLOCKS,
    groups: Sequence[int] | None = None,
    map_outputs: OutputsMap | None = None,
) -> list[SobolIndices]:
    """``sobol_first_total`` for a model with q outputs, (k, m) -> (q, m): one design, q analyses
    (each with the same bootstrap seed), run by ``map_outputs`` (in turn without it). With
    ``groups`` (the group 0..g-1 of each input, SALib's ``groups``) the indices are of the g
    groups, from N (g + 2) runs."""
    from SALib.analyze import sobol as salib_sobol

    design_seed, boot_seed = (int(s) for s in rng.integers(_SEED_LOW, _SEED_HIGH, size=2))
    a_unit, b_unit = sobol_base(k, n, design_seed)
    a, b = to_values(a_unit), to_values(b_unit)
    g = k if groups is None else int(max(groups)) + 1
    # blocks small enough that one block's design, k columns by rows (g + 2), stays bounded
    needed = -(-n * k * (g + 2) // SOBOL_BLOCK_CELLS)
    edges = np.linspace(0, n, min(max(blocks, needed), n) + 1).astype(int)
    outputs = []
    for i, (lo, hi) in enumerate(itertools.pairwise(edges)):
        y_block = np.asarray(model(saltelli_columns(a[lo:hi], b[lo:hi], groups)),
                             dtype=np.float64)
        outputs.append(np.atleast_2d(y_block))
        if progress is not None:
            progress(i + 1, len(edges) - 1)
    ys = np.concatenate(outputs, axis=1)
    problem: dict[str, Any] = {
        "num_vars": k, "names": [f"x{j}" for j in range(k)], "bounds": [[0.0, 1.0]] * k,
    }
    if groups is not None:
        problem["groups"] = [f"g{j}" for j in groups]

    def analyze(i: int) -> SobolIndices:
        y = ys[i]
        if np.ptp(y) == 0.0:  # a constant output depends on nothing
            zero = np.zeros(g)
            return SobolIndices(zero, zero, zero, zero)
        si = salib_sobol.analyze(
            problem, y, calc_second_order=False, num_resamples=SOBOL_RESAMPLES,
            conf_level=SOBOL_CONFIDENCE, seed=boot_seed,
        )
        return SobolIndices(
            np.asarray(si["S1"]), np.asarray(si["S1_conf"]), np.asarray(si["ST"]),
            np.asarray(si["ST_conf"]),
        )

    return (map_outputs or _in_turn)(analyze, len(ys))


def _in_turn(analyze: Callable[[int], SobolIndices], q: int) -> list[SobolIndices]:
    """The q analyses one after another."""
    return [analyze(i) for i in range(q)]


def sobol_indices(
    engine: DecisionFunction,
    space: ParamSpace,
    *,
    n: int = SOBOL_SAMPLES,
    rng: np.random.Generator,
    progress: Progress | None = None,
    margin_option: int | None = None,
    map_outputs: OutputsMap | None = None,
) -> pd.DataFrame:
    """S1, ST (and 95 % bootstrap half-widths) of the net saving for every uncertain input, or
    for every group of inputs once there are more than ``SOBOL_MAX_INPUTS`` (``sobol_groups``:
    a group's row is named ``processes.*.<field>``, and is no input of ``space``).

    With ``margin_option`` (the recommendation), the same design also gives the indices of the
    score margin between it and the runner-up, as columns ``margin_S1``, ``margin_S1_conf``,
    ``margin_ST``, ``margin_ST_conf``. Inputs are mapped from the unit hypercube through fast
    quantile tables (analyzer.decision.quantiles); constants stay at their values. Sorted by ST,
    largest first (ties by name). ``attrs``: ``n``, ``runs`` (n (g + 2) for g rows),
    ``output``, ``on``, ``grouped``.
    """
    params = space.uncertain
    names = [p.name for p in params]
    groups = sobol_groups(params)
    grouped = len(groups) < len(params)
    of_input = np.empty(len(params), dtype=np.int64)
    for j, group in enumerate(groups):
        of_input[list(group.members)] = j
    tables = quantile_tables(params)
    fixed = space.medians()

    def model(cols: FloatArray) -> FloatArray:
        values = dict(fixed)
        values.update(zip(names, cols, strict=True))
        if margin_option is None:
            return engine.net_saving(values)[None, :]
        margin, saving = engine.margin_and_saving(values, margin_option)
        return np.stack([saving, margin])

    found = sobol_many(tables.ppf, model, len(params), n=n, rng=rng, progress=progress,
                       groups=[int(j) for j in of_input] if grouped else None,
                       map_outputs=map_outputs)
    idx = found[0]
    frame = pd.DataFrame(
        {
            "name": [g.name for g in groups],
            "label": [g.label for g in groups],
            "origin": [g.origin for g in groups],
            "S1": idx.s1,
            "S1_conf": idx.s1_conf,
            "ST": idx.st,
            "ST_conf": idx.st_conf,
        }
    )
    on = ["net_saving"]
    if margin_option is not None:
        m = found[1]
        frame["margin_S1"], frame["margin_S1_conf"] = m.s1, m.s1_conf
        frame["margin_ST"], frame["margin_ST_conf"] = m.st, m.st_conf
        on = ["score_margin", "net_saving"]
    frame = frame.sort_values(["ST", "name"], ascending=[False, True], kind="stable")
    frame = frame.reset_index(drop=True)
    frame.attrs = {"n": n, "runs": n * (len(groups) + 2), "output": "net_saving", "on": on,
                   "grouped": grouped}
    return frame


def assessment_sobol(
    a: Assessment,
    *,
    n: int = SOBOL_SAMPLES,
    progress: Progress | None = None,
    map_outputs: OutputsMap | None = None,
) -> pd.DataFrame:
    """The Sobol indices a decision reports: of the net saving and of the score margin between
    the recommendation and the runner-up, under the questionnaire's weights, with the design and
    bootstrap seeded from (seed, 1), independent of the main draws; ``map_outputs`` runs the two
    analyses (``sobol_many``)."""
    engine = DecisionFunction(a.structure, a.questionnaire.priorities.weights.normalised())
    rng = np.random.default_rng([a.seed, 1])
    recommended = score_futures(a).recommended
    return sobol_indices(
        engine, a.space, n=n, rng=rng, progress=progress, margin_option=recommended,
        map_outputs=map_outputs,
    )


# ---- what to find out next -----------------------------------------------------------------


@dataclass(frozen=True)
class Unknown:
    """The input most worth finding out, and why."""

    name: str
    label: str
    unit: str
    origin: str
    total_index: float  # ST: share of the net saving's variance it is involved in
    first_order: float  # S1: share it explains on its own
    p10: float  # in ``unit``
    p90: float
    text: str
    output: str = "net_saving"  # the quantity it moves: net_saving or score_margin
    #: the text's parts: "Find out {subject} first: {detail}" (for outputs that say it otherwise)
    subject: str = ""
    detail: str = ""


def most_valuable_unknown(
    indices: pd.DataFrame,
    space: ParamSpace,
    *,
    origins: Sequence[str] = FINDABLE,
    output: str = "net_saving",
) -> Unknown | None:
    """The input whose uncertainty moves the net saving most, among those a team can find out.

    Ranked by total-order index ST: the expected share of the output variance left if every
    other input were known and this one not (Saltelli 2010), so settling the top one removes
    the most variance in expectation. Only answers (and imported history) are candidates by
    default: those are what a tech lead can settle by counting or measuring; assumptions and
    option figures are the model's priors, changed by editing data, not by finding something
    out. Ties in ST (rare with continuous inputs) go to the larger S1 -- settling it alone
    removes more -- then to the name, for a deterministic answer. None when no candidate has
    ST > 0 (the net saving does not depend on any answer). A group of inputs (``sobol_groups``)
    is not a candidate: it is no single thing to find out.
    ``output``: ``net_saving`` (columns S1, ST) or ``score_margin`` (margin_S1, margin_ST).
    """
    prefix = "margin_" if output == "score_margin" else ""
    st_col, s1_col = f"{prefix}ST", f"{prefix}S1"
    if st_col not in indices:
        return None
    rows = indices[indices["origin"].isin(list(origins)) & (indices[st_col] > 0)
                   & indices["name"].map(lambda name: name in space)]
    if rows.empty:
        return None
    top = rows.sort_values([st_col, s1_col, "name"], ascending=[False, False, True]).iloc[0]
    param = space[str(top["name"])]
    return _unknown(param, float(top[st_col]), float(top[s1_col]), output)


def _unknown(param: Param, st: float, s1: float, output: str = "net_saving") -> Unknown:
    unit = display_unit(param)
    p10 = display_value(param, param.quantile(TORNADO_LOW))
    p90 = display_value(param, param.quantile(TORNADO_HIGH))
    share = min(max(st, 0.0), 1.0)
    low_text = number(param, param.quantile(TORNADO_LOW))
    high_text = quantity(param, param.quantile(TORNADO_HIGH))
    # a count reads as one: "find out the number of engineers", not "find out engineers"
    what = f"the number of {param.label}" if reads_as_count(param) else param.label
    detail = (
        f"it is now somewhere between {low_text} and {high_text} (P10-P90), and its "
        f"uncertainty is involved in about {100 * share:.0f} % of the spread in "
        f"{OUTPUT_PHRASES.get(output, output)}."
    )
    text = f"Find out {what} first: {detail}"
    return Unknown(param.name, param.label, unit, param.origin, st, s1, p10, p90, text, output,
                   what, detail)
