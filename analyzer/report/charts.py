"""Charts of an assessment and a decision, for the report and for notebooks.

Every chart takes ``ax=None`` (a new figure is made when it is None) and returns the ``Axes``;
each has a title and axis labels with units. Charts never save or show: renderers save (and
close) the figure, notebooks display it.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from analyzer.decision.scoring import CRITERION_LABELS
from analyzer.model.assess import percentiles
from analyzer.questionnaire.form import CRITERIA

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

    from analyzer.decision.decide import Decision
    from analyzer.decision.explore import Frontier, RecommendationMap, Sweep
    from analyzer.model.assess import Assessment

#: One colour per option position (status quo first), colour-blind safe (Okabe-Ito).
OPTION_COLOURS = ("#555555", "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9")
#: One colour per criterion, in questionnaire order.
CRITERION_COLOURS = ("#0072B2", "#D55E00", "#E69F00", "#009E73", "#56B4E9", "#CC79A7", "#999999")
BAND_ALPHA = 0.18
DEFAULT_SIZE = (7.0, 3.6)  # inches
TORNADO_TOP = 10
LABEL_WIDTH = 42  # characters before a bar label is wrapped
#: Axis labels for the tornado's outputs (analyzer.decision.sensitivity.OUTPUTS).
TORNADO_OUTPUTS = {
    "net_saving": "Net saving of the best move against today, NPV (money)\nbelow 0: staying is cheaper",
    "status_quo_margin": "Lead of today's option over the best move (points of 100)",
    "score_margin": "Lead of the recommendation over the runner-up (points of 100)\n"
    "below 0: the runner-up wins",
}


def _axes(ax: Axes | None, size: tuple[float, float] = DEFAULT_SIZE) -> Axes:
    """The given Axes, or a new pyplot figure's (so notebooks display it inline)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _fig, new = plt.subplots(figsize=size, layout="constrained")
    return new


def clear_drawing(ax: Axes) -> Axes:
    """Remove what a chart drew into ``ax`` (lines, bands, bars, notes, the legend) and reset its
    data limits and autoscaling, but keep the axes themselves and their tick objects.

    For redrawing into a kept figure, as the notebook sliders do: drawing again after this
    gives the same chart as after ``ax.clear()``, which also rebuilds the axes and its ticks and
    so costs more per update (benchmarks/bench_explore.py).
    """
    from matplotlib.transforms import Bbox

    for artist in [*ax.lines, *ax.collections, *ax.patches, *ax.texts, *ax.images]:
        artist.remove()
    if ax.legend_ is not None:
        ax.legend_.remove()
    ax.dataLim.set_points(Bbox.null().get_points())
    ax.ignore_existing_data_limits = True  # as ax.clear() leaves it: the next artist sets them
    ax.set_autoscale_on(True)
    return ax


#: Vertical step between stacked payback labels, as a fraction of the axes height.
PAYBACK_LABEL_STEP = 0.075
COST_TITLE = "Cumulative effort against today's setup (line: median; band: P10 to P90)"
#: The cost chart's y axis.
COST_AXIS = "Engineer-hours more than today (h)"
#: Where a title sits, in axes coordinates: on top of the axes, where matplotlib puts it when
#: nothing (top ticks, a twin axis) is above them. Given, it is not worked out again on every
#: draw (a tenth of the slider's SVG render).
TITLE_Y = 1.0


def _colour(i: int) -> str:
    return OPTION_COLOURS[i % len(OPTION_COLOURS)]


def _wrap(text: str, width: int = LABEL_WIDTH) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def cost_bands(assessment: Assessment) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Months 0..horizon and the P10, P50 and P90 of each option's cumulative cost against
    today's, C_o(m) - C_today(m) in each future, (3, options, months): today's setup is the
    line at 0, and a move has paid back where its line comes back below it. The same
    cumulative costs as ``Assessment.cumulative_bands``, without today's running cost, which
    every option pays and which hid the differences (a large team's lines lay on top of each
    other)."""
    months = np.arange(assessment.horizon_months + 1, dtype=np.float64)
    cum = assessment.outputs.cumulative(months)
    return months, percentiles(cum - cum[assessment.structure.status_quo][None], axis=1)


#: The cost chart's legend, below the axis label: inside, it sat on the lines and the payback
#: notes; the pad (in legend font sizes) clears the tick labels and the axis label.
COST_LEGEND: dict[str, Any] = {"loc": "upper center", "bbox_to_anchor": (0.5, 0.0),
                               "borderaxespad": 3.9, "ncol": 2, "fontsize": 8, "frameon": False}
#: The payback notes sit on white: the break-even lines pass behind them, not through them.
NOTE_BOX = {"facecolor": "white", "edgecolor": "none", "pad": 1.0}


def note_y(k: int) -> float:
    """Where the k-th payback note sits, in axes coordinates: listed down from the top right,
    where a move that pays back has its line below today's (its notes' tops)."""
    return 0.97 - PAYBACK_LABEL_STEP * k


def payback_note(short_label: str, month: float) -> str:
    """A break-even in this chart's measure, engineer-hours (page 1 and the cost section give
    the money break-even, infrastructure included)."""
    return f"{short_label} pays back in month {month:.0f} in engineer-hours"


def no_payback_note(horizon: int) -> str:
    return f"No move pays back within {horizon} months in engineer-hours (median)"


def cost_over_time(assessment: Assessment, ax: Axes | None = None) -> Axes:
    """Cumulative engineer-hours per option by month: the median line and the P10-P90 band;
    each option's median break-even month is marked where it falls within the horizon."""
    ax = _axes(ax)
    months, (p10, p50, p90) = cost_bands(assessment)
    horizon = assessment.horizon_months
    marked = 0  # payback labels are stacked so that options paying back together stay legible
    for i, name in enumerate(assessment.option_names):
        colour = _colour(i)
        label = assessment.options[name].label
        style = "--" if name == assessment.status_quo else "-"
        ax.fill_between(months, p10[i], p90[i], color=colour, alpha=BAND_ALPHA, linewidth=0)
        ax.plot(months, p50[i], style, color=colour, linewidth=1.8, label=label)
        be = assessment.breakeven_p50(name)
        if be is not None and be <= horizon:
            y = float(np.interp(be, months, p50[i]))
            ax.axvline(be, color=colour, linewidth=0.8, linestyle=":")
            ax.plot([be], [y], "o", color=colour, markersize=5)
            # listed in the empty lower-right corner (cumulative lines are high there), one line
            # each, so labels never run into each other or the axis label
            ax.text(0.99, note_y(marked), payback_note(assessment.options[name].short_label, be),
                    transform=ax.transAxes, ha="right", va="top", fontsize=8, color=colour,
                    bbox=NOTE_BOX)
            marked += 1
    paying = [n for n in assessment.option_names
              if n != assessment.status_quo and (assessment.breakeven_p50(n) or np.inf) <= horizon]
    if not paying:
        ax.text(0.99, 0.03, no_payback_note(horizon), transform=ax.transAxes, ha="right",
                va="bottom", fontsize=8, color="#333333", bbox=NOTE_BOX)
    ax.set_xlim(0, horizon)
    ax.set_title(COST_TITLE, y=TITLE_Y)
    ax.set_xlabel("Months from today")
    ax.set_ylabel(COST_AXIS)
    ax.grid(True, linewidth=0.4, alpha=0.5)
    ax.legend(**COST_LEGEND)
    return ax


@dataclass
class _LiveCost:
    """The artists of a chart drawn by :func:`redraw_cost_over_time`, kept to be updated."""

    key: tuple[Any, ...]  # what fixes the structure: option names, labels, the status quo
    bands: list[Any]
    lines: list[Any]
    vlines: list[Any]
    markers: list[Any]
    notes: list[Any]
    none_note: Any


_LIVE: weakref.WeakKeyDictionary[Any, _LiveCost] = weakref.WeakKeyDictionary()


def redraw_cost_over_time(assessment: Assessment, ax: Axes) -> Axes:
    """:func:`cost_over_time` for a kept ``ax`` redrawn on every change (the notebook sliders):
    the same chart, but the artists of the previous call are updated in place (lines'
    ``set_data``, bands' ``set_data``, notes' ``set_text``) instead of removed and drawn again;
    the title, axis labels and legend are kept. Each option has its break-even line, marker and
    note, hidden when it does not pay back within the horizon; data limits are recomputed from
    the visible artists (``Axes.relim``) as a fresh drawing would set them.

    The first call, or one whose options differ from the previous call's, clears ``ax``
    (:func:`clear_drawing`) and builds the artists.
    """
    names = list(assessment.option_names)
    key = (tuple(names), tuple(assessment.options[n].label for n in names),
           tuple(assessment.options[n].short_label for n in names), assessment.status_quo)
    live = _LIVE.get(ax)
    if live is None or live.key != key or any(a.axes is not ax for a in live.lines):
        live = _build_live_cost(assessment, ax, key)
        _LIVE[ax] = live
    months, (p10, p50, p90) = cost_bands(assessment)
    horizon = assessment.horizon_months
    marked = 0
    for i, name in enumerate(names):
        live.bands[i].set_data(months, p10[i], p90[i])
        live.lines[i].set_data(months, p50[i])
        be = assessment.breakeven_p50(name)
        pays = be is not None and be <= horizon
        for artist in (live.vlines[i], live.markers[i], live.notes[i]):
            artist.set_visible(pays)
        if be is not None and pays:
            live.vlines[i].set_xdata([be, be])
            live.markers[i].set_data([be], [float(np.interp(be, months, p50[i]))])
            live.notes[i].set_position((0.99, note_y(marked)))
            live.notes[i].set_text(payback_note(assessment.options[name].short_label, be))
            marked += 1
    paying = [n for n in names
              if n != assessment.status_quo and (assessment.breakeven_p50(n) or np.inf) <= horizon]
    live.none_note.set_visible(not paying)
    live.none_note.set_text(no_payback_note(horizon))
    ax.relim(visible_only=True)
    ax.autoscale(enable=True)  # as a fresh drawing: limits from the data, then fixed below
    ax.set_xlim(0, horizon)
    return ax


#: Text sizes (width, height, descent in points) measured for SVG, by (text, font properties'
#: hash, math or not): a pure function of those (matplotlib keys its own text caches on the same
#: hash; the SVG renderer measures with a TextToPath, as ``text_size`` does), measured once per
#: process.
_SVG_TEXT_SIZES: dict[tuple[str, int, bool], tuple[float, float, float]] = {}


def text_size(s: str, prop: Any) -> tuple[float, float, float]:
    """Width, height and descent in points of the plain text ``s`` in font ``prop``, as the SVG
    renderer measures it (``TextToPath``), remembered with ``svg_bytes``'s sizes."""
    key = (s, hash(prop), False)
    size = _SVG_TEXT_SIZES.get(key)
    if size is None:
        from matplotlib.textpath import text_to_path

        size = _SVG_TEXT_SIZES[key] = text_to_path.get_text_width_height_descent(
            s, prop, ismath=False)
    return size


def svg_bytes(figure: MplFigure, **savefig: Any) -> bytes:
    """``figure.savefig(format="svg", **savefig)``'s bytes, with every text's size remembered
    across calls: a slider re-renders the same tick labels, title and legend on every change, and
    measuring them is about a quarter of an SVG render (benchmarks/bench_explore.py). The SVG is
    the same as savefig's (tests/test_explore.py)."""
    import io

    from matplotlib.backends.backend_svg import RendererSVG

    measure = RendererSVG.get_text_width_height_descent

    def remembered(renderer: Any, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        key = (s, hash(prop), bool(ismath))
        size = _SVG_TEXT_SIZES.get(key)
        if size is None:
            size = _SVG_TEXT_SIZES[key] = measure(renderer, s, prop, ismath)
        return size

    out = io.BytesIO()
    RendererSVG.get_text_width_height_descent = remembered  # type: ignore[method-assign]
    try:
        figure.savefig(out, format="svg", **savefig)
    finally:
        RendererSVG.get_text_width_height_descent = measure  # type: ignore[method-assign]
    return out.getvalue()


def _build_live_cost(assessment: Assessment, ax: Axes, key: tuple[Any, ...]) -> _LiveCost:
    """Empty ``ax`` and draw :func:`cost_over_time`'s artists, in its order, for every option
    (break-even line, marker and note hidden): :func:`redraw_cost_over_time` fills them in."""
    clear_drawing(ax)
    live = _LiveCost(key, [], [], [], [], [], None)
    for i, name in enumerate(assessment.option_names):
        colour = _colour(i)
        style = "--" if name == assessment.status_quo else "-"
        live.bands.append(ax.fill_between([0, 1], [0, 0], [0, 0], color=colour,
                                          alpha=BAND_ALPHA, linewidth=0))
        (line,) = ax.plot([0, 1], [0, 0], style, color=colour, linewidth=1.8,
                          label=assessment.options[name].label)
        live.lines.append(line)
        live.vlines.append(ax.axvline(0, color=colour, linewidth=0.8, linestyle=":",
                                      visible=False))
        (marker,) = ax.plot([0], [0], "o", color=colour, markersize=5, visible=False)
        live.markers.append(marker)
        live.notes.append(ax.text(0.99, note_y(0), "", transform=ax.transAxes, ha="right",
                                  va="top", fontsize=8, color=colour, visible=False,
                                  bbox=NOTE_BOX))
    live.none_note = ax.text(0.99, 0.03, "", transform=ax.transAxes, ha="right", va="bottom",
                             fontsize=8, color="#333333", visible=False, bbox=NOTE_BOX)
    ax.set_title(COST_TITLE, y=TITLE_Y)
    ax.set_xlabel("Months from today")
    ax.set_ylabel(COST_AXIS)
    ax.grid(True, linewidth=0.4, alpha=0.5)
    ax.legend(**COST_LEGEND)
    return live


#: The score chart's x axis ends here: 100 points and the width of a total's label.
SCORE_AXIS_END = 108


def score_contributions(decision: Decision, ax: Axes | None = None) -> Axes:
    """Stacked horizontal bars: each criterion's contribution (weight x median 0-100 score) to
    each option's total; the recommended option is on top."""
    ax = _axes(ax)
    table = decision.scores_table()
    a = decision.assessment
    order = list(table.sort_values("total_p50").index)  # best ends up on top
    labels = [a.options[n].label for n in order]
    left = np.zeros(len(order))
    for j, c in enumerate(CRITERIA):
        widths = table.loc[order, c].to_numpy(dtype=float)
        ax.barh(labels, widths, left=left, color=CRITERION_COLOURS[j % len(CRITERION_COLOURS)],
                label=CRITERION_LABELS[c], edgecolor="white", linewidth=0.5)
        left = left + widths
    # The label is the median weighted total, the figure the scores table prints; the bars are
    # median contributions, whose sum can differ from it slightly (medians do not add).
    totals = table.loc[order, "total_p50"].to_numpy(dtype=float)
    for y, (end, total) in enumerate(zip(left, totals, strict=True)):
        ax.text(max(end, total) + 1, y, f"{total:.1f}", va="center", fontsize=8)
    # room right of 100 for a total's label near it (94.8 ran into the frame); ticks stop at 100
    ax.set_xlim(0, SCORE_AXIS_END)
    ax.set_xticks(range(0, 101, 20))
    ax.set_title("Weighted score by criterion (higher is better)")
    ax.set_xlabel("Score contribution (points of 100)")
    ax.set_ylabel("Option")
    ax.set_yticks(range(len(order)), [_wrap(t, 24) for t in labels])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=4, fontsize=7, frameon=False)
    ax.grid(True, axis="x", linewidth=0.4, alpha=0.5)
    return ax


#: Infrastructure items (analyzer.model.infrastructure.InfraMonthly) as the report names them.
INFRA_LABELS: dict[str, str] = {
    "machine_images": "Instances (machine images)",
    "container_hosts": "Container hosts",
    "serverless": "Serverless containers",
    "managed_services": "Managed services",
    "control_plane": "Managed control plane",
    "registry": "Registry storage",
    "transfer": "Image transfer",
    "load_balancers": "Load balancers",
    "ci": "CI build minutes",
    "platform_people": "Platform staff",
}


def infrastructure_chart(assessment: Assessment, ax: Axes | None = None) -> Axes:
    """Infrastructure money a month per option, item by item (medians), stacked; items named as
    the report's table names them, the legend under the axis, off the bars."""
    ax = _axes(ax, (7.0, 3.2))
    labels = [assessment.options[n].short_label for n in assessment.option_names]
    left = np.zeros(len(labels))
    shown = 0  # colours by the items drawn, so two drawn items never share one
    for item, arr in assessment.outputs.infrastructure_items.items():
        med = np.median(np.asarray(arr), axis=-1)
        if np.any(med > 0):
            ax.barh(labels, med, left=left, label=INFRA_LABELS.get(item, item.replace("_", " ")),
                    color=CRITERION_COLOURS[shown % len(CRITERION_COLOURS)])
            left = left + med
            shown += 1
    ax.set_title("Infrastructure money a month by option (medians)")
    ax.set_xlabel(f"Infrastructure a month ({assessment.currency})")
    ax.set_ylabel("Option")
    ax.grid(True, axis="x", linewidth=0.4, alpha=0.5)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, fontsize=7,
              frameon=False)
    return ax


#: Space between the tornado's axes and its legend, in legend font sizes (7 pt): tick labels
#: and a two-line axis label at 9 pt.
TORNADO_LEGEND_PAD = 6.5


def tornado_chart(decision: Decision, ax: Axes | None = None, top: int = TORNADO_TOP) -> Axes:
    """The inputs that move the result most: each bar spans the output with the input at its
    P10 and at its P90 (all others at their median); widest at the top."""
    ax = _axes(ax, (7.0, 4.2))
    frame = decision.tornado
    attrs: dict[Any, Any] = dict(frame.attrs) if frame is not None else {}
    output = str(attrs.get("output", "net_saving"))
    output_label = TORNADO_OUTPUTS.get(output, output.replace("_", " "))
    ax.set_title("What moves the result most (tornado)")
    ax.set_xlabel(output_label)
    ax.set_ylabel("Input, from its P10 to its P90")
    if frame is None or frame.empty:
        ax.text(0.5, 0.5, "Sensitivity analysis not run", transform=ax.transAxes, ha="center")
        return ax
    rows = frame.sort_values("swing", ascending=False).head(top).iloc[::-1]
    lo = rows[["output_at_p10", "output_at_p90"]].min(axis=1).to_numpy(dtype=float)
    hi = rows[["output_at_p10", "output_at_p90"]].max(axis=1).to_numpy(dtype=float)
    # labels name the input; its unit and range are in the report's table of inputs
    names = [_wrap(str(lab)) for lab in rows["label"]]
    y = np.arange(len(rows))
    at_p10 = rows["output_at_p10"].to_numpy(dtype=float)
    at_p90_higher = rows["output_at_p90"].to_numpy(dtype=float) >= at_p10
    colours = [OPTION_COLOURS[1] if up else OPTION_COLOURS[2] for up in at_p90_higher]
    ax.barh(y, hi - lo, left=lo, color=colours, height=0.6)
    # bars are "sticky" at their left edge, which put the widest bar's end on the frame, as if
    # cut off: a margin on both sides instead
    ax.use_sticky_edges = False
    ax.margins(x=0.04)
    base = attrs.get("base")
    if base is not None:
        ax.axvline(float(base), color="#333333", linewidth=0.8)
    ax.set_yticks(y, names, fontsize=7)
    ax.grid(True, axis="x", linewidth=0.4, alpha=0.5)
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = [Patch(color=OPTION_COLOURS[1], label="higher at its P90"),
               Patch(color=OPTION_COLOURS[2], label="lower at its P90")]
    if base is not None:
        handles.append(Line2D([], [], color="#333333", linewidth=0.8,
                              label="every input at its median"))
    # below the axis label, not over the bars ("best" still covered a short bar); the pad, in
    # legend font sizes, clears the tick labels and the two-line axis label
    ax.legend(handles=handles, fontsize=7, frameon=False, loc="upper center",
              bbox_to_anchor=(0.5, 0.0), borderaxespad=TORNADO_LEGEND_PAD, ncol=3)
    return ax


def migration_plan_chart(stages: pd.DataFrame, ax: Axes | None = None) -> Axes:
    """The migration stages on a calendar: each bar runs from the median start to the median end
    of the stage; the whisker shows the P10 to P90 of its end month."""
    ax = _axes(ax, (7.0, 2.0))
    rows = stages.iloc[::-1].reset_index(drop=True)
    starts = (rows["ends_p50"] - rows["months_p50"]).to_numpy(dtype=float)
    ax.barh(rows["title"], rows["months_p50"], left=starts, color=OPTION_COLOURS[1], height=0.5)
    ends = rows["ends_p50"].to_numpy(dtype=float)
    err = np.vstack([ends - rows["ends_p10"].to_numpy(dtype=float),
                     rows["ends_p90"].to_numpy(dtype=float) - ends])
    ax.errorbar(ends, np.arange(len(rows)), xerr=err, fmt="none", ecolor="#333333", capsize=3,
                linewidth=0.8)
    ax.set_title("Migration stages (bar: median; whisker: P10 to P90 of the end)")
    ax.set_xlabel("Months from the start of the move")
    ax.set_ylabel("Stage")
    ax.set_xlim(left=0)
    ax.grid(True, axis="x", linewidth=0.4, alpha=0.5)
    return ax


# ---- exploring (analyzer.decision.explore) ------------------------------------------------------------


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around grid points: midway between neighbours, half a step beyond the ends."""
    c = np.asarray(centres, dtype=float)
    if c.size == 1:
        return np.array([c[0] - 0.5, c[0] + 0.5])
    mid = (c[1:] + c[:-1]) / 2
    return np.concatenate([[c[0] - (mid[0] - c[0])], mid, [c[-1] + (c[-1] - mid[-1])]])


def _mark(ax: Axes, point: tuple[float, float] | None) -> list[Any]:
    """A star at the loaded team's answers; its legend handle (none when no point)."""
    if point is None:
        return []
    (star,) = ax.plot([point[0]], [point[1]], marker="*", markersize=15, color="white",
                      markeredgecolor="black", linestyle="none", label="The loaded team (medians)",
                      clip_on=False)  # whole at the grid's edge (a team at its first value)
    return [star]


def _whole_ticks(ax: Axes, xs: Any, ys: Any) -> None:
    """Whole-number ticks on an axis whose grid values are all whole (team sizes): no "2.5
    engineers" tick between 2 and 3."""
    from matplotlib.ticker import MaxNLocator

    for values, axis in ((xs, ax.xaxis), (ys, ax.yaxis)):
        v = np.asarray(values, dtype=np.float64)
        if v.size and np.all(v == np.round(v)):
            axis.set_major_locator(MaxNLocator(integer=True))


def recommendation_map_chart(
    result: RecommendationMap,
    ax: Axes | None = None,
    mark: tuple[float, float] | None = None,
) -> Axes:
    """The recommended option at every point of a two-input grid (median model); the star marks
    ``mark``, by default the loaded team's medians."""
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    ax = _axes(ax, (7.0, 4.2))
    n = len(result.option_names)
    cmap = ListedColormap([_colour(i) for i in range(n)])
    ax.pcolormesh(_edges(result.xs), _edges(result.ys), result.winners, cmap=cmap,
                  vmin=-0.5, vmax=n - 0.5, shading="flat")
    shares = result.shares()
    handles: list[Any] = [
        Patch(color=_colour(i), label=f"{label} ({100 * shares.iloc[i]:.0f} % of the map)")
        for i, label in enumerate(result.option_labels)
    ]
    handles += _mark(ax, result.current if mark is None else mark)
    _whole_ticks(ax, result.xs, result.ys)
    ax.set_title(_wrap(f"Recommended option by {result.x.label} and {result.y.label} "
                       "(other inputs at their medians)", 70))
    ax.set_xlabel(result.x.title)
    ax.set_ylabel(result.y.title)
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
              fontsize=7, frameon=False)
    return ax


def breakeven_frontier_chart(
    frontier: Frontier,
    ax: Axes | None = None,
    mark: tuple[float, float] | None = None,
) -> Axes:
    """The option's saving against today over the grid (colour) and the line where it is zero;
    the star marks ``mark``, by default the loaded team's medians."""
    from matplotlib.colors import TwoSlopeNorm

    ax = _axes(ax, (7.0, 4.2))
    saving = frontier.saving
    extent = float(np.max(np.abs(saving))) or 1.0
    low = min(float(np.min(saving)), -1e-9 * extent)
    high = max(float(np.max(saving)), 1e-9 * extent)
    mesh = ax.pcolormesh(_edges(frontier.xs), _edges(frontier.grid), saving, cmap="RdBu",
                         norm=TwoSlopeNorm(0.0, low, high), shading="flat")
    what = "NPV" if frontier.measure == "npv" else "undiscounted"
    ax.figure.colorbar(mesh, ax=ax, label=f"Saving against today, {what} (h)")
    found = np.isfinite(frontier.breakeven)
    handles: list[Any] = []
    if found.any():
        (line,) = ax.plot(frontier.xs[found], frontier.breakeven[found], color="black",
                          linewidth=1.6, label="Break-even: saving = 0")
        handles.append(line)
    else:
        ax.text(0.5, 0.5, "No break-even in the range searched", transform=ax.transAxes,
                ha="center", fontsize=9)
    handles += _mark(ax, frontier.current if mark is None else mark)
    _whole_ticks(ax, frontier.xs, frontier.grid)
    ax.set_ylim(float(frontier.grid[0]), float(frontier.grid[-1]))
    ax.set_title(_wrap(f"Where {frontier.option_label} breaks even against "
                       f"{frontier.status_quo_label} over {frontier.horizon_months} months "
                       "(blue: it saves)", 70))
    ax.set_xlabel(frontier.x.title)
    ax.set_ylabel(frontier.y.title)
    if handles:
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2,
                  fontsize=7, frameon=False)
    return ax


def parameter_distribution(assessment: Assessment, name: str, ax: Axes | None = None) -> Axes:
    """Histogram of one input's draws with its P10, P50 (solid) and P90; title: its label and
    unit. A constant is drawn as a single line."""
    ax = _axes(ax, (3.2, 2.2))
    param = assessment.space[name]
    draws = np.asarray(assessment.values[name], dtype=float)
    ax.set_title(_wrap(f"{param.label} ({param.unit})", 38), fontsize=8)
    ax.set_xlabel(param.unit, fontsize=7)
    ax.set_ylabel("Density", fontsize=7)
    ax.tick_params(labelsize=6)
    if param.constant:
        ax.axvline(float(draws[0]), color=OPTION_COLOURS[1], linewidth=2)
        ax.text(0.5, 0.85, f"constant: {draws[0]:g}", transform=ax.transAxes, ha="center",
                fontsize=7)
        value = float(draws[0])
        half_width = abs(value) / 2 or 1.0
        ax.set_xlim(value - half_width, value + half_width)
        ax.set_xticks([value])
        ax.set_yticks([])
        return ax
    ax.hist(draws, bins=40, density=True, histtype="stepfilled", color=OPTION_COLOURS[1],
            alpha=0.6)
    ax.set_yticks([])  # a density's scale says little; the shape and the quantiles matter
    for q, style in zip((0.1, 0.5, 0.9), (":", "-", ":"), strict=True):
        ax.axvline(float(np.quantile(draws, q)), color="#333333", linestyle=style, linewidth=0.8)
    return ax


def sweep_chart(result: Sweep, ax: Axes | None = None) -> Axes:
    """How often each option wins as one input moves (all other inputs drawn as in the
    assessment); the dotted line is the input's median in the assessment."""
    ax = _axes(ax)
    for i, label in enumerate(result.option_labels):
        ax.plot(result.xs, 100 * result.win_share[i], color=_colour(i), linewidth=1.8,
                label=label)
    ax.axvline(result.current, color="#333333", linestyle=":", linewidth=1,
               label=f"Median in the assessment: {result.current:.3g}")
    ax.set_ylim(-2, 102)
    ax.set_title(_wrap(f"How {result.x.label} moves the answer", 70))
    ax.set_xlabel(_wrap(result.x.title, 80))
    ax.set_ylabel("Simulated futures it wins (%)")
    ax.grid(True, linewidth=0.4, alpha=0.5)
    ax.legend(fontsize=7, frameon=False)
    return ax
