"""What the model takes from a history, the questionnaire field, deploys, git tags and the CLI."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyzer._io.paths import data_dir
from analyzer.errors import InputError
from analyzer.history import (
    bootstrap_restore_hours,
    deploys_from_git,
    history_profile,
    import_deploys,
    import_incidents,
    incident_evidence,
)
from analyzer.questionnaire.form import load_questionnaire, parse_questionnaire

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = data_dir() / "history"


def test_evidence_from_the_questionnaire_fixture() -> None:
    path = FIXTURES / "history-team.yaml"
    q = load_questionnaire(path)
    assert q.incidents.history is not None
    assert q.incidents.history.change_failure_window_hours == 12
    evidence = incident_evidence(q, path)
    assert evidence is not None
    assert evidence.source == "history-incidents.csv"
    assert evidence.window_months == pytest.approx(60 / (365.25 / 12))  # Jan 1 to Mar 1, 2024
    assert evidence.counts == {
        "environment_drift": 0,
        "failed_deploy": 1,
        "dependency": 0,
        "capacity": 1,
        "configuration": 1,
        "data": 1,
        "co_location": 0,
        "infrastructure": 0,
        "application": 0,
        "other": 1,
    }
    assert evidence.unclassified == 1
    np.testing.assert_allclose(evidence.restore_hours, [2.0, 1.0, 4.0, 0.5, 3.0])


def test_no_history_means_no_evidence(seed_path: Path) -> None:
    assert incident_evidence(load_questionnaire(seed_path), seed_path) is None


def test_explicit_window_wins(tmp_path: Path) -> None:
    text = (
        (FIXTURES / "history-team.yaml")
        .read_text()
        .replace("change_failure_window_hours: 12", "window_months: 3")
    )
    path = tmp_path / "q.yaml"
    path.write_text(text)
    shutil.copy(FIXTURES / "history-incidents.csv", tmp_path)
    evidence = incident_evidence(load_questionnaire(path), path)
    assert evidence is not None and evidence.window_months == 3


QUESTIONNAIRE = """
schema_version: 1
name: t
team: {engineers: 2}
codebase: {kloc: 15}
processes: [{name: web, kind: web}]
delivery: {prod_deploys_per_week: 1}
incidents:
  history: HISTORY
"""


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ("{file: x.csv, format: pagerdudy}", "unknown history format 'pagerdudy'"),
        ("{file: x.csv, deploys: d.csv, git: .}", "give deploys or git, not both"),
        ("{file: x.csv, columns: {opened: x}}", "unknown column field(s) opened"),
        ("{file: x.csv, change_failure_window_hours: 0}", "greater than 0"),
    ],
)
def test_questionnaire_history_is_validated_with_a_location(history: str, message: str) -> None:
    with pytest.raises(InputError) as err:
        parse_questionnaire(QUESTIONNAIRE.replace("HISTORY", history))
    problem = err.value.problems[0]
    assert message in problem.message
    assert problem.line == 9
    assert problem.field is not None and problem.field.startswith("incidents.history")


@pytest.mark.parametrize(
    ("history", "field", "message"),
    [
        ('{file: x.csv, time_format: "%Q"}', "time_format",
         "not a valid strftime pattern ('Q' is a bad directive in format '%Q'"),
        ("{file: x.csv, time_format: '%'}", "time_format",
         "not a valid strftime pattern (stray % in format '%'"),
        ("{file: x.csv, time_format: '%Y-%m-%d %H:%M:%S%z%z'}", "time_format",
         "not a valid strftime pattern (%z is given twice"),
        ("{file: x.csv, time_format: yyyy-mm-dd}", "time_format",
         "not a valid strftime pattern (no %-directive in 'yyyy-mm-dd'"),
        ("{file: x.csv, timezone: Mars/Olympus}", "timezone", "unknown time zone 'Mars/Olympus'"),
        ("{file: x.csv, timezone: Europe}", "timezone", "unknown time zone 'Europe'"),
    ],
)
def test_history_time_format_and_zone_are_checked_where_they_are_written(
    history: str, field: str, message: str
) -> None:
    """A pattern pandas cannot compile, or an unknown zone, is the questionnaire's problem at
    FILE:LINE:COL of its field -- not a traceback, nor a --tz the user never passed."""
    with pytest.raises(InputError) as err:
        parse_questionnaire(QUESTIONNAIRE.replace("HISTORY", history), "q.yaml")
    (problem,) = err.value.problems
    assert problem.field == f"incidents.history.{field}"
    assert problem.message.startswith(message)
    line = f"  history: {history}"  # line 9 of QUESTIONNAIRE
    value_column = line.index(f"{field}: ") + len(f"{field}: ") + 1
    assert (problem.file, problem.line, problem.column) == ("q.yaml", 9, value_column)


@pytest.mark.parametrize(
    "time_format", ["ISO8601", "iso8601", "epoch_s", "epoch_ms", "%m/%d/%Y %H:%M", "%d.%m.%Y",
                    "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M:%S.%f %Z", "%G-W%V-%u 100%%"],
)
def test_usable_time_formats_pass_the_check(time_format: str) -> None:
    q = parse_questionnaire(
        QUESTIONNAIRE.replace("HISTORY", f"{{file: x.csv, time_format: '{time_format}'}}")
    )
    assert q.incidents.history is not None and q.incidents.history.time_format == time_format


def test_bootstrap_resamples_with_replacement() -> None:
    hours = np.array([0.5, 1.0, 8.0])
    draw = bootstrap_restore_hours(hours, 10_000, np.random.default_rng(3))
    again = bootstrap_restore_hours(hours, 10_000, np.random.default_rng(3))
    assert draw.shape == (10_000,)
    assert set(np.unique(draw)) == {0.5, 1.0, 8.0}
    np.testing.assert_array_equal(draw, again)
    assert abs(draw.mean() - hours.mean()) < 4 * hours.std() / np.sqrt(10_000)
    with pytest.raises(ValueError, match="no restore hours"):
        bootstrap_restore_hours(np.array([]), 5, np.random.default_rng(0))


def test_deploys_csv_checks_rows(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text(
        "id,timestamp,status,commit_time,service\n"
        "1,2024-01-01T12:00:00Z,success,2024-01-01T10:00:00Z,web\n"  # line 2
        "2,2024-01-02T12:00:00Z,exploded,,web\n"  # line 3
        "3,2024-01-03T12:00:00Z,cancelled,,web\n"  # line 4: not a deploy
        "4,2024-01-04T12:00:00Z,failed,2024-01-05T10:00:00Z,web\n"  # line 5: commit after
        "1,2024-01-05T12:00:00Z,success,,web\n"  # line 6: duplicate id
        "5,later,success,,web\n"  # line 7
        "6,2024-01-08T12:00:00Z,rolled_back,,web\n"  # line 8
    )
    result = import_deploys(path)
    got = dict(zip(result.excluded["line"], result.excluded["reason"], strict=True))
    assert sorted(got) == [3, 5, 6, 7]
    assert "unknown status 'exploded'" in got[3]
    assert "commit time after" in got[5]
    assert "duplicate deploy id '1'" in got[6]
    assert "cannot read deploy time 'later'" in got[7]
    assert result.not_deploys == 1
    assert result.deploys["line"].tolist() == [2, 8]
    assert result.deploys["failed"].tolist() == [False, True]


def test_deploys_missing_columns_are_fatal(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("when,outcome\n2024-01-01T00:00:00Z,success\n")
    with pytest.raises(InputError, match="missing column 'timestamp'"):
        import_deploys(path)
    assert len(import_deploys(path, {"time": "when", "status": "outcome"}).deploys) == 1


def test_profile_from_the_examples() -> None:
    incidents = import_incidents(EXAMPLES / "pagerduty-incidents.csv", "pagerduty")
    deploys = import_deploys(EXAMPLES / "deploys.csv")
    history = history_profile(incidents, deploys, 24)
    profile = history.profile
    assert profile.buckets["deployment_frequency"] == "Weekly"
    assert 1.0 < (profile.deploys_per_week or 0) < 1.3  # weekly releases plus hotfixes
    assert profile.clusters["lead_time_hours"] == "high"  # about 60 h
    assert profile.based_on["deployment_frequency"] == len(deploys.deploys)


GIT = shutil.which("git")


def git(repo: Path, *args: str, date: str | None = None) -> None:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
        "HOME": str(repo),
        "PATH": str(Path(GIT or "").parent),
    }
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    subprocess.run([GIT or "git", "-C", str(repo), *args], check=True, env=env, capture_output=True)


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_git_tags_are_deploys(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "commit", "-q", "--allow-empty", "-m", "one", date="2024-01-01T10:00:00+00:00")
    git(repo, "tag", "v1", date="2024-01-01T10:00:00+00:00")  # lightweight: commit date
    git(repo, "commit", "-q", "--allow-empty", "-m", "two", date="2024-01-08T10:00:00+00:00")
    git(repo, "tag", "-a", "v2", "-m", "release", date="2024-01-09T12:00:00+02:00")  # annotated
    result = deploys_from_git(repo)
    deploys = result.deploys
    assert deploys["tag"].tolist() == ["v1", "v2"]
    assert [t.isoformat() for t in deploys["time"]] == [
        "2024-01-01T10:00:00+00:00",
        "2024-01-09T10:00:00+00:00",
    ]
    assert [t.isoformat() for t in deploys["commit_time"]] == [
        "2024-01-01T10:00:00+00:00",
        "2024-01-08T10:00:00+00:00",
    ]


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_git_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such git repository"):
        deploys_from_git(tmp_path / "absent")
    with pytest.raises(InputError, match="not a readable git repository"):
        deploys_from_git(tmp_path)
    repo = tmp_path / "empty"
    repo.mkdir()
    git(repo, "init", "-q")
    with pytest.raises(InputError, match="no tags"):
        deploys_from_git(repo)


def test_git_missing_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(InputError, match="git is not installed"):
        deploys_from_git(tmp_path)


def test_cli_history_prints_profile_counts_and_exclusions(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(
        "history",
        str(EXAMPLES / "generic-incidents.csv"),
        "--deploys",
        str(EXAMPLES / "deploys.csv"),
        "--window-hours",
        "12",
    )
    assert result.code == 0, result.err
    out = result.out
    assert "Incidents by category" in out and "other" in out
    assert "Delivery profile (DORA four keys)" in out and "Weekly" in out
    assert "Excluded incident rows (3)" in out
    assert "duplicate of line" in out
    assert "12 h before an incident" in out


def test_cli_history_reports_bad_input_without_traceback(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "x.csv"
    path.write_text("when,title\n2024-01-01,x\n")
    result = cli("history", str(path), "--format", "pagerduty")
    assert result.code == 2
    assert "missing column 'created_on'" in result.err
    assert "Traceback" not in result.err
    result = cli("history", str(path), "--columns", "created")
    assert result.code == 2 and "not FIELD=COLUMN" in result.err
    result = cli(
        "history",
        str(path),
        "--git",
        str(tmp_path / "nope"),
        "--columns",
        "created=when",
        "resolved=when",
    )
    assert result.code == 2 and "no such git repository" in result.err


@pytest.mark.skipif(GIT is None, reason="git is not installed")
def test_tag_pattern_keeps_only_matching_tags(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "commit", "-q", "--allow-empty", "-m", "one", date="2024-01-01T10:00:00+00:00")
    git(repo, "tag", "v1", date="2024-01-01T10:00:00+00:00")
    git(repo, "tag", "nightly-1", date="2024-01-01T10:00:00+00:00")
    git(repo, "commit", "-q", "--allow-empty", "-m", "two", date="2024-01-08T10:00:00+00:00")
    git(repo, "tag", "v2", date="2024-01-08T10:00:00+00:00")
    assert len(deploys_from_git(repo).deploys) == 3
    kept = deploys_from_git(repo, "v*")
    assert kept.deploys["tag"].tolist() == ["v1", "v2"]
    with pytest.raises(InputError, match="no tag matches"):
        deploys_from_git(repo, "release-*")


def _deploys_csv(path: Path, start: str, days: int, per_day: int) -> Path:
    times = pd.date_range(start, periods=days * per_day, freq=f"{24 // per_day}h", tz="UTC")
    rows = [f"{t.isoformat()},success" for t in times]
    path.write_text("timestamp,status\n" + "\n".join(rows) + "\n")
    return path


def test_window_mismatch_is_warned(tmp_path: Path) -> None:
    from analyzer.history.profile import window_warning

    incidents = import_incidents(FIXTURES / "history-incidents.csv", "generic",
                                 {"created": "opened", "resolved": "closed"})
    short = import_deploys(_deploys_csv(tmp_path / "d.csv", "2024-01-10", 3, 3))
    warning = window_warning(incidents, short)
    assert warning is not None and "mismatched periods" in warning
    matching = import_deploys(_deploys_csv(tmp_path / "e.csv", "2024-01-01", 60, 1))
    assert window_warning(incidents, matching) is None


def _history_questionnaire(tmp_path: Path, typed: str, deploys_days: int) -> Path:
    import shutil as sh

    sh.copy(FIXTURES / "history-incidents.csv", tmp_path / "history-incidents.csv")
    _deploys_csv(tmp_path / "deploys.csv", "2024-01-01", deploys_days, 2)  # 14 a week
    text = (FIXTURES / "history-team.yaml").read_text()
    text = text.replace("delivery: {prod_deploys_per_week: 1}", f"delivery: {{{typed}}}")
    text += "    deploys: deploys.csv\n"
    path = tmp_path / "q.yaml"
    path.write_text(text)
    return path


def test_deploy_history_feeds_the_model_and_states_the_conflict(tmp_path: Path) -> None:
    from analyzer.app.pipeline import prepare
    from analyzer.history.evidence import delivery_from_history

    path = _history_questionnaire(tmp_path, "prod_deploys_per_week: 2", 60)
    q = load_questionnaire(path)
    fed, evidence = delivery_from_history(q, incident_evidence(q, path))
    assert evidence is not None and evidence.deploys is not None
    rate = fed.delivery.prod_deploys_per_week
    n = evidence.deploys.deploys
    assert n == 120
    assert rate.likely == pytest.approx((n - 1) / evidence.deploys.weeks)  # (n-1)/weeks
    assert rate.low < rate.likely < rate.high
    assert any("Conflict" in note and "prod_deploys_per_week" in note for note in evidence.notes)
    a = prepare(path, samples=200)
    assert float(np.median(a.values["delivery.prod_deploys_per_week"])) > 10
    from analyzer.decision.decide import input_notes

    assert any("Conflict" in note for note in input_notes(a))


def test_deploy_history_agreeing_with_the_answer_states_no_conflict(tmp_path: Path) -> None:
    from analyzer.history.evidence import delivery_from_history

    path = _history_questionnaire(tmp_path, "prod_deploys_per_week: [10, 14, 18]", 60)
    q = load_questionnaire(path)
    _, evidence = delivery_from_history(q, incident_evidence(q, path))
    assert evidence is not None
    assert not any("prod_deploys_per_week" in note for note in evidence.notes)


def _team_naming(tmp_path: Path, extra: str, *, file: str = "history-incidents.csv") -> Path:
    """The history fixture team in ``tmp_path`` with its export, naming ``file`` and then the
    ``extra`` lines under ``incidents.history`` (line 15 onwards)."""
    shutil.copy(FIXTURES / "history-incidents.csv", tmp_path)
    text = (FIXTURES / "history-team.yaml").read_text()
    text = text.replace("file: history-incidents.csv", f"file: {file}") + extra
    path = tmp_path / "q.yaml"
    path.write_text(text)
    return path


def _problems(path: Path) -> list:  # type: ignore[type-arg]
    with pytest.raises(InputError) as err:
        incident_evidence(load_questionnaire(path), path)
    return list(err.value.problems)


def test_a_missing_export_is_said_at_the_questionnaire_field(tmp_path: Path) -> None:
    path = _team_naming(tmp_path, "", file="nope.csv")
    (problem,) = _problems(path)
    assert (problem.file, problem.line, problem.column) == (str(path), 11, 11)
    assert problem.field == "incidents.history.file"
    assert problem.message == f"{tmp_path / 'nope.csv'}: no such incident export"


def test_an_unusable_deploy_export_is_said_at_the_questionnaire_field(tmp_path: Path) -> None:
    """A deploys file whose columns are swapped used to be read as 0 deploys and ignored, the
    typed delivery answers used instead; now the questionnaire's field is named, then each row."""
    deploys = tmp_path / "deploys.csv"
    deploys.write_text("timestamp,status\nsuccess,2024-01-01T00:00:00Z\n")
    path = _team_naming(tmp_path, "    deploys: deploys.csv\n")
    headline, row = _problems(path)
    assert (headline.file, headline.line, headline.column) == (str(path), 15, 14)
    assert headline.field == "incidents.history.deploys"
    assert headline.message == (
        f"{deploys}: no usable deploy: every row was excluded; the reasons follow"
    )
    assert (row.file, row.line) == (str(deploys), 2)
    assert row.message.startswith("cannot read deploy time 'success'")


def test_an_export_with_problems_at_its_lines_is_introduced_by_the_field(tmp_path: Path) -> None:
    path = _team_naming(tmp_path, "")
    path.write_text(path.read_text().replace("    columns: {created: opened, resolved: closed}\n", ""))
    pointer, *missing = _problems(path)
    assert (pointer.file, pointer.line, pointer.field) == (str(path), 11, "incidents.history.file")
    assert pointer.message == f"{tmp_path / 'history-incidents.csv'}: cannot be used; its problems follow"
    assert [(p.line, p.field) for p in missing] == [(1, "created"), (1, "resolved")]


CATEGORIES = "categories:\n  applicaton: {keywords: [x]}\n  data:\n    keywords: disk\n"


def test_categories_file_problems_have_their_line_and_column(tmp_path: Path) -> None:
    from analyzer.history.classify import load_rules

    cats = tmp_path / "cats.yaml"
    cats.write_text(CATEGORIES)
    with pytest.raises(InputError) as err:  # as --categories reads it
        load_rules(cats)
    unknown, not_a_list = err.value.problems
    assert (unknown.file, unknown.line, unknown.column) == (str(cats), 2, 3)
    assert unknown.field == "categories.applicaton"
    assert "unknown category 'applicaton' (did you mean 'application'?)" in unknown.message
    assert (not_a_list.line, not_a_list.column, not_a_list.field) == (
        4, 15, "categories.data.keywords"
    )
    cats.write_text("categories: [application]\n")
    with pytest.raises(InputError) as err:
        load_rules(cats)
    assert [(p.line, p.column, p.field) for p in err.value.problems] == [(1, 13, "categories")]


def test_a_categories_file_with_problems_is_introduced_by_the_field(tmp_path: Path) -> None:
    cats = tmp_path / "cats.yaml"
    cats.write_text(CATEGORIES)
    path = _team_naming(tmp_path, "    categories: cats.yaml\n")
    pointer, *problems = _problems(path)
    assert (pointer.file, pointer.line, pointer.column) == (str(path), 15, 17)
    assert pointer.field == "incidents.history.categories"
    assert [(p.file, p.line) for p in problems] == [(str(cats), 2), (str(cats), 4)]


def test_validate_names_the_questionnaire_field_of_an_unusable_deploy_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from analyzer.app.cli import main
    from analyzer.errors import EXIT_INPUT

    (tmp_path / "deploys.csv").write_text("id,timestamp,status\nD1,2024-01-01T00:00:00Z\n")
    path = _team_naming(tmp_path, "    deploys: deploys.csv\n")
    assert main(["validate", str(path)]) == EXIT_INPUT
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{path}:15:14: incidents.history.deploys: ")
    assert err[0].endswith("no usable deploy: every row was excluded; the reasons follow")
    assert err[1] == f"{tmp_path / 'deploys.csv'}:2: the row has 2 fields, the header has 3"
