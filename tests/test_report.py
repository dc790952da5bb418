"""The report (issue 5): one content tree, three formats with the same numbers, deterministic PDF,
atomic writes, charts with titles and labelled axes, and the ``analyzer report`` command.

The PDF is rendered once per module from a small sample count; the numbers checked in it are the
JSON's, formatted with the same ``fmt_*`` helpers.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from pypdf import PdfReader

from analyzer._io.atomic import write_bytes_atomic
from analyzer._io.paths import example_questionnaire
from analyzer.app.report import ReportRequest, make_report
from analyzer.decision.decide import Decision, decide
from analyzer.decision.fmt import fmt_hours, fmt_number, fmt_pct, fmt_range, fmt_spread
from analyzer.decision.reversal import Reversal
from analyzer.decision.sensitivity import Unknown
from analyzer.errors import OutputError
from analyzer.model.assess import Assessment, assess
from analyzer.model.plan import migration_plan, process_containerise_hours
from analyzer.questionnaire.form import load_questionnaire
from analyzer.report import charts
from analyzer.report.content import build_report
from analyzer.report.figures import figure_svg
from analyzer.report.markdown import _escape as md_escape
from analyzer.report.markdown import render_markdown
from analyzer.report.pdf import render_pdf
from analyzer.report.render import render_json
from analyzer.report.tree import Report

SAMPLES = 300
SEED = 7
COMMAND = "analyzer report --seed 7 --samples 300"


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    q = load_questionnaire(example_questionnaire("seed-team"))
    return assess(q, samples=SAMPLES, seed=SEED)


@pytest.fixture(scope="module")
def decision(assessment: Assessment) -> Decision:
    return decide(assessment, sensitivity=False)


@pytest.fixture(scope="module")
def report(assessment: Assessment, decision: Decision) -> Report:
    return build_report(assessment, decision, command=COMMAND)


@pytest.fixture(scope="module")
def pdf_bytes(report: Report) -> bytes:
    return render_pdf(report)


@pytest.fixture(scope="module")
def pdf_text(pdf_bytes: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf_bytes)).pages)
    return _flat(text)


@pytest.fixture(scope="module")
def markdown(report: Report) -> str:
    return render_markdown(report).decode("utf-8")


@pytest.fixture(scope="module")
def data(report: Report) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(render_json(report.data))
    return loaded


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


def _key_figures(data: dict[str, Any]) -> list[str]:
    """Figures a reader would quote, formatted from the JSON with the report's own helpers."""
    figures = [fmt_pct(data["recommendation"]["confidence"])]
    for name, option in data["options"].items():
        total = option["total_hours"]
        figures.append(fmt_spread(total["p10"], total["p50"], total["p90"]))
        rec = option["recurring_hours_per_month"]
        figures.append(fmt_spread(rec["p10"], rec["p50"], rec["p90"]))
        if name != data["status_quo"]:
            t = option["transition_hours"]
            figures.append(fmt_spread(t["p10"], t["p50"], t["p90"]))
    return figures


# ---- formats agree ---------------------------------------------------------------------------


def test_pdf_states_the_recommendation_and_the_jsons_figures(pdf_text: str, data: dict) -> None:
    assert _flat(data["recommendation"]["headline"]) in pdf_text
    for figure in _key_figures(data):
        assert figure in pdf_text, figure
    for reason in data["recommendation"]["reasons"][:3]:
        assert _flat(reason) in pdf_text


def test_markdown_has_the_same_figures(markdown: str, data: dict) -> None:
    assert data["recommendation"]["headline"] in markdown
    for figure in _key_figures(data):
        assert figure in markdown, figure


def test_pdf_sections_in_issue_order(pdf_text: str) -> None:
    titles = ["Decision record", "Cost over time", "Migration plan", "Scores", "Sensitivity",
              "Delivery profile and incidents", "Assumptions and answers", "Reproducibility"]
    positions = [pdf_text.find(t) for t in titles]
    assert -1 not in positions, dict(zip(titles, positions, strict=True))
    assert positions == sorted(positions)


def test_json_is_the_decision_plus_plan_and_command(data: dict, decision: Decision) -> None:
    expected = json.loads(render_json(decision.to_dict()))
    for key, value in expected.items():
        assert data[key] == value, key
    assert data["report"] == {"command": COMMAND, "date": None}
    plan = data["migration_plan"]
    assert plan["option"] in data["options"]
    # a move into containers starts with a pilot; keeping machine images baked per release has
    # a stage of its own
    spec = decision.assessment.options[plan["option"]]
    assert plan["stages"][0]["stage"] == ("pilot" if spec.uses_containers else "bake")


def test_reproducibility_section_carries_hashes_seed_and_command(
    pdf_text: str, assessment: Assessment
) -> None:
    assert assessment.questionnaire_digest() in pdf_text
    assert assessment.assumptions.digest() in pdf_text
    assert COMMAND in pdf_text
    assert f"{SAMPLES}" in pdf_text


def test_p10_p90_explained_on_page_one(pdf_bytes: bytes) -> None:
    first = _flat(PdfReader(io.BytesIO(pdf_bytes)).pages[0].extract_text())
    assert "P10 and P90 bracket the middle 80 %" in first


# ---- determinism -------------------------------------------------------------------------------


def test_pdf_is_byte_identical_and_undated(pdf_bytes: bytes, assessment: Assessment) -> None:
    again = render_pdf(build_report(assessment, decide(assessment, sensitivity=False),
                                    command=COMMAND))
    assert again == pdf_bytes
    assert b"CreationDate" not in pdf_bytes and b"xmp:CreateDate" not in pdf_bytes


def test_date_only_when_given(assessment: Assessment, decision: Decision) -> None:
    dated = render_pdf(build_report(assessment, decision, command=COMMAND, date="2024-06-01"))
    assert b"/CreationDate(D:20240601" in dated
    assert "2024-06-01" in _flat(PdfReader(io.BytesIO(dated)).pages[0].extract_text())


def test_figures_are_identical_svg_without_a_date(report: Report) -> None:
    for figure in report.figures():
        first, second = figure_svg(figure), figure_svg(figure)
        assert first == second
        assert "<dc:date>" not in first


# ---- charts ------------------------------------------------------------------------------------


def _fake_tornado(a: Assessment) -> pd.DataFrame:
    names = [p.name for p in a.space.uncertain][:4]
    frame = pd.DataFrame({
        "name": names, "label": names, "unit": ["h"] * 4, "origin": ["answer"] * 4,
        "p10_value": [1.0] * 4, "p90_value": [2.0] * 4,
        "output_at_p10": [-300.0, -280.0, -260.0, -250.0],
        "output_at_p90": [-200.0, -240.0, -250.0, -255.0],
        "swing": [100.0, 40.0, 10.0, 5.0],
        "winner_at_p10": ["machine-image"] * 4, "winner_at_p90": ["machine-image"] * 4,
    })
    return frame


def _check_axes(ax: Any) -> None:
    assert ax.get_title(), "chart without a title"
    assert ax.get_xlabel() and ax.get_ylabel(), "axis without a label"


def test_every_chart_has_a_title_and_labelled_axes(
    assessment: Assessment, decision: Decision
) -> None:
    from matplotlib.figure import Figure

    with_tornado = dataclasses.replace(decision, tornado=_fake_tornado(assessment))
    _items, stages = migration_plan(assessment, "docker")
    drawn = [
        charts.cost_over_time(assessment, ax=Figure().add_subplot()),
        charts.score_contributions(decision, ax=Figure().add_subplot()),
        charts.tornado_chart(with_tornado, ax=Figure().add_subplot()),
        charts.tornado_chart(decision, ax=Figure().add_subplot()),  # not run: still labelled
        charts.migration_plan_chart(stages, ax=Figure().add_subplot()),
    ]
    for ax in drawn:
        _check_axes(ax)
    cost = drawn[0]
    assert "(h)" in cost.get_ylabel() and "Months" in cost.get_xlabel()
    assert "points of 100" in drawn[1].get_xlabel()
    assert "NPV (money)" in drawn[2].get_xlabel()  # the net saving is in money


def test_chart_makes_its_own_axes_when_none_given(assessment: Assessment) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ax = charts.cost_over_time(assessment)
    _check_axes(ax)
    plt.close(ax.figure)


# ---- sensitivity results, when present, reach every format ------------------------------------


def test_sensitivity_results_are_reported_when_present(
    assessment: Assessment, decision: Decision
) -> None:
    tornado = _fake_tornado(assessment)
    sobol = pd.DataFrame({"name": tornado["name"], "label": tornado["label"],
                          "origin": tornado["origin"], "S1": [0.5, 0.2, 0.1, 0.0],
                          "S1_conf": [0.01] * 4, "ST": [0.55, 0.25, 0.12, 0.01],
                          "ST_conf": [0.01] * 4})
    full = dataclasses.replace(
        decision, tornado=tornado, sobol=sobol,
        reversals=(Reversal(
            "delivery.prod_deploys_per_week", "production deploys a week", "deploys per week",
            1.0, 9.0, "above", "machine-image", "docker", 0.5, 20.0, "answer", False, False,
            "Docker wins above 9 production deploys a week."),),
        next_unknown=Unknown(
            "incidents.rate.environment_drift", "environment drift incidents", "incidents a year",
            "answer", 0.5, 0.4, 0.0, 3.0, "Count your environment-drift incidents."),
    )
    md = render_markdown(build_report(assessment, full, command=COMMAND)).decode()
    assert "Docker wins above 9 production deploys a week." in md
    assert md.count("Count your environment-drift incidents.") == 2  # page 1 and sensitivity
    assert "| " + md_escape(str(tornado["label"][0])) in md and "0.55" in md
    assert "Not computed" not in md


def test_missing_sensitivity_is_said_plainly(markdown: str) -> None:
    assert "Not computed: the sensitivity analysis was not run." in markdown


# ---- migration plan ----------------------------------------------------------------------------


def test_per_process_hours_add_up_to_the_models_containerise_item(assessment: Assessment) -> None:
    for option in ("docker", "hybrid"):
        o = assessment.option_names.index(option)
        total = sum(process_containerise_hours(assessment, option).values())
        np.testing.assert_allclose(total, assessment.outputs.work_items["containerise"][o])


def test_plan_stages_pilot_first_and_end_with_the_move(assessment: Assessment) -> None:
    items, stages = migration_plan(assessment, "docker")
    assert list(stages["stage"]) == ["pilot", "processes", "data"]
    assert "apache-mod_wsgi-django" in " ".join(items["label"])
    months = assessment.summary().loc["docker"]
    np.testing.assert_allclose(stages["ends_p50"].iloc[-1], months["migration_months_p50"])
    _items, hybrid = migration_plan(assessment, "hybrid")
    assert "data" not in list(hybrid["stage"])  # the hybrid leaves stateful data alone


# ---- format helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(323.3, "320 h"), (1049.0, "1,050 h"), (27.4, "27 h"), (3.44, "3.4 h"), (-0.01, "0.0 h"),
     (float("nan"), "n/a"), (None, "n/a")],
)
def test_fmt_hours(value: float | None, text: str) -> None:
    assert fmt_hours(value) == text


def test_fmt_ranges_and_shares() -> None:
    assert fmt_range(280.2, 377.0) == "280 to 380 h"
    assert fmt_spread(275.0, 323.3, 377.5) == "320 h (280 to 380)"
    assert fmt_spread(0.0, 0.0, 0.0) == "0.0 h"
    assert fmt_pct(0.257) == "26 %"
    assert fmt_number(-262.5) == "-260"


# ---- writing -----------------------------------------------------------------------------------


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_atomic_write_creates_the_folder(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.pdf"
    write_bytes_atomic(target, b"%PDF", create_folder=True)
    assert target.read_bytes() == b"%PDF"
    assert _names(target.parent) == ["report.pdf"]


def test_unwritable_path_is_a_clear_error_and_leaves_nothing(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(OutputError, match="cannot create the folder"):
        write_bytes_atomic(blocker / "report.pdf", b"%PDF", create_folder=True)
    assert _names(tmp_path) == ["not-a-folder"]


def test_failed_rename_keeps_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")

    def refuse(self: Path, other: Path) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(OutputError, match="Permission denied"):
        write_bytes_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert _names(tmp_path) == ["report.pdf"]


def test_make_report_json_without_sensitivity(tmp_path: Path) -> None:
    request = ReportRequest(example_questionnaire("seed-team"), "json", samples=100, seed=1,
                            sensitivity=False)
    data = json.loads(make_report(request))
    assert data["samples"] == 100 and data["seed"] == 1


# ---- the command -------------------------------------------------------------------------------


def test_report_without_file_writes_the_seed_team_pdf(cli: Any, tmp_path: Path) -> None:
    result = cli("report", "--samples", "100", "--no-sensitivity", cwd=tmp_path)
    assert result.code == 0, result.err
    pdf = tmp_path / "reports" / "seed-team.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "seed-team.pdf" in result.out


def test_report_to_an_unwritable_path_exits_non_zero(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = cli("report", "--samples", "100", "--no-sensitivity", "--format", "json",
                 "-o", str(tmp_path / "file" / "out.json"))
    assert result.code == 3
    assert "is not a folder" in result.err and "Traceback" not in result.err


def test_bad_options_are_clear_errors(cli: Any) -> None:
    result = cli("report", "--date", "2024-13-01")
    assert result.code == 2
    assert "--date" in result.err and "Traceback" not in result.err
    result = cli("report", "--samples", "1", "--no-sensitivity")
    assert result.code == 2
    assert "--samples" in result.err and "Traceback" not in result.err


def test_real_sensitivity_reaches_the_report(assessment: Assessment) -> None:
    full = decide(assessment, sobol_samples=64)
    md = render_markdown(build_report(assessment, full, command=COMMAND)).decode()
    assert "Not computed" not in md
    assert "S1 (alone)" in md and "Chart: The inputs that move the result most" in md
    assert full.dora is not None and "2024 cluster" in md
