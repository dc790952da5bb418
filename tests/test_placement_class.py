"""placement_class: the state an option leads to, by which processes run in containers."""

from __future__ import annotations

import pytest

from analyzer.model.assumptions import load_assumptions
from analyzer.model.options import load_options
from analyzer.model.structure import build_structure, placement_class
from analyzer.questionnaire.form import parse_questionnaire

HEAD = (
    "schema_version: 2\nname: x\nteam: {engineers: 4}\ncodebase: {kloc: 20}\n"
    "delivery: {prod_deploys_per_week: 2}\n"
)


def _classes(processes: str, platform: str = "") -> dict[str, str]:
    q = parse_questionnaire(HEAD + platform + "processes:\n" + processes)
    st = build_structure(q, load_options(), load_assumptions())
    return {name: placement_class(st, i) for i, name in enumerate(st.option_names)}


def test_a_team_on_machine_images() -> None:
    got = _classes("  - {name: web, kind: web}\n  - {name: db, kind: database}\n")
    assert got == {
        "machine-image": "machine-image",
        "docker": "docker",
        "hybrid": "hybrid",
        "baked-images": "machine-image",  # images baked per release: still machine images
    }


def test_staying_with_containers_today_is_not_machine_images() -> None:
    platform = "platform: {registry: true, container_pipeline: true, orchestrator: kubernetes}\n"
    got = _classes(
        "  - {name: web, kind: web, runs_on: container}\n"
        "  - {name: db, kind: database, runs_on: machine-image}\n",
        platform,
    )
    assert got["machine-image"] == "hybrid"  # the key says "stay", the state is the hybrid
    assert got["docker"] == "docker"
    assert got["baked-images"] == "hybrid"  # the web container is not baked back into an image


def test_some_own_code_in_containers_is_partial() -> None:
    platform = "platform: {registry: true, container_pipeline: true, orchestrator: kubernetes}\n"
    got = _classes(
        "  - {name: web, kind: web, runs_on: container}\n"
        "  - {name: api, kind: web}\n  - {name: db, kind: database}\n",
        platform,
    )
    assert got["machine-image"] == "partial"
    assert got["hybrid"] == "hybrid"


@pytest.mark.parametrize("db", ["managed", "machine-image"])
def test_data_stores_outside_make_the_hybrid(db: str) -> None:
    got = _classes(f"  - {{name: web, kind: web}}\n  - {{name: db, kind: database, runs_on: {db}}}\n")
    assert got["hybrid"] == "hybrid"
    # a managed store stays managed under every option, so "docker" leads to the hybrid state
    assert got["docker"] == ("hybrid" if db == "managed" else "docker")


def test_embedded_files_and_provider_run_code_are_left_out() -> None:
    got = _classes(
        "  - {name: web, kind: web}\n  - {name: fn, kind: worker, runs_on: managed}\n"
        "  - {name: sqlite, kind: database, embedded: true}\n"
    )
    assert got == {
        "machine-image": "machine-image",
        "docker": "docker",
        "hybrid": "docker",
        "baked-images": "machine-image",
    }


def test_the_decision_reports_the_state_it_leads_to() -> None:
    from analyzer.decision.decide import decide
    from analyzer.decision.explain import PLACEMENT_PHRASES
    from analyzer.model.assess import assess

    platform = "platform: {registry: true, container_pipeline: true, orchestrator: kubernetes}\n"
    q = parse_questionnaire(
        HEAD + platform + "processes:\n  - {name: web, kind: web, runs_on: container}\n"
        "  - {name: db, kind: database, runs_on: managed}\n"
    )
    d = decide(assess(q, samples=200, seed=1), sensitivity=False)
    index = d.assessment.option_names.index(d.recommendation)
    expected = placement_class(d.assessment.structure, index)
    assert d.to_dict()["recommendation"]["placement"] == d.placement == expected
    # every option of this team already has the web container and the managed database
    assert expected == "hybrid"
    assert PLACEMENT_PHRASES[expected] in d.headline()


def test_baking_images_for_a_team_that_bakes_already_is_staying() -> None:
    from analyzer.decision.quantities import option_groups
    from analyzer.model.structure import REBAKE

    q = parse_questionnaire(
        HEAD.replace("prod_deploys_per_week: 2", "prod_deploys_per_week: 2, "
                     "deploy_method: rebake-image")
        + "processes:\n  - {name: web, kind: web}\n  - {name: db, kind: database}\n"
    )
    st = build_structure(q, load_options(), load_assumptions())
    bake = st.option_names.index("baked-images")
    assert st.method[bake] == st.method[st.status_quo]
    assert option_groups(st)[bake] == option_groups(st)[st.status_quo]
    # a team deploying by package upgrade changes its method, so the choice is a different one
    q2 = parse_questionnaire(HEAD + "processes:\n  - {name: web, kind: web}\n")
    st2 = build_structure(q2, load_options(), load_assumptions())
    bake2 = st2.option_names.index("baked-images")
    assert st2.method[bake2] == (REBAKE,)
    assert option_groups(st2)[bake2] != option_groups(st2)[st2.status_quo]


def test_baking_per_release_costs_nothing_for_a_team_that_bakes_already() -> None:
    """An option equal to today costs nothing to reach and runs at today's cost; the same
    option for a team that upgrades packages in place builds a bake pipeline."""
    import numpy as np

    from analyzer.model.assess import assess

    body = "processes:\n  - {name: web, kind: web, count: 3}\n  - {name: db, kind: database}\n"
    baking = parse_questionnaire(
        HEAD.replace("prod_deploys_per_week: 2", "prod_deploys_per_week: 2, "
                     "deploy_method: rebake-image") + body
    )
    a = assess(baking, samples=200, seed=3)
    bake, sq = a.option_names.index("baked-images"), a.structure.status_quo
    out = a.outputs
    assert np.all(out.transition_hours[bake] == 0.0)
    np.testing.assert_allclose(out.recurring_hours[bake], out.recurring_hours[sq])
    np.testing.assert_allclose(out.incident_hours[bake], out.incident_hours[sq])
    upgrading = assess(parse_questionnaire(HEAD + body), samples=200, seed=3)
    work = upgrading.outputs.work_items["bake_pipeline"][bake]
    assert np.all(work > 0.0)
    # immutable images prevent drift that in-place upgrades let through
    rate = upgrading.outputs.drift_hours
    assert np.all(rate[bake] <= rate[upgrading.structure.status_quo] + 1e-9)


def test_baking_for_the_first_time_is_new_to_the_team() -> None:
    """The skills gap counts processes baked per release that ship another way today; a team
    that bakes already has none, and containers' processes are counted by container skills."""
    from analyzer.decision.quantities import rebake_new_share

    body = "processes:\n  - {name: web, kind: web}\n  - {name: db, kind: database}\n"
    upgrading = build_structure(parse_questionnaire(HEAD + body), load_options(), load_assumptions())
    share = dict(zip(upgrading.option_names, rebake_new_share(upgrading), strict=True))
    # own processes: web and the self-run database; only web is baked per release
    assert share == {"machine-image": 0.0, "docker": 0.0, "hybrid": 0.0, "baked-images": 0.5}
    baking = build_structure(
        parse_questionnaire(HEAD.replace("prod_deploys_per_week: 2", "prod_deploys_per_week: 2, "
                                         "deploy_method: rebake-image") + body),
        load_options(), load_assumptions(),
    )
    assert not rebake_new_share(baking).any()
