"""Questionnaire v2, its upgrade from version 1, and the model v2 mechanisms with known answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer._io.paths import example_questionnaire
from analyzer.app.cli import main
from analyzer.model.assess import assess
from analyzer.model.placement import experience_sum
from analyzer.questionnaire.form import (
    SCHEMA_VERSION,
    Questionnaire,
    load_questionnaire,
    parse_questionnaire,
)

V1 = Path(__file__).parent / "fixtures" / "v1"
EXAMPLES = ["seed-team", "saas-12", "org-40", "solo"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_version_1_examples_still_load_as_version_2(name: str) -> None:
    q = load_questionnaire(V1 / f"{name}.yaml")
    assert q.schema_version == SCHEMA_VERSION == 2
    assert all(p.runs_on == "machine-image" for p in q.processes)
    sqlite = [p for p in q.processes if "sqlite" in p.name]
    assert all(p.embedded for p in sqlite)
    # the version-2 example has the same processes and answers, plus new fields
    v2 = load_questionnaire(example_questionnaire(name))
    assert [p.name for p in v2.processes] == [p.name for p in q.processes]
    assert v2.codebase == q.codebase
    assert v2.delivery == q.delivery


def test_managed_becomes_runs_on_managed() -> None:
    q = parse_questionnaire(
        "schema_version: 1\nname: x\nteam: {engineers: 2}\ncodebase: {kloc: 5, apps: 2, "
        "architecture: services}\nprocesses:\n  - {name: web, kind: web}\n"
        "  - {name: db, kind: database, managed: true}\ndelivery: {prod_deploys_per_week: 1}\n"
    )
    assert [p.runs_on for p in q.processes] == ["machine-image", "managed"]
    assert q.processes[1].managed


@pytest.mark.parametrize("name", EXAMPLES)
def test_upgrade_rewrites_in_place_keeps_comments_and_a_backup(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / f"{name}.yaml"
    shutil.copy(V1 / f"{name}.yaml", path)
    original = path.read_text(encoding="utf-8")
    assert main(["upgrade", str(path)]) == 0
    assert "comments kept" in capsys.readouterr().out
    assert (tmp_path / f"{name}.yaml.bak").read_text(encoding="utf-8") == original
    text = path.read_text(encoding="utf-8")
    assert "schema_version: 2" in text and "architecture:" not in text
    comments = [line for line in original.splitlines() if line.lstrip().startswith("#")]
    assert all(c in text for c in comments)
    assert load_questionnaire(path) == load_questionnaire(V1 / f"{name}.yaml")
    # a second run has nothing to do and leaves the backup alone
    assert main(["upgrade", str(path)]) == 0
    assert "already version 2" in capsys.readouterr().out


def test_upgrade_refuses_a_file_that_does_not_load(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("schema_version: 1\nname: x\n", encoding="utf-8")
    assert main(["upgrade", str(path)]) != 0
    assert "required field is missing" in capsys.readouterr().err
    assert not (tmp_path / "bad.yaml.bak").exists()


def test_upgrade_never_writes_over_an_earlier_backup(tmp_path: Path) -> None:
    path = tmp_path / "seed-team.yaml"
    shutil.copy(V1 / "seed-team.yaml", path)
    (tmp_path / "seed-team.yaml.bak").write_text("precious\n", encoding="utf-8")
    original = path.read_text(encoding="utf-8")
    assert main(["upgrade", str(path)]) == 0
    assert (tmp_path / "seed-team.yaml.bak").read_text(encoding="utf-8") == "precious\n"
    assert (tmp_path / "seed-team.yaml.bak.1").read_text(encoding="utf-8") == original


def test_upgrade_refusing_a_symbolic_link_leaves_no_backup(tmp_path: Path) -> None:
    real = tmp_path / "real.yaml"
    shutil.copy(V1 / "seed-team.yaml", real)
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    assert main(["upgrade", str(link)]) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.yaml", "real.yaml"]


def test_a_1000_service_fleet_is_one_entry() -> None:
    q = parse_questionnaire(
        "schema_version: 2\nname: fleet\nteam: {engineers: 300, platform_engineers: 12}\n"
        "codebase: {kloc: 5000}\nprocesses:\n"
        "  - {name: services, kind: web, count: [900, 1000, 1100], instances: 2}\n"
        "delivery: {prod_deploys_per_week: 400}\n"
    )
    a = assess(q, samples=500)
    docker = a.option_names.index("docker")
    months = np.median(a.outputs.migration_months[docker])
    people = np.median(a.outputs.migration_people[docker])
    # a squad, not 75 people: calendar time grows with the size of the change
    assert people <= a.assumptions["max_people_on_move"].high
    assert months > 6


@settings(max_examples=50, deadline=None)
@given(n=st.integers(1, 2000), rate=st.floats(0.75, 1.0))
def test_experience_sum_matches_the_wright_sum(n: int, rate: float) -> None:
    exact = float(np.sum(np.arange(1, n + 1, dtype=np.float64) ** np.log2(rate)))
    approx = float(experience_sum(np.array([float(n)]), np.array([rate]))[0])
    assert approx == pytest.approx(exact, rel=0.002)


def test_experience_sum_known_values() -> None:
    assert experience_sum(np.array([1.0]), np.array([0.8]))[0] == pytest.approx(1.0)
    assert experience_sum(np.array([120.0]), np.array([1.0]))[0] == pytest.approx(120.0)
    # 120 templated services at r = 0.8 cost about 40 first ones, far less than 120
    assert 30 < experience_sum(np.array([120.0]), np.array([0.8]))[0] < 50


def _kloc_variant(kloc: float) -> Questionnaire:
    q = load_questionnaire(example_questionnaire("saas-12"))
    data = q.model_dump(mode="json", exclude_unset=True)
    data["codebase"]["kloc"] = kloc
    return Questionnaire.model_validate(data)


def test_adaptation_grows_sub_linearly_with_codebase_size() -> None:
    items = [
        float(np.median(assess(_kloc_variant(k), samples=400).outputs.work_items["app_adaptation"][1]))
        for k in (10.0, 100.0, 1000.0)
    ]
    assert items[0] < items[1] < items[2]
    assert items[1] / items[0] < 10 / 2 and items[2] / items[1] < 10 / 2


def test_an_option_equal_to_today_costs_nothing_to_reach() -> None:
    q = load_questionnaire(example_questionnaire("saas-12"))
    data = q.model_dump(mode="json", exclude_unset=True)
    for p in data["processes"]:
        p["runs_on"] = "container"
    data["platform"] = {"registry": True, "container_pipeline": True, "orchestrator": "ecs",
                        "orchestrator_managed": True}
    a = assess(Questionnaire.model_validate(data), samples=300)
    docker = a.option_names.index("docker")
    assert np.all(a.outputs.transition_hours[docker] == 0)
    assert np.allclose(a.outputs.recurring_hours[docker], a.outputs.recurring_hours[0])
    assert np.allclose(a.outputs.saving_hours[docker], 0.0)


def test_existing_platform_pieces_are_not_paid_again() -> None:
    q = load_questionnaire(example_questionnaire("saas-12"))
    data = q.model_dump(mode="json", exclude_unset=True)
    data["platform"] = {"registry": True, "container_pipeline": True}
    a = assess(Questionnaire.model_validate(data), samples=300, seed=3)
    b = assess(q, samples=300, seed=3)
    docker = a.option_names.index("docker")
    assert np.all(a.outputs.work_items["pipeline"][docker] < b.outputs.work_items["pipeline"][docker])
    assert "registry" not in a.structure.new_pieces[docker]


def test_a_move_longer_than_the_horizon_is_not_cut_off() -> None:
    q = load_questionnaire(example_questionnaire("seed-team"))
    data = q.model_dump(mode="json", exclude_unset=True)
    data["priorities"]["horizon_months"] = 3
    a = assess(Questionnaire.model_validate(data), samples=300)
    docker = a.option_names.index("docker")
    o = a.outputs
    over = o.migration_months[docker] > 3
    assert over.mean() > 0.5
    share_left = (o.migration_months[docker] - 3) / o.migration_months[docker]
    np.testing.assert_allclose(
        o.unfinished_transition_hours[docker][over],
        (o.transition_hours[docker] * share_left)[over],
    )
    assert np.all(o.unfinished_transition_hours[docker][~over] == 0)
    # the whole transition is in the total, not only the part done by the horizon
    assert np.all(o.total_hours[docker] >= o.transition_hours[docker])


def test_stated_and_itemised_operations_time_are_both_kept() -> None:
    a = assess(load_questionnaire(example_questionnaire("saas-12")), samples=300)
    o = a.outputs
    np.testing.assert_allclose(o.ops_gap_hours, o.ops_stated_hours - o.ops_itemised_hours)
    unitemised = np.maximum(o.ops_gap_hours, 0.0)
    np.testing.assert_allclose(o.recurring["other_operations"][0], unitemised)
