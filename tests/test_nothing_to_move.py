"""A team that already runs every process in containers: every option is today's state, so the
tool says there is nothing to move instead of weighing identical options (two of the three
fixture repositories, healthchecks and maybe, are such teams)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analyzer.decision.decide import Decision, decide
from analyzer.model.assess import assess
from analyzer.model.plan import plan_option
from analyzer.questionnaire.form import load_questionnaire
from analyzer.report.content import build_report
from analyzer.report.markdown import render_markdown

ALL_IN_CONTAINERS = """\
schema_version: 2
name: all in containers
team:
  engineers: 3
codebase:
  kloc: 40
  languages: [python]
platform:
  registry: true
  container_pipeline: true
  orchestrator: compose
delivery:
  prod_deploys_per_week: 2
processes:
  - name: web
    kind: web
    runs_on: container
  - name: db
    kind: database
    runs_on: container
"""


@pytest.fixture(scope="module")
def decision(tmp_path_factory: pytest.TempPathFactory) -> Decision:
    f = tmp_path_factory.mktemp("q") / "all-in-containers.yaml"
    f.write_text(ALL_IN_CONTAINERS, encoding="utf-8")
    return decide(assess(load_questionnaire(f), samples=2000, seed=5), sobol_samples=64)


def test_every_option_is_todays_state_and_costs_the_same(decision: Decision) -> None:
    a = decision.assessment
    st = a.structure
    assert st.nothing_to_move and all(st.unchanged(i) for i in range(len(a.option_names)))
    o = a.outputs
    sq = st.status_quo
    for i in range(len(a.option_names)):  # the independent check: the model's own numbers
        assert np.all(o.transition_hours[i] == 0.0)
        assert np.array_equal(o.recurring_hours[i], o.recurring_hours[sq])


def test_the_answer_says_there_is_nothing_to_move(decision: Decision) -> None:
    assert decision.recommendation == decision.assessment.status_quo
    assert "nothing to move" in decision.headline()
    text = " ".join(decision.reasons)
    assert "0.0 h" not in text and "pays back" not in text  # no move to cost or pay back
    assert decision.reversals == ()
    rec = decision.to_dict()["recommendation"]
    assert rec["nothing_to_move"] is True


def test_no_migration_plan_and_no_flips_in_the_report(decision: Decision) -> None:
    a = decision.assessment
    assert plan_option(a, decision.recommendation, list(a.option_names)) is None
    md = render_markdown(build_report(a, decision, command="test")).decode()
    assert "No option involves a move." in md
    assert "Nothing you could answer differently" in md
    assert "Tornado:" not in md  # the score lead is zero everywhere: nothing to show


def test_a_team_on_machine_images_still_has_moves() -> None:
    root = Path(__file__).resolve().parents[1]
    q = load_questionnaire(root / "data" / "questionnaires" / "seed-team.yaml")
    st = assess(q, samples=200, seed=1).structure
    assert not st.nothing_to_move
    assert [st.unchanged(i) for i in range(len(st.options))] == [True, False, False, False]


def test_the_decision_record_says_there_is_nothing_to_move(decision: Decision) -> None:
    from analyzer.report.render import render

    a = decision.assessment
    adr = render(build_report(a, decision, command="test"), "adr").decode()
    assert "there is nothing to move" in adr
    assert "would save 0.0 h" not in adr  # no "Bad, because <identical option> would save 0"
