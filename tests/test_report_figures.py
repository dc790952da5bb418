"""Figures drawn ahead of the report (while the Sobol child runs) and their fixed margins."""

from __future__ import annotations

import dataclasses
import io

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure as MplFigure

from analyzer._io.paths import example_questionnaire
from analyzer.decision.decide import Decision, decide
from analyzer.model.assess import Assessment, assess
from analyzer.questionnaire.form import load_questionnaire
from analyzer.report import charts
from analyzer.report.content import build_report, finish_report, report_figures, report_parts
from analyzer.report.figures import EDGE_PAD_IN, SVG_STYLE, fit_margins
from analyzer.report.markdown import render_markdown
from analyzer.report.render import render_json
from analyzer.report.tree import Figure

SVG_DPI = 72


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    q = load_questionnaire(example_questionnaire("seed-team"))
    return assess(q, samples=400, seed=11)


@pytest.fixture(scope="module")
def decision(assessment: Assessment) -> Decision:
    return decide(assessment, sensitivity=True, sobol_samples=64)


def test_report_figures_are_the_reports_figures(assessment: Assessment, decision: Decision) -> None:
    report = build_report(assessment, decision, command="analyzer report")
    ahead = report_figures(assessment, decision)
    assert [(f.key, f.caption, f.size) for f in ahead] == [
        (f.key, f.caption, f.size) for f in report.figures()
    ]
    assert {f.key for f in ahead} >= {"cost-over-time", "score-contributions", "tornado"}


def _inside(figure: Figure) -> None:
    """Draw as figure_svg does and check, with matplotlib's own layout of every text for SVG
    (which fit_margins does not use), that nothing crosses the figure's edge."""
    with matplotlib.rc_context(SVG_STYLE):  # type: ignore[arg-type]
        fig = MplFigure(figsize=figure.size, dpi=SVG_DPI)  # the SVG backend's: points
        ax = figure.draw(fig.add_subplot())
        fit_margins(fig, ax)
        width_pt, height_pt = (float(v) * SVG_DPI for v in fig.get_size_inches())
        renderer = RendererSVG(width_pt, height_pt, io.StringIO())
        box = ax.get_tightbbox(renderer)
        assert box is not None
        width, height = (float(v) * fig.dpi for v in fig.get_size_inches())
        slack = EDGE_PAD_IN * fig.dpi  # the pad may be used up by rounding, not more
        assert box.x0 >= -1 and box.y0 >= -1, (figure.key, box)
        assert box.x1 <= width + 1 and box.y1 <= height + 1, (figure.key, box)
        # and the margins are not wasteful: the text reaches near each edge it sits at
        assert box.x0 <= slack + 0.35 * fig.dpi, (figure.key, box)
        position = ax.get_position()
        assert position.width > 0.3 and position.height > 0.2, (figure.key, position)


def test_every_report_figure_fits_its_margins(assessment: Assessment, decision: Decision) -> None:
    for figure in report_figures(assessment, decision):
        _inside(figure)


def _labelled(label: str):  # type: ignore[no-untyped-def]
    def draw(ax):  # type: ignore[no-untyped-def]
        ax.barh([label, "short"], [3.0, 1_234_567.0])
        ax.set_title(label)
        ax.set_xlabel(label)
        ax.set_ylabel(label)
        ax.legend(["bars"], loc="upper center", bbox_to_anchor=(0.5, -0.3), ncol=2)
        ax.text(1.02, 0.5, "a note", transform=ax.transAxes)
        return ax

    return draw


@pytest.mark.parametrize("label", ["x", "a label of forty-two characters, wrapped.",
                                   "line one\nline two\nthree"])
def test_margins_fit_long_and_multiline_labels(label: str) -> None:
    _inside(Figure("test", "", _labelled(label), charts.DEFAULT_SIZE))


def test_text_too_wide_for_the_figure_still_draws() -> None:
    with matplotlib.rc_context(SVG_STYLE):  # type: ignore[arg-type]
        fig = MplFigure(figsize=charts.DEFAULT_SIZE)
        ax = _labelled("far too long a label " * 10)(fig.add_subplot())
        fit_margins(fig, ax)
        position = ax.get_position()
        assert position.width >= 0.2 - 1e-9 and position.height >= 0.2 - 1e-9


def test_a_report_finished_from_parts_without_the_indices_is_the_same(
    assessment: Assessment, decision: Decision
) -> None:
    """What analyzer report does while the Sobol child runs: the parts built on the decision
    without its indices and unknowns, finished with the real decision, give the same report."""
    pending = dataclasses.replace(decision, sobol=pd.DataFrame(), next_unknown=None,
                                  next_unknown_saving=None)
    parts = report_parts(assessment, pending)
    finished = finish_report(parts, decision, command="analyzer report", date="2024-06-01")
    whole = build_report(assessment, decision, command="analyzer report", date="2024-06-01")
    assert render_markdown(finished) == render_markdown(whole)
    assert render_json(finished.data) == render_json(whole.data)
    assert list(finished.data) == list(whole.data)  # the same keys in the same order
    assert not decision.sobol.empty and finished.data["sensitivity"]["sobol"]
    assert [f.key for f in parts.figures] == [f.key for f in whole.figures()]


def test_a_report_without_its_json_document_has_the_same_content(
    assessment: Assessment, decision: Decision
) -> None:
    """``analyzer report`` makes a PDF (or Markdown) without the JSON document it does not
    print: the sections are the same, and only the document is missing."""
    whole = build_report(assessment, decision, command="analyzer report", date="2024-06-01")
    lean = build_report(assessment, decision, command="analyzer report", date="2024-06-01",
                        data=False)
    assert lean.data == {} and whole.data
    assert render_markdown(lean) == render_markdown(whole)
    assert [(s.key, s.title) for s in lean.sections] == [(s.key, s.title) for s in whole.sections]


def test_cost_bands_are_the_percentiles_of_the_cumulative_cost_against_today(
    assessment: Assessment,
) -> None:
    months, bands = charts.cost_bands(assessment)
    cumulative = assessment.outputs.cumulative()
    against = cumulative - cumulative[assessment.structure.status_quo][None]
    assert np.array_equal(months, np.arange(assessment.horizon_months + 1))
    np.testing.assert_allclose(bands, np.percentile(against, [10, 50, 90], axis=1),
                               rtol=1e-12, atol=1e-9)
    assert not np.any(bands[:, assessment.structure.status_quo])  # today's setup: the 0 line
