"""The decision: acceptance on the examples, TOPSIS vector, thresholds and the assess command."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analyzer.decision.decide import Decision, decide
from analyzer.decision.scoring import topsis
from analyzer.model.assess import assess
from analyzer.model.assumptions import load_assumptions
from analyzer.paths import example_questionnaire
from analyzer.questionnaire import load_questionnaire

SAMPLES = 3000


def _decide(name: str, **kwargs: object) -> Decision:
    q = load_questionnaire(example_questionnaire(name))
    return decide(assess(q, samples=SAMPLES, seed=3, **kwargs), sensitivity=False)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def seed_decision() -> Decision:
    return _decide("seed-team")


@pytest.fixture(scope="module")
def saas_decision() -> Decision:
    return _decide("saas-12")


def test_topsis_tzeng_huang_vector() -> None:
    matrix = np.array([[5, 8, 4], [7, 6, 8], [8, 8, 6], [7, 4, 6]], dtype=float)
    closeness = topsis(matrix, np.array([0.3, 0.4, 0.3]), np.array([True, True, True]))
    np.testing.assert_allclose(closeness, [0.5037, 0.6581, 0.7482, 0.3340], atol=5e-5)


def test_topsis_cost_criterion_flips_preference() -> None:
    matrix = np.array([[1.0], [2.0]])
    assert np.argmax(topsis(matrix, np.array([1.0]), np.array([True]))) == 1
    assert np.argmax(topsis(matrix, np.array([1.0]), np.array([False]))) == 0


def test_seed_team_stays_for_the_posts_reasons(seed_decision: Decision) -> None:
    d = seed_decision
    assert d.recommendation == "machine-image"
    assert not d.too_close and d.confidence >= 0.9
    text = " ".join(d.reasons)
    assert "not being felt" in text  # "we're not really experiencing the problems Docker can solve"
    assert "significant work" in text  # "the amount of effort required ... is significant"
    assert "pay back" in text
    assert d.headline().startswith("Stay with today's setup")


def test_high_change_team_moves_for_drift_and_deploys(saas_decision: Decision) -> None:
    d = saas_decision
    assert d.recommendation in ("docker", "hybrid")
    text = " ".join(d.reasons).lower()
    # model v2: the per-service upkeep of machine images and the drift the team reports
    assert "drift" in text and "per image" in text


def test_reasons_carry_figures_with_units(seed_decision: Decision) -> None:
    for reason in seed_decision.reasons:
        assert any(ch.isdigit() for ch in reason), reason
    assert any(" h " in r or " h)" in r for r in seed_decision.reasons)


def test_confidence_is_the_recommended_options_win_share(seed_decision: Decision) -> None:
    d = seed_decision
    winners = np.argmax(d.scoring.total, axis=0)
    assert d.confidence == pytest.approx(np.mean(winners == d.scoring.recommended))
    assert d.scoring.winner_share.sum() == pytest.approx(1.0)


def test_below_threshold_is_too_close_to_call(tmp_path: Path) -> None:
    f = tmp_path / "strict.yaml"
    f.write_text("schema_version: 1\nassumptions:\n  confidence_threshold: {low: 1.01, likely: 1.01, high: 1.01}\n")
    d = _decide("seed-team", assumptions=load_assumptions(f))
    assert d.too_close
    assert d.headline().startswith("Too close to call")
    assert d.to_dict()["recommendation"]["too_close_to_call"] is True


def test_contributions_add_up_to_the_median_total(seed_decision: Decision) -> None:
    table = seed_decision.scores_table()
    from analyzer.questionnaire import CRITERIA

    parts = table[list(CRITERIA)].sum(axis=1)
    # a sum of medians is not the median of sums, but they agree closely here
    np.testing.assert_allclose(parts, table["total_p50"], atol=3.0)


def test_to_dict_is_json_with_the_documented_shape(seed_decision: Decision) -> None:
    data = json.loads(json.dumps(seed_decision.to_dict(), allow_nan=False))
    for name in ("machine-image", "docker", "hybrid"):
        opt = data["options"][name]
        assert set(opt["total_hours"]) == {"p10", "p50", "p90"}
        assert "p50" in opt["breakeven_month"]
    assert data["options"]["docker"]["breakeven_month"]["p50"] is None  # never within 24 months
    rec = data["recommendation"]
    assert rec["option"] == "machine-image"
    assert isinstance(rec["reasons"], list) and all(isinstance(r, str) for r in rec["reasons"])
    assert 0 <= rec["confidence"] <= 1
    assert "reversals" in data and "sensitivity" in data


def test_cli_assess_json(cli, seed_path) -> None:  # type: ignore[no-untyped-def]
    r = cli("assess", str(seed_path), "--format", "json", "--samples", "2000", "--no-sensitivity")
    assert r.code == 0, r.err
    data = json.loads(r.out)
    assert data["recommendation"]["option"] == "machine-image"
    assert data["samples"] == 2000
    again = cli("assess", str(seed_path), "--format", "json", "--samples", "2000", "--no-sensitivity")
    assert again.out == r.out


def test_cli_assess_text(cli, seed_path) -> None:  # type: ignore[no-untyped-def]
    r = cli("assess", str(seed_path), "--samples", "2000", "--no-sensitivity")
    assert r.code == 0, r.err
    assert "Stay with today's setup" in r.out
    assert "Why" in r.out and "break-even" in r.out
    assert r.err == ""  # no progress bar when stderr is not a terminal


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--samples", "5"], "--samples: must be between"),
        (["--seed", "-1"], "--seed: must be a whole number"),
        (["--assumptions", "missing.yaml"], "missing.yaml: no such assumptions file"),
    ],
)
def test_cli_assess_bad_options(cli, seed_path, args: list[str], fragment: str) -> None:  # type: ignore[no-untyped-def]
    r = cli("assess", str(seed_path), "--no-sensitivity", *args)
    assert r.code == 2
    assert fragment in r.err
    assert "Traceback" not in r.err


def test_history_replaces_typed_counts_and_says_so(tmp_path: Path) -> None:
    """With an incident export, the model uses it; typed-in counts are ignored, and the
    decision says so rather than silently picking one."""
    import shutil

    from analyzer.pipeline import analyze

    fixtures = Path(__file__).parent / "fixtures"
    shutil.copy(fixtures / "history-incidents.csv", tmp_path)
    text = (fixtures / "history-team.yaml").read_text(encoding="utf-8")
    path = tmp_path / "team.yaml"
    path.write_text(text.replace("  history:", "  counts: {environment_drift: 40}\n  history:", 1))
    d = analyze(path, samples=500, seed=1, sensitivity=False)
    assert d.assessment.space["incidents.rate.environment_drift"].origin == "history"
    assert any("history-incidents.csv" in n and "were not used" in n for n in d.notes)
    assert d.to_dict()["notes"] == list(d.notes)
