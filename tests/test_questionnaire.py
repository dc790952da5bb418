"""The bundled example questionnaires, the estimate spellings, the summary and the JSON Schema."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from analyzer._io.paths import data_dir
from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import Questionnaire, load_questionnaire, parse_questionnaire
from analyzer.questionnaire.schema import SCHEMA_FILE, questionnaire_json_schema, schema_text
from analyzer.questionnaire.summary import DEFAULT_MARK, questionnaire_summary

EXAMPLES = sorted((data_dir() / "questionnaires").glob("*.yaml"))
EXAMPLE_NAMES = [p.stem for p in EXAMPLES]
SCREEN_LINES = 60  # version 2 asks about people, new services, hosting and platform too
SCREEN_COLUMNS = 100
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(?P<ref>\S+)$")


def test_the_four_examples_are_there() -> None:
    assert {"seed-team", "saas-12", "org-40", "solo"} <= set(EXAMPLE_NAMES)


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_NAMES)
def test_example_loads(path: Path) -> None:
    q = load_questionnaire(path)
    assert q.schema_version == 2
    assert q.processes


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_NAMES)
def test_validate_prints_a_one_screen_summary(path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("validate", str(path))
    assert result.code == 0, result.err
    assert result.err == ""
    lines = result.out.rstrip("\n").splitlines()
    assert lines[0] == load_questionnaire(path).name
    assert len(lines) <= SCREEN_LINES
    assert max(len(line) for line in lines) <= SCREEN_COLUMNS


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_NAMES)
def test_example_points_editors_at_the_committed_schema(path: Path) -> None:
    match = SCHEMA_LINE.match(path.read_text().splitlines()[0])
    assert match, "first line must be the yaml-language-server $schema comment"
    assert (path.parent / match["ref"]).resolve() == SCHEMA_FILE


def test_summary_marks_each_default_once() -> None:
    """solo.yaml leaves some answers out on purpose: each is starred once and counted."""
    q = load_questionnaire(data_dir() / "questionnaires" / "solo.yaml")
    text = questionnaire_summary(q, "solo.yaml")
    assert re.search(r"^\s+\* currency\s+USD$", text, re.MULTILINE)
    assert re.search(r"^\s+\* lead_time_hours\s+48 \(4-168\)$", text, re.MULTILINE)
    assert re.search(r"^team\s+engineers\s+1$", text, re.MULTILINE)  # given: no star
    assert re.search(r"^  web\s+web\s+1\s+-\s+0 \(0-2\)\*", text, re.MULTILINE)  # scale-outs
    # an embedded file: nothing reads its instances or scale-outs, so no default is counted
    assert re.search(r"^  sqlite\s+other\s+-\s+-\s+-\s+0.2", text, re.MULTILINE)
    body, footer = text.rsplit("\n", 1)
    count = int(re.search(r"\((\d+) used\)", footer)[1])  # type: ignore[index]
    assert body.count(DEFAULT_MARK) == count > 0


def test_summary_without_defaults_says_so() -> None:
    """org-40 answers everything but two answers derived from others (platform familiarity,
    people on the move): given as well, nothing is a default."""
    q = load_questionnaire(data_dir() / "questionnaires" / "org-40.yaml")
    data = q.model_dump(mode="json", exclude_unset=True)
    data["team"] |= {"platform_familiarity": [0.4, 0.5, 0.6], "migration_people": [2, 3, 4]}
    q = type(q).model_validate(data)
    text = questionnaire_summary(q, "org-40.yaml")
    assert DEFAULT_MARK not in text.rsplit("\n", 1)[0]
    assert text.endswith("no defaults used.")


def test_a_null_answer_is_a_default_as_if_left_out() -> None:
    """``init`` and ``ask`` write ``null`` for an answer left to its default: it is starred,
    counted and treated as a default everywhere, exactly as when the key is left out."""
    from analyzer.decision.inputs import given_fields

    q = load_questionnaire(data_dir() / "questionnaires" / "org-40.yaml")
    data = q.model_dump(mode="json", exclude_unset=True)
    data["team"] |= {"platform_familiarity": None, "migration_people": None}
    data["hosting"] = {**data["hosting"], "instance_type": None}
    data["processes"][0] |= {"startup_seconds": None}
    nulls = type(q).model_validate(data)
    left_out = load_questionnaire(data_dir() / "questionnaires" / "org-40.yaml")
    assert given_fields(nulls) == given_fields(left_out)
    assert questionnaire_summary(nulls, "x") == questionnaire_summary(left_out, "x")
    assert "None" not in questionnaire_summary(nulls, "x")


@pytest.mark.parametrize(("hosts", "message"), [
    ("[web]", "web: shares_host_with names the process itself"),
    ("[nope]", "web: shares_host_with names unknown process(es) nope"),
])
def test_shares_host_with_names_other_processes(hosts: str, message: str) -> None:
    from analyzer.errors import InputError

    text = ("schema_version: 2\nname: x\nteam: {engineers: 2}\ncodebase: {kloc: 5}\n"
            f"processes:\n  - {{name: web, kind: web, shares_host_with: {hosts}}}\n"
            "delivery: {prod_deploys_per_week: 1}\n")
    with pytest.raises(InputError, match=re.escape(message)):
        parse_questionnaire(text)


# --- the examples say what the issue asks of them ---------------------------------------------


def _example(name: str) -> Questionnaire:
    return load_questionnaire(data_dir() / "questionnaires" / f"{name}.yaml")


def test_saas_12_is_a_dozen_engineers_with_many_services_and_drift() -> None:
    q = _example("saas-12")
    kinds = [p.kind for p in q.processes]
    assert q.team.engineers.likely == 12
    assert 13 <= len(q.processes) <= 17
    assert kinds.count("web") >= 2 and kinds.count("worker") >= 2
    assert {"database", "cache", "queue"} <= set(kinds)
    assert q.delivery.prod_deploys_per_week.low >= 5  # daily or more
    assert 8 <= q.incidents.counts["environment_drift"].likely <= 15
    assert q.incidents.counts["failed_deploy"].likely > 0
    assert sum(p.scale_out_events_per_month.likely for p in q.processes) > 0


def test_org_40_is_a_large_monolith_with_slow_bakes() -> None:
    q = _example("org-40")
    assert q.team.engineers.likely == 40
    assert len([p for p in q.processes if p.kind in ("web", "worker")]) == 2  # one monolith
    assert 300 <= q.codebase.kloc.likely <= 500
    assert q.delivery.deploy_method == "rebake-image"
    assert (q.delivery.image_bake_minutes.low, q.delivery.image_bake_minutes.high) == (40, 90)
    assert 1 < q.delivery.prod_deploys_per_week.likely < 7


def test_solo_is_one_developer_one_web_process_and_sqlite() -> None:
    q = _example("solo")
    assert q.team.engineers.likely == 1
    assert [p.kind for p in q.processes].count("web") == 1
    assert any("sqlite" in p.name and p.is_stateful for p in q.processes)
    assert q.delivery.prod_deploys_per_week.likely * 52 / 12 <= 3  # a couple a month
    assert sum(c.likely for c in q.incidents.counts.values()) <= 2


# --- estimates -----------------------------------------------------------------------------------

SPELLINGS = ["3", "[3, 3, 3]", "{low: 3, likely: 3, high: 3}"]


def _with_engineers(spelling: str) -> Questionnaire:
    return parse_questionnaire(
        "schema_version: 1\nname: x\n"
        f"team: {{engineers: {spelling}}}\n"
        "codebase: {kloc: 5}\nprocesses: [{name: web, kind: web}]\n"
        "delivery: {prod_deploys_per_week: 1}\n"
    )


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_three_spellings_of_a_number_are_the_same(spelling: str) -> None:
    assert _with_engineers(spelling).team.engineers == Estimate.point(3)


def test_range_spellings_agree() -> None:
    as_list = _with_engineers("[2, 3, 5]").team.engineers
    as_map = _with_engineers("{high: 5, low: 2, likely: 3}").team.engineers
    assert as_list == as_map == Estimate(2, 3, 5)
    assert as_list.pert_mean == pytest.approx((2 + 4 * 3 + 5) / 6)


def test_familiarity_words_map_to_scores() -> None:
    q = _example("solo")
    assert q.team.docker_familiarity == Estimate.point(0.33)  # "basic"


# --- JSON Schema -------------------------------------------------------------------------------


def test_committed_schema_is_current() -> None:
    """Regenerate with: python -m analyzer schema > analyzer/questionnaire/questionnaire.schema.json"""
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_text()


def test_schema_command_prints_the_committed_file(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("schema")
    assert result.code == 0
    assert result.out == SCHEMA_FILE.read_text(encoding="utf-8")
    assert json.loads(result.out)["$id"] == questionnaire_json_schema()["$id"]


@pytest.mark.parametrize("path", EXAMPLES, ids=EXAMPLE_NAMES)
def test_examples_satisfy_the_json_schema(path: Path) -> None:
    """What editors check while a file is typed agrees with the loader."""
    jsonschema = pytest.importorskip("jsonschema")
    import yaml

    jsonschema.validate(yaml.safe_load(path.read_text()), json.loads(SCHEMA_FILE.read_text()))


def test_json_schema_rejects_what_the_loader_rejects() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA_FILE.read_text())
    data = {"schema_version": 1, "name": "x", "team": {"enginers": 2}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, schema)


def test_summary_shows_a_derived_default_as_what_it_is_worked_out_from() -> None:
    """An answer left out that other answers decide (hires from the engineers) is a default
    too: starred, with what it is worked out from, never a blank or a number it does not have."""
    q = load_questionnaire(data_dir() / "questionnaires" / "calibration" / "ft-content-containers.yaml")
    text = questionnaire_summary(q, "ft.yaml")
    assert re.search(r"^\s+\* hires_per_year\s+a share of the engineers", text, re.MULTILINE)
    assert re.search(r"^\s+\* platform_familiarity\s+docker_familiarity$", text, re.MULTILINE)


def test_an_empty_required_answer_says_it_is_to_fill_in() -> None:
    from analyzer.errors import InputError

    text = ("schema_version: 2\nname: x\nteam:\n  engineers:  # fill in (required)\n"
            "codebase: {kloc: 5}\nprocesses:\n  - {name: web, kind: web}\n"
            "delivery: {prod_deploys_per_week: 1}\n")
    with pytest.raises(InputError, match=r":4:\d+: team.engineers: not filled in yet"):
        parse_questionnaire(text)
