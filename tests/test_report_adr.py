"""Issue 18: the MADR decision record, the report's contradictions, sources, running cost, risks."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from typing import Any

import pytest
import yaml

from analyzer._io.paths import example_questionnaire
from analyzer.decision.decide import Decision, decide
from analyzer.model.assess import Assessment, assess
from analyzer.questionnaire.form import load_questionnaire
from analyzer.report.content import build_report, plan_intro
from analyzer.report.markdown import render_markdown
from analyzer.report.render import render, render_json
from analyzer.report.tree import Report

MADR_SECTIONS = (
    "## Context and Problem Statement",
    "## Decision Drivers",
    "## Considered Options",
    "## Decision Outcome",
    "### Consequences",
    "### Confirmation",
    "## Pros and Cons of the Options",
    "## More Information",
)


@pytest.fixture(scope="module")
def assessment() -> Assessment:
    return assess(load_questionnaire(example_questionnaire("saas-12")), samples=300, seed=3)


@pytest.fixture(scope="module")
def decision(assessment: Assessment) -> Decision:
    return decide(assessment, sensitivity=False)


@pytest.fixture(scope="module")
def report(assessment: Assessment, decision: Decision) -> Report:
    return build_report(assessment, decision, command="analyzer report x", date="2025-01-31")


@pytest.fixture(scope="module")
def data(report: Report) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(render_json(report.data))
    return loaded


@pytest.fixture(scope="module")
def adr(report: Report) -> str:
    return render(report, "adr").decode("utf-8")


def test_adr_has_yaml_front_matter_with_madr_metadata(adr: str) -> None:
    assert adr.startswith("---\n")
    head, _, body = adr[4:].partition("\n---\n")
    meta = yaml.safe_load(head)
    assert meta["status"] == "proposed"
    assert str(meta["date"]) == "2025-01-31"
    assert meta["decision-makers"] == []
    assert body.lstrip().startswith("# ")


def test_adr_has_the_madr_sections_in_order(adr: str) -> None:
    positions = [adr.index(h + "\n") for h in MADR_SECTIONS]
    assert positions == sorted(positions)


def test_adr_parses_as_markdown(adr: str) -> None:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(adr.split("\n---\n", 1)[1])
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) >= len(MADR_SECTIONS) + 1
    assert any(t.type == "table_open" for t in tokens)


def test_adr_numbers_equal_the_json(adr: str, data: dict[str, Any]) -> None:
    """The record's figures are the JSON's, formatted as every other output formats them."""
    from analyzer.decision.fmt import fmt_hours, fmt_pct

    for option in data["options"].values():
        keys = ("recurring_hours_per_month", "total_hours")
        if not option["status_quo"]:  # today's setup: "none" up front, "-" saved
            keys += ("transition_hours", "saving_hours")
        for key in keys:
            assert fmt_hours(option[key]["p50"]) in adr, (option["label"], key)
        assert f"Weighted score {option['score']['total_p50']:.1f} of 100" in adr
    rec = data["recommendation"]
    assert fmt_pct(rec["confidence"]) in adr
    assert f'Chosen option: "{data["options"][rec["option"]]["label"]}"' in adr
    assert data["questionnaire"]["sha256"] in adr and str(data["seed"]) in adr
    for w in rec["weights"].values():
        if w > 0:
            assert f"weight {fmt_pct(w)}" in adr


def test_adr_pros_and_cons_follow_the_criterion_scores(adr: str, data: dict[str, Any]) -> None:
    by_crit: dict[str, list[dict[str, Any]]] = {}
    for row in data["criteria"]:
        by_crit.setdefault(row["criterion"], []).append(row)
    for rows in by_crit.values():
        best = max(rows, key=lambda r: r["score_p50"])
        if best["score_p50"] > min(r["score_p50"] for r in rows):
            assert f"* Good, because {best['label']}: " in adr


def test_cli_writes_adr_with_a_date_by_default(cli: Any, tmp_path: Any) -> None:
    out = tmp_path / "docs" / "decisions" / "0001-containers.md"
    out.parent.mkdir(parents=True)  # -o never creates folders (issue 19): the team has docs/
    result = cli("report", str(example_questionnaire("solo")), "--format", "adr", "--samples",
                 "200", "--no-sensitivity", "-o", str(out))
    assert result.code == 0, result.err
    meta = yaml.safe_load(out.read_text().split("\n---\n", 1)[0][4:])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(meta["date"]))
    assert f"--date {meta['date']}" in out.read_text()  # the reproduce command pins the date


# ---- item 7: one decision, one story ---------------------------------------------------------


def test_plan_intro_never_contradicts_the_decision(
    assessment: Assessment, decision: Decision
) -> None:
    names = assessment.option_names
    move = next(n for n in names if n != assessment.status_quo)
    # a change clearly better than today (all futures) but the leader wins few: too close
    scoring = replace(decision.scoring, change_share=1.0, confidence=0.3)
    close = replace(decision, scoring=scoring)
    assert close.too_close
    text = plan_intro(assessment, close, move)
    assert "too close to call" in text and "the recommendation" not in text
    assert "is to stay" not in text
    sure = replace(decision, confidence_threshold=0.0)
    text = plan_intro(assessment, sure, move)
    if sure.recommendation == move:
        assert "the recommendation" in text
    else:
        assert "is to stay" in text


def test_score_chart_labels_are_the_tables_totals(decision: Decision) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from analyzer import charts

    ax = charts.score_contributions(decision)
    labels = sorted(t.get_text() for t in ax.texts)
    totals = sorted(f"{v:.1f}" for v in decision.scores_table()["total_p50"])
    assert labels == totals


# ---- item 8: sources that exist and fit the team -----------------------------------------------


def test_sources_cite_nothing_missing_or_another_team(report: Report) -> None:
    md = render_markdown(report).decode()
    assert "MODEL.md" not in md
    assert "seed post" not in md


# ---- item 14: running cost, risks, date ---------------------------------------------------------


def test_running_cost_per_item_is_in_report_and_json(
    report: Report, data: dict[str, Any], assessment: Assessment
) -> None:
    md = render_markdown(report).decode()
    assert "Running cost, hours a month" in md
    rows = data["running_cost"]
    assert {r["option"] for r in rows} == set(assessment.option_names)
    # The items' means add up to the mean monthly running cost of each option.
    import numpy as np

    for i, name in enumerate(assessment.option_names):
        total = float(np.mean(assessment.outputs.recurring_hours[i]))
        parts = sum(r["mean"] for r in rows if r["option"] == name)
        assert parts == pytest.approx(total, rel=1e-3, abs=0.01)


def test_risk_register_names_the_database_cutover_and_single_expert(
    data: dict[str, Any], report: Report
) -> None:
    md = render_markdown(report).decode()
    assert "## Risk register" in md
    risks = {r["risk"] for r in data["risks"]}
    assert "Zero-downtime cut-over" in risks
    assert all(r["mitigation"] and r["owner"] for r in data["risks"])


@pytest.mark.slow  # two whole PDFs, ~2.5 s: in `make test`, not the fast tier
@pytest.mark.parametrize("example", ["seed-team", "saas-12"])
def test_pdf_has_no_near_empty_page_and_a_dated_header(example: str) -> None:
    import io
    from statistics import median

    from pypdf import PdfReader

    from analyzer.report.pdf import render_pdf

    a = assess(load_questionnaire(example_questionnaire(example)), samples=300, seed=5)
    d = decide(a, sensitivity=False)
    pdf = render_pdf(build_report(a, d, command="analyzer report", date="2025-03-04"))
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages]
    sizes = [len(t) for t in pages]
    typical = median(sizes)
    # Issue 18 item 14: page 2 used to hold one orphaned paragraph. The last page may be short.
    assert all(s >= 0.3 * typical for s in sizes[:-1]), sizes
    assert all("2025-03-04" in t for t in pages[1:])  # running header carries the date
    text = " ".join(pages)
    assert "Risk register" in text and "Running cost, hours a month" in text


def test_adr_numbers_read_as_people_write_them(adr: str, data: dict[str, Any]) -> None:
    """No exponent notation ("5.14e+04"), and money in the run's currency, not "money"."""
    assert not re.search(r"\d\.?\d*e[+-]\d", adr)
    assert "money (NPV)" not in adr and f"{data['currency']} (NPV)" in adr


def test_the_scores_table_gives_the_cost_criterion_in_money(
    assessment: Assessment, decision: Decision, data: dict[str, Any]
) -> None:
    """The cost criterion is the money NPV (scoring.raw_criteria), so its row says the currency,
    not hours, and today's value is the JSON's money NPV median."""
    md = render_markdown(build_report(assessment, decision, command="test")).decode()
    row = next(line for line in md.splitlines() if line.startswith("| Total cost (NPV),"))
    assert row.startswith(f"| Total cost (NPV), {data['currency']} |")
    today = data["options"][data["status_quo"]]["money"]["npv"]["p50"]
    assert f"{today:,.0f} \u2192" in row
