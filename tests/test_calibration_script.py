"""benchmarks/calibration.py: expected sets, the table and the summary, on fake results.

Nothing here runs the model on the calibration cases or asserts on their results: the script
reports, it is not tuned (MODEL.md, "Calibration").
"""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "data" / "questionnaires" / "calibration"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "calibration_script", ROOT / "benchmarks" / "calibration.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


cal = _load_script()
Result = cal.CaseResult


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_in_expected_plain_and_too_close() -> None:
    assert Result("a", ("docker", "hybrid"), recommended="hybrid", confidence=0.8).in_expected
    assert not Result("a", ("machine-image",), recommended="docker", confidence=0.9).in_expected
    # Too close to call: a hit only when both options it is torn between are expected.
    both = Result("a", ("docker", "hybrid"), "docker", 0.5, too_close=True, runner_up="hybrid")
    one = Result("a", ("docker",), "docker", 0.5, too_close=True, runner_up="machine-image")
    assert both.in_expected
    assert not one.in_expected
    assert not Result("a", ("docker",), error="does not load: x").in_expected


def test_table_rows_marks_and_reasons() -> None:
    results = [
        Result("c1", ("machine-image",), "machine-image", 0.934, reasons=("r1", "r2", "r3", "r4")),
        Result("c2", ("docker", "hybrid"), "machine-image", 0.61, reasons=("only one",)),
        Result("c3", ("docker",), "docker", 0.51, True, "hybrid", ("close",)),
        Result("c4", ("hybrid",), error="does not load: /a/b/c4.yaml:3:1: schema_version: bad"),
    ]
    lines = cal.build_table(results).splitlines()
    assert len(lines) == 2 + len(results)
    assert all(_unescaped_pipes(line) == 7 for line in lines)
    cells = [[c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines[2:]]
    assert cells[0][:5] == ["c1", "machine-image", "machine-image ✓", "93 %", "—"]
    assert cells[0][5] == "1. r1; 2. r2; 3. r3"  # top three only
    assert cells[1][2] == "machine-image ✗"
    assert cells[1][1] == "docker, hybrid"
    assert cells[2][2] == "too close: docker / hybrid ✗"  # hybrid is not in {docker}
    assert cells[3][2:4] == ["—", "—"]
    assert "c4.yaml:3:1: schema_version: bad" in cells[3][5]
    assert "/a/b/" not in cells[3][5]


@given(
    reasons=st.lists(st.text(max_size=300), max_size=5),
    case=st.text(min_size=1, max_size=30),
)
def test_any_text_stays_in_its_cell(reasons: list[str], case: str) -> None:
    table = cal.build_table([Result(case, ("docker",), "docker", 0.7, reasons=tuple(reasons))])
    lines = table.splitlines()
    assert len(lines) == 3
    assert _unescaped_pipes(lines[2]) == 7


def test_driver_counts_only_in_the_top_three_of_a_right_answer() -> None:
    drift = "drift|deploy"
    right = Result("c", ("machine-image",), "machine-image", 0.9, driver=drift,
                   reasons=("a", "b", "Environment drift is a pain", "d"))
    late = Result("c", ("machine-image",), "machine-image", 0.9, driver=drift,
                  reasons=("a", "b", "c", "Environment drift is a pain"))
    wrong = Result("c", ("machine-image",), "docker", 0.9, driver=drift,
                   reasons=("Environment drift is a pain",))
    none = Result("c", ("machine-image",), "machine-image", 0.9, reasons=("drift",))
    assert right.driver_in_top is True
    assert late.driver_in_top is False  # fourth: not among the top three
    assert wrong.driver_in_top is False  # the driver argued for the other answer
    assert none.driver_in_top is None
    text = cal.summary([right, late, wrong, none])
    assert "the stated driver is among the top 3 reasons for 1 of 3" in text


def test_the_drivers_file_names_every_case() -> None:
    drivers = cal.load_drivers()
    cases = {p.stem for p in cal.CASES_DIR.glob("*.yaml")}
    assert set(drivers) == cases


@given(
    st.lists(
        st.tuples(
            st.sampled_from(cal.OPTIONS),
            st.sets(st.sampled_from(cal.OPTIONS), min_size=1),
            st.booleans(),
        ),
        max_size=20,
    )
)
def test_summary_counts_hits(rows: list[tuple[str, set[str], bool]]) -> None:
    results = [
        Result(f"c{i}", tuple(sorted(exp)), rec, 0.7)
        if ok
        else Result(f"c{i}", ("docker",), error="x")
        for i, (rec, exp, ok) in enumerate(rows)
    ]
    hits = sum(1 for rec, exp, ok in rows if ok and rec in exp)
    failed = sum(1 for *_, ok in rows if not ok)
    text = cal.summary(results)
    assert text.startswith(f"{hits} of {len(rows)} recommendations fall in the expected set")
    assert ("did not run" in text) == (failed > 0)
    for option in cal.OPTIONS:
        n = sum(1 for rec, _, ok in rows if ok and rec == option)
        assert f"{option} {n}" in text


def test_expected_from_header_and_facts(tmp_path: Path) -> None:
    q = tmp_path / "case-x.yaml"
    q.write_text("# Case\n# Expected: [docker, hybrid]\nschema_version: 2\n# Expected: [no]\n")
    assert cal.expected_from_header(q.read_text()) == ("docker", "hybrid")
    assert cal.expected_set(q, None) == ("docker", "hybrid")
    facts = tmp_path / "facts"
    facts.mkdir()
    assert cal.expected_set(q, facts) == ("docker", "hybrid")  # no facts file: the header
    (facts / "case-x.yaml").write_text("id: case-x\nexpected: [machine-image]\n")
    assert cal.expected_set(q, facts) == ("machine-image",)
    (facts / "case-x.yaml").write_text("expected: docker\n")
    with pytest.raises(ValueError, match="expected"):
        cal.expected_set(q, facts)


def test_find_facts_dir_looks_beside_the_root_and_its_parents(tmp_path: Path) -> None:
    facts = tmp_path / "shared" / "calibration" / "facts"
    facts.mkdir(parents=True)
    repo = tmp_path / "wt" / "branch"
    repo.mkdir(parents=True)
    assert cal.find_facts_dir(tmp_path / "main") == facts
    assert cal.find_facts_dir(repo) == facts


def test_a_file_that_does_not_load_is_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "broken.yaml").write_text("# Expected: [docker]\nschema_version: 99\nname: x\n")
    r = cal.run_case(cases / "broken.yaml", ("docker",), samples=100, seed=1, sensitivity=False)
    assert r.error is not None and r.error.startswith("does not load: ")
    assert "broken.yaml:2" in r.error and "schema_version" in r.error
    code = cal.main(["--cases", str(cases), "--facts", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == cal.EXIT_NOT_LOADED
    assert "broken: does not load" in err
    assert "Traceback" not in out + err
    assert "0 of 1 recommendations fall in the expected set (1 case did not run)" in out


def test_every_case_file_names_its_expected_set_and_sources() -> None:
    """The header of each calibration file carries the facts file's expected set (data check)."""
    paths = sorted(CASES.glob("*.yaml"))
    assert len(paths) == 16
    facts = cal.find_facts_dir()
    for path in paths:
        text = path.read_text(encoding="utf-8")
        header = cal.expected_from_header(text)
        assert header and set(header) <= set(cal.OPTIONS), path.name
        assert "# Sources:" in text and "https://" in text.split("schema_version")[0], path.name
        if facts is not None:
            assert cal.expected_from_facts(facts, path.stem) == header, path.name


def test_hits_count_the_state_an_option_leads_to_not_its_key() -> None:
    # "Stay as today" (key machine-image) for a team already on containers is a hybrid state.
    stay = Result("a", ("hybrid", "docker"), "machine-image", 0.9, placement="hybrid")
    assert stay.in_expected
    assert not Result("a", ("machine-image",), "machine-image", 0.9, placement="docker").in_expected
    close = Result("a", ("hybrid",), "hybrid", 0.5, True, "machine-image", placement="hybrid",
                   runner_up_placement="hybrid")
    assert close.in_expected
    row = cal.build_table([stay]).splitlines()[2]
    assert "machine-image [hybrid] ✓" in row


def test_spread_counts_states_and_confidence_buckets() -> None:
    runs = [
        Result("a", (), "machine-image", 0.97, placement="hybrid"),
        Result("b", (), "docker", 0.7, placement="docker"),
        Result("c", (), "docker", 0.5, True, "machine-image", placement="docker",
               runner_up_placement="machine-image"),
        Result("d", (), error="does not load: x"),
    ]
    text = cal.spread(runs)
    assert "over 3 runs" in text
    assert "hybrid 1" in text and "docker 1" in text and "too close 1" in text
    assert ">= 95 %: 1" in text and "60-80 %: 1" in text and "0-60 %: 1" in text
