"""Portfolio: inventory reading, seeds, waves, the build decision, outputs and parallel runs."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer._io.paths import data_dir
from analyzer.decision.decide import decide, recommend
from analyzer.errors import InputError
from analyzer.model.assess import assess
from analyzer.portfolio.content import CSV_COLUMNS, to_dict
from analyzer.portfolio.economics import (
    WaveApp,
    breakeven_months,
    build_decision,
    marginal_choice,
    plan_waves,
    schedule,
)
from analyzer.portfolio.evaluate import app_seed
from analyzer.portfolio.inventory import load_portfolio
from analyzer.portfolio.inventory import settings as portfolio_settings
from analyzer.portfolio.outputs import portfolio_bytes
from analyzer.portfolio.run import local_workers, run_portfolio

SEED_PORTFOLIO = data_dir() / "portfolios" / "seed-team"
ESTATE = data_dir() / "portfolios" / "estate-200" / "inventory.csv"


# ---- seeds -----------------------------------------------------------------------------------


def test_app_seed_depends_only_on_run_seed_and_id() -> None:
    assert app_seed(1, "billing") == app_seed(1, "billing")
    assert app_seed(1, "billing") != app_seed(1, "search")
    assert app_seed(1, "billing") != app_seed(2, "billing")
    assert 0 <= app_seed(2**63 - 1, "x") < 2**63


# ---- economics -------------------------------------------------------------------------------


def test_marginal_choice_takes_platform_off_moves_only() -> None:
    npv = np.array([[100.0, 100.0], [120.0, 120.0]])  # stay, move
    platform = np.array([[50.0, 50.0], [40.0, 40.0]])  # the status quo's entry is ignored
    best, marginal = marginal_choice(npv, platform, status_quo=0)
    assert best == 1
    np.testing.assert_allclose(marginal, [80.0, 80.0])


def test_build_decision_confidence_is_share_on_the_chosen_side() -> None:
    gains = np.array([10.0, 20.0, 30.0, 40.0])
    d = build_decision(gains, np.full(4, 15.0), 0.6)
    assert d.build and d.confidence == pytest.approx(0.75)
    # building stays cheaper in 60 % of futures up to the 40th percentile of gains / platform
    assert d.flip_platform_multiplier() == pytest.approx(np.quantile(gains / 15.0, 0.4))
    flipped = build_decision(gains, np.full(4, 15.0 * d.flip_platform_multiplier() * 1.001), 0.6)
    assert not flipped.build
    d = build_decision(gains, np.full(4, 35.0), 0.6)
    assert not d.build and d.confidence == pytest.approx(0.75)


def test_the_platform_is_built_only_when_it_is_clearly_cheaper() -> None:
    """The burden of proof is on the change: building cheaper in a bare majority (median net
    saving positive) is not enough below the threshold."""
    gains = np.array([10.0, 20.0, 30.0, 40.0, 50.0])
    d = build_decision(gains, np.full(5, 25.0), 0.6)  # cheaper in 3 of 5 futures: 60 %
    assert d.build and d.build_share == pytest.approx(0.6)
    d = build_decision(gains, np.full(5, 25.0), 0.7)
    assert not d.build and np.median(d.net_saving) > 0 and d.confidence == pytest.approx(0.4)


@given(st.floats(0.1, 100.0))
@settings(max_examples=25, deadline=None)
def test_build_decision_does_not_depend_on_the_unit(k: float) -> None:
    """Multiplying every cost by k (hours -> money) changes neither decision nor confidence."""
    rng = np.random.default_rng(3)
    gains, platform = rng.normal(10, 5, 500), rng.uniform(5, 15, 500)
    a, b = build_decision(gains, platform, 0.6), build_decision(k * gains, k * platform, 0.6)
    assert (a.build, a.confidence) == (b.build, b.confidence)


def _app(aid: str, value: float, effort: float, **kw: object) -> WaveApp:
    return WaveApp(aid, value, effort, bool(kw.get("stateful", False)), bool(kw.get("critical", False)),
                   tuple(kw.get("depends_on", ())))  # type: ignore[arg-type]


def test_waves_respect_capacity_dependencies_and_put_critical_later() -> None:
    apps = [
        _app("a", 100, 50), _app("b", 500, 50, depends_on=["c"]), _app("c", 10, 50),
        _app("d", 1000, 50, critical=True), _app("e", 300, 50, stateful=True),
    ]
    waves = plan_waves(apps, platform_hours=50, hours_per_wave=100, wave_months=3)
    wave_of = {aid: w.number for w in waves for aid in w.apps}
    assert all(w.effort <= 100 for w in waves)
    assert wave_of["c"] <= wave_of["b"]  # a dependency moves first (or together)
    assert wave_of["d"] == max(wave_of.values())  # business-critical last
    assert wave_of["e"] >= wave_of["a"]  # stateful after the stateless quick wins
    starts = [w.start_month for w in waves]
    assert starts == sorted(starts) and starts[0] == 0


def test_a_move_larger_than_a_wave_gets_a_longer_wave_of_its_own() -> None:
    waves = plan_waves([_app("big", 10, 450)], platform_hours=0, hours_per_wave=100, wave_months=3)
    span = schedule(waves)
    assert span["big"][1] - span["big"][0] == pytest.approx(13.5)


def test_dependency_cycle_is_an_error() -> None:
    apps = [_app("a", 1, 1, depends_on=["b"]), _app("b", 1, 1, depends_on=["a"])]
    with pytest.raises(ValueError, match="cycle"):
        plan_waves(apps, platform_hours=0, hours_per_wave=10, wave_months=3)


def test_breakeven_months_by_hand() -> None:
    months = np.arange(5, dtype=float)
    curve = np.array([[0, -5, -2, 1, 3], [0, -5, -6, -7, -8], [0, 1, 2, 3, 4]], dtype=float)
    np.testing.assert_array_equal(breakeven_months(curve, months), [3, np.inf, 0])


# ---- inventory -------------------------------------------------------------------------------


def test_inventory_csv_reads_columns_records_defaults_and_reports_bad_rows(tmp_path: Path) -> None:
    csv = tmp_path / "apps.csv"
    csv.write_text(
        "name,engineers,kloc,services,prod_deploys_per_week,database,critical,depends_on\n"
        "Billing,4,80,3,10,postgresql,yes,\n"
        "Search,2,,1,,no,no,billing\n"
        "Broken,lots,10,1,1,no,no,\n",
        encoding="utf-8",
    )
    p = load_portfolio(csv)
    assert [a.id for a in p.apps] == ["billing", "search"]
    billing, search = p.apps
    assert billing.critical and search.depends_on == ("billing",)
    # schema v2: a fleet of 3 similar services is one process entry with count 3, not 3 copies
    (web,) = [pr for pr in billing.questionnaire.processes if pr.kind == "web"]
    assert web.count.likely == 3 and web.count.low == 3 and web.count.high == 3
    (single,) = [pr for pr in search.questionnaire.processes if pr.kind == "web"]
    assert single.count.likely == 1
    assert any(pr.kind == "database" for pr in billing.questionnaire.processes)
    assert "kloc" in search.defaults_used and "engineers" not in search.defaults_used
    (failure,) = p.failures
    assert failure.id == "broken" and failure.source.endswith("apps.csv:4") and "engineers" in failure.error


def test_konveyor_import_csv(tmp_path: Path) -> None:
    csv = tmp_path / "konveyor.csv"
    csv.write_text(
        "Record Type 1,Application Name,Description,Comments,Business Service,Tag Type 1,Tag 1,Tag Type 2,Tag 2\n"
        "1,Forest,Batch scheduler,,Food2Go,Database,Oracle,Language,Java\n"
        "1,Tiller,Reporting tool,,,Language,Python,,\n"
        "2,,,,,,,,\n",
        encoding="utf-8",
    )
    p = load_portfolio(csv)
    forest, tiller = p.apps
    assert forest.questionnaire.codebase.languages == ["java"]
    assert any(pr.kind == "database" and pr.name == "oracle" for pr in forest.questionnaire.processes)
    assert "engineers" in tiller.defaults_used and p.notes


def test_unknown_dependency_is_an_input_error(tmp_path: Path) -> None:
    csv = tmp_path / "apps.csv"
    csv.write_text("name,depends_on\nA,nowhere\n", encoding="utf-8")
    with pytest.raises(InputError, match="nowhere"):
        run_portfolio(load_portfolio(csv), samples=200, seed=1)



def _seed_folder(tmp_path: Path, portfolio_yaml: str) -> Path:
    """The seed portfolio's questionnaires with another portfolio.yaml."""
    folder = tmp_path / "apps"
    folder.mkdir(parents=True)
    for f in SEED_PORTFOLIO.glob("*.yaml"):
        if f.name != "portfolio.yaml":
            (folder / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "portfolio.yaml").write_text(portfolio_yaml, encoding="utf-8")
    return folder


def _where(text: str, needle: str, *, on_key: bool = False) -> tuple[int, int]:
    """1-based (line, column) of the first ``needle`` in ``text`` (of its value unless on_key:
    the text after 'key: ')."""
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            col = line.index(needle) + 1
            return number, col if on_key else col + len(needle.split(":")[0]) + 2
    raise AssertionError(needle)


def test_portfolio_yaml_problems_are_located_file_line_col_field(tmp_path: Path) -> None:
    text = (
        "schema_version: 1\n"
        "name: Located\n"
        "plan:\n"
        "  wave_months: soon\n"
        "  sprint_length: 2\n"
        "colour: blue\n"
        "applications:\n"
        "  monolith:\n"
        "    critical: maybe\n"
        "    owner: me\n"
    )
    folder = _seed_folder(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_portfolio(folder)
    shown = {str(problem) for problem in err.value.problems}
    name = str(folder / "portfolio.yaml")
    line, col = _where(text, "colour:", on_key=True)
    assert f"{name}:{line}:{col}: colour: unknown field 'colour'" in shown
    line, col = _where(text, "critical: maybe")
    assert any(s.startswith(f"{name}:{line}:{col}: applications.monolith.critical: ") for s in shown)
    line, col = _where(text, "owner:", on_key=True)
    assert any(s.startswith(f"{name}:{line}:{col}: applications.monolith.owner: unknown field") for s in shown)
    # the plan settings are checked in the same run, also located
    line, col = _where(text, "wave_months: soon")
    assert f"{name}:{line}:{col}: plan.wave_months: expected a number, got 'soon'" in shown
    line, col = _where(text, "sprint_length:", on_key=True)
    assert f"{name}:{line}:{col}: plan.sprint_length: unknown plan setting 'sprint_length'" in shown
    assert len(shown) == 5
    # and alone
    text = "plan:\n  wave_months: soon\n  sprint_length: 2\n"
    with pytest.raises(InputError) as err:
        load_portfolio(_seed_folder(tmp_path / "2", text))
    name = str(tmp_path / "2" / "apps" / "portfolio.yaml")
    assert {str(problem) for problem in err.value.problems} == {
        f"{name}:2:16: plan.wave_months: expected a number, got 'soon'",
        f"{name}:3:3: plan.sprint_length: unknown plan setting 'sprint_length'",
    }


def test_unknown_dependency_in_portfolio_yaml_is_located(tmp_path: Path) -> None:
    text = "applications:\n  monolith:\n    depends_on: [service-component, billing]\n  ghost: {}\n"
    folder = _seed_folder(tmp_path, text)
    with pytest.raises(InputError) as err:
        load_portfolio(folder)
    name = str(folder / "portfolio.yaml")
    col = text.index("billing") - text.index("    depends_on") + 1
    assert [str(p) for p in err.value.problems] == [  # both in one run
        f"{name}:4:3: applications.ghost: application 'ghost' has no questionnaire in {folder}",
        f"{name}:3:{col}: applications.monolith.depends_on[1]: depends on 'billing', which is "
        "not an application of this portfolio",
    ]
    folder = _seed_folder(tmp_path / "2", text.replace("  ghost: {}\n", ""))
    with pytest.raises(InputError) as err:
        run_portfolio(load_portfolio(folder), samples=200, seed=1)
    name = str(folder / "portfolio.yaml")
    col = text.index("billing") - text.index("    depends_on") + 1
    assert [str(p) for p in err.value.problems] == [
        f"{name}:3:{col}: applications.monolith.depends_on[1]: depends on 'billing', which is "
        "not an application of this portfolio"
    ]


def test_dependency_from_portfolio_yaml_beside_a_csv_is_located(tmp_path: Path) -> None:
    (tmp_path / "apps.csv").write_text("name,depends_on\nA,\nB,a\n", encoding="utf-8")
    (tmp_path / "portfolio.yaml").write_text(
        "applications:\n  B:\n    critical: yes\n  A:\n    depends_on:\n      - b\n      - nowhere\n",
        encoding="utf-8",
    )
    p = load_portfolio(tmp_path / "apps.csv")
    a, b = p.apps
    assert a.depends_on == ("b", "nowhere") and b.depends_on == ("a",) and b.critical
    with pytest.raises(InputError) as err:
        run_portfolio(p, samples=200, seed=1)
    shared = tmp_path / "portfolio.yaml"
    assert [str(x) for x in err.value.problems] == [  # a -> b in portfolio.yaml, b -> a in the row
        f"{shared}:6:9: applications.a.depends_on[0]: depends on 'b': a dependency cycle among a, b",
        f"{shared}:7:9: applications.a.depends_on[1]: depends on 'nowhere', "
        "which is not an application of this portfolio",
        f"{tmp_path / 'apps.csv'}:3: depends_on: depends on 'a': a dependency cycle among a, b",
    ]

# ---- the shared platform and the lean decision ------------------------------------------------


def test_every_platform_item_is_a_model_work_item() -> None:
    items = portfolio_settings()["platform_items"]
    q = load_portfolio(SEED_PORTFOLIO).apps[0].questionnaire
    a = assess(q, samples=200, seed=3)
    assert items and set(items) <= set(a.outputs.work_items)
    sq = a.structure.status_quo
    platform = sum(a.outputs.work_items[i] for i in items)
    assert np.all(platform[sq] == 0)  # staying builds nothing
    moving = [i for i in range(len(a.option_names)) if i != sq]
    assert all(float(np.median(platform[i])) > 0 for i in moving)  # the seed team has no platform


def test_lean_recommendation_is_what_decide_recommends() -> None:
    for app in load_portfolio(SEED_PORTFOLIO).apps:
        a = assess(app.questionnaire, samples=400, seed=11)
        full, lean = decide(a, sensitivity=False), recommend(a)
        assert lean.recommendation == full.recommendation
        assert lean.confidence == full.confidence and lean.too_close == full.too_close
        assert lean.reason in full.reasons
        assert lean.headline == full.headline()


# ---- runs and outputs --------------------------------------------------------------------------


def test_seed_portfolio_outputs_agree() -> None:
    r = run_portfolio(load_portfolio(SEED_PORTFOLIO), samples=500, seed=5)
    data = json.loads(portfolio_bytes(r, "json", command="analyzer portfolio", date=None))
    assert {a["id"] for a in data["applications"]} == {"monolith", "service-component"}
    assert data["decision"]["build_platform"] == r.decision.build == r.money.build
    rows = portfolio_bytes(r, "csv", command="", date=None).decode().splitlines()
    assert rows[0].split(",") == list(CSV_COLUMNS) and len(rows) == 3
    assert portfolio_bytes(r, "md", command="", date=None).decode().startswith("# Portfolio")
    assert data["decision"]["hours"]["net_saving"]["p50"] == pytest.approx(float(np.median(r.hours.net_saving)))
    assert data["applications"] == json.loads(json.dumps(to_dict(r)["applications"]))


@pytest.mark.slow
def test_same_json_whatever_the_partitioning(tmp_path: Path) -> None:
    csv = tmp_path / "apps.csv"
    csv.write_text(ESTATE.read_text(encoding="utf-8").splitlines()[0] + "\n"
                   + "\n".join(ESTATE.read_text(encoding="utf-8").splitlines()[1:13]) + "\n", encoding="utf-8")
    p = load_portfolio(csv)
    one = portfolio_bytes(run_portfolio(p, samples=300, seed=9, jobs=1), "json", command="", date=None)
    for method in ("fork", "spawn"):  # worker processes forked from this one or started afresh
        with local_workers(2, method) as pool:
            two = run_portfolio(p, samples=300, seed=9, jobs=2, pool=pool)
        assert portfolio_bytes(two, "json", command="", date=None) == one, method
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        dask = portfolio_bytes(run_portfolio(p, samples=300, seed=9, scheduler=cluster.scheduler_address),
                               "json", command="", date=None)
    assert one == dask


@pytest.mark.slow
def test_cli_bad_file_among_many_is_named_and_the_rest_written(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "apps"
    folder.mkdir()
    for f in SEED_PORTFOLIO.glob("*.yaml"):
        text = f.read_text(encoding="utf-8").replace("../../../analyzer", "x")
        (folder / f.name).write_text(text, encoding="utf-8")
    (folder / "broken.yaml").write_text("schema_version: 1\nname: Broken\nteam: {engineers: -3}\n", encoding="utf-8")
    out = tmp_path / "out" / "p.json"
    out.parent.mkdir()
    res = cli("portfolio", str(folder), "--format", "all", "-o", str(out), "--samples", "300", "--jobs", "2")
    assert res.code == 1
    assert "broken" in res.err and "broken.yaml" in res.err and "Traceback" not in res.err
    for suffix in (".pdf", ".md", ".json", ".csv"):
        assert out.with_suffix(suffix).is_file()
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [f["id"] for f in data["failures"]] == ["broken"]
    assert sorted(p.name for p in out.parent.iterdir()) == ["p.csv", "p.json", "p.md", "p.pdf"]


def test_a_folder_with_only_an_inventory_points_at_the_file(tmp_path: Path) -> None:
    (tmp_path / "inventory.csv").write_text("name\nbilling\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"give the file: .*inventory\.csv"):
        load_portfolio(tmp_path)
