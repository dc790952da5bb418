"""MODEL.md v2 "Calibration and checks": every expected direction, from each bundled example.

Measured on the model's net saving of the container option against the status quo, in hours
(``saving_hours`` of ``docker``), with common random numbers: the same draws before and after the
change, so a difference is the change's effect and not sampling noise. "Never less favourable" is
checked on the mean over the draws (the expected saving), where per-unit costs of both ways are
uncertain; mechanisms that cannot go the wrong way in any draw are also checked draw by draw.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer._io.paths import example_questionnaire
from analyzer.model.assumptions import load_assumptions
from analyzer.model.core import build_space, build_structure, evaluate
from analyzer.model.options import load_options
from analyzer.questionnaire.form import Questionnaire, load_questionnaire

EXAMPLES = ["seed-team", "saas-12", "org-40", "solo"]
DRAWS = 256
TOLERANCE_HOURS = 1e-6
SETTINGS = settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
Values = dict[str, np.ndarray]


def _variant(q: Questionnaire, **sections: dict[str, object]) -> Questionnaire:
    data = q.model_dump(mode="json", exclude_unset=True)
    for section, changes in sections.items():
        data[section] = {**data.get(section, {}), **changes}
    return Questionnaire.model_validate(data)


def _saving(
    q: Questionnaire, values: Values | None = None, seed: int = 0, running: bool = False
) -> tuple[np.ndarray, Values]:
    """Net saving of the container option per draw, and the draws used; ``running``: only the
    running part, (today's recurring hours - the option's) x the horizon in months."""
    options = load_options()
    a = load_assumptions()
    structure = build_structure(q, options, a)
    space = build_space(q, a, options, np.random.default_rng(0))
    drawn = space.sample(DRAWS, np.random.default_rng(seed))
    if values is not None:  # common random numbers: reuse every draw the two runs share
        drawn = {k: values.get(k, v) if np.size(values.get(k, v)) == np.size(v) else v
                 for k, v in drawn.items()}
    out = evaluate(drawn, structure)
    i = structure.option_names.index("docker")
    if running:
        monthly = out.recurring_hours[structure.status_quo] - out.recurring_hours[i]
        return monthly * structure.horizon_months, drawn
    return out.saving_hours[i], drawn


#: Changes that also add transition work (every extra service has to be moved): their direction
#: is on the running cost. At a short horizon the total can go the other way -- extra services
#: that would not pay back their own move within it -- which is the answer, not a defect.
RUNNING_ONLY = {"services"}


def _scaled(values: Values, prefix: str, suffix: str, factor: float) -> Values:
    return {
        k: (v * factor if k.startswith(prefix) and k.endswith(suffix) else v)
        for k, v in values.items()
    }


def _scaled_services(values: Values, factor: float) -> Values:
    """More of the team's own services: every count of an own-code entry times ``factor``
    (data stores are the separate 'bigger stateful data' direction)."""
    return {
        k: (v * factor if k.endswith(".count") and k in _OWN_SERVICE_COUNTS else v)
        for k, v in values.items()
    }


_OWN_SERVICE_COUNTS: set[str] = {
    f"processes.{p.name}.count"
    for name in EXAMPLES
    for p in load_questionnaire(example_questionnaire(name)).processes
    if not (p.is_service or p.is_stateful or p.embedded)
}


def _added(values: Values, key: str, amount: float) -> Values:
    return {k: (v + amount if k == key else v) for k, v in values.items()}


class _Examples:
    """The bundled examples, loaded once (short repr: hypothesis prints its arguments)."""

    def __init__(self) -> None:
        self._loaded: dict[str, Questionnaire] = {}

    def __getitem__(self, name: str) -> Questionnaire:
        if name not in self._loaded:
            self._loaded[name] = load_questionnaire(example_questionnaire(name))
        return self._loaded[name]

    def __repr__(self) -> str:
        return "examples"


@pytest.fixture(scope="module")
def examples() -> _Examples:
    return _Examples()


def _rebake(q: Questionnaire) -> Questionnaire:
    """The same team re-baking an image per release (bake minutes matter only then)."""
    return _variant(q, delivery={"deploy_method": "rebake-image"})


#: name -> (questionnaire variant, change of the draws); every one should favour containers.
CHANGES: dict[str, tuple[Callable[[Questionnaire], Questionnaire], Callable[[Values, float], Values]]] = {
    "services": (lambda q: q, lambda v, f: _scaled_services(v, f)),
    "prod deploys": (lambda q: q, lambda v, f: _scaled(v, "delivery.prod_deploys_per_week", "", f)),
    "bake minutes (re-bake)": (_rebake, lambda v, f: _scaled(v, "delivery.image_bake_minutes", "", f)),
    "drift": (lambda q: q, lambda v, f: _added(v, "incidents.rate.environment_drift", 0.1 * f)),
    "scale-outs": (
        lambda q: q, lambda v, f: _added_all(v, "scale_out_events_per_month", f)
    ),
    "new services": (lambda q: q, lambda v, f: _added(v, "team.new_services_per_year", f)),
    "wait for a new service": (
        lambda q: _variant(q, team={"new_services_per_year": 2}),
        lambda v, f: _scaled(v, "team.new_service_wait_days", "", f),
    ),
    "hires": (lambda q: q, lambda v, f: _added(v, "team.hires_per_year", f)),
    "familiarity": (
        lambda q: q,
        lambda v, f: {
            k: (np.minimum(x + 0.1 * f, 1.0) if k == "team.docker_familiarity" else x)
            for k, x in v.items()
        },
    ),
}


def _added_all(values: Values, suffix: str, amount: float) -> Values:
    return {k: (v + amount if k.endswith(suffix) else v) for k, v in values.items()}


@SETTINGS
@given(
    example=st.sampled_from(EXAMPLES),
    change=st.sampled_from(sorted(CHANGES)),
    factor=st.floats(1.5, 10.0),
    seed=st.integers(0, 2**32 - 1),
)
def test_expected_directions(examples, example: str, change: str, factor: float, seed: int) -> None:  # type: ignore[no-untyped-def]
    variant, apply = CHANGES[change]
    q = variant(examples[example])
    running = change in RUNNING_ONLY
    before, drawn = _saving(q, seed=seed, running=running)
    after, _ = _saving(q, apply(drawn, factor), running=running)
    assert after.mean() >= before.mean() - TOLERANCE_HOURS, (change, example)


@SETTINGS
@given(
    example=st.sampled_from(EXAMPLES),
    seed=st.integers(0, 2**32 - 1),
    change=st.sampled_from(["drift", "familiarity", "hires", "wait for a new service"]),
    factor=st.floats(1.5, 10.0),
)
def test_directions_hold_draw_by_draw(examples, example: str, seed: int, change: str, factor: float) -> None:  # type: ignore[no-untyped-def]
    variant, apply = CHANGES[change]
    q = variant(examples[example])
    before, drawn = _saving(q, seed=seed)
    after, _ = _saving(q, apply(drawn, factor))
    assert np.all(after >= before - TOLERANCE_HOURS), (change, example)


@pytest.mark.parametrize("example", EXAMPLES)
@pytest.mark.parametrize(
    "platform",
    [
        {"registry": True},
        {"registry": True, "container_pipeline": True},
        {"orchestrator": "ecs", "orchestrator_managed": True},
        {"orchestrator": "kubernetes"},
    ],
)
def test_existing_platform_pieces_favour_containers(examples, example: str, platform: dict) -> None:  # type: ignore[no-untyped-def]
    q = examples[example]
    before, drawn = _saving(q, seed=7)
    after, _ = _saving(_variant(q, platform=platform), drawn)
    assert after.mean() >= before.mean() - TOLERANCE_HOURS


@pytest.mark.parametrize("example", EXAMPLES)
def test_more_environments_favour_containers(examples, example: str) -> None:  # type: ignore[no-untyped-def]
    q = examples[example]
    before, drawn = _saving(q, seed=11)
    for environments in (q.delivery.environments + 1, q.delivery.environments + 4):
        after, _ = _saving(_variant(q, delivery={"environments": environments}), drawn)
        assert after.mean() >= before.mean() - TOLERANCE_HOURS
        before = after


@pytest.mark.parametrize("example", EXAMPLES)
def test_co_location_conflicts_favour_containers(examples, example: str) -> None:  # type: ignore[no-untyped-def]
    q = examples[example]
    names = [p.name for p in q.processes if not p.embedded]
    data = q.model_dump(mode="json", exclude_unset=True)
    data["processes"][0]["shares_host_with"] = names[1:2]
    shared = Questionnaire.model_validate(data)
    before, drawn = _saving(shared, seed=13)
    more = _added(drawn, "incidents.rate.co_location", 0.5)
    after, _ = _saving(shared, more)
    assert np.all(after >= before - TOLERANCE_HOURS)


@pytest.mark.parametrize("example", EXAMPLES)
def test_bigger_stateful_data_costs_the_option_that_moves_it(examples, example: str) -> None:  # type: ignore[no-untyped-def]
    q = examples[example]
    before, drawn = _saving(q, seed=17)
    after, _ = _saving(q, _scaled(drawn, "processes.", ".data_gb", 10.0))
    assert after.mean() <= before.mean() + TOLERANCE_HOURS


@pytest.mark.parametrize("example", EXAMPLES)
def test_codebase_size_moves_the_saving_less_than_any_expected_direction(examples, example: str) -> None:  # type: ignore[no-untyped-def]
    """Across 10x, codebase size moves the expected saving no more than each active direction
    does across the same 10x (directions that cannot act on this team, e.g. bake minutes for a
    package-upgrade team, are measured on their variant), within a 10 % margin for sampling:
    for the seed team the weakest direction, a 10x wait for 2 new services a year, moves it as
    much as a 10x codebase (37.1 h and 37.0 h over 24 months with 20,000 draws each), so
    "less than" was a knife edge the 256 draws here fell either side of."""
    q = examples[example]
    for change, (variant, apply) in CHANGES.items():
        running = change in RUNNING_ONLY
        base, drawn = _saving(q, seed=19, running=running)
        # the team's shared over- or under-run (mean 1.08) scales every transition effect, the
        # codebase's among them; the property is about the codebase's own weight in the model,
        # so the estimating error is held at its likely value, 1
        drawn = {**drawn, "assumptions.team_factor": np.ones_like(drawn["assumptions.team_factor"])}
        base = _saving(q, drawn, running=running)[0]
        bigger = _saving(q, _scaled(drawn, "codebase.kloc", "", 10.0), running=running)[0]
        kloc = abs(bigger.mean() - base.mean())
        qv = variant(q)
        start, drawn_v = _saving(qv, seed=19, running=running)
        moved = _saving(qv, apply(drawn_v, 10.0), running=running)[0].mean() - start.mean()
        assert kloc < 1.1 * moved, (change, example, kloc, moved)
