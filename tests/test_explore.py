"""analyzer.decision.explore: what-if copies, quick re-runs, and the answer over grids of inputs.

Grids are checked against the same model evaluated one point at a time (``DecisionFunction.winner`` and
``option_saving`` on the median model), and the payback frontier against the model's own
break-even month, an independent output of ``evaluate``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from matplotlib.figure import Figure
from pydantic import BaseModel

import analyzer
from analyzer.decision.engine import DecisionFunction
from analyzer.decision.explore import option_saving
from analyzer.model.core import evaluate
from analyzer.questionnaire.form import iter_fields
from analyzer.report import charts

SAMPLES = 400
DEPLOYS = "delivery.prod_deploys_per_week"
ENGINEERS = "team.engineers"
DRIFT = "incidents.counts.environment_drift"


@pytest.fixture(scope="module")
def q() -> analyzer.Questionnaire:
    return analyzer.load_questionnaire(analyzer.example_questionnaire("seed-team"))


@pytest.fixture(scope="module")
def a(q: analyzer.Questionnaire) -> analyzer.Assessment:
    return analyzer.assess(q, samples=SAMPLES, seed=7)


def _leaves(model: Any) -> dict[str, tuple[Any, bool]]:
    """Dotted path -> (value as in a file, given by the user?), incident counts one by one."""
    out: dict[str, tuple[Any, bool]] = {}
    for path, value, given, _info in iter_fields(model):
        if isinstance(value, dict):
            for key, v in value.items():
                out[f"{path}.{key}"] = (getattr(v, "as_list", lambda v=v: v)(), True)
        elif isinstance(value, list) and value and isinstance(value[0], BaseModel):
            for item in value:
                for sub, (v, g) in _leaves(item).items():
                    out[f"{path}.{item.name}.{sub}"] = (v, g)
        else:
            out[path] = (getattr(value, "as_list", lambda v=value: v)(), given)
    return out


# ---- what_if -----------------------------------------------------------------------------------


def test_what_if_changes_exactly_the_named_answers(q: analyzer.Questionnaire) -> None:
    changes = {
        DEPLOYS: 10,
        ENGINEERS: [4, 5, 6],
        DRIFT: analyzer.Estimate(2.0, 3.0, 5.0),
        "processes.mongodb.data_gb": 200,
        "priorities.horizon_months": 36,
    }
    changed = analyzer.what_if(q, **changes)
    before, after = _leaves(q), _leaves(changed)
    differ = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert differ == set(changes)
    assert after[DEPLOYS] == ([10.0, 10.0, 10.0], True)
    assert after[ENGINEERS][0] == [4.0, 5.0, 6.0]
    assert after[DRIFT][0] == [2.0, 3.0, 5.0]
    assert changed.priorities.horizon_months == 36
    assert q.delivery.prod_deploys_per_week.likely == 1.0  # the original is untouched


def test_what_if_keeps_unset_answers_unset(q: analyzer.Questionnaire) -> None:
    changed = analyzer.what_if(q, **{"team.hires_per_year": 1})
    given = {path for path, _v, g, _i in iter_fields(changed) if g}
    assert given == {path for path, _v, g, _i in iter_fields(q) if g} | {"team.hires_per_year"}


def test_what_if_reports_every_bad_path_and_value_at_once(q: analyzer.Questionnaire) -> None:
    with pytest.raises(analyzer.InputError) as err:
        analyzer.what_if(q, **{"team.engineer": 3, "processes.mongo.data_gb": 1,
                               "team.engineers.low": 1})
    text = str(err.value)
    assert len(err.value.problems) == 3
    assert "team.engineer: unknown answer 'engineer' (did you mean 'engineers'?)" in text
    assert "processes.mongo.data_gb: unknown answer 'mongo' (did you mean 'mongodb'?)" in text
    assert "'team.engineers' is a single answer" in text

    with pytest.raises(analyzer.InputError) as err:
        analyzer.what_if(q, **{ENGINEERS: -1, DEPLOYS: [3, 2, 1], DRIFT: "often"})
    problems = {p.field: p.message for p in err.value.problems}
    assert problems[ENGINEERS] == "the value must be at least 1, got -1"
    assert "low (3) is greater than likely (2)" in problems[DEPLOYS]
    assert "got 'often'" in problems[DRIFT]
    assert all(p.line is None for p in err.value.problems)  # no file positions to invent


def test_what_if_rejects_an_unknown_incident_category(q: analyzer.Questionnaire) -> None:
    with pytest.raises(analyzer.InputError, match="did you mean 'environment_drift'"):
        analyzer.what_if(q, **{"incidents.counts.drift": 2})


# ---- reassess -----------------------------------------------------------------------------------


def test_reassess_without_changes_reproduces_the_assessment(a: analyzer.Assessment) -> None:
    again = analyzer.reassess(a)
    np.testing.assert_array_equal(again.outputs.npv_hours, a.outputs.npv_hours)


def test_reassess_redraws_only_what_changed(
    q: analyzer.Questionnaire, a: analyzer.Assessment
) -> None:
    changed = analyzer.reassess(a, analyzer.what_if(q, **{DEPLOYS: [2, 4, 8], ENGINEERS: 3}))
    differ = {n for n in a.values if not np.array_equal(a.values[n], changed.values[n])}
    assert differ == {DEPLOYS, ENGINEERS}
    np.testing.assert_array_equal(changed.values[ENGINEERS], [3.0])
    assert changed.values[DEPLOYS].min() >= 2 and changed.values[DEPLOYS].max() <= 8
    # the same as evaluating the original draws with those two arrays replaced
    expected = evaluate({**a.values, DEPLOYS: changed.values[DEPLOYS], ENGINEERS: np.array([3.0])},
                        a.structure)
    np.testing.assert_allclose(changed.outputs.npv_hours, expected.npv_hours)
    # and deterministic
    repeat = analyzer.reassess(a, analyzer.what_if(q, **{DEPLOYS: [2, 4, 8], ENGINEERS: 3}))
    np.testing.assert_array_equal(repeat.values[DEPLOYS], changed.values[DEPLOYS])


def test_reassess_takes_the_horizon_from_the_questionnaire(
    q: analyzer.Questionnaire, a: analyzer.Assessment
) -> None:
    longer = analyzer.reassess(a, analyzer.what_if(q, **{"priorities.horizon_months": 60}))
    assert longer.horizon_months == 60
    assert longer.cumulative_bands()["month"].max() == 60
    assert np.all(longer.outputs.total_hours >= a.outputs.total_hours)


# ---- recommendation map -------------------------------------------------------------------------


def test_recommendation_map_agrees_with_the_engine_point_by_point(a: analyzer.Assessment) -> None:
    xs, ys = np.array([1.0, 2.0, 4.0, 8.0]), np.array([0.0, 20.0, 45.0, 60.0, 90.0])
    result = analyzer.recommendation_map(a, ENGINEERS, xs, DEPLOYS, ys)
    assert result.winners.shape == (ys.size, xs.size)
    engine = DecisionFunction(a.structure, a.questionnaire.priorities.weights.normalised())
    seen = set()
    for y in ys:
        for x in xs:
            values = a.space.medians()
            values[ENGINEERS], values[DEPLOYS] = np.array([x]), np.array([y])
            expected = a.option_names[int(engine.winner(values)[0])]
            assert result.summary().loc[y, x] == expected == result.winner_at(x, y)
            seen.add(expected)
    assert len(seen) > 1, "the grid should cross a change of recommendation"
    assert result.current == (2.0, pytest.approx(a.space[DEPLOYS].quantile(0.5)))
    assert result.shares().sum() == pytest.approx(1.0)


def test_recommendation_map_uses_the_weights_given(a: analyzer.Assessment) -> None:
    xs, ys = np.array([1.0, 2.0]), np.array([1.0, 50.0])
    cost_only = analyzer.recommendation_map(a, ENGINEERS, xs, DEPLOYS, ys, weights={"cost": 1,
        "transition_risk": 0, "operational_risk": 0, "parity": 0, "scale_out": 0,
        "portability": 0, "team_fit": 0})
    values = a.space.medians()
    values[ENGINEERS], values[DEPLOYS] = np.array([1.0]), np.array([50.0])
    npv = evaluate(values, a.structure).npv_hours[:, 0]
    assert cost_only.winner_at(1.0, 50.0) == a.option_names[int(np.argmin(npv))]
    with pytest.raises(analyzer.InputError, match="cost_weight"):
        analyzer.recommendation_map(a, ENGINEERS, xs, DEPLOYS, ys, weights={"cost_weight": 1})


def test_grids_reject_unknown_inputs_and_bad_values(a: analyzer.Assessment) -> None:
    with pytest.raises(analyzer.InputError, match=r"did you mean 'team\.engineers'"):
        analyzer.recommendation_map(a, "team.engineer", [1, 2], DEPLOYS, [1, 2])
    with pytest.raises(analyzer.InputError, match="finite numbers"):
        analyzer.recommendation_map(a, ENGINEERS, [1, np.nan], DEPLOYS, [1, 2])
    with pytest.raises(analyzer.InputError, match="different inputs"):
        analyzer.breakeven_frontier(a, DEPLOYS, [1, 2], DEPLOYS)
    with pytest.raises(analyzer.InputError, match="option must be one of docker, hybrid"):
        analyzer.breakeven_frontier(a, ENGINEERS, [1, 2], DEPLOYS, option="machine-image")


# ---- break-even frontier ------------------------------------------------------------------------


def _saving_at(a: analyzer.Assessment, x: float, y: float, measure: Any = "npv") -> float:
    values = a.space.medians()
    values[ENGINEERS], values[DEPLOYS] = np.array([x]), np.array([y])
    return float(option_saving(a, values, "docker", measure)[0])


def test_frontier_is_where_the_net_saving_changes_sign(a: analyzer.Assessment) -> None:
    xs = np.array([1.0, 2.0, 3.0, 5.0, 8.0])
    frontier = analyzer.breakeven_frontier(a, ENGINEERS, xs, DEPLOYS, ys=np.linspace(0, 150, 31))
    assert np.all(np.isfinite(frontier.breakeven))
    step = 1e-2
    for x, y, above in zip(xs, frontier.breakeven, frontier.saves_above, strict=True):
        below_value, above_value = _saving_at(a, x, y - step), _saving_at(a, x, y + step)
        assert np.sign(below_value) != np.sign(above_value)
        assert (above_value > 0) == above
        assert abs(_saving_at(a, x, y)) < 0.5  # hours: the crossing is pinned down
    # more deploys favour docker: the saving grows with y, so docker saves above the line
    assert frontier.saves_above.all()
    table = frontier.summary()
    assert list(table.columns) == [ENGINEERS, f"{DEPLOYS} at break-even",
                                   f"{frontier.option_label} saves when {frontier.y.label} is"]
    assert " y " not in table.columns[2] and "docker" not in table.columns[2]


def test_payback_frontier_is_where_the_break_even_month_reaches_the_horizon(
    a: analyzer.Assessment,
) -> None:
    frontier = analyzer.breakeven_frontier(a, ENGINEERS, [2.0], DEPLOYS, measure="payback",
                                           ys=np.linspace(0, 150, 31))
    y = float(frontier.breakeven[0])
    docker = a.option_names.index("docker")
    months = []
    for value in (y - 0.05, y + 0.05):
        values = a.space.medians()
        values[ENGINEERS], values[DEPLOYS] = np.array([2.0]), np.array([value])
        months.append(float(evaluate(values, a.structure).breakeven_month[docker, 0]))
    assert months[0] == np.inf and months[1] <= a.horizon_months


def test_frontier_without_a_crossing_says_so(a: analyzer.Assessment) -> None:
    frontier = analyzer.breakeven_frontier(a, ENGINEERS, [2.0], DEPLOYS, ys=[0.0, 1.0, 2.0])
    assert np.isnan(frontier.breakeven[0])
    assert frontier.summary().iloc[0, 2] == "nowhere searched"


# ---- sweep -------------------------------------------------------------------------------------


def test_sweep_matches_re_assessing_with_the_answer_changed(
    q: analyzer.Questionnaire, a: analyzer.Assessment
) -> None:
    result = analyzer.sweep(a, DEPLOYS, [1.0, 60.0])
    for k, value in enumerate(result.xs):
        again = analyzer.reassess(a, analyzer.what_if(q, **{DEPLOYS: float(value)}))
        decision = analyzer.decide(again, sensitivity=False)
        np.testing.assert_allclose(result.win_share[:, k], decision.scoring.winner_share)
        assert result.recommended[k] == decision.recommendation
    summary = result.summary()
    assert summary["confidence"].between(0, 1).all()
    # the answer is clear only where its share clears the decision's threshold
    assert (summary["clear"] == (summary["confidence"] >= result.threshold)).all()
    assert set(summary["label"]) <= set(result.option_labels)


# ---- charts ------------------------------------------------------------------------------------


def _check_axes(ax: Any) -> None:
    assert ax.get_title(), "chart without a title"
    assert ax.get_xlabel() and ax.get_ylabel(), "axis without a label"


def test_explore_charts_have_titles_and_labelled_axes_with_units(a: analyzer.Assessment) -> None:
    result = analyzer.recommendation_map(a, ENGINEERS, [1, 2, 3], DEPLOYS, [0, 30, 60])
    frontier = analyzer.breakeven_frontier(a, ENGINEERS, [1, 2, 3], DEPLOYS)
    swept = analyzer.sweep(a, "assumptions.learning_hours_per_engineer", [10, 40, 80])
    drawn = [
        charts.recommendation_map_chart(result, ax=Figure().add_subplot(), mark=(2, 1)),
        charts.breakeven_frontier_chart(frontier, ax=Figure().add_subplot()),
        charts.sweep_chart(swept, ax=Figure().add_subplot()),
        charts.parameter_distribution(a, "assumptions.learning_hours_per_engineer",
                                      ax=Figure().add_subplot()),
        charts.parameter_distribution(a, ENGINEERS, ax=Figure().add_subplot()),  # a constant
    ]
    for ax in drawn:
        _check_axes(ax)
    assert drawn[0].get_xlabel() == "engineers (people)"
    assert drawn[0].get_ylabel() == "production deploys a week (deploys per week)"
    assert drawn[0].get_legend() is not None
    assert "(h per engineer with no container experience)" in drawn[3].get_title().replace("\n", " ")


def test_results_display_as_tables_in_notebooks(a: analyzer.Assessment) -> None:
    decision = analyzer.decide(a, sensitivity=False)
    result = analyzer.recommendation_map(a, ENGINEERS, [1, 2], DEPLOYS, [1, 2])
    for shown in (a, decision, result, analyzer.sweep(a, DEPLOYS, [1, 2]),
                  analyzer.breakeven_frontier(a, ENGINEERS, [1, 2], DEPLOYS)):
        assert "<table" in shown._repr_html_()


def test_every_public_name_resolves() -> None:
    for name in analyzer.__all__:
        assert getattr(analyzer, name) is not None


def test_redrawing_after_clear_drawing_matches_a_fresh_chart(
    q: analyzer.Questionnaire, a: analyzer.Assessment
) -> None:
    longer = analyzer.reassess(a, analyzer.what_if(q, **{"priorities.horizon_months": 48}))
    kept = Figure(figsize=(7, 3.4)).add_subplot()
    charts.cost_over_time(longer, ax=kept)  # a taller, wider chart first: limits must shrink
    charts.clear_drawing(kept)
    charts.cost_over_time(a, ax=kept)
    fresh = charts.cost_over_time(a, ax=Figure(figsize=(7, 3.4)).add_subplot())
    for ax in (kept, fresh):
        ax.figure.canvas.draw()  # type: ignore[attr-defined]
    assert kept.get_xlim() == fresh.get_xlim() and kept.get_ylim() == fresh.get_ylim()
    assert len(kept.lines) == len(fresh.lines) and len(kept.collections) == len(fresh.collections)
    assert len(kept.texts) == len(fresh.texts)
    labels = [[t.get_text() for t in ax.get_yticklabels()] for ax in (kept, fresh)]
    assert labels[0] == labels[1]
    assert kept.get_legend() is not None


def _svg(ax: Any) -> bytes:
    import io

    import matplotlib

    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "fixed"}):
        ax.figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def test_updating_the_kept_chart_in_place_draws_what_a_fresh_chart_draws(
    q: analyzer.Questionnaire, a: analyzer.Assessment
) -> None:
    # horizons on both sides of the break-even months: payback notes appear and disappear, the
    # limits grow and shrink; the rendered SVG is compared to a fresh chart's, byte for byte
    kept = Figure(figsize=(7, 3.4)).add_subplot()
    for months in (120, 6, 48, 24, 120):
        changed = analyzer.reassess(a, analyzer.what_if(q, **{"priorities.horizon_months": months}))
        assert charts.redraw_cost_over_time(changed, kept) is kept
        fresh = charts.cost_over_time(changed, ax=Figure(figsize=(7, 3.4)).add_subplot())
        assert _svg(kept) == _svg(fresh), months
    assert len(kept.get_legend().get_texts()) == len(a.option_names)  # type: ignore[union-attr]


def test_the_kept_chart_is_rebuilt_after_clear_drawing(
    q: analyzer.Questionnaire, a: analyzer.Assessment
) -> None:
    kept = Figure(figsize=(7, 3.4)).add_subplot()
    charts.redraw_cost_over_time(a, kept)
    charts.clear_drawing(kept)
    charts.redraw_cost_over_time(a, kept)
    fresh = charts.cost_over_time(a, ax=Figure(figsize=(7, 3.4)).add_subplot())
    assert _svg(kept) == _svg(fresh)


def test_svg_bytes_are_savefigs_svg_with_text_sizes_remembered(
    q: analyzer.Questionnaire, a: analyzer.Assessment
) -> None:
    import matplotlib
    from matplotlib.backends.backend_svg import RendererSVG

    measure = RendererSVG.get_text_width_height_descent
    kept = Figure(figsize=(7, 3.4)).add_subplot()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "fixed"}):
        for months in (24, 48, 24):  # the second 24: every text size is remembered
            changed = analyzer.reassess(a, analyzer.what_if(q, **{"priorities.horizon_months":
                                                                  months}))
            charts.redraw_cost_over_time(changed, kept)
            kept.figure.suptitle(f"{months} months")
            assert charts.svg_bytes(kept.figure, metadata={"Date": None}) == _svg(kept), months
    assert charts._SVG_TEXT_SIZES  # remembered
    assert RendererSVG.get_text_width_height_descent is measure  # and the renderer restored


def test_the_infrastructure_chart_names_items_as_the_report_does(a: analyzer.Assessment) -> None:
    from analyzer.report.charts import INFRA_LABELS, infrastructure_chart

    ax = infrastructure_chart(a)
    _check_axes(ax)
    names = [t.get_text() for t in ax.get_legend().get_texts()]
    assert names and set(names) <= set(INFRA_LABELS.values())
    colours = [tuple(p.get_facecolor()) for p in ax.get_legend().get_patches()]
    assert len(set(colours)) == len(colours)
