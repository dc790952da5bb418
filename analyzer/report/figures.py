"""Figures to SVG text: vector, and the same bytes every time (fixed hash salt, no date)."""

from __future__ import annotations

import io

from analyzer.report.tree import Figure

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


def figure_svg(figure: Figure) -> str:
    """Draw ``figure`` on a fresh matplotlib Figure (no pyplot, no GUI) and return its SVG."""
    import matplotlib
    from matplotlib.figure import Figure as MplFigure

    with matplotlib.rc_context(SVG_STYLE):  # type: ignore[arg-type]
        fig = MplFigure(figsize=figure.size, layout="constrained")
        try:
            figure.draw(fig.add_subplot())
            buf = io.StringIO()
            fig.savefig(buf, format="svg", metadata={"Date": None})
        finally:
            fig.clear()
    return buf.getvalue()
