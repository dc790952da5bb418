"""Mechanisms the calibration round fixed (issue 15), each checked against its own formula.

- Containers baked into their own machine image, one per VM, new instances per release (Zalando
  STUPS, Coinbase Odin): ``deploy_method: rebake-image`` on a process in containers was ignored.
- The hiring default scales with the team (``hire_share_per_year`` x engineers), and the default
  of new services a year with the estate (``new_service_share_per_year`` x own services).
- Long-lived hosts are patched in place (``host_patching``); their images carry no OS patching
  of their own (it was counted twice).
- Containers already in containers but going onto an orchestrator get manifests and
  configuration (``Placement.onto_platform``): moving 200 of them was 100 h.
- A container baked into its own image keeps an image and instance group per service
  (``image_upkeep``), as a machine image does; it was charged nothing per service.
"""

from __future__ import annotations

import numpy as np

from analyzer.model.assumptions import load_assumptions
from analyzer.model.core import build_space, build_structure, evaluate
from analyzer.model.draws import read_draws
from analyzer.model.options import load_options
from analyzer.model.placement import experience_sum, place
from analyzer.model.recurring import host_patching, image_upkeep
from analyzer.model.structure import BAKED_CONTAINER, CONTAINER_METHOD, PACKAGE, REBAKE
from analyzer.questionnaire.form import Questionnaire

BASE: dict[str, object] = {
    "schema_version": 2,
    "name": "mechanism check",
    "team": {"engineers": 20},
    "codebase": {"kloc": 50},
    "platform": {"registry": True, "container_pipeline": True, "orchestrator": "none"},
    "delivery": {"prod_deploys_per_week": 10},
}


def _q(processes: list[dict[str, object]], **team: object) -> Questionnaire:
    data = {**BASE, "processes": processes}
    data["team"] = {**BASE["team"], **team}  # type: ignore[dict-item]
    return Questionnaire.model_validate(data)


def _run(q: Questionnaire, n: int = 400):  # type: ignore[no-untyped-def]
    options, a = load_options(), load_assumptions()
    st = build_structure(q, options, a)
    values = build_space(q, a, options, np.random.default_rng(0)).sample(n, np.random.default_rng(1))
    return st, values


def test_a_container_baked_into_its_own_image_is_today_a_baked_container() -> None:
    baked = {"name": "app", "kind": "web", "runs_on": "container", "deploy_method": "rebake-image",
             "instances": 4, "scale_out_events_per_month": 5}
    st, values = _run(_q([baked]))
    sq, docker = st.status_quo, st.option_names.index("docker")
    assert st.method[sq][0] == BAKED_CONTAINER
    assert st.method[docker][0] == CONTAINER_METHOD  # the orchestrator schedules it
    out = evaluate(values, st)
    # a new instance boots for every scale-out today; on the orchestrator mostly not
    assert np.all(out.start_seconds[sq] > out.start_seconds[docker])
    # one container per VM is billed as the VMs it runs on: packing them saves money
    assert np.median(out.infrastructure_monthly[docker]) < np.median(out.infrastructure_monthly[sq])


def test_a_container_without_a_rebake_is_scheduled_as_today() -> None:
    plain = {"name": "app", "kind": "web", "runs_on": "container", "instances": 4}
    st, _ = _run(_q([plain]))
    assert all(row[0] == CONTAINER_METHOD for row in st.method)


def test_default_hires_are_a_share_of_the_engineers() -> None:
    proc = [{"name": "app", "kind": "web"}]
    st, values = _run(_q(proc))
    assert "team.hires_per_year" not in values
    d = read_draws(values, tuple(p.name for p in st.processes), st.option_names, st.categories)
    share = values["assumptions.hire_share_per_year"]
    np.testing.assert_allclose(d.team.hires_per_year, 20 * share)
    st2, values2 = _run(_q(proc, hires_per_year=3))
    d2 = read_draws(values2, tuple(p.name for p in st2.processes), st2.option_names, st2.categories)
    np.testing.assert_allclose(d2.team.hires_per_year, 3.0)


def test_long_lived_images_are_not_patched_twice() -> None:
    procs = [
        {"name": "web", "kind": "web", "deploy_method": "package-upgrade", "count": 3},
        {"name": "jobs", "kind": "worker", "deploy_method": "rebake-image", "count": 2},
    ]
    st, values = _run(_q(procs))
    d = read_draws(values, tuple(p.name for p in st.processes), st.option_names, st.categories)
    pl = place(st, d)
    sq = st.status_quo
    assert st.method[sq] == (PACKAGE, REBAKE)
    upkeep, patching = d.c.image_upkeep_hours_per_image_month, d.c.image_patching_hours_per_image_month
    # 3 long-lived units keep their scripts; 2 re-baked units are also patched by re-baking;
    # each entry's alike units on the experience curve: 1 + 2^b + 3^b and 1 + 2^b
    b = np.log2(d.c.experience_learning_rate)
    three, two = 1 + 2**b + 3**b, 1 + 2**b
    expected = three * upkeep + two * (upkeep + patching)
    np.testing.assert_allclose(image_upkeep(pl, d)[sq], expected, rtol=2e-3)


def test_alike_images_are_upkept_on_the_experience_curve() -> None:
    """1,000 services of one entry on one bake pipeline cost the experience sum of the first's
    upkeep, far below 1,000 times it; and never more than n times it."""
    procs = [{"name": "apps", "kind": "web", "deploy_method": "rebake-image", "count": 1000}]
    st, values = _run(_q(procs))
    d = read_draws(values, tuple(p.name for p in st.processes), st.option_names, st.categories)
    pl = place(st, d)
    per_image = d.c.image_upkeep_hours_per_image_month + d.c.image_patching_hours_per_image_month
    hours = image_upkeep(pl, d)[st.status_quo]
    np.testing.assert_allclose(hours, per_image * experience_sum(np.full_like(per_image, 1000.0),
                                                                 d.c.experience_learning_rate))
    assert np.all(hours < 0.45 * 1000 * per_image)  # rate <= 0.9: the sum is under 450 units


def test_a_release_on_a_new_image_waits_for_the_instances_to_boot() -> None:
    """Delivery's wait for a method that replaces instances per release (re-baked image, baked
    container) includes the boot: deploys x boot / 60 x attention x manual share more hours a
    month for every extra second of boot; a package upgrade in place waits for none."""
    def delivery_today(method: str, boot: float) -> np.ndarray:
        proc = {"name": "app", "kind": "web", "runs_on": "machine-image", "deploy_method": method}
        st, values = _run(_q([proc]))
        values = {**values, "assumptions.machine_boot_seconds": np.full(400, boot)}
        return np.asarray(evaluate(values, st).recurring["delivery"][st.status_quo])

    rebake = delivery_today("rebake-image", 160.0) - delivery_today("rebake-image", 100.0)
    assert np.all(rebake > 0)
    package = delivery_today("package-upgrade", 160.0) - delivery_today("package-upgrade", 100.0)
    np.testing.assert_allclose(package, 0.0, atol=1e-12)


def test_containers_going_onto_an_orchestrator_get_manifests_and_configuration() -> None:
    """Units already in containers but deployed another way today (one per VM, new hosts per
    release) need orchestrator manifests and per-environment configuration like units that move
    into containers: ``Placement.onto_platform``. Left where they are, they need none."""
    baked = {"name": "apps", "kind": "web", "runs_on": "container",
             "deploy_method": "rebake-image", "count": 200}
    st, values = _run(_q([baked]))
    sq, docker = st.status_quo, st.option_names.index("docker")
    pl = place(st, read_draws(values, tuple(p.name for p in st.processes), st.option_names,
                              st.categories))
    assert pl.to_ctr[docker, 0] == 0.0  # nothing moves into containers...
    assert pl.onto_platform[docker, 0] == 1.0  # ...but it goes onto the orchestrator
    assert pl.onto_platform[sq, 0] == 0.0
    out = evaluate(values, st)
    first = load_assumptions()["composition_hours_per_process"].low
    # 200 services on the experience curve: far more than one service's manifests
    assert np.all(out.work_items["composition"][docker] > 10 * first)
    assert np.all(out.work_items["environment_config"][docker] > 0.0)
    assert np.all(out.work_items["composition"][sq] == 0.0)
    # a process already in a container and deployed as today goes nowhere
    plain = {"name": "apps", "kind": "web", "runs_on": "container", "count": 200}
    st2, values2 = _run(_q([plain]))
    pl2 = place(st2, read_draws(values2, tuple(p.name for p in st2.processes),
                                st2.option_names, st2.categories))
    assert np.all(pl2.onto_platform[:, 0] == 0.0)


def test_a_container_baked_into_its_own_image_keeps_an_image_per_service() -> None:
    """One container per VM on a new image or instance group per release keeps what a machine
    image keeps per service: its template and instance group (u) and patching by re-baking (p);
    it is not a shared node patched in place. On an orchestrator neither is left."""
    baked = {"name": "apps", "kind": "web", "runs_on": "container",
             "deploy_method": "rebake-image", "count": 50}
    st, values = _run(_q([baked]))
    sq, docker = st.status_quo, st.option_names.index("docker")
    d = read_draws(values, tuple(p.name for p in st.processes), st.option_names, st.categories)
    pl = place(st, d)
    upkeep = image_upkeep(pl, d)
    n = pl.units(pl.ctr)[sq]  # 50 alike services: on the experience curve
    expected = experience_sum(n, d.c.experience_learning_rate) * (
        d.c.image_upkeep_hours_per_image_month + d.c.image_patching_hours_per_image_month)
    np.testing.assert_allclose(upkeep[sq], expected)
    assert np.all(upkeep[docker] == 0.0)
    patched = host_patching(pl, d, st)
    assert np.all(patched[sq] == 0.0)  # replaced with their image, never patched in place
    assert np.all(patched[docker] > 0.0)  # the orchestrator's nodes are


def test_default_new_services_are_a_share_of_the_teams_own_services() -> None:
    """Left out, new services a year are the team's own services x new_service_share_per_year
    (off-the-shelf services and embedded files do not count); given, the answer."""
    from analyzer.decision.quantities import new_services_per_year as counted
    from analyzer.model.recurring import new_services_per_year

    procs = [{"name": "apps", "kind": "web", "count": 40},
             {"name": "db", "kind": "database", "stateful": True}]
    st, values = _run(_q(procs))
    assert "team.new_services_per_year" not in values
    d = read_draws(values, tuple(p.name for p in st.processes), st.option_names, st.categories)
    share = values["assumptions.new_service_share_per_year"]
    np.testing.assert_allclose(new_services_per_year(place(st, d), d), 40 * share)
    np.testing.assert_allclose(counted(values, st), 40 * share)  # the reasons' count
    st2, values2 = _run(_q(procs, new_services_per_year=3))
    d2 = read_draws(values2, tuple(p.name for p in st2.processes), st2.option_names, st2.categories)
    np.testing.assert_allclose(new_services_per_year(place(st2, d2), d2), 3.0)


def test_scale_outs_are_counted_over_the_whole_entry_everywhere() -> None:
    """``scale_out_events_per_month`` is the entry's, over all the services it stands for: the
    manual hours, the decision's lag and the reasons all count 4 for 200 services scaling out 4
    times a month between them (the hours used to count 800, the lag 4)."""
    from analyzer.decision import quantities as qty
    from analyzer.model.recurring import scale_out

    fleet = {"name": "services", "kind": "web", "count": 200, "autoscaling": False,
             "scale_out_events_per_month": 4}
    st, values = _run(_q([fleet]))
    d = read_draws(values, tuple(p.name for p in st.processes), st.option_names, st.categories)
    hours, _, _ = scale_out(place(st, d), d)
    np.testing.assert_allclose(hours[st.status_quo], 4 * d.c.scale_out_hours_per_event)
    np.testing.assert_allclose(qty.scale_out_events(values, st), 4.0)


def test_an_embedded_file_never_scales_out() -> None:
    """SQLite inside the web process has the default scale-out range like any entry, but the
    model's hours leave it out (no services of its own): so does the decision's lag."""
    from analyzer.decision import quantities as qty

    procs = [{"name": "web", "kind": "web", "scale_out_events_per_month": 3},
             {"name": "db", "kind": "database", "embedded": True, "data_gb": 0.1}]
    st, values = _run(_q(procs))
    np.testing.assert_allclose(qty.scale_out_events(values, st), 3.0)
