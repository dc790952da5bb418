"""MODEL.md's invariants, checked with hypothesis on the vectorised model."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer._io.paths import example_questionnaire
from analyzer.decision.criteria import likely_constants
from analyzer.decision.scoring import score
from analyzer.model.assess import assess, percentiles
from analyzer.model.assumptions import load_assumptions
from analyzer.model.core import build_space, build_structure, evaluate
from analyzer.model.options import load_options
from analyzer.model.prices import load_prices
from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import Process, load_questionnaire

SETTINGS = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
EXAMPLES = ["seed-team", "saas-12", "org-40", "solo"]


def _setup(name: str):  # type: ignore[no-untyped-def]
    q = load_questionnaire(example_questionnaire(name))
    options = load_options()
    a = load_assumptions()
    return (
        q,
        a,
        options,
        build_structure(q, options, a),
        build_space(q, a, options, np.random.default_rng(0)),
    )


@pytest.fixture(scope="module")
def setups():  # type: ignore[no-untyped-def]
    return {name: _setup(name) for name in EXAMPLES}


@SETTINGS
@given(
    example=st.sampled_from(EXAMPLES),
    seed=st.integers(0, 2**32 - 1),
    extra=st.floats(0.0, 5.0, allow_nan=False),
)
def test_more_drift_never_lowers_dockers_advantage(
    setups, example: str, seed: int, extra: float
) -> None:  # type: ignore[no-untyped-def]
    _, _, _, structure, space = setups[example]
    values = space.sample(64, np.random.default_rng(seed))
    docker = structure.option_names.index("docker")
    before = evaluate(values, structure).saving_hours[docker]
    more = dict(values)
    more["incidents.rate.environment_drift"] = values["incidents.rate.environment_drift"] + extra
    after = evaluate(more, structure).saving_hours[docker]
    assert np.all(after >= before - 1e-9)


@SETTINGS
@given(
    example=st.sampled_from(EXAMPLES),
    q_level=st.floats(0.05, 0.95),
    kind=st.sampled_from(["web", "worker", "database", "cache", "other"]),
    stateful=st.booleans(),
)
def test_more_processes_never_lower_transition_effort(
    setups, example: str, q_level: float, kind: str, stateful: bool
) -> None:  # type: ignore[no-untyped-def]
    q, a, options, structure, space = setups[example]
    bigger_q = q.model_copy(
        update={
            "processes": [
                *q.processes,
                Process(
                    name="added-process", kind=kind, stateful=stateful, data_gb=Estimate(1, 5, 20)
                ),
            ]
        }
    )
    bigger_structure = build_structure(bigger_q, options, a)
    bigger_space = build_space(bigger_q, a, options, np.random.default_rng(0))
    before = evaluate(space.at_quantiles(default=q_level), structure).transition_hours
    after = evaluate(bigger_space.at_quantiles(default=q_level), bigger_structure).transition_hours
    assert np.all(after >= before - 1e-9)


@SETTINGS
@given(example=st.sampled_from(EXAMPLES), seed=st.integers(0, 2**32 - 1), step=st.floats(0.0, 1.0))
def test_more_familiarity_never_raises_learning_cost(
    setups, example: str, seed: int, step: float
) -> None:  # type: ignore[no-untyped-def]
    _, _, _, structure, space = setups[example]
    values = space.sample(64, np.random.default_rng(seed))
    before = evaluate(values, structure).work_items["learning"]
    more = dict(values)
    more["team.docker_familiarity"] = np.minimum(values["team.docker_familiarity"] + step, 1.0)
    after = evaluate(more, structure).work_items["learning"]
    assert np.all(after <= before + 1e-9)


@SETTINGS
@given(
    example=st.sampled_from(EXAMPLES),
    h1=st.integers(3, 60),
    dh=st.integers(1, 60),
    seed=st.integers(0, 10_000),
)
def test_longer_horizon_favours_lower_recurring_cost(
    setups, example: str, h1: int, dh: int, seed: int
) -> None:  # type: ignore[no-untyped-def]
    _, _, _, structure, space = setups[example]
    values = space.sample(64, np.random.default_rng(seed))
    from dataclasses import replace

    short = evaluate(values, replace(structure, horizon_months=h1))
    long = evaluate(values, replace(structure, horizon_months=h1 + dh))
    sq = structure.status_quo
    # Once the move is complete (D <= h1), each extra month adds R_sq - R_o to the saving; while it
    # is still under way, a longer horizon only adds transition work.
    settled = short.migration_months <= h1
    cheaper_to_run = short.recurring_hours < short.recurring_hours[sq]  # (O, S)
    gained = long.saving_hours - short.saving_hours
    assert np.all(gained[cheaper_to_run & settled] >= -1e-9)
    assert np.all(gained[~cheaper_to_run & settled] <= 1e-9)


TIME_UNITS = ("h", "h ", "minutes")


def _is_time(unit: str) -> bool:
    return unit == "h" or unit.startswith(("h ", "minutes"))


def _scale_questionnaire(q, k: float):  # type: ignore[no-untyped-def]
    def s(e: Estimate) -> Estimate:
        return Estimate(e.low * k, e.likely * k, e.high * k)

    d = q.delivery.model_copy(
        update={
            "hands_on_minutes_per_deploy": s(q.delivery.hands_on_minutes_per_deploy),
            "image_bake_minutes": s(q.delivery.image_bake_minutes),
        }
    )
    i = q.incidents.model_copy(update={"hours_to_restore": s(q.incidents.hours_to_restore)})
    # money per hour is per unit of time: an hour's cost scales by 1/k, so money is unchanged
    hourly = q.team.hourly_cost
    t = q.team.model_copy(
        update={"hourly_cost": Estimate(hourly.low / k, hourly.likely / k, hourly.high / k)}
    )
    return q.model_copy(update={"delivery": d, "incidents": i, "team": t})


def _per_minute_prices(k: float, folder: Path) -> str:
    """An override file with the build-minute price per the scaled minute (x 1/k)."""
    ci = load_prices()["common.ci_minute"]
    f = folder / f"minute-{k}.yaml"
    f.write_text(
        "schema_version: 1\nprices:\n  common.ci_minute: "
        f"{{low: {ci.low / k!r}, likely: {ci.likely / k!r}, high: {ci.high / k!r}}}\n"
    )
    return str(f)


@settings(max_examples=6, deadline=None)
@given(example=st.sampled_from(EXAMPLES), k=st.sampled_from([0.5, 3.0, 60.0]))
def test_changing_the_unit_of_time_changes_no_recommendation(example: str, k: float) -> None:
    """Multiplying every hour-valued input and assumption (capacity included) by k, as a change
    of unit would (money per hour and per build minute x 1/k), leaves every score and so the
    recommendation unchanged."""
    q = load_questionnaire(example_questionnaire(example))
    # a boot's seconds are both a lag (scale-out, held headroom: rates per second) and a wait
    # on every release of a re-baked image (hours): a change of unit would have to rescale the
    # lag's rates as well, so the invariance is checked without a boot
    a = load_assumptions().scaled({"machine_boot_seconds"}, 0.0)
    time_names = {n for n, e in a.entries.items() if _is_time(e.unit)}
    assert "hours_per_engineer_month" in time_names and "pipeline_hours" in time_names
    base = assess(q, assumptions=a, samples=800, seed=9)
    with tempfile.TemporaryDirectory() as tmp:
        minute = _per_minute_prices(k, Path(tmp))
        a_k = dataclasses.replace(a.scaled(time_names, k), override_source=minute)
        scaled = assess(_scale_questionnaire(q, k), assumptions=a_k, samples=800, seed=9)
    w = q.priorities.weights.normalised()
    k0 = likely_constants()
    s0 = score(base.outputs, base.values, base.structure, w, k0)
    s1 = score(scaled.outputs, scaled.values, scaled.structure, w, k0)
    np.testing.assert_allclose(scaled.outputs.npv_hours, k * base.outputs.npv_hours, rtol=1e-9)
    assert s0.recommended == s1.recommended
    np.testing.assert_allclose(s0.total, s1.total, rtol=1e-9, atol=1e-9)


@settings(max_examples=10, deadline=None)
@given(example=st.sampled_from(EXAMPLES), seed=st.integers(0, 10_000))
def test_percentiles_are_monotone(example: str, seed: int) -> None:
    q = load_questionnaire(example_questionnaire(example))
    a = assess(q, samples=300, seed=seed)
    summary = a.summary()
    for key in (
        "transition_hours",
        "recurring_hours_per_month",
        "total_hours",
        "npv_hours",
        "saving_hours",
        "migration_months",
    ):
        assert np.all(summary[f"{key}_p10"] <= summary[f"{key}_p50"] + 1e-12)
        assert np.all(summary[f"{key}_p50"] <= summary[f"{key}_p90"] + 1e-12)
    bands = a.cumulative_bands()
    assert np.all(bands.p10 <= bands.p50 + 1e-9) and np.all(bands.p50 <= bands.p90 + 1e-9)
    p = percentiles(a.outputs.npv_hours)
    assert np.all(np.diff(p, axis=0) >= 0)
