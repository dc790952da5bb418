"""The cost model: reproducibility, closed forms, options as data, assumptions and overrides."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analyzer.errors import InputError
from analyzer.model.assess import assess
from analyzer.model.assumptions import load_assumptions
from analyzer.model.core import build_space, build_structure, evaluate
from analyzer.model.options import load_options
from analyzer.questionnaire.form import load_questionnaire

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def seed_q():  # type: ignore[no-untyped-def]
    from analyzer._io.paths import example_questionnaire

    return load_questionnaire(example_questionnaire("seed-team"))


@pytest.fixture(scope="module")
def seed_assessment(seed_q):  # type: ignore[no-untyped-def]
    return assess(seed_q, samples=4000, seed=5)


def test_same_seed_same_numbers(seed_q) -> None:  # type: ignore[no-untyped-def]
    a = assess(seed_q, samples=2000, seed=42)
    b = assess(seed_q, samples=2000, seed=42)
    for name in a.values:
        np.testing.assert_array_equal(a.values[name], b.values[name])
    np.testing.assert_array_equal(a.outputs.npv_hours, b.outputs.npv_hours)
    assert a.to_dict() == b.to_dict()
    c = assess(seed_q, samples=2000, seed=43)
    assert not np.array_equal(a.outputs.npv_hours, c.outputs.npv_hours)


def test_seed_zero_is_a_seed(seed_q) -> None:  # type: ignore[no-untyped-def]
    a = assess(seed_q, samples=500, seed=0)
    b = assess(seed_q, samples=500, seed=0)
    np.testing.assert_array_equal(a.outputs.npv_hours, b.outputs.npv_hours)


def test_shapes_and_status_quo(seed_assessment) -> None:  # type: ignore[no-untyped-def]
    o = seed_assessment.outputs
    n_opt = len(seed_assessment.option_names)
    assert o.npv_hours.shape == (n_opt, 4000)
    sq = seed_assessment.structure.status_quo
    assert np.all(o.transition_hours[sq] == 0)
    assert np.all(o.saving_hours[sq] == 0)
    assert np.all(np.isnan(o.breakeven_month[sq]))
    assert np.all(o.transition_hours[np.arange(n_opt) != sq] > 0)


def test_breakeven_matches_materialised_cumulative(seed_assessment) -> None:  # type: ignore[no-untyped-def]
    o = seed_assessment.outputs
    sq = seed_assessment.structure.status_quo
    months = np.arange(0, 241, dtype=float)
    cum = o.cumulative(months)  # (O, S, M)
    for i in range(len(seed_assessment.option_names)):
        if i == sq:
            continue
        ahead = cum[i] <= cum[sq] + 1e-9  # (S, M)
        ahead[:, 0] = False
        first = np.where(ahead.any(axis=1), ahead.argmax(axis=1), np.inf)
        expected = np.where(first <= seed_assessment.horizon_months, first, np.inf)
        np.testing.assert_array_equal(o.breakeven_month[i], expected)


def test_total_is_cumulative_at_horizon_and_npv_discounts(seed_assessment) -> None:  # type: ignore[no-untyped-def]
    o = seed_assessment.outputs
    h = float(seed_assessment.horizon_months)
    cum = o.cumulative(np.array([h]))[..., 0]
    np.testing.assert_allclose(o.total_hours, cum, rtol=1e-12)
    assert np.all(o.npv_hours < o.total_hours)


def test_zero_discount_npv_equals_total(seed_q) -> None:  # type: ignore[no-untyped-def]
    pri = seed_q.priorities.model_copy(update={"discount_rate_annual": 0.0})
    a = assess(seed_q.model_copy(update={"priorities": pri}), samples=500, seed=1)
    np.testing.assert_allclose(a.outputs.npv_hours, a.outputs.total_hours, rtol=1e-12)


def test_fourth_option_is_data_only(seed_q) -> None:  # type: ignore[no-untyped-def]
    options = load_options(FIXTURES / "options-four.yaml")
    a = assess(seed_q, options=options, samples=1000, seed=2)
    assert a.option_names == ("machine-image", "docker", "baked-containers")
    summary = a.summary()
    baked = summary.loc["baked-containers"]
    # only stateless processes move, so it costs less up front than docker but more than nothing
    assert 0 < baked.transition_hours_p50 < summary.loc["docker"].transition_hours_p50
    items = set(a.work_items().query("option == 'baked-containers'")["item"])
    assert "volumes" not in items and "containerise" in items
    assert a.cheapest_share.sum() == pytest.approx(1.0)


def test_every_assumption_has_range_unit_and_source() -> None:
    a = load_assumptions()
    assert len(a.entries) > 30
    for name, entry in a.entries.items():
        assert entry.low <= entry.likely <= entry.high, name
        assert entry.unit.strip(), name
        assert len(entry.source.strip()) > 10, name
        assert "TODO" not in entry.source and "TBD" not in entry.source, name


def _busier(q):  # type: ignore[no-untyped-def]
    """The seed team, re-baking an image per deploy and scaling its web process out."""
    from analyzer.questionnaire.estimate import Estimate

    procs = [
        p.model_copy(update={"scale_out_events_per_month": Estimate(2, 5, 10)})
        if p.kind == "web"
        else p
        for p in q.processes
    ]
    delivery = q.delivery.model_copy(update={"deploy_method": "rebake-image"})
    return q.model_copy(update={"processes": procs, "delivery": delivery})


def _variants(q):  # type: ignore[no-untyped-def]
    """(questionnaire, options) pairs that between them exercise every mechanism of the model."""
    from analyzer.questionnaire.form import Questionnaire

    options = load_options()
    busier = _busier(q)
    data = busier.model_dump(mode="json", exclude_unset=True)
    data["team"] |= {"platform_engineers": 1, "new_services_per_year": 2, "hires_per_year": 2}
    data["platform"] = {"config_management": "puppet"}
    data["delivery"] |= {"environments": 3, "deploy_method": "package-upgrade"}
    data["processes"][0]["deploy_method"] = "rebake-image"
    data["processes"][0]["shares_host_with"] = [data["processes"][1]["name"]]
    data["processes"].append(
        {"name": "cron", "kind": "scheduler", "deploy_method": "config-management"}
    )
    data["processes"][2]["runs_on"] = "managed"
    rich = Questionnaire.model_validate(data)
    fleet_data = busier.model_dump(mode="json", exclude_unset=True)
    fleet_data["processes"][0]["count"] = 50
    fleet_data["team"]["engineers"] = 40  # enough people that the squad size caps them
    fleet_data["team"].pop("hires_per_year", None)  # the default hiring plan: a share of them
    fleet_data["team"].pop("new_services_per_year", None)  # default: a share of the services
    fleet = Questionnaire.model_validate(fleet_data)
    docker = options["docker"]
    self_run = {
        **options,
        "docker": docker.model_copy(
            update={"needs": docker.needs.model_copy(update={"orchestrator": "self-run"})}
        ),
    }
    # the seed team itself bakes nothing today: the option that bakes per release builds a pipeline
    return [(busier, options), (rich, options), (fleet, options), (busier, self_run), (q, options)]


def test_every_assumption_is_used_by_the_model(seed_q) -> None:  # type: ignore[no-untyped-def]
    """Each assumption must move something: perturb it and look for a change in some output of
    at least one team that has the mechanism it belongs to."""
    a = load_assumptions()
    runs = []
    for q, options in _variants(seed_q):
        st = build_structure(q, options, a)
        base = build_space(q, a, options, np.random.default_rng(0)).medians()
        runs.append((st, base, evaluate(base, st)))
    unused = []
    policy = {
        "transition_risk_half_months",
        "capacity_share_half",
        "confidence_threshold",
        "incident_prior_shape",
        "incident_prior_months",
        "compose_max_services",  # chooses the structure (compose or an orchestrator)
        "ops_gap_note_share",  # when the assessment notes the operations-time gap
    }  # decision layer / space building / structure
    fields = (
        "npv_hours",
        "transition_hours",
        "recurring_hours",
        "start_seconds",
        "scale_out_relevance",
        "migration_months",
        "incident_hours",
        "drift_hours",
        "team_fit",
        "portability",
        "ops_gap_hours",
    )
    for name in a.entries:
        if name in policy:
            continue  # used by the decision layer, not the cost model
        changed = False
        for st, base, out0 in runs:
            bumped = dict(base)
            bumped[f"assumptions.{name}"] = base[f"assumptions.{name}"] * 1.5 + 0.1
            out = evaluate(bumped, st)
            changed = changed or any(
                not np.allclose(getattr(out0, f), getattr(out, f)) for f in fields
            )
        if not changed:
            unused.append(name)
    assert unused == []


def test_incident_prior_shapes_the_rate(seed_q) -> None:  # type: ignore[no-untyped-def]
    options = load_options()
    weak = build_space(seed_q, load_assumptions(), options, np.random.default_rng(0))
    a = load_assumptions().scaled({"incident_prior_shape"}, 4.0)
    strong = build_space(seed_q, a, options, np.random.default_rng(0))
    name = "incidents.rate.environment_drift"
    assert strong[name].dist.mean > weak[name].dist.mean


def test_override_file_merges_and_marks(tmp_path: Path) -> None:
    f = tmp_path / "mine.yaml"
    f.write_text(
        "schema_version: 1\nassumptions:\n  learning_hours_per_engineer: {low: 8, likely: 20, high: 40}\n"
    )
    a = load_assumptions(f)
    assert a["learning_hours_per_engineer"].likely == 20
    assert a["learning_hours_per_engineer"].unit.startswith("h per engineer")
    assert "override in mine.yaml" in a["learning_hours_per_engineer"].source
    assert a.overridden == {"learning_hours_per_engineer"}
    assert a["pipeline_hours"] == load_assumptions()["pipeline_hours"]
    assert a.digest() != load_assumptions().digest()


@pytest.mark.parametrize(
    ("body", "fragment", "line"),
    [
        (
            "  learning_hours_per_enginer: {likely: 3}\n",
            "did you mean 'learning_hours_per_engineer'",
            3,
        ),
        ("  pipeline_hours: {low: 50, likely: 10}\n", "need low <= likely <= high", 3),
        ("  pipeline_hours: {likely: .nan}\n", "finite", 3),
        ("  pipeline_hours: {likely: ten}\n", "valid number", 3),
        ("  pipeline_hours: {mode: 3}\n", "mode", 3),
    ],
)
def test_override_errors_name_file_line_and_field(
    tmp_path: Path, body: str, fragment: str, line: int
) -> None:
    f = tmp_path / "bad.yaml"
    f.write_text("schema_version: 1\nassumptions:\n" + body)
    with pytest.raises(InputError) as info:
        load_assumptions(f)
    text = str(info.value)
    assert fragment in text
    assert f"{f}:{line}:" in text
    assert "assumptions." in text


def test_history_free_questionnaire_uses_gamma_rates(seed_q) -> None:  # type: ignore[no-untyped-def]
    a = assess(seed_q, samples=200, seed=1)
    rate = a.space["incidents.rate.environment_drift"]
    assert rate.origin == "answer"
    assert "Gamma" in rate.dist.describe()
