"""Reasons name the wait for new services when the team gave it and it drives the lead."""

from __future__ import annotations

from analyzer._io.paths import example_questionnaire
from analyzer.decision.decide import decide
from analyzer.model.assess import assess
from analyzer.questionnaire.form import Questionnaire, load_questionnaire


def _saas(team: dict[str, object], drop: tuple[str, ...] = ()) -> Questionnaire:
    q = load_questionnaire(example_questionnaire("saas-12"))
    data = q.model_dump(mode="json", exclude_unset=True)
    data["team"] = {k: v for k, v in {**data["team"], **team}.items() if k not in drop}
    return Questionnaire.model_validate(data)


def _reasons(q: Questionnaire) -> str:
    return " ".join(decide(assess(q, samples=400, seed=2), sensitivity=False).reasons)


def test_a_long_wait_the_team_gave_is_named() -> None:
    q = _saas({"new_services_per_year": 20, "new_service_wait_days": 60})
    assert "The wait for new services: about 20 new services a year each wait about 60 days" in (
        _reasons(q)
    )


def test_a_default_wait_is_not_the_teams_pain() -> None:
    q = _saas({"new_services_per_year": 20}, drop=("new_service_wait_days",))
    assert "The wait for new services" not in _reasons(q)


def test_scale_outs_left_to_their_default_are_counted_as_the_model_drew_them() -> None:
    """A default of (0, 0, 2) scale-outs a month has a likely value of 0; the lag beside it is
    the model's median over its draws, so the count shown is too: never '0 scale-outs a month
    (a default) ... 13 minutes a month'."""
    import re

    from analyzer._io.paths import data_dir

    q = load_questionnaire(data_dir() / "questionnaires" / "calibration" / "buffer-k8s.yaml")
    a = assess(q, samples=2000, seed=1)
    reasons = decide(a, sensitivity=False).reasons
    lag = [r for r in reasons if r.startswith("Scale-out lag:")]
    assert lag, reasons
    found = re.match(r"Scale-out lag: ([\d.,]+) scale-outs a month \(a default\)", lag[0])
    assert found is not None, lag[0]
    assert float(found.group(1)) > 0.0
