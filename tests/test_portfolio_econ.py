"""Portfolio economics against single-application decisions: money with infrastructure, the wave
plan's payback rule, the reasons to stay, the kinds of move and a portfolio with nothing to move."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from analyzer._io.paths import data_dir
from analyzer.decision.decide import recommend
from analyzer.model.assess import assess
from analyzer.portfolio import evaluate as evaluate_module
from analyzer.portfolio.content import decision_section, headline, to_dict
from analyzer.portfolio.evaluate import BAKED, CONTAINERS, NEVER_PAYS_BACK, evaluate_app
from analyzer.portfolio.inventory import load_portfolio
from analyzer.portfolio.outputs import portfolio_bytes
from analyzer.portfolio.run import PortfolioResult, _plan, run_portfolio
from analyzer.report.content import NOTHING_TO_MOVE_FLIPS
from tests.test_nothing_to_move import ALL_IN_CONTAINERS  # the same team, as a portfolio

SEED_PORTFOLIO = data_dir() / "portfolios" / "seed-team"
KW: dict[str, Any] = {"horizon_months": 36, "samples": 400, "run_seed": 3, "assumptions_path": None,
                      "platform_items": load_portfolio(SEED_PORTFOLIO).platform_items}


@pytest.fixture(scope="module")
def seed_run() -> PortfolioResult:
    return run_portfolio(load_portfolio(SEED_PORTFOLIO), samples=400, seed=3)


def _page1(r: PortfolioResult) -> str:
    return json.dumps([getattr(b, "text", None) or getattr(b, "items", None)
                       for b in decision_section(r, None).blocks], default=str)


# ---- defect 2: money as for one application (people + infrastructure) ----------------------


def test_the_portfolio_moves_what_assess_moves_for_its_infrastructure(seed_run: PortfolioResult) -> None:
    """service-component: assess recommends a move (the hybrid at 10,000 samples: infrastructure
    falls from USD 5,000 to 3,000 a month); in engineer-hours alone the portfolio kept it on
    machine images."""
    app = next(a for a in load_portfolio(SEED_PORTFOLIO).apps if a.id == "service-component")
    alone = recommend(assess(app.questionnaire, samples=400, seed=3))
    row = next(a for a in seed_run.apps if a["id"] == "service-component")
    assert alone.recommendation != row["status_quo"]
    assert row["moves"] and row["with_platform"] != row["status_quo"] and row["wave"] == 1
    assert row["value_money_p50"] > 0 and seed_run.decision.build


def test_value_and_platform_are_money_with_infrastructure() -> None:
    """value = money_npv[sq] - (money_npv[o] - P[o] x rate), the independent sum of the model's
    outputs; the platform's money in the run is the largest P x rate among those that move."""
    app = next(a for a in load_portfolio(SEED_PORTFOLIO).apps if a.id == "service-component")
    out = evaluate_app(app, **{**KW, "horizon_months": app.questionnaire.priorities.horizon_months})
    a = assess(app.questionnaire, samples=400, seed=evaluate_module.app_seed(3, app.id),
               shared=evaluate_module.shared_draws(3, 400), lean=True, hold_breakdowns=True)
    o, sq = a.outputs, a.structure.status_quo
    best = a.option_names.index(out.summary["with_platform"])
    plat = sum(o.work_items[k] for k in KW["platform_items"])
    value = o.money_npv[sq] - (o.money_npv[best] - plat[best] * o.hourly_cost)
    assert out.summary["value_money_p50"] == pytest.approx(float(np.median(value)), rel=1e-6)
    infra = o.infrastructure_monthly[sq] - o.infrastructure_monthly[best]
    assert np.allclose(out.arrays["monthly_saving_money"],
                       (o.recurring_hours[sq] - o.recurring_hours[best]) * o.hourly_cost + infra, rtol=1e-5)


def test_page_one_says_what_the_money_includes(seed_run: PortfolioResult) -> None:
    text = _page1(seed_run)
    assert "infrastructure" in text and "the decision is made in money" in text
    data = to_dict(seed_run)["decision"]
    assert data["decided_in"] == "money" and data["build_platform"] == seed_run.money.build


# ---- defect 1: the plan leaves out only what cannot pay back where it lands -----------------


def _summary(aid: str, effort: float, saving: float, stateful: bool = False) -> dict[str, Any]:
    return {"id": aid, "effort_hours_p50": effort, "effort_money_p50": effort,
            "monthly_saving_money_p50": saving, "stateful_move": stateful}


def test_a_high_value_application_takes_the_room_of_late_quick_wins() -> None:
    """Twelve quick wins of one wave each (saving 20 a month, effort 100: they pay back if their
    wave ends before month 31) and a stateful one planned last (saving 100 a month). Waves end
    at months 3, 6, ..., 36: the 11th and 12th quick wins do not pay back and stay; the stateful
    one takes wave 11 (ends at 33: 100 x 3 - 100 > 0). Dropping every late one at once and never
    re-offering them kept it out although it pays back."""
    quick = [_summary(f"q{i:02d}", 100.0, 20.0) for i in range(1, 13)]
    big = _summary("z-stateful", 100.0, 100.0, stateful=True)
    candidates = [*quick, big]
    worth = {a["id"]: a["monthly_saving_money_p50"] * 36 - 100.0 for a in candidates}
    worth["z-stateful"] = 3000.0  # the highest value, planned last (stateful)
    plan = SimpleNamespace(hours_per_wave=100.0, wave_months=3.0, critical_last=True)
    portfolio = SimpleNamespace(plan=plan, source="p.yaml")
    apps = {a["id"]: SimpleNamespace(critical=False, depends_on=()) for a in candidates}
    waves, dropped = _plan(portfolio, candidates, apps, 0.0, 36.0, worth)  # type: ignore[arg-type]
    placed = {aid: w.number for w in waves for aid in w.apps}
    assert placed["z-stateful"] == 11
    assert sorted(dropped) == ["q11", "q12"]
    assert [placed[f"q{i:02d}"] for i in range(1, 11)] == list(range(1, 11))


# ---- defect 6: a best move that never pays back is today's setup --------------------------------


def test_a_move_that_never_pays_back_shows_todays_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    app = next(a for a in load_portfolio(SEED_PORTFOLIO).apps if a.id == "service-component")

    def losing(npv: Any, platform: Any, status_quo: int) -> tuple[int, Any]:
        other = next(i for i in range(npv.shape[0]) if i != status_quo)
        return other, npv[status_quo] + 1000.0  # its value is -1,000 in every future

    monkeypatch.setattr(evaluate_module, "marginal_choice", losing)
    s = evaluate_app(app, **KW).summary
    assert not s["moves"] and s["with_platform"] == s["status_quo"]
    assert s["reason"] == NEVER_PAYS_BACK and s["stays_because"] == "never_pays_back"
    assert s["value_money_p50"] == 0.0


# ---- defects 3 and 5: who stays and why, and where the others move ----------------------------


def _row(aid: str, moves: bool, kind: str | None = None, because: str | None = None) -> dict[str, Any]:
    return {"id": aid, "name": aid, "moves": moves, "move_kind": kind, "stays_because": because,
            "value_run_money_p50": 10.0, "effort_hours_p50": 5.0, "recommendation": "x",
            "status_quo": "machine-image", "nothing_to_move": False}


def test_page_one_counts_each_reason_to_stay_apart(seed_run: PortfolioResult) -> None:
    rows = ([_row(f"c{i}", True, CONTAINERS) for i in range(3)] + [_row("b1", True, BAKED)]
            + [_row("s1", False, because="better_off"), _row("s2", False, because="never_pays_back")]
            + [_row(f"late{i}", False, because="capacity") for i in range(4)])
    r = dataclasses.replace(seed_run, apps=tuple(rows))
    text = _page1(r)
    assert "2 applications are better off where they are" in text
    assert "4 applications would move given the platform but stay beyond the plan's capacity" in text
    assert "6 applications are better off" not in text
    held = dataclasses.replace(seed_run, apps=tuple(_row(f"h{i}", False, because="no_platform") for i in range(5)))
    assert "5 applications would move given the platform but are held back because no platform is built" in _page1(held)
    assert to_dict(r)["decision"]["applications_staying_because"] == {"better_off": 2, "capacity": 4, "no_platform": 0}


def test_headline_counts_container_and_bake_moves_apart(seed_run: PortfolioResult) -> None:
    rows = [_row(f"c{i}", True, CONTAINERS) for i in range(3)] + [_row(f"b{i}", True, BAKED) for i in range(2)]
    r = dataclasses.replace(seed_run, apps=tuple(rows))
    assert "move 3 of 5 applications to containers and 2 to baked images" in headline(r)
    assert "container platform" not in headline(r)
    assert to_dict(r)["decision"]["applications_moving_to"] == {"containers": 3, "baked images": 2}


# ---- defect 4: nothing to move ------------------------------------------------------------------



def test_a_portfolio_on_containers_already_has_nothing_to_move(tmp_path: Path) -> None:
    for name in ("one", "two"):
        (tmp_path / f"{name}.yaml").write_text(ALL_IN_CONTAINERS.replace("all in containers", name),
                                               encoding="utf-8")
    r = run_portfolio(load_portfolio(tmp_path), samples=300, seed=2)
    assert not r.moving
    text = headline(r)
    assert "nothing to move" in text and "does not pay for itself" not in text
    assert NOTHING_TO_MOVE_FLIPS in _page1(r)
    assert "nothing to move" in portfolio_bytes(r, "md", command="", date=None).decode()


# ---- defect 7: the reproduce command runs from anywhere ----------------------------------------


def test_the_reproduce_command_names_the_source_as_typed(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "my apps"
    folder.mkdir()
    (folder / "one.yaml").write_text(ALL_IN_CONTAINERS, encoding="utf-8")
    out = tmp_path / "p.md"
    res = cli("portfolio", str(folder), "-o", str(out), "--samples", "200", "--seed", "4")
    assert res.code == 0, res.err
    command = f"analyzer portfolio '{folder}' --seed 4 --samples 200"
    assert command in out.read_text(encoding="utf-8")
