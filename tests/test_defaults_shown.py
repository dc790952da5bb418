"""A value left to the questionnaire's default is labelled as a default wherever the report shows
it: page 2's summary, the horizon table, the DORA profile and the Sobol table's "From"."""

from __future__ import annotations

import pandas as pd

from analyzer._io.paths import example_questionnaire
from analyzer.decision.decide import decide
from analyzer.model.assess import assess
from analyzer.questionnaire.form import load_questionnaire
from analyzer.report.content import DEFAULT_TAG, _about, _origin_shown, _yours


def _facts(name: str) -> dict[str, str]:
    a = assess(load_questionnaire(example_questionnaire(name)), samples=200, seed=1)
    return dict(_about(a).items)


def test_page_two_marks_what_the_team_left_to_the_default() -> None:
    solo = _facts("solo")  # gives no horizon, discount rate or weights
    assert solo["Compared over"].startswith(f"36 months{DEFAULT_TAG};")
    assert solo["Compared over"].endswith(f"a year{DEFAULT_TAG}")
    assert solo["What matters most"].endswith("(the default weights)")
    assert solo["Team"].startswith("1 engineer;")  # one engineer, not "1 engineers"
    seed = _facts("seed-team")  # gives all of those
    assert DEFAULT_TAG not in seed["Compared over"]
    assert "default" not in seed["What matters most"]


def test_the_horizon_table_says_whose_horizon_it_is() -> None:
    solo = assess(load_questionnaire(example_questionnaire("solo")), samples=200, seed=1)
    seed = assess(load_questionnaire(example_questionnaire("seed-team")), samples=200, seed=1)
    assert (_yours(solo), _yours(seed)) == (" (default)", " (yours)")


def test_no_dora_cluster_is_claimed_from_a_default() -> None:
    solo = assess(load_questionnaire(example_questionnaire("solo")), samples=200, seed=1)
    dora = decide(solo, sensitivity=False).dora
    assert dora is not None
    assert dora.lead_time_hours is None and dora.clusters["lead_time_hours"] is None
    assert dora.restore_hours == 1.0  # the team's own likely value, not the drawn median


def test_the_sobol_table_says_default_for_a_default() -> None:
    solo = assess(load_questionnaire(example_questionnaire("solo")), samples=200, seed=1)
    frame = pd.DataFrame({
        "name": ["incidents.rate.environment_drift", "incidents.rate.application",
                 "processes.*.scale_out_events_per_month", "assumptions.hours_per_engineer_month"],
        "origin": ["answer", "answer", "answer", "assumption"],
    })
    shown = list(_origin_shown(solo, frame)["origin"])
    assert shown == ["default", "answer", "default", "assumption"]
