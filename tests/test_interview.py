"""The interview without a terminal: answer parsing, per-answer checks against the file loader,
the question list, resuming, and the whole loop driven by a scripted prompter."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from analyzer._io.yamlio import Marks, load_yaml
from analyzer.errors import InputError
from analyzer.questionnaire.form import (
    Codebase,
    Delivery,
    Hosting,
    Incidents,
    Platform,
    Process,
    Team,
    incident_categories,
    load_questionnaire,
    validate_document,
)
from analyzer.questionnaire.interview import session as ask
from analyzer.questionnaire.interview import steps as interview
from analyzer.questionnaire.interview.answer import (
    AnswerError,
    format_value,
    parse_pairs,
    parse_typed_estimate,
    parse_words,
    parse_yes_no,
)
from analyzer.questionnaire.interview.steps import Step

# --------------------------------------------------------------------------------------------
# Parsing what is typed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", 3),
        (" 2.5 ", 2.5),
        ("3-5", [3, 4, 5]),  # likely is the midpoint
        ("3 - 6", [3, 4.5, 6]),
        ("3 to 5", [3, 4, 5]),
        ("0.5\u20131", [0.5, 0.75, 1]),  # an en dash, as word processors type it
        ("2, 4, 10", [2, 4, 10]),
        ("2 4 10", [2, 4, 10]),
        ("[2, 4, 10]", [2, 4, 10]),
        ("2;4;10", [2, 4, 10]),
        ("-3", -3),  # a spelling, not a range: the bounds refuse it later
        ("1_000", 1000),
        ("1e3", 1000),
    ],
)
def test_estimate_spellings(text: str, expected: Any) -> None:
    assert parse_typed_estimate(text) == expected


def test_percent_only_for_fractions() -> None:
    assert parse_typed_estimate("10%", percent=True) == pytest.approx(0.1)
    assert parse_typed_estimate("5%-15%", percent=True) == pytest.approx([0.05, 0.1, 0.15])
    with pytest.raises(AnswerError, match="percentage only fits a fraction"):
        parse_typed_estimate("10%")


def test_words_only_where_accepted() -> None:
    assert parse_typed_estimate("Basic", words=("none", "basic")) == "basic"
    with pytest.raises(AnswerError, match="not understood"):
        parse_typed_estimate("basic")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5-3", r"low end \(5\) is above the high end \(3\)"),
        ("1 2", "2 numbers"),
        ("1, 2, 3, 4", "4 numbers"),
        ("", "a number"),
        ("abc", "'abc' is not understood"),
        ("3-", "not understood"),
    ],
)
def test_estimate_refusals(text: str, message: str) -> None:
    with pytest.raises(AnswerError, match=message):
        parse_typed_estimate(text)


def test_other_spellings() -> None:
    assert parse_pairs("cost 0.5, parity=0.2 team_fit: 1") == {
        "cost": 0.5, "parity": 0.2, "team_fit": 1
    }
    with pytest.raises(AnswerError):
        parse_pairs("cost")
    assert parse_words("python, javascript go") == ["python", "javascript", "go"]
    assert (parse_yes_no("Y"), parse_yes_no("no")) == (True, False)
    with pytest.raises(AnswerError):
        parse_yes_no("maybe")


@pytest.mark.parametrize("value", [3, 0.05, [0.05, 0.1, 0.25], [10, 15, 20], [1e-05, 1, 2e6]])
def test_shown_values_read_back_unchanged(value: Any) -> None:
    assert parse_typed_estimate(format_value(value)) == value


# --------------------------------------------------------------------------------------------
# The questions


@pytest.fixture
def seed(seed_path: Path) -> dict[str, Any]:
    return dict(load_yaml(seed_path).data)


def _ids(answers: dict[str, Any]) -> list[str]:
    return [s.id for s in interview.steps_for(answers)]


def test_every_field_is_asked(seed: dict[str, Any]) -> None:
    """Each questionnaire field has a question (a managed, stateful service shows them all)."""
    answers = {"processes": [{"name": "db", "kind": "database"}]}
    ids = set(_ids(answers))
    expected = {"name", "description", "processes[0].add_another", "priorities.weights"}
    sections: list[tuple[str, type[BaseModel]]] = [
        ("team", Team), ("codebase", Codebase), ("hosting", Hosting), ("platform", Platform),
        ("delivery", Delivery),
    ]
    for section, model in sections:
        expected |= {f"{section}.{f}" for f in model.model_fields}
    # a database: no native dependencies (official image), never an embedded file
    # deploy_method: delivery.deploy_method is asked for every process
    skipped = {"native_dependencies", "embedded", "deploy_method"}
    expected |= {f"processes[0].{f}" for f in Process.model_fields if f not in skipped}
    # every field but incidents.history, which names an export file set up in the file itself
    expected |= {f"incidents.{f}" for f in Incidents.model_fields if f not in ("counts", "history")}
    expected |= {f"incidents.counts.{c}" for c in incident_categories()}
    expected |= {"priorities.horizon_months", "priorities.discount_rate_annual",
                 "priorities.weight_tolerance"}
    assert ids == expected


def test_seed_team_question_count_and_conditions(seed: dict[str, Any]) -> None:
    ids = _ids(seed)
    assert len(ids) == 114  # incl. incidents.counts.other (issue 18 item 4)
    assert "processes[0].data_gb" not in ids  # a stateless web process keeps no data
    assert "processes[3].data_gb" in ids  # sqlite: kind other, but stateful
    assert "processes[3].embedded" in ids and "processes[2].embedded" not in ids
    assert "processes[2].native_dependencies" not in ids  # mongodb: its official image


def test_question_text_unit_and_hint_come_from_the_model() -> None:
    step = {s.id: s for s in interview.steps_for({})}["team.engineers"]
    info = Team.model_fields["engineers"]
    assert step.question == info.description
    assert (step.unit, step.hint) == (
        info.json_schema_extra["unit"], info.json_schema_extra["hint"]  # type: ignore[index]
    )
    assert step.required and step.shape == "estimate"


# --------------------------------------------------------------------------------------------
# Checking answers: the same messages as the file loader


def _loader_messages(data: dict[str, Any], field: str) -> list[str]:
    try:
        validate_document(data, Marks(), "q.yaml")
    except InputError as exc:
        return [p.message for p in exc.problems if p.field == field]
    return []


@pytest.mark.parametrize(
    ("step_id", "value", "field"),
    [
        ("team.engineers", [5, 2, 1], "team.engineers"),
        ("team.engineers", -3, "team.engineers"),
        ("team.ops_time_share", 1.5, "team.ops_time_share"),
        ("team.docker_familiarity", "basic", "team.docker_familiarity"),
        ("team.docker_familiarity", [0.5, 0.2, 0.9], "team.docker_familiarity"),
        ("delivery.environments", 0, "delivery.environments"),
        ("delivery.environments", 1.5, "delivery.environments"),
        ("priorities.horizon_months", 2, "priorities.horizon_months"),
        ("processes[0].peak_instances", 0, "processes[0]"),  # below instances: a record rule
        ("priorities.weights", {"cost": 0.5, "speed": 1}, "priorities.weights.speed"),
        ("incidents.counts.capacity", -1, "incidents.counts.capacity"),
    ],
)
def test_answer_checks_match_the_loader(
    seed: dict[str, Any], step_id: str, value: Any, field: str
) -> None:
    steps = {s.id: s for s in interview.steps_for(seed)}
    step = steps[step_id]
    checked = interview.check(seed, step, value)
    expected = _loader_messages(interview.with_answer(seed, step, value), field)
    assert checked == expected
    if step_id.endswith("docker_familiarity") and value == "basic":
        assert checked == []
    else:
        assert checked, "a wrong answer must be refused"


def test_duplicate_process_name_refused_on_the_spot(seed: dict[str, Any]) -> None:
    step = {s.id: s for s in interview.steps_for(seed)}["processes[1].name"]
    assert interview.check(seed, step, "mongodb") == [
        "process names must be unique; repeated: mongodb"
    ]


def test_evaluate_keeps_clears_and_merges(seed: dict[str, Any]) -> None:
    steps = {s.id: s for s in interview.steps_for(seed)}
    assert interview.evaluate(seed, steps["codebase.kloc"], "") == [10, 15, 20]
    assert interview.evaluate(seed, steps["processes[0].peak_instances"], "-") is None
    with pytest.raises(AnswerError, match="an answer is needed"):
        interview.evaluate({}, steps["team.engineers"], "")
    weights = interview.evaluate(seed, steps["priorities.weights"], "cost 0.5")
    assert weights == {**seed["priorities"]["weights"], "cost": 0.5}


def test_add_another_process_grows_and_truncates(seed: dict[str, Any]) -> None:
    steps = {s.id: s for s in interview.steps_for(seed)}
    fewer = interview.with_answer(seed, steps["processes[1].add_another"], False)
    assert [p["name"] for p in fewer["processes"]] == ["apache-mod_wsgi-django", "celery"]
    assert "processes[2].name" not in _ids(fewer)
    more = interview.with_answer(fewer, steps["processes[1].add_another"], True)
    assert more["processes"][2] == {} and "processes[2].name" in _ids(more)
    assert len(seed["processes"]) == 4  # the answers given are never changed in place


# --------------------------------------------------------------------------------------------
# Saving and resuming


def test_saved_file_resumes_without_the_template_examples(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    answers = {"schema_version": 2, "name": "Half", "team": {"engineers": 3}}
    ask.save(path, answers, "team.ops_time_share")
    text = path.read_text(encoding="utf-8")
    assert "# replace me" in text  # kloc, the process and deploys are examples...
    loaded, marker = ask.load_answers(path)
    assert marker == "team.ops_time_share"
    assert "kloc" not in loaded["codebase"]  # ...which are not taken as answers
    assert loaded["processes"] == [] and loaded["team"]["engineers"] == 3
    steps = interview.steps_for(loaded)
    assert steps[interview.start_index(loaded, steps, marker)].id == "team.ops_time_share"


def test_start_without_marker(seed: dict[str, Any]) -> None:
    partial = copy.deepcopy(seed)
    del partial["delivery"]["prod_deploys_per_week"]
    steps = interview.steps_for(partial)
    assert steps[interview.start_index(partial, steps, None)].id == (
        "delivery.prod_deploys_per_week"
    )
    assert interview.start_index(seed, interview.steps_for(seed), None) == 0  # edit from the top


def test_malformed_answers_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_text("team: [1, 2]\n", encoding="utf-8")
    with pytest.raises(InputError, match="team: should be a mapping"):
        ask.load_answers(path)
    path.write_text("schema_version: 9\n", encoding="utf-8")
    with pytest.raises(InputError, match="unsupported schema_version 9"):
        ask.load_answers(path)


# --------------------------------------------------------------------------------------------
# The loop, with a scripted prompter


class Scripted:
    """Answers by question id; Enter for the rest; can stop (Ctrl-C) at a given question."""

    def __init__(self, typed: dict[str, str], stop_at: str | None = None) -> None:
        self.typed = typed
        self.stop_at = stop_at
        self.asked: list[str] = []
        self.said: list[str] = []

    def say(self, text: str) -> None:
        self.said.append(text)

    def ask(self, step: Step, current: Any, evaluate: ask.Evaluate, where: str) -> Any:
        self.asked.append(step.id)
        assert len(self.asked) < 300, f"the interview loops at {step.id}: {self.said[-3:]}"
        if step.id == self.stop_at:
            raise KeyboardInterrupt
        if step.id == "report":
            return evaluate(self.typed.get("report", "no"))
        return evaluate(self.typed.get(step.id, ""))


REQUIRED = {
    "name": "Scripted",
    "team.engineers": "2",
    "codebase.kloc": "5-15",
    "processes[0].name": "web",
    "processes[0].kind": "web",
    "delivery.prod_deploys_per_week": "1",
}


def test_scripted_interview_stop_and_resume(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    first = Scripted(REQUIRED, stop_at="delivery.environments")
    assert ask.run(path, first) == 130
    assert "delivery.environments" in path.read_text(encoding="utf-8")
    second = Scripted(REQUIRED)
    assert ask.run(path, second, report=lambda p: 1) == 0  # answers no: not called
    assert second.asked[0] == "delivery.environments"
    assert second.asked[-1] == "report"
    q = load_questionnaire(path)
    assert q.codebase.kloc.as_list() == [5, 10, 15]
    assert "analyzer ask: unfinished" not in path.read_text(encoding="utf-8")


def test_stopping_at_the_first_question_says_nothing_was_written(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    first = Scripted({}, stop_at="name")
    assert ask.run(path, first) == 130
    assert not path.exists()
    assert "nothing was written" in first.said[-1]
    assert "answers are saved" not in first.said[-1]


def test_final_check_sends_back_to_the_question(tmp_path: Path, seed_path: Path) -> None:
    """A rule across answers that no single answer broke is caught at the end and re-asked."""
    path = tmp_path / "q.yaml"
    text = seed_path.read_text(encoding="utf-8").replace(
        "    instances: 1                    # post",
        "    instances: 1\n    peak_instances: 0  # below normal\n    # post",
        1,
    )
    path.write_text(text, encoding="utf-8")
    prompter = Scripted({"processes[0].peak_instances": "3"})
    assert ask.run(path, prompter) == 0
    assert prompter.asked[0] == "processes[0].peak_instances"  # resumed at the problem
    assert load_questionnaire(path).processes[0].peak_instances is not None


@pytest.mark.slow  # a whole report or CLI run: in `make test`, not the fast tier
def test_the_finished_interview_writes_the_report_it_is_given(tmp_path: Path, seed_path: Path) -> None:
    """The interview offers the report only with a report function, and calls it on the file."""
    path = tmp_path / "q.yaml"
    path.write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    written: list[Path] = []
    assert ask.run(path, Scripted({"report": "yes"}), report=lambda p: written.append(p) or 0) == 0
    assert written == [path]
    without = Scripted({})
    assert ask.run(path, without) == 0
    assert "report" not in without.asked


def test_a_new_questionnaire_needs_no_hand_edit(tmp_path: Path) -> None:
    """A new file starts with its format version, so nothing is left that no question covers."""
    answers, marker = ask.load_answers(tmp_path / "new.yaml")
    assert answers == {"schema_version": 2} and marker is None
    assert interview.unreachable(answers, interview.steps_for(answers)) == []
