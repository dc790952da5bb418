"""Reversal conditions: thresholds found by bisection against independent root-finding and scans."""

from __future__ import annotations

import dataclasses
import functools
import json
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from scipy.optimize import brentq

from analyzer._io.paths import example_questionnaire
from analyzer.decision.criteria import plausible_floor, threshold
from analyzer.decision.engine import DecisionFunction
from analyzer.decision.fmt import fmt_number
from analyzer.decision.inputs import user_value
from analyzer.decision.reversal import RELATIVE_TOLERANCE, plausible_range, reversals
from analyzer.model.assess import Assessment, assess
from analyzer.model.assumptions import Assumptions, load_assumptions
from analyzer.model.options import load_options
from analyzer.model.prices import load_prices
from analyzer.questionnaire.form import parse_questionnaire

SEED = 20_240_601
DEPLOYS = "delivery.prod_deploys_per_week"
DRIFT = "incidents.rate.environment_drift"
COST_ONLY = {"cost": 1.0, "transition_risk": 0.0, "operational_risk": 0.0, "parity": 0.0,
             "scale_out": 0.0, "portability": 0.0, "team_fit": 0.0}


def seed_document() -> dict[str, Any]:
    return dict(yaml.safe_load(example_questionnaire("seed-team").read_text()))


def high_change_document() -> dict[str, Any]:
    """The seed team grown busier: 6 engineers, a couple of deploys a week, drift incidents a few
    times a year that take two people hours to chase, a scaling API, and a team that has used
    Docker. Under model v2 it stays at its median answers and moves above about 5 deploys a week
    (with monthly drift and 10 deploys a week it moves already)."""
    doc = seed_document()
    doc["name"] = "High-change variant of the seed team"
    doc["team"]["engineers"] = 6
    doc["team"]["docker_familiarity"] = [0.3, 0.5, 0.7]
    doc["delivery"]["prod_deploys_per_week"] = [1, 2, 4]
    doc["incidents"]["counts"]["environment_drift"] = [2, 4, 8]
    doc["incidents"]["hours_to_restore"] = [1, 3, 8]
    doc["incidents"]["people_per_incident"] = [1, 2, 3]
    doc["processes"].append({"name": "api", "kind": "web", "instances": 4,
                             "scale_out_events_per_month": [5, 10, 20],
                             "native_dependencies": [1, 2, 3]})
    return doc


#: The thresholds below are checked on the choice between staying and containers (the scenarios
#: were written for it); options are data, and the search does not depend on how many there are.
CONTAINER_OPTIONS = ("machine-image", "docker", "hybrid")


@functools.cache
def engineer_time_only() -> Assumptions:
    """The assumptions with every infrastructure price at 0 (an override file, as a user would
    write it): money is then engineer-hours x hourly cost, and these tests check the reversal
    search against the engineer-time model's known thresholds."""
    book = load_prices()
    lines = ["schema_version: 1", "prices:"]
    lines += [f"  {json.dumps(k)}: {{low: 0, likely: 0, high: 0}}"
              for k, e in book.entries.items() if e.unit.startswith(book.currency)]
    f = Path(tempfile.mkdtemp(prefix="analyzer-prices-")) / "no-infrastructure.yaml"
    f.write_text("\n".join(lines) + "\n")
    return dataclasses.replace(load_assumptions(), override_source=str(f))


def run(doc: dict[str, Any]) -> tuple[Assessment, DecisionFunction]:
    q = parse_questionnaire(yaml.safe_dump(doc), str(doc["name"]))
    options = {k: v for k, v in load_options().items() if k in CONTAINER_OPTIONS}
    a = assess(q, assumptions=engineer_time_only(), samples=200, seed=SEED, options=options)
    return a, DecisionFunction(a.structure, q.priorities.weights.normalised())


def median_model(a: Assessment, name: str, x: float) -> dict[str, np.ndarray]:
    values = a.space.medians()
    values[name] = np.array([x])
    return values


def scan(a: Assessment, engine: DecisionFunction, name: str, low: float, high: float, points: int = 2001
         ) -> np.ndarray:
    """Winner of the median model at ``points`` values of one input (an independent check)."""
    values = a.space.medians()
    values[name] = np.linspace(low, high, points)
    return engine.winner(values)


@pytest.fixture(scope="module")
def seed() -> tuple[Assessment, DecisionFunction]:
    return run(seed_document())


@pytest.fixture(scope="module")
def seed_cost_only() -> tuple[Assessment, DecisionFunction]:
    doc = seed_document()
    doc["priorities"]["weights"] = COST_ONLY
    return run(doc)


@pytest.fixture(scope="module")
def high_change_cost_only() -> tuple[Assessment, DecisionFunction]:
    doc = high_change_document()
    doc["priorities"]["weights"] = COST_ONLY
    return run(doc)


@pytest.fixture(scope="module")
def high_change() -> tuple[Assessment, DecisionFunction]:
    return run(high_change_document())


@pytest.mark.slow  # three dense scans, ~4 s: in `make test`, not the fast tier
@pytest.mark.parametrize(("team", "name"), [("seed_cost_only", DEPLOYS),
                                            ("high_change_cost_only", DEPLOYS),
                                            ("high_change_cost_only", DRIFT)])
def test_cost_only_threshold_is_where_the_net_saving_crosses_zero(
    request: pytest.FixtureRequest, team: str, name: str
) -> None:
    """With all weight on cost the winner is the cheapest option, so the flip must be the root of
    the net saving (status quo NPV minus the cheapest alternative's), found here by Brent's
    method on DecisionFunction.net_saving: an independent route to the same number."""
    a, engine = request.getfixturevalue(team)
    (rev,) = reversals(engine, a.space, [name], recommended=a.structure.status_quo)
    low, high = plausible_range(a.space[name])
    saving = lambda x: float(engine.net_saving(median_model(a, name, x))[0])  # noqa: E731
    if rev.threshold is None:  # then the net saving keeps its sign over the plausible range
        xs = np.linspace(low, high, 401)
        assert np.all(np.array([saving(x) for x in xs]) < 0)
        assert "no flip within the plausible range" in rev.text
        return
    root = brentq(saving, a.space[name].quantile(0.5), high, xtol=1e-12)
    assert rev.threshold == pytest.approx(root, rel=2 * RELATIVE_TOLERANCE)
    assert rev.direction == "above" and rev.holds == "machine-image"
    assert rev.flips_to in a.option_names and rev.flips_to != a.status_quo  # a move
    assert rev.flips_to in rev.text and "wins above" in rev.text


def test_high_change_deploy_threshold_matches_a_dense_scan() -> None:
    doc = high_change_document()
    doc["delivery"]["prod_deploys_per_week"] = [1, 10, 80]  # a team unsure of its own rate
    a, engine = run(doc)
    (rev,) = reversals(engine, a.space, [DEPLOYS], recommended=a.structure.status_quo)
    assert rev.threshold is not None and rev.flips_to is not None
    low, high = plausible_range(a.space[DEPLOYS])
    assert low <= rev.threshold <= high
    x = np.linspace(low, high, 2001)
    wins = scan(a, engine, DEPLOYS, low, high)
    first = x[np.flatnonzero(wins != a.structure.status_quo)[0]]
    assert rev.threshold == pytest.approx(first, abs=(high - low) / 2000)
    names = a.option_names
    below = rev.threshold * (1 - 2 * RELATIVE_TOLERANCE)
    above = rev.threshold * (1 + 2 * RELATIVE_TOLERANCE)
    assert names[int(engine.winner(median_model(a, DEPLOYS, below))[0])] == rev.holds
    assert names[int(engine.winner(median_model(a, DEPLOYS, above))[0])] == rev.flips_to
    current = a.space[DEPLOYS].quantile(0.5)
    assert rev.text.startswith(f"{rev.flips_to} wins above {fmt_number(rev.threshold)} production "
                               f"deploys a week (now {fmt_number(current)}; plausible ")


def test_flip_below_the_current_value() -> None:
    """Start where an alternative already wins: the flip back is reported 'below', and the
    winner really changes at the threshold on the median model."""
    doc = high_change_document()
    doc["delivery"]["prod_deploys_per_week"] = [5, 100, 300]
    a, engine = run(doc)
    (rev,) = reversals(engine, a.space, [DEPLOYS], recommended=a.structure.status_quo)
    assert rev.direction == "below" and rev.flips_to is not None
    assert rev.holds != a.status_quo and rev.flips_to != rev.holds
    assert "already scores best" in rev.text
    names = a.option_names
    just_below = engine.winner(median_model(a, DEPLOYS, rev.threshold * 0.99))[0]
    just_above = engine.winner(median_model(a, DEPLOYS, rev.threshold * 1.01))[0]
    assert names[just_below] == rev.flips_to and names[just_above] == rev.holds


def test_seed_team_deploys_threshold_agrees_with_a_dense_scan(seed) -> None:
    """The seed team deploys about once a week; only a far busier team would move. Whatever the
    search reports must match an independent scan of the median model."""
    a, engine = seed
    q = a.questionnaire
    (rev,) = reversals(engine, a.space, [DEPLOYS], recommended=a.structure.status_quo,
                       questionnaire=q)
    p = a.space[DEPLOYS]
    assert rev.current == p.dist.likely  # "now" is what the user typed
    factor = threshold("plausible_factor")
    assert rev.plausible_high == max(p.dist.high * factor, plausible_floor(DEPLOYS))
    assert rev.plausible_low == pytest.approx(max(p.dist.low / factor, 0.0))
    assert rev.kind == "answer"
    winners = scan(a, engine, DEPLOYS, rev.range_low, rev.range_high)
    xs = np.linspace(rev.range_low, rev.range_high, winners.size)
    if rev.threshold is None:
        assert rev.text.startswith("no flip within the plausible range of production deploys")
        assert "now 1" in rev.text
        assert np.all(winners == 0)
        return
    assert rev.direction == "above" and rev.holds == "machine-image"
    assert rev.threshold > 10 * rev.current  # far from how the team works today
    first_change = xs[np.argmax(winners != 0)]
    step = xs[1] - xs[0]
    assert abs(first_change - rev.threshold) <= 2 * step
    assert a.option_names[winners[np.argmax(winners != 0)]] == rev.flips_to
    assert f"above {rev.threshold:.0f} production deploys a week (now 1" in rev.text


def test_docker_wins_above_a_drift_rate(high_change) -> None:
    """More environment-drift incidents, alone, make docker win; the rate reads per year."""
    a, engine = high_change
    (rev,) = reversals(engine, a.space, [DRIFT], recommended=a.structure.status_quo)
    assert rev.flips_to == "docker" and rev.direction == "above" and rev.threshold is not None
    wins = scan(a, engine, DRIFT, rev.range_low, rev.range_high)
    x = np.linspace(rev.range_low, rev.range_high, wins.size)
    first = x[np.flatnonzero(wins != a.structure.status_quo)[0]]
    # the scan's first point past the flip is up to one grid step beyond it, and the bisection
    # stops within RELATIVE_TOLERANCE of it: the two agree within the sum of both
    step = (rev.range_high - rev.range_low) / (wins.size - 1)
    assert abs(rev.threshold - first) <= step + RELATIVE_TOLERANCE * first
    now = 12 * a.space[DRIFT].quantile(0.5)
    assert rev.text.startswith(f"docker wins above {fmt_number(12 * rev.threshold)} environment "
                               f"drift incidents a year (now {fmt_number(now)}; plausible ")


def test_plausible_ranges(seed) -> None:
    """The user's range widened by the stated factor, inside the field's bounds."""
    a, _ = seed
    space, q = a.space, a.questionnaire
    f = threshold("plausible_factor")
    assert plausible_range(space["delivery.failed_deploy_rate"], q)[1] <= 1.0  # a fraction
    fam = space["team.docker_familiarity"]
    assert plausible_range(fam, q) == (pytest.approx(fam.dist.low / f),
                                       pytest.approx(min(fam.dist.high * f, 1.0)))
    kloc = space["codebase.kloc"]
    assert plausible_range(kloc, q) == (pytest.approx(max(kloc.dist.low / f, 0.1)),
                                        pytest.approx(kloc.dist.high * f))
    pipe = space["assumptions.pipeline_hours"]
    assert plausible_range(pipe, q) == (pytest.approx(pipe.dist.low / f),
                                        pytest.approx(pipe.dist.high * f))
    drift = space[DRIFT]  # incident rates: the user's count over the window, per month
    low, high = plausible_range(drift, q)
    assert high >= plausible_floor(DRIFT) and low >= 0.0
    assert user_value(drift, q) == pytest.approx(
        q.incidents.counts["environment_drift"].likely / q.incidents.window_months.likely)


def test_reported_flips_lie_inside_their_plausible_range(high_change) -> None:
    a, engine = high_change
    names = [p.name for p in a.space.uncertain if p.origin == "answer"]
    for rev in reversals(engine, a.space, names, recommended=1, questionnaire=a.questionnaire):
        if rev.threshold is not None:
            assert rev.plausible_low <= rev.threshold <= rev.plausible_high, rev.text
        assert rev.kind == "answer"


def test_many_drivers_at_once(seed) -> None:
    """Drivers are searched together; each result is the same as searching it alone."""
    a, engine = seed
    names = [p.name for p in a.space.uncertain[:12]]
    together = reversals(engine, a.space, names, recommended=0)
    alone = [reversals(engine, a.space, [n], recommended=0)[0] for n in names[:3]]
    assert [r.parameter for r in together] == names
    for joint, single in zip(together[:3], alone, strict=True):
        assert (joint.direction, joint.holds, joint.flips_to) == (single.direction, single.holds, single.flips_to)
        if single.threshold is None:
            assert joint.threshold is None
        else:  # both bisect to the same relative tolerance from different brackets
            assert joint.threshold == pytest.approx(single.threshold, rel=2e-3)
    assert reversals(engine, a.space, [], recommended=0) == []
