"""Charts of an assessment and a decision, for the report and for notebooks.

Every chart takes ``ax=None`` (a new figure is made when it is None) and returns the ``Axes``;
each has a title and axis labels with units. Charts never save or show: renderers save (and
close) the figure, notebooks display it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from matplotlib.axes import Axes

    from analyzer.decision.decide import Decision
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
    "net_saving": "Net saving of the best move against today, NPV (h)\nbelow 0: staying is cheaper",
    "status_quo_margin": "Lead of today's option over the best move (points of 100)",
}


def _axes(ax: Axes | None, size: tuple[float, float] = DEFAULT_SIZE) -> Axes:
    """The given Axes, or a new pyplot figure's (so notebooks display it inline)."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _fig, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _colour(i: int) -> str:
    return OPTION_COLOURS[i % len(OPTION_COLOURS)]


def _wrap(text: str, width: int = LABEL_WIDTH) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


def cost_over_time(assessment: Assessment, ax: Axes | None = None) -> Axes:
    """Cumulative engineer-hours per option by month: the median line and the P10-P90 band;
    each option's median break-even month is marked where it falls within the horizon."""
    ax = _axes(ax)
    bands = assessment.cumulative_bands()
    horizon = assessment.horizon_months
    for i, name in enumerate(assessment.option_names):
        rows = bands[bands["option"] == name]
        colour = _colour(i)
        label = assessment.options[name].label
        style = "--" if name == assessment.status_quo else "-"
        ax.fill_between(rows["month"], rows["p10"], rows["p90"], color=colour, alpha=BAND_ALPHA,
                        linewidth=0)
        ax.plot(rows["month"], rows["p50"], style, color=colour, linewidth=1.8, label=label)
        be = assessment.breakeven_p50(name)
        if be is not None and be <= horizon:
            y = float(np.interp(be, rows["month"], rows["p50"]))
            ax.axvline(be, color=colour, linewidth=0.8, linestyle=":")
            ax.plot([be], [y], "o", color=colour, markersize=5)
            ax.annotate(f"{assessment.options[name].short_label} pays back\n(month {be:.0f})",
                        (be, y), xytext=(6, -22), textcoords="offset points", fontsize=8,
                        color=colour)
    paying = [n for n in assessment.option_names
              if n != assessment.status_quo and (assessment.breakeven_p50(n) or np.inf) <= horizon]
    if not paying:
        ax.text(0.99, 0.03, f"No move pays back within {horizon} months (median)",
                transform=ax.transAxes, ha="right", va="bottom", fontsize=8, color="#333333")
    ax.set_xlim(0, horizon)
    ax.set_ylim(bottom=0)
    ax.set_title("Cumulative effort by option (line: median; band: P10 to P90)")
    ax.set_xlabel("Months from today")
    ax.set_ylabel("Cumulative engineer-hours (h)")
    ax.grid(True, linewidth=0.4, alpha=0.5)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    return ax


def score_contributions(decision: Decision, ax: Axes | None = None) -> Axes:
    """Stacked horizontal bars: each criterion's contribution (weight x median 0-100 score) to
    each option's total; the recommended option is on top."""
    from analyzer.decision.scoring import CRITERION_LABELS
    from analyzer.questionnaire import CRITERIA

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
    for y, total in enumerate(left):
        ax.text(total + 1, y, f"{total:.1f}", va="center", fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_title("Weighted score by criterion (higher is better)")
    ax.set_xlabel("Score contribution (points of 100)")
    ax.set_ylabel("Option")
    ax.set_yticks(range(len(order)), [_wrap(t, 24) for t in labels])
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=4, fontsize=7, frameon=False)
    ax.grid(True, axis="x", linewidth=0.4, alpha=0.5)
    return ax


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
    base = attrs.get("base")
    if base is not None:
        ax.axvline(float(base), color="#333333", linewidth=0.8)
    ax.set_yticks(y, names, fontsize=7)
    ax.grid(True, axis="x", linewidth=0.4, alpha=0.5)
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = [Patch(color=OPTION_COLOURS[1], label="higher at the input's P90"),
               Patch(color=OPTION_COLOURS[2], label="lower at the input's P90")]
    if base is not None:
        handles.append(Line2D([], [], color="#333333", linewidth=0.8,
                              label="every input at its median"))
    ax.legend(handles=handles, fontsize=7, frameon=False, loc="lower right")
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
