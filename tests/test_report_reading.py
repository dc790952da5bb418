"""Report texts a reader flagged: a command that copies as typed, risks that fit the team,
verbs that agree, one "find out first" per input."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from types import SimpleNamespace

import pytest

from analyzer._io.paths import example_questionnaire
from analyzer.app.cli import _report_command
from analyzer.model.assess import assess
from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import load_questionnaire
from analyzer.report.content import _unknown_texts
from analyzer.report.pdf import _clean
from analyzer.report.risks import risk_register


def test_the_reproduce_command_quotes_a_path_with_a_space() -> None:
    args = argparse.Namespace(file="my team/q.yaml", seed=7, samples=100, assumptions=None,
                              date="2026-11-30", no_sensitivity=False)
    command = _report_command(args, "pdf")
    assert shlex.split(command)[2] == "my team/q.yaml"


def test_the_reproduce_command_keeps_the_folders_it_was_allowed_to_read() -> None:
    args = argparse.Namespace(file="q.yaml", seed=7, samples=100, assumptions=None, date=None,
                              no_sensitivity=True, allow_path=["history", "more/exports"])
    words = shlex.split(_report_command(args, "md"))
    assert words[words.index("--allow-path") + 1] == "history"
    assert words.count("--allow-path") == 2


def test_a_command_in_monospace_gets_no_break_character_inside_a_path() -> None:
    path = "data/questionnaires/calibration/intercom-majestic-monolith.yaml"  # 63 characters
    facts = {"kind": "facts", "monospace": True, "items": [["Command", f"analyzer report {path}"]]}
    prose = {"kind": "paragraph", "text": path}
    assert _clean(facts)["items"][0][1] == f"analyzer report {path}"
    assert "\u200b" in _clean(prose)["text"]  # prose still gets its break opportunities


def test_a_one_person_team_gets_no_hand_over_risk_and_verbs_agree() -> None:
    solo = assess(load_questionnaire(example_questionnaire("solo")), samples=200, seed=1)
    rows = risk_register(solo, "docker")
    titles = [r["risk"] for r in rows]
    assert "Container knowledge held by one person" not in titles
    cutover = next(r for r in rows if r["risk"] == "Zero-downtime cut-over")
    assert cutover["why"] == "web serves users while production switches over"
    assert all(r["owner"] == "to name" for r in rows)


def test_no_container_risk_for_an_option_without_containers() -> None:
    seed = assess(load_questionnaire(example_questionnaire("seed-team")), samples=200, seed=1)
    assert "Container knowledge held by one person" in [
        r["risk"] for r in risk_register(seed, "docker")]
    assert "Container knowledge held by one person" not in [
        r["risk"] for r in risk_register(seed, "baked-images")]


def _unknown(name: str, share: float) -> SimpleNamespace:
    detail = "it is now somewhere between 1 and 2."
    return SimpleNamespace(name=name, total_index=share, subject=name, detail=detail,
                           text=f"Find out {name} first: {detail}")


def test_one_find_out_first_per_input() -> None:
    same = SimpleNamespace(next_unknown=_unknown("hires", 0.2), tornado=None, reversals=[],
                           knife_edge=None, next_unknown_saving=_unknown("hires", 0.04))
    [text] = _unknown_texts(same)  # type: ignore[arg-type]
    assert text.count("Find out") == 1 and text.endswith("(about 4 %).")
    other = SimpleNamespace(next_unknown=_unknown("drift", 0.1), tornado=None, reversals=[],
                            knife_edge=None, next_unknown_saving=_unknown("hourly cost", 0.15))
    first, second = _unknown_texts(other)  # type: ignore[arg-type]
    assert first.startswith("Find out drift first")
    assert second.startswith("For the net saving alone (how much the move saves, not which "
                             "option wins): find out hourly cost first")


def test_a_missing_output_folder_fails_before_any_work(
    tmp_path: Path, seed_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import analyzer.app.report as app_report
    from analyzer.errors import OutputError

    def no_work(*args: object, **kwargs: object) -> bytes:
        raise AssertionError("the report was made before the output folder was checked")

    monkeypatch.setattr(app_report, "make_report", no_work)
    request = app_report.ReportRequest(questionnaire=seed_path)
    with pytest.raises(OutputError, match="does not exist; create it first"):
        app_report.write_report(request, tmp_path / "nodir" / "x.pdf")


def test_a_failed_report_leaves_no_empty_default_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from analyzer.app.cli import main

    (tmp_path / "team.yaml").write_text("schema_version: 2\nname: x\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "team.yaml", "--samples", "100", "--no-sensitivity"]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["team.yaml"]


def test_nothing_to_find_out_first_when_no_answer_changes_the_choice() -> None:
    flip = SimpleNamespace(threshold=3.0, kind="answer")
    settled = SimpleNamespace(next_unknown=_unknown("drift", 0.03), tornado=object(),
                              reversals=[SimpleNamespace(threshold=None, kind="answer")],
                              knife_edge=None, next_unknown_saving=None)
    [text] = _unknown_texts(settled)  # type: ignore[arg-type]
    assert text.startswith("None of the answers that move the result most changes the "
                           "recommendation") and "Of your answers, drift moves it most: it is" in text
    open_choice = SimpleNamespace(**{**vars(settled), "reversals": [flip]})
    assert _unknown_texts(open_choice)[0].startswith("Find out drift first")  # type: ignore[arg-type]


def test_the_pilot_is_one_service_of_a_many_service_entry() -> None:
    """An entry of 40 services: the pilot containerises the first of them (the first unit on
    the entry's experience curve), and the other 39 are the rest of the move."""
    import numpy as np

    from analyzer.model.placement import experience_sum
    from analyzer.model.plan import _item_samples, migration_plan, process_containerise_hours

    seed = load_questionnaire(example_questionnaire("seed-team"))
    web = seed.processes[0].model_copy(update={"count": Estimate.point(40)})
    q = seed.model_copy(update={"processes": [web, *seed.processes[1:]]})
    a = assess(q, samples=300, seed=2)
    items = _item_samples(a, "docker")
    whole = process_containerise_hours(a, "docker")[web.name]
    curve = experience_sum(a.values[f"processes.{web.name}.count"],
                           a.values["assumptions.experience_learning_rate"])
    np.testing.assert_allclose(items["containerise_pilot"], whole / curve)
    assert float(np.median(items["containerise_pilot"])) < 0.1 * float(np.median(whole))
    plan_items, _ = migration_plan(a, "docker")
    assert f"one service of {web.name}" in " ".join(plan_items["label"])


def test_a_list_keeps_its_lead_sentence() -> None:
    from analyzer.report.markdown import _block
    from analyzer.report.pdf import block_data
    from analyzer.report.tree import Bullets

    b = Bullets(("one", "two"), lead="On the model's assumptions:")
    assert block_data(b)["lead"] == "On the model's assumptions:"
    assert _block(b)[:3] == ["On the model's assumptions:", "", "- one"]


def test_the_terminal_says_what_the_pdf_says_about_finding_out_and_paying_back() -> None:
    from analyzer.decision.decide import decide
    from analyzer.report.textout import render_decision_text

    a = assess(load_questionnaire(example_questionnaire("seed-team")), samples=400, seed=1)
    text = render_decision_text(decide(a, sensitivity=True, sobol_samples=64))
    assert "nothing has to be found out first" in text
    assert "pays back in hours" in text  # the hours table says its measure
    assert "Find out" not in text


def test_now_carries_its_unit_where_the_phrase_does_not() -> None:
    from analyzer.decision.reversal import _text
    from analyzer.model.params import Param, Pert

    learning = Param("assumptions.learning_hours_per_engineer", "learning per engineer",
                     "h per engineer", "assumption", Pert(12, 60, 320))
    text = _text(learning, 60.0, 150.0, "above", "docker", 12.0, 320.0)
    assert "(now 60 h per engineer; plausible 12-320 h per engineer)" in text
