"""``analyzer portfolio``'s inputs and outputs: what it refuses, and where it says the problem is.

Most tests call the command in this process (``analyzer.app.cli.main``) or the loader directly;
those that need a run use few samples."""

from __future__ import annotations

import gc
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyzer._io.paths import data_dir
from analyzer.app.cli import main
from analyzer.errors import EXIT_INPUT, EXIT_IO, InputError
from analyzer.portfolio.inventory import App, dependency_cycles, load_portfolio
from analyzer.portfolio.run import run_portfolio

SEED_PORTFOLIO = data_dir() / "portfolios" / "seed-team"

HEADER = "id,name,engineers,kloc,services,prod_deploys_per_week,database,critical,depends_on\n"
#: Two applications that read and run: b depends on a.
ROWS = "a,A,2,10,1,1,no,no,\nb,B,3,20,1,2,no,no,a\n"


def _csv(tmp_path: Path, rows: str, name: str = "apps.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        load_portfolio(path)
    return [str(p) for p in err.value.problems]


@pytest.fixture(autouse=True)
def _collector_back_on() -> Iterator[None]:
    """``analyzer portfolio`` pauses the garbage collector for its process: this one goes on."""
    yield
    gc.enable()


@pytest.fixture
def no_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail the test if the command starts assessing applications."""

    def tripwire(*args: object, **kwargs: object) -> None:
        raise AssertionError("the portfolio was run")

    monkeypatch.setattr("analyzer.portfolio.run.run_portfolio", tripwire)


def _portfolio(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["portfolio", *args, "--samples", "200", "--date", "2024-06-01"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _folder(tmp_path: Path) -> Path:
    """The seed portfolio's questionnaires and portfolio.yaml in a folder of their own."""
    folder = tmp_path / "apps"
    shutil.copytree(SEED_PORTFOLIO, folder)
    return folder


# ---- reading the inventory ---------------------------------------------------------------------


def test_a_binary_inventory_is_not_called_yaml(tmp_path: Path) -> None:
    path = tmp_path / "apps.csv"
    path.write_bytes(HEADER.encode() + bytes(range(256)))
    assert _problems(path) == [f"{path}: the inventory CSV is binary, not comma-separated text"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("seven", "expected a number, got 'seven'"),
        ("-7", "must be 0 or more, got -7"),
        ("1e999", "expected a finite number, got '1e999'"),
        ("nan", "expected a finite number, got 'nan'"),
    ],
)
def test_a_bad_row_is_not_masked_by_a_dependency_error(
    tmp_path: Path, value: str, message: str
) -> None:
    """Row 2's engineers is wrong; rows 3 and 4 have dependency problems: every one is listed,
    each at its line, row 2's first, and a dependency on row 2 says row 2 could not be read."""
    path = _csv(tmp_path, f"a,A,{value},10,1,1,no,no,\nb,B,2,10,1,1,no,no,a\nc,C,2,10,1,1,no,no,nowhere\n")
    portfolio = load_portfolio(path)
    assert [a.id for a in portfolio.apps] == ["b", "c"]
    with pytest.raises(InputError) as err:
        run_portfolio(portfolio, samples=200, seed=1)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:2: engineers: {message}",
        f"{path}:3: depends_on: depends on 'a', which could not be read ({path}:2)",
        f"{path}:4: depends_on: depends on 'nowhere', which is not an application of this portfolio",
    ]


def test_every_problem_of_a_row_is_reported(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,A,-3,ten,-1,1,no,maybe,\nb,B,2,10,1,1,no,no,\n")
    (failure,) = load_portfolio(path).failures
    assert [str(p) for p in failure.problems] == [
        f"{path}:2: engineers: must be 0 or more, got -3",
        f"{path}:2: kloc: expected a number, got 'ten'",
        f"{path}:2: services: must be 0 or more, got -1",
        f"{path}:2: critical: expected yes or no (true/false, 1/0), got 'maybe'",
    ]


@pytest.mark.parametrize("value", ["maybe", "sure", "2", "nope"])
def test_critical_must_be_yes_or_no(tmp_path: Path, value: str) -> None:
    path = _csv(tmp_path, f"a,A,2,10,1,1,no,{value},\nb,B,2,10,1,1,no,no,\n")
    (failure,) = load_portfolio(path).failures
    assert [str(p) for p in failure.problems] == [
        f"{path}:2: critical: expected yes or no (true/false, 1/0), got '{value}'"
    ]


def test_critical_spellings_the_reader_accepts(tmp_path: Path) -> None:
    spellings = {"yes": True, "Y": True, "TRUE": True, "1": True,
                 "no": False, "N": False, "False": False, "0": False, "": False}
    rows = "".join(f"app{i},App {i},2,10,1,1,no,{v},\n" for i, v in enumerate(spellings))
    portfolio = load_portfolio(_csv(tmp_path, rows))
    assert not portfolio.failures
    assert [a.critical for a in portfolio.apps] == list(spellings.values())


def test_the_command_lists_each_problem_of_a_row_on_its_own_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, "a,A,2,10,-1,1,no,maybe,\nb,B,2,10,1,1,no,no,\n")
    code, _, err = _portfolio(capsys, str(path), "-o", str(tmp_path / "p.json"))
    assert code == 1
    assert err.splitlines()[-2:] == [
        f"{path}:2: services: must be 0 or more, got -1 (application 'a' not assessed)",
        f"{path}:2: critical: expected yes or no (true/false, 1/0), got 'maybe' (application 'a' "
        "not assessed)",
    ]


@pytest.mark.parametrize("rows", ["", "\n\n", ",,,,,,,,\n"])
def test_an_inventory_without_applications_is_refused(tmp_path: Path, rows: str) -> None:
    path = _csv(tmp_path, rows)
    assert _problems(path) == [f"{path}: no applications: no row below the header names one"]


def test_a_konveyor_inventory_of_dependency_rows_only_has_no_applications(tmp_path: Path) -> None:
    path = tmp_path / "konveyor.csv"
    path.write_text("Record Type 1,Application Name,Description\n2,,\n", encoding="utf-8")
    assert _problems(path) == [f"{path}: no applications: no row below the header names one"]


def test_when_no_row_can_be_read_each_ones_problems_are_the_error(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,A,2,10,1,1,no,maybe,\nb,B,-2,10,1,1,no,no,\n")
    assert _problems(path) == [
        f"{path}:2: critical: expected yes or no (true/false, 1/0), got 'maybe'",
        f"{path}:3: engineers: must be 0 or more, got -2",
    ]


def test_an_unterminated_quote_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'a,A,2,10,1,1,no,no,\nx,"unterminated,,,,,\nb,B,2,10,1,1,no,no,\n')
    assert _problems(path) == [
        f"{path}:3: a quoted field that starts in this row is never closed (a '\"' is missing)"
    ]


def test_text_after_a_closing_quote_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'a,A,2,10,1,1,no,no,\nb,"B"x,2,10,1,1,no,no,\n')
    assert _problems(path) == [f"{path}:3: not valid CSV: ',' expected after '\"'"]


def test_rows_after_a_quoted_line_break_keep_their_line_numbers(tmp_path: Path) -> None:
    """A quoted field may hold a line break: the next row starts a line later."""
    path = _csv(tmp_path, 'a,"Two\nlines",2,10,1,1,no,no,\nb,B,two,10,1,1,no,no,\n')
    portfolio = load_portfolio(path)
    assert [a.source for a in portfolio.apps] == [f"{path}:2"]
    (failure,) = portfolio.failures
    assert [str(p) for p in failure.problems] == [f"{path}:4: engineers: expected a number, got 'two'"]


def test_a_folder_whose_questionnaires_all_fail_is_refused_with_each_problem(tmp_path: Path) -> None:
    folder = tmp_path / "apps"
    folder.mkdir()
    for name in ("one", "two"):
        (folder / f"{name}.yaml").write_text("schema_version: 1\nname: X\nteam: {engineers: -3}\n",
                                             encoding="utf-8")
    files = [p.split(":")[0] for p in _problems(folder)]
    assert files == sorted(files) and set(files) == {str(folder / "one.yaml"), str(folder / "two.yaml")}


# ---- dependencies --------------------------------------------------------------------------------


@pytest.mark.parametrize("moves", [True, False])
def test_a_dependency_cycle_is_an_error_at_each_line_whether_or_not_they_move(
    tmp_path: Path, moves: bool
) -> None:
    """a -> b -> c -> a; d depends on the cycle without being in it. With or without a platform
    worth building, the cycle stops the run before any application is assessed."""
    engineers = 12 if moves else 1
    path = _csv(tmp_path, f"a,A,{engineers},10,1,1,no,no,b\nb,B,{engineers},10,1,1,no,no,c\n"
                          f"c,C,{engineers},10,1,1,no,no,a\nd,D,{engineers},10,1,1,no,no,a\n")
    with pytest.raises(InputError) as err:
        run_portfolio(load_portfolio(path), samples=200, seed=1)
    assert [str(p) for p in err.value.problems] == [
        f"{path}:2: depends_on: depends on 'b': a dependency cycle among a, b, c",
        f"{path}:3: depends_on: depends on 'c': a dependency cycle among a, b, c",
        f"{path}:4: depends_on: depends on 'a': a dependency cycle among a, b, c",
    ]


def test_a_long_cycle_is_counted_not_listed(tmp_path: Path) -> None:
    n = 12
    path = _csv(tmp_path, "".join(f"a{i:02d},A,2,10,1,1,no,no,a{(i + 1) % n:02d}\n" for i in range(n)))
    with pytest.raises(InputError) as err:
        run_portfolio(load_portfolio(path), samples=200, seed=1)
    assert len(err.value.problems) == n
    assert str(err.value.problems[0]) == (
        f"{path}:2: depends_on: depends on 'a01': a dependency cycle among 12 applications (a00, "
        "a01, a02, a03, a04, a05, a06, a07, a08, a09, ...)"
    )


def test_a_self_dependency_is_an_error_at_its_line(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,A,2,10,1,1,no,no,\nb,B,2,10,1,1,no,no,a;b\n")
    with pytest.raises(InputError) as err:
        run_portfolio(load_portfolio(path), samples=200, seed=1)
    assert [str(p) for p in err.value.problems] == [f"{path}:3: depends_on: depends on itself"]


def test_a_cycle_written_in_portfolio_yaml_is_located_there(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    shared = folder / "portfolio.yaml"
    shared.write_text("applications:\n  monolith:\n    depends_on: [service-component]\n"
                      "  service-component:\n    depends_on: [monolith]\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        run_portfolio(load_portfolio(folder), samples=200, seed=1)
    cycle = "a dependency cycle among monolith, service-component"
    assert [str(p) for p in err.value.problems] == [
        f"{shared}:3:18: applications.monolith.depends_on[0]: depends on 'service-component': {cycle}",
        f"{shared}:5:18: applications.service-component.depends_on[0]: depends on 'monolith': {cycle}",
    ]


def _reaches(graph: dict[str, set[str]], start: str) -> set[str]:
    seen: set[str] = set()
    todo = list(graph[start])
    while todo:
        node = todo.pop()
        if node not in seen:
            seen.add(node)
            todo.extend(graph[node])
    return seen


@given(st.dictionaries(st.sampled_from("abcdefgh"), st.sets(st.sampled_from("abcdefghz")),
                       min_size=1))
@settings(max_examples=200, deadline=None)
def test_dependency_cycles_are_the_applications_that_reach_each_other(
    deps: dict[str, set[str]]
) -> None:
    """Two applications are in one cycle exactly when each reaches the other through the
    dependencies (z is not an application; a self-dependency alone is no cycle)."""
    apps = [_app(aid, tuple(sorted(ds))) for aid, ds in deps.items()]
    graph = {aid: {d for d in ds if d in deps and d != aid} for aid, ds in deps.items()}
    reach = {aid: _reaches(graph, aid) for aid in deps}
    expected = sorted({tuple(sorted({a, *(b for b in deps if b in reach[a] and a in reach[b])}))
                       for a in deps if any(a in reach[b] for b in reach[a])})
    assert dependency_cycles(apps) == expected


def _app(aid: str, depends_on: tuple[str, ...]) -> App:
    """An application with only an id and its dependencies (the questionnaire is not read)."""
    return App(id=aid, name=aid, source="x.csv", questionnaire=None,  # type: ignore[arg-type]
               depends_on=depends_on)


# ---- portfolio.yaml -------------------------------------------------------------------------------


def test_every_problem_of_a_folder_is_reported_in_one_run(tmp_path: Path) -> None:
    """portfolio.yaml's shape, its plan, an application it names that is not there, and a
    broken questionnaire: all in the one error."""
    folder = _folder(tmp_path)
    shared = folder / "portfolio.yaml"
    shared.write_text(
        "colour: blue\n"
        "plan:\n  wave_months: soon\n  migration_people: -1\n"
        "applications:\n  ghost: {}\n  monolith: {critical: maybe}\n",
        encoding="utf-8",
    )
    broken = folder / "broken.yaml"
    broken.write_text("schema_version: 1\nname: Broken\nteam: {engineers: -3}\n", encoding="utf-8")
    problems = _problems(folder)
    assert problems[:5] == [
        f"{shared}:1:1: colour: unknown field 'colour'",
        f"{shared}:7:24: applications.monolith.critical: expected yes/no, got 'maybe'",
        f"{shared}:3:16: plan.wave_months: expected a number, got 'soon'",
        f"{shared}:4:21: plan.migration_people: must be above 0, got -1",
        f"{shared}:6:3: applications.ghost: application 'ghost' has no questionnaire in {folder}",
    ]
    assert problems[5:] and all(p.startswith(f"{broken}:") for p in problems[5:])


def test_every_problem_beside_an_inventory_is_reported_in_one_run(tmp_path: Path) -> None:
    """portfolio.yaml beside a CSV: its plan, an application that is no row (it was silently
    ignored), a dependency it gives, and a row's own problem, in one run."""
    path = _csv(tmp_path, "a,A,2,10,1,1,no,no,\nb,B,two,10,1,1,no,no,\n")
    shared = tmp_path / "portfolio.yaml"
    shared.write_text("plan:\n  critical_last: 3\napplications:\n  Gone: {}\n"
                      "  a:\n    depends_on: [nowhere]\n", encoding="utf-8")
    assert _problems(path) == [
        f"{shared}:2:18: plan.critical_last: expected a yes/no, got 3",
        f"{shared}:4:3: applications.Gone: application 'gone' has no row in {path}",
        f"{path}:3: engineers: expected a number, got 'two'",
        f"{shared}:6:18: applications.a.depends_on[0]: depends on 'nowhere', which is not an "
        "application of this portfolio",
    ]


def test_an_unreadable_portfolio_yaml_is_reported_with_the_rows_problems(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,A,2,10,1,1,no,no,\nb,B,-1,10,1,1,no,no,\n")
    shared = tmp_path / "portfolio.yaml"
    shared.write_text("plan: [unclosed\n", encoding="utf-8")
    problems = _problems(path)
    assert len(problems) == 2 and problems[0].startswith(f"{shared}:")
    assert problems[1] == f"{path}:3: engineers: must be 0 or more, got -1"


# ---- outputs ------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra", [(), ("--format", "csv")])
@pytest.mark.usefixtures("no_run")
def test_the_inventory_is_never_written_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...]
) -> None:
    inventory = _csv(tmp_path, ROWS)
    before = inventory.read_bytes()
    code, out, err = _portfolio(capsys, str(inventory), "-o", str(inventory), *extra)
    assert code == EXIT_INPUT and out == ""
    assert err == f"{inventory}: is the input file {inventory}; refusing to write over it\n"
    assert inventory.read_bytes() == before


@pytest.mark.usefixtures("no_run")
def test_format_all_never_replaces_the_inventory_next_to_its_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = _csv(tmp_path, ROWS, name="inv.csv")
    before = inventory.read_bytes()
    code, _, err = _portfolio(capsys, str(inventory), "--format", "all", "-o",
                              str(tmp_path / "inv.pdf"))
    assert code == EXIT_INPUT and "is the input file" in err and str(inventory) in err
    assert inventory.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["inv.csv"]


@pytest.mark.parametrize("extra", [(), ("--format", "md"), ("--format", "all")])
@pytest.mark.usefixtures("no_run")
def test_a_questionnaire_of_the_folder_is_never_written_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: tuple[str, ...]
) -> None:
    folder = _folder(tmp_path)
    target = folder / "monolith.yaml"
    before = target.read_bytes()
    code, _, err = _portfolio(capsys, str(folder), "-o", str(target), *extra)
    assert code == EXIT_INPUT and err.startswith(f"-o: '{target}' ends in '.yaml'")
    assert target.read_bytes() == before


def test_every_file_read_is_an_input(tmp_path: Path) -> None:
    """What no output may be written over: the inventory and the portfolio.yaml beside it, or
    a folder's questionnaires and its portfolio.yaml."""
    inventory = _csv(tmp_path, ROWS)
    shared = tmp_path / "portfolio.yaml"
    shared.write_text("name: Shared\n", encoding="utf-8")
    assert load_portfolio(inventory).inputs == (inventory, shared)
    folder = _folder(tmp_path)
    assert sorted(load_portfolio(folder).inputs) == sorted(folder.glob("*.yaml"))


@pytest.mark.parametrize(
    ("output", "given", "message"),
    [
        ("x.md", "json", "-o: 'x.md' ends in .md but --format is json"),
        ("x.json", "csv", "-o: 'x.json' ends in .json but --format is csv"),
        ("x.yaml", None, "-o: 'x.yaml' ends in '.yaml'; a portfolio is written to a .csv, .json, "
         ".md, .pdf file"),
        ("x", None, "-o: 'x' has no extension; a portfolio is written to a .csv, .json, .md, "
         ".pdf file"),
        ("x.yaml", "all", "-o: 'x.yaml' ends in '.yaml'; --format all writes .csv, .json, .md, "
         ".pdf files named after it"),
        ("-", "all", "-o: --format all writes four files; give a file name, not standard output"),
    ],
)
@pytest.mark.usefixtures("no_run")
def test_the_output_name_must_fit_the_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    output: str, given: str | None, message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    inventory = _csv(tmp_path, ROWS)
    code, out, err = _portfolio(capsys, str(inventory), "-o", output,
                                *(("--format", given) if given else ()))
    assert (code, out, err) == (EXIT_INPUT, "", message + "\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["apps.csv"]


def test_the_format_comes_from_the_output_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = _csv(tmp_path, ROWS)
    code, out, _ = _portfolio(capsys, str(inventory), "-o", str(tmp_path / "p.json"))
    assert code == 0 and out == f"wrote {tmp_path / 'p.json'}\n"
    data = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert {a["id"] for a in data["applications"]} == {"a", "b"}


def test_the_default_reports_folder_is_created(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    _csv(tmp_path, ROWS)
    code, out, err = _portfolio(capsys, "apps.csv", "--format", "json")
    assert code == 0, err
    assert out == f"wrote {Path('reports') / 'apps-portfolio.json'}\n"
    data = json.loads((tmp_path / "reports" / "apps-portfolio.json").read_text(encoding="utf-8"))
    assert {a["id"] for a in data["applications"]} == {"a", "b"}


@pytest.mark.usefixtures("no_run")
def test_a_missing_output_folder_fails_before_the_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    inventory = _csv(tmp_path, ROWS)
    target = tmp_path / "missing" / "p.json"
    code, out, err = _portfolio(capsys, str(inventory), "-o", str(target))
    assert (code, out) == (EXIT_IO, "")
    assert err == f"{target}: {target.parent} does not exist; create it first\n"


def test_dash_writes_to_standard_output(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    _csv(tmp_path, ROWS)
    code = main(["portfolio", "apps.csv", "--format", "json", "-o", "-", "--samples", "200"])
    captured = capsysbinary.readouterr()
    assert code == 0, captured.err
    assert {a["id"] for a in json.loads(captured.out)["applications"]} == {"a", "b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["apps.csv"]  # no file named '-'


def test_the_command_refuses_an_input_and_streams_to_standard_output(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """The installed command, end to end: exit 2 and the inventory kept; -o - on stdout."""
    inventory = _csv(tmp_path, ROWS)
    before = inventory.read_bytes()
    res = cli("portfolio", str(inventory), "-o", str(inventory), "--samples", "200")
    assert res.code == EXIT_INPUT and "refusing to write over it" in res.err
    assert inventory.read_bytes() == before
    res = cli("portfolio", "apps.csv", "--format", "json", "-o", "-", "--samples", "200",
              cwd=tmp_path)
    assert res.code == 0, res.err
    assert {a["id"] for a in json.loads(res.out)["applications"]} == {"a", "b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["apps.csv"]
