"""Figures to SVG text: vector, and the same bytes every time (fixed hash salt, no date).

Margins are set once from the size of the text around the axes (tick labels, axis labels,
title), measured with the font's metrics, instead of by matplotlib's constrained layout, which
lays out every text of the figure twice and took about 60 % of the drawing time
(benchmarks/bench_report.py); legends and notes that still stick out of the figure widen the
margin they cross.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from analyzer.report.charts import svg_bytes, text_size
from analyzer.report.tree import Figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure
    from matplotlib.text import Text

#: Seeds the ids matplotlib gives clip paths and markers in SVG, which are random otherwise.
SVG_HASH_SALT = "analyzer-report"
SVG_STYLE = {
    "svg.hashsalt": SVG_HASH_SALT,
    # text stays text: the PDF renderer is given matplotlib's own DejaVu Sans and embeds it
    # (analyzer.report.pdf.chart_font_dir), so widths match matplotlib's layout exactly
    "svg.fonttype": "none",
    "font.family": "DejaVu Sans",  # ships with matplotlib
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "axes.labelsize": 9.0,
    # names come from the questionnaire: "$x$" or "$\\frac$" in one is text, not mathtext
    "text.parse_math": False,
}
#: White space between the outermost text and the figure's edge, inches.
EDGE_PAD_IN = 0.06
POINTS_PER_INCH = 72.0
#: The smallest share of the figure's width and height the axes keep, however long the text.
MIN_AXES_SHARE = 0.2
#: Line height as a multiple of the font size: matplotlib's default for every Text.
LINE_SPACING = 1.2


def figure_svg(figure: Figure) -> str:
    """Draw ``figure`` on a fresh matplotlib Figure (no pyplot, no GUI) and return its SVG."""
    import matplotlib
    from matplotlib.figure import Figure as MplFigure

    with matplotlib.rc_context(SVG_STYLE):  # type: ignore[arg-type]
        fig = MplFigure(figsize=figure.size)
        ax = figure.draw(fig.add_subplot())
        fit_margins(fig, ax)
        svg = svg_bytes(fig, metadata={"Date": None})  # text measured once per process
    # no fig.clear(): it rebuilds the axes' ticks (about 5 ms a figure) only to be thrown away;
    # without pyplot nothing else holds the figure, so the collector frees it
    return svg.decode("utf-8")


def _text_inches(text: Text) -> tuple[float, float]:
    """Width and height of a text as laid out (every line, unrotated), inches, from the font's
    metrics: no renderer and no layout of the rest of the figure."""
    content = text.get_text()
    if not text.get_visible() or not content:
        return 0.0, 0.0
    prop = text.get_fontproperties()
    lines = content.split("\n")
    width = max(text_size(line, prop)[0] for line in lines)
    height = len(lines) * LINE_SPACING * prop.get_size_in_points()
    return width / POINTS_PER_INCH, height / POINTS_PER_INCH


def _tick_space(axis: str) -> float:
    """Tick length plus the gap to its label, inches (rcParams, as matplotlib draws them)."""
    import matplotlib

    rc = matplotlib.rcParams
    if axis == "x":
        points = rc["xtick.major.size"] + rc["xtick.major.pad"]
    else:
        points = rc["ytick.major.size"] + rc["ytick.major.pad"]
    return float(points) / POINTS_PER_INCH


def _label_space(text: Text, pad_points: float, across: int) -> float:
    """The room an axis label or title takes across the margin (``across`` 1: its height, 0: its
    width), with its pad; none when it is empty."""
    size = _text_inches(text)
    return size[across] + pad_points / POINTS_PER_INCH if size[across] > 0 else 0.0


def fit_margins(fig: MplFigure, ax: Axes) -> None:
    """Place ``ax`` so the text around it fits in ``fig``: tick labels, axis labels and title set
    the margins; then any legend or note still outside the figure (a legend below the axes, a
    label past the last tick) widens the margin it crosses."""
    import matplotlib

    rc = matplotlib.rcParams
    width, height = (float(v) for v in fig.get_size_inches())
    yticks = [_text_inches(t) for t in ax.get_yticklabels()]
    xticks = [_text_inches(t) for t in ax.get_xticklabels()]
    left = (EDGE_PAD_IN + max((w for w, _ in yticks), default=0.0) + _tick_space("y")
            + _label_space(ax.yaxis.label, rc["axes.labelpad"], 1))
    bottom = (EDGE_PAD_IN + max((h for _, h in xticks), default=0.0) + _tick_space("x")
              + _label_space(ax.xaxis.label, rc["axes.labelpad"], 1))
    top = EDGE_PAD_IN + _label_space(ax.title, rc["axes.titlepad"], 1)
    right = EDGE_PAD_IN + (xticks[-1][0] / 2 if xticks else 0.0)  # the last label's half
    margins = {"left": left, "right": right, "bottom": bottom, "top": top}
    _place(fig, width, height, margins)
    extra = [a for a in (ax.get_legend(), *ax.texts) if a is not None and a.get_visible()]
    if not extra:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    renderer = FigureCanvasAgg(fig).get_renderer()
    dpi = fig.dpi
    for artist in extra:
        box = artist.get_window_extent(renderer)
        margins["left"] += max(0.0, EDGE_PAD_IN - box.x0 / dpi)
        margins["bottom"] += max(0.0, EDGE_PAD_IN - box.y0 / dpi)
        margins["right"] += max(0.0, box.x1 / dpi - (width - EDGE_PAD_IN))
        margins["top"] += max(0.0, box.y1 / dpi - (height - EDGE_PAD_IN))
    _place(fig, width, height, margins)


def _place(fig: MplFigure, width: float, height: float, margins: dict[str, float]) -> None:
    """Set the subplot's edges from margins in inches; margins that would leave the axes less
    than MIN_AXES_SHARE of the figure are shrunk in proportion (the text then overflows, as it
    would with constrained layout, rather than the drawing failing)."""
    h_scale = min(1.0, (1 - MIN_AXES_SHARE) * width / (margins["left"] + margins["right"]))
    v_scale = min(1.0, (1 - MIN_AXES_SHARE) * height / (margins["bottom"] + margins["top"]))
    fig.subplots_adjust(left=h_scale * margins["left"] / width,
                        right=1 - h_scale * margins["right"] / width,
                        bottom=v_scale * margins["bottom"] / height,
                        top=1 - v_scale * margins["top"] / height)
