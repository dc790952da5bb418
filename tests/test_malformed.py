"""Malformed questionnaires: each gets its own message, file, line and field, exit code 2, no
traceback, and nothing written. The corpus lives in tests/malformed/ (built from an 11-line valid
questionnaire, see MINIMAL); a binary file and a 50 MB file are generated into tmp_path.

Most cases run the CLI in-process (``analyzer.app.cli.main``), which catches only AnalyzerError, so any
other exception fails the test as it would print a traceback; a few run as real subprocesses.
"""

from __future__ import annotations

import copy
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analyzer._io.paths import example_questionnaire
from analyzer.app.cli import main
from analyzer.errors import EXIT_INPUT, InputError
from analyzer.questionnaire.form import parse_questionnaire

CORPUS = Path(__file__).parent / "malformed"
MIN_CORPUS = 30
FIFTY_MB = 50 * 1024 * 1024
HYPOTHESIS_EXAMPLES = 200

#: One problem line: FILE:LINE:COL: field: message, or a file-level FILE[:LINE[:COL]]: message.
PROBLEM_LINE = re.compile(
    r"^(?P<file>[^:\n]+):(?P<line>\d+):(?P<col>\d+): (?P<field>[\w.\[\]-]+): (?P<msg>\S.*)$"
)
FILE_LEVEL_LINE = re.compile(r"^(?P<file>[^:\n]+)(:(?P<line>\d+)(:(?P<col>\d+))?)?: (?P<msg>\S.*)$")

#: The valid questionnaire every corpus file was derived from (line numbers below refer to it).
MINIMAL = """\
schema_version: 1
name: Malformed example
team:
  engineers: 2
codebase:
  kloc: [5, 10, 20]
processes:
  - name: web
    kind: web
delivery:
  prod_deploys_per_week: 1
"""


@dataclass(frozen=True)
class Expect:
    """One expected problem line: message fragment, field path (None: file level), line."""

    fragment: str
    field: str | None
    line: int | None


CASES: dict[str, list[Expect]] = {
    "syntax-unclosed-bracket.yaml": [Expect("expected ',' or ']'", None, 5)],
    "syntax-bad-indentation.yaml": [Expect("YAML syntax error", None, 7)],
    "syntax-tab-indent.yaml": [Expect("a tab character; YAML indents with spaces only", None, 4)],
    "wrong-type-text-for-number.yaml": [Expect("got 'many': write a number", "team.engineers", 4)],
    "wrong-type-section-is-number.yaml": [Expect("expected a mapping of fields", "team", 3)],
    "wrong-type-quoted-number.yaml": [Expect("got '3'", "team.engineers", 4)],
    "wrong-type-fractional-int.yaml": [
        Expect("valid integer", "priorities.horizon_months", 13)
    ],
    "bool-for-number.yaml": [Expect("got True", "team.engineers", 4)],
    "typo-in-key.yaml": [
        Expect("unknown field 'enginers' (did you mean 'engineers'?)", "team.enginers", 4)
    ],
    "typo-in-section.yaml": [
        Expect("unknown field 'delivry' (did you mean 'delivery'?)", "delivry", 10)
    ],
    "typo-in-familiarity-word.yaml": [
        Expect("unknown familiarity 'expertt' (did you mean 'expert'?)",
               "team.docker_familiarity", 5)
    ],
    "range-low-above-likely.yaml": [
        Expect("low (20) is greater than likely (10)", "codebase.kloc", 6)
    ],
    "range-likely-above-high.yaml": [
        Expect("likely (30) is greater than high (20)", "codebase.kloc", 6)
    ],
    "range-mapping-missing-key.yaml": [Expect("(missing likely)", "codebase.kloc", 6)],
    "range-two-numbers.yaml": [Expect("exactly three numbers", "codebase.kloc", 6)],
    "missing-required-field.yaml": [Expect("required field is missing", "team.engineers", 4)],
    "missing-required-section.yaml": [Expect("required field is missing", "codebase", 1)],
    "missing-schema-version.yaml": [Expect("required field is missing", "schema_version", 1)],
    "unknown-schema-version.yaml": [
        Expect("unsupported schema_version 3; this analyzer reads versions 1, 2", "schema_version", 1)
    ],
    "python-object-tag.yaml": [Expect("python/object:os.system' tags are not allowed", None, 2)],
    "python-apply-tag.yaml": [Expect("python/object/apply:subprocess.call' tags are not", None, 4)],
    "alias-bomb.yaml": [Expect("through anchors and aliases; refusing to read it", None, 1)],
    "empty.yaml": [Expect("the file is empty", None, 1)],
    "comments-only.yaml": [Expect("the file is empty", None, 1)],
    "nan.yaml": [Expect("must be a finite number, got nan", "team.engineers", 4)],
    "infinity.yaml": [Expect("high must be a finite number, got inf", "codebase.kloc", 6)],
    "negative-count.yaml": [
        Expect("must be at least 0, got -2", "incidents.counts.failed_deploy", 14)
    ],
    "zero-engineers.yaml": [Expect("must be at least 1, got 0", "team.engineers", 4)],
    "absurd-magnitude.yaml": [Expect("above the plausible maximum", "codebase.kloc", 6)],
    "huge-integer.yaml": [Expect("too large to be a number", "team.engineers", 4)],
    "two-documents.yaml": [Expect("more than one YAML document", None, 12)],
    "duplicate-key.yaml": [Expect("duplicate key 'engineers'", "team.engineers", 5)],
    "unknown-incident-category.yaml": [
        Expect(
            "unknown incident category 'drift' (did you mean 'environment_drift'?)",
            "incidents.counts.drift",
            14,
        )
    ],
    "top-level-list.yaml": [Expect("expected a mapping of sections", None, 1)],
    "empty-process-list.yaml": [Expect("at least 1 item", "processes", 7)],
    "duplicate-process-names.yaml": [
        Expect("process names must be unique; repeated: web", "processes", 8)
    ],
    "unknown-process-kind.yaml": [
        Expect("got 'webserver'; expected 'web', 'worker'", "processes[0].kind", 9)
    ],
    "peak-below-instances.yaml": [Expect("peak_instances is below instances", "processes[0]", 8)],
    "all-weights-zero.yaml": [
        Expect("at least one weight must be above zero", "priorities.weights", 13)
    ],
    "deep-nesting.yaml": [Expect("nested more than 32 levels deep", None, 4)],
    "unhashable-key.yaml": [Expect("unhashable key", None, 5)],
    "not-utf8.yaml": [Expect("not valid UTF-8 text", None, 2)],
    "many-problems.yaml": [
        Expect("did you mean 'engineers'?", "team.enginers", 4),
        Expect("low (20) is greater than likely (10)", "codebase.kloc", 6),
        Expect("got 'webserver'", "processes[0].kind", 9),
        Expect("must be at least 0, got -1", "delivery.prod_deploys_per_week", 11),
        Expect("did you mean 'failed_deploy_rate'?", "delivery.failed_deploy_rat", 12),
    ],
}


def check_problem_lines(stderr: str, file: str, expected: list[Expect]) -> None:
    """Every stderr line is one located problem, in file order, matching ``expected``."""
    lines = stderr.strip().splitlines()
    assert "Traceback" not in stderr
    assert len(lines) == len(expected), stderr
    for text, want in zip(lines, expected, strict=True):
        match = PROBLEM_LINE.match(text) if want.field else FILE_LEVEL_LINE.match(text)
        assert match, f"not FILE:LINE:COL: field: message: {text!r}"
        assert match["file"] == file
        assert want.fragment in match["msg"], text
        if want.field:
            assert match["field"] == want.field, text
        if want.line is not None:
            assert match["line"] is not None and int(match["line"]) == want.line, text


def run_in_process(
    capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_corpus_is_complete() -> None:
    on_disk = {p.name for p in CORPUS.glob("*.yaml")}
    assert on_disk == set(CASES)
    assert len(CASES) + 2 >= MIN_CORPUS  # plus binary junk and the 50 MB file below


def test_minimal_questionnaire_is_valid() -> None:
    """The corpus is one change away from this; it must itself be fine."""
    assert parse_questionnaire(MINIMAL).team.engineers.likely == 2


@pytest.mark.parametrize("name", sorted(CASES))
def test_malformed_case(name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / name
    shutil.copyfile(CORPUS / name, target)
    code, out, err = run_in_process(capsys, "validate", str(target))
    assert code == EXIT_INPUT
    assert out == ""
    check_problem_lines(err, str(target), CASES[name])
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # validate wrote nothing


def test_binary_junk(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.yaml"
    junk.write_bytes(bytes(range(256)) * 40)
    code, _, err = run_in_process(capsys, "validate", str(junk))
    assert code == EXIT_INPUT
    check_problem_lines(err, str(junk), [Expect("binary, not YAML text", None, None)])
    assert [p.name for p in tmp_path.iterdir()] == ["junk.yaml"]


def test_fifty_megabyte_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:
        handle.truncate(FIFTY_MB)  # sparse: the size check must refuse it before reading
    code, _, err = run_in_process(capsys, "validate", str(big))
    assert code == EXIT_INPUT
    check_problem_lines(err, str(big), [Expect("the limit is 1,000,000 bytes", None, None)])


def test_missing_file_and_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_in_process(capsys, "validate", str(tmp_path / "nope.yaml"))
    assert code == EXIT_INPUT
    missing = str(tmp_path / "nope.yaml")
    check_problem_lines(err, missing, [Expect("no such questionnaire", None, None)])
    code, _, err = run_in_process(capsys, "validate", str(tmp_path))
    assert code == EXIT_INPUT
    check_problem_lines(err, str(tmp_path), [Expect("is a folder", None, None)])


@pytest.mark.parametrize("name", ["many-problems.yaml", "alias-bomb.yaml", "python-apply-tag.yaml"])
def test_malformed_as_a_real_process(name: str, tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / name
    shutil.copyfile(CORPUS / name, target)
    result = cli("validate", str(target), cwd=tmp_path)
    assert result.code == EXIT_INPUT
    assert result.out == ""
    check_problem_lines(result.err, str(target), CASES[name])
    assert sorted(p.name for p in tmp_path.iterdir()) == [name]  # and no 'pwned' file either


def test_init_failure_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """init into a missing folder, or onto an existing file, writes nothing at all."""
    code, _, err = run_in_process(capsys, "init", str(tmp_path / "missing" / "q.yaml"))
    assert code != 0 and "does not exist" in err and "Traceback" not in err
    existing = tmp_path / "q.yaml"
    existing.write_text("mine\n")
    code, _, err = run_in_process(capsys, "init", str(existing))
    assert code == EXIT_INPUT
    check_problem_lines(err, str(existing), [Expect("already exists; pass --force", None, None)])
    assert existing.read_text() == "mine\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["q.yaml"]


# --- property tests: arbitrary input never escapes as anything but a clean InputError ---------

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(["web", "database", "basic", "environment_drift", "[1, 2, 3]", "low"]),
)
_keys = st.one_of(
    st.text(max_size=10),
    st.sampled_from(
        ["team", "engineers", "kloc", "processes", "name", "kind", "low", "likely", "high",
         "counts", "schema_version", "delivery", "weights"]
    ),
)
_documents = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_keys, children, max_size=5)
    ),
    max_leaves=25,
)


def _assert_clean(text: str) -> None:
    try:
        parse_questionnaire(text, "random.yaml")
    except InputError as exc:
        assert exc.problems
        for problem in exc.problems:
            line = str(problem)
            assert "\n" not in line  # one problem, one line
            assert line.startswith("random.yaml")
            if problem.field and problem.line is not None:
                assert problem.column is not None


@settings(max_examples=HYPOTHESIS_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_documents)
def test_random_documents_give_clean_errors(document: object) -> None:
    _assert_clean(yaml.safe_dump(document, allow_unicode=True))


def _example_data() -> dict[str, object]:
    return yaml.safe_load(example_questionnaire("seed-team").read_text())  # type: ignore[no-any-return]


def _paths(data: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    out = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*prefix, i))
    return out


_EXAMPLE = _example_data()
_EXAMPLE_PATHS = [p for p in _paths(_EXAMPLE) if p]


@pytest.mark.slow  # a property test over many mutated files: the full suite runs it
@settings(max_examples=HYPOTHESIS_EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(st.sampled_from(_EXAMPLE_PATHS), st.sampled_from(["set", "delete", "rename"]),
                  _documents),
        min_size=1,
        max_size=4,
    )
)
def test_mutated_example_gives_clean_errors(
    mutations: list[tuple[tuple[object, ...], str, object]],
) -> None:
    data = copy.deepcopy(_EXAMPLE)
    for path, action, junk in mutations:
        parent: object = data
        for part in path[:-1]:
            try:
                parent = parent[part]  # type: ignore[index]
            except (KeyError, IndexError, TypeError):
                break
        else:
            key = path[-1]
            if isinstance(parent, dict) and key in parent:
                if action == "set":
                    parent[key] = junk
                elif action == "delete":
                    del parent[key]
                else:
                    parent[f"{key}x"] = parent.pop(key)
            elif isinstance(parent, list) and isinstance(key, int) and key < len(parent):
                if action == "delete":
                    parent.pop(key)
                else:
                    parent[key] = junk
    _assert_clean(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


@settings(max_examples=HYPOTHESIS_EXAMPLES, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\"#,?%@` \n\t0.1e")), max_size=80))
def test_random_yamlish_text_gives_clean_errors(text: str) -> None:
    _assert_clean(text)
