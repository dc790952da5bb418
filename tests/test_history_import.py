"""Incident import: presets on the bundled examples, bad data reported with line numbers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analyzer._io.paths import data_dir
from analyzer.app.cli import main
from analyzer.errors import EXIT_INPUT, InputError
from analyzer.history import import_deploys, import_incidents
from analyzer.history.table import record_fields, record_lines

EXAMPLES = data_dir() / "history"
HEADER = "id,created_at,resolved_at,title,service,category\n"


def write(tmp_path: Path, body: str, header: str = HEADER, name: str = "inc.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


def reasons(result) -> dict[int, str]:  # type: ignore[no-untyped-def]
    return dict(zip(result.excluded["line"], result.excluded["reason"], strict=True))


@pytest.mark.parametrize(
    ("file", "fmt", "usable", "excluded"),
    [
        ("generic-incidents.csv", "generic", 200, 3),
        ("pagerduty-incidents.csv", "pagerduty", 200, 0),
        ("opsgenie-alerts.csv", "opsgenie", 200, 0),
    ],
)
def test_presets_parse_the_examples(file: str, fmt: str, usable: int, excluded: int) -> None:
    result = import_incidents(EXAMPLES / file, fmt)
    assert len(result.incidents) == usable
    assert len(result.excluded) == excluded
    assert 11 < result.span_months() <= 12
    assert (result.incidents["restore_hours"] >= 0).all()
    # Every usable incident is in some category the model counts: none is discarded.
    assert sum(result.counts().values()) == usable
    assert result.counts()["other"] == result.unclassified
    assert str(result.incidents["created"].dt.tz) == "UTC"


def test_pagerduty_offsets_across_daylight_saving_are_converted_not_refused(tmp_path: Path) -> None:
    header = "id,title,service_name,urgency,created_on,resolved_on\n"
    path = write(
        tmp_path,
        "P1,Deploy failed,web,high,2024-03-09T23:00:00-05:00,2024-03-10T04:00:00-04:00\n",
        header,
    )
    result = import_incidents(path, "pagerduty")
    assert result.incidents["restore_hours"].tolist() == [4.0]
    assert result.incidents["created"].iloc[0].isoformat() == "2024-03-10T04:00:00+00:00"


def test_opsgenie_epoch_ms_and_close_time_duration(tmp_path: Path) -> None:
    header = "TinyId,Message,CreatedAt,Report.CloseTime,Tags,Entity\n"
    path = write(tmp_path, "7,Disk full,1704067200000,5400000,env:prod,mongodb\n", header)
    result = import_incidents(path, "opsgenie")
    row = result.incidents.iloc[0]
    assert row["restore_hours"] == 1.5
    assert row["created"].isoformat() == "2024-01-01T00:00:00+00:00"
    assert row["category"] == "data"


def test_generic_example_lists_its_three_bad_rows_by_line() -> None:
    result = import_incidents(EXAMPLES / "generic-incidents.csv")
    text = " | ".join(result.excluded["reason"])
    assert "duplicate of line" in text and "resolved before created" in text
    assert "not resolved" in text
    assert result.incidents["classified_by"].eq("column").sum() == 2


def test_missing_columns_are_fatal_with_the_header_line(tmp_path: Path) -> None:
    path = write(tmp_path, "1,2024-01-01T00:00:00Z,x\n", header="id,opened,title\n")
    with pytest.raises(InputError) as err:
        import_incidents(path)
    problems = err.value.problems
    assert {p.field for p in problems} == {"created", "resolved"}
    assert all(p.line == 1 for p in problems)
    assert "created=COLUMN" in str(err.value)


def test_column_mapping_names_other_columns(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "1,2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,deploy\n",
        header="id,opened,closed,summary\n",
    )
    result = import_incidents(
        path, columns={"created": "opened", "resolved": "closed", "title": "summary"}
    )
    assert result.counts()["failed_deploy"] == 1


def test_unknown_column_field_and_format_are_input_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    with pytest.raises(InputError, match="did you mean 'created'"):
        import_incidents(path, columns={"creatd": "x"})
    with pytest.raises(InputError, match="format: unknown export preset 'pagerdudy'"):
        import_incidents(path, "pagerdudy")


def test_each_bad_row_is_excluded_and_listed_with_its_line(tmp_path: Path) -> None:
    body = (
        "1,2024-01-01T10:00:00Z,2024-01-01T11:00:00Z,ok,web,\n"  # line 2
        "2,yesterday,2024-01-01T11:00:00Z,bad date,web,\n"  # line 3
        "3,2024-01-02T10:00:00Z,2024-01-02T09:00:00Z,backwards,web,\n"  # line 4
        "1,2024-01-03T10:00:00Z,2024-01-03T11:00:00Z,again,web,\n"  # line 5
        "4,2024-01-04 10:00:00,2024-01-04 11:00:00,naive,web,\n"  # line 6
        "5,2024-01-05T10:00:00Z,,still open,web,\n"  # line 7
        "6,,2024-01-05T10:00:00Z,no start,web,\n"  # line 8
        "7,2024-01-06T10:00:00Z,2024-01-06T12:00:00Z,ok too,web,\n"  # line 9
    )
    result = import_incidents(write(tmp_path, body))
    got = reasons(result)
    assert sorted(got) == [3, 4, 5, 6, 7, 8]
    assert "cannot read created time 'yesterday'" in got[3]
    assert "resolved before created" in got[4]
    assert got[5] == "duplicate of line 2 (same id '1')"
    assert "mixed time zones" in got[6]
    assert "not resolved" in got[7]
    assert got[8] == "created time is empty"
    assert result.incidents["line"].tolist() == [2, 9]
    assert result.rows_read == 8


def test_line_numbers_follow_multi_line_quoted_fields(tmp_path: Path) -> None:
    body = (
        '1,2024-01-01T10:00:00Z,2024-01-01T11:00:00Z,"two\nline title",web,\n'  # lines 2-3
        "\n"  # line 4
        "2,2024-01-02T10:00:00Z,2024-01-02T11:00:00Z,x,web,extra,field\n"  # line 5
        "3,oops,2024-01-02T11:00:00Z,x,web,\n"  # line 6
    )
    result = import_incidents(write(tmp_path, body))
    got = reasons(result)
    assert sorted(got) == [5, 6]
    assert got[5] == "the row has 7 fields, the header has 6"
    assert result.incidents["line"].tolist() == [2]


def test_record_lines_counts_quoted_newlines_and_escaped_quotes() -> None:
    text = 'a,b\n"x ""q"" \n y",1\nz,2\n'
    assert record_lines(text).tolist() == [1, 2, 4]


def test_duplicates_without_ids_use_time_title_and_service(tmp_path: Path) -> None:
    header = "created_at,resolved_at,title,service\n"
    row = "2024-01-01T10:00:00Z,2024-01-01T11:00:00Z,Disk full,db\n"
    result = import_incidents(write(tmp_path, row + row, header))
    assert reasons(result) == {3: "duplicate of line 2 (same created time, title and service)"}


def test_all_naive_times_are_read_as_utc_with_a_note(tmp_path: Path) -> None:
    result = import_incidents(write(tmp_path, "1,2024-01-01 10:00,2024-01-01 12:00,x,web,\n"))
    assert result.incidents["restore_hours"].tolist() == [2.0]
    assert "read as UTC" in result.notes["note"].iloc[0]


def test_no_usable_row_is_fatal_and_lists_the_reasons(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        import_incidents(write(tmp_path, "1,nope,2024-01-01T00:00:00Z,x,web,\n"))
    assert any(p.line == 2 and "nope" in p.message for p in err.value.problems)


def test_empty_and_missing_files_are_input_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such"):
        import_incidents(tmp_path / "absent.csv")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(InputError, match="empty"):
        import_incidents(empty)


def test_restore_hours_are_exact(tmp_path: Path) -> None:
    body = (
        "1,2024-01-01T10:00:00Z,2024-01-01T10:45:00Z,x,web,\n"
        "2,2024-01-02T10:00:00+02:00,2024-01-02T10:00:00Z,y,web,\n"
    )
    result = import_incidents(write(tmp_path, body))
    np.testing.assert_allclose(result.incidents["restore_hours"], [0.75, 2.0])


def run_history(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """``analyzer history ARGS`` in-process (only AnalyzerError is caught: anything else, a
    traceback for the user, fails the test): exit code and standard error."""
    code = main(["history", *args])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        ("%Q", "'Q' is a bad directive in format '%Q'"),
        ("%", "stray % in format '%'"),
        ("%Y-%m-%d %H:%M:%S%z%z", "%z is given twice"),
        ("%G %H", "ISO year directive '%G' must be used with the ISO week directive"),
    ],
)
def test_a_bad_time_format_flag_is_refused_up_front(
    pattern: str, why: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_history(capsys, str(EXAMPLES / "generic-incidents.csv"), "--time-format", pattern)
    assert code == EXIT_INPUT
    assert err.startswith(f"--time-format: not a valid strftime pattern ({why}")
    assert len(err.splitlines()) == 1
    with pytest.raises(InputError, match="time_format: not a valid strftime pattern"):
        import_incidents(EXAMPLES / "generic-incidents.csv", time_format=pattern)  # the library


def test_an_unknown_preset_is_said_as_the_preset_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_history(capsys, str(EXAMPLES / "generic-incidents.csv"), "--preset", "pagerdooty")
    assert code == EXIT_INPUT
    assert err.splitlines() == [
        "--preset: unknown export preset 'pagerdooty' (did you mean 'pagerduty'?); "
        "known: generic, pagerduty, opsgenie"
    ]


def _with_trailing_commas(path: Path, out: Path) -> Path:
    """``path`` with a comma after every data row (a common spreadsheet/export quirk)."""
    header, *rows = path.read_text(encoding="utf-8").splitlines()
    out.write_text("\n".join([header, *(row + "," for row in rows)]) + "\n", encoding="utf-8")
    return out


def test_a_trailing_comma_on_every_row_does_not_shift_the_columns(tmp_path: Path) -> None:
    """pandas reads a data row one field longer than the header as index + values, shifting
    every value one column left ('cannot read deploy time 'success''); the rows read the same."""
    plain = import_deploys(EXAMPLES / "deploys.csv")
    trailing = import_deploys(_with_trailing_commas(EXAMPLES / "deploys.csv", tmp_path / "d.csv"))
    assert len(trailing.deploys) == len(plain.deploys) == 60
    assert trailing.deploys.equals(plain.deploys) and trailing.excluded.equals(plain.excluded)
    incidents = import_incidents(EXAMPLES / "pagerduty-incidents.csv", "pagerduty")
    shifted = import_incidents(
        _with_trailing_commas(EXAMPLES / "pagerduty-incidents.csv", tmp_path / "i.csv"), "pagerduty"
    )
    assert shifted.incidents.equals(incidents.incidents)
    assert shifted.excluded.equals(incidents.excluded)


def test_ragged_rows_are_excluded_with_their_field_counts(tmp_path: Path) -> None:
    body = (
        "1,2024-01-01T10:00:00Z,2024-01-01T11:00:00Z,ok,web,\n"  # line 2: 6 fields
        "2,2024-01-02T10:00:00Z,2024-01-02T11:00:00Z,trailing comma,web,,\n"  # line 3: ok
        "3,2024-01-03T10:00:00Z,2024-01-03T11:00:00Z,one more,web,,x\n"  # line 4: 7
        "4,2024-01-04T10:00:00Z,2024-01-04T11:00:00Z,short\n"  # line 5: 4
        "\n"  # line 6: blank, skipped
        "5,2024-01-05T10:00:00Z,2024-01-05T11:00:00Z,\"a, b\",web,\n"  # line 7: quoted comma
        "6,2024-01-06T10:00:00Z,2024-01-06T11:00:00Z,many,web,,x,y,z\n"  # line 8: 9
    )
    result = import_incidents(write(tmp_path, body))
    assert reasons(result) == {
        4: "the row has 7 fields, the header has 6",
        5: "the row has 4 fields, the header has 6",
        8: "the row has 9 fields, the header has 6",
    }
    assert result.incidents["line"].tolist() == [2, 3, 7]
    assert result.incidents["title"].tolist() == ["ok", "trailing comma", "a, b"]


def test_record_fields_counts_commas_outside_quotes() -> None:
    text = 'a,b,c\n"x, ""y"",\n z",1,\n\n1,2\n'
    assert record_fields(text).tolist() == [3, 3, 1, 2]
    assert record_lines(text).tolist() == [1, 2, 4, 5]


def test_a_deploy_export_without_a_usable_deploy_is_fatal(tmp_path: Path) -> None:
    path = tmp_path / "d.csv"
    path.write_text("timestamp,status\nyesterday,success\n2024-01-02T00:00:00Z,exploded\n")
    with pytest.raises(InputError) as err:
        import_deploys(path)
    headline, *rows = err.value.problems
    assert headline.message == "no usable deploy: every row was excluded; the reasons follow"
    assert [(p.line, p.message.split(" '")[0]) for p in rows] == [
        (2, "cannot read deploy time"),
        (3, "unknown status"),
    ]
    path.write_text("timestamp,status\n2024-01-01T00:00:00Z,cancelled\n2024-01-02T00:00:00Z,skipped\n")
    with pytest.raises(InputError, match="no usable deploy: its rows are 2 cancelled or skipped"):
        import_deploys(path)
    path.write_text("timestamp,status\n")
    with pytest.raises(InputError, match="no usable deploy: no data rows below the header"):
        import_deploys(path)


def test_cli_history_refuses_a_deploy_export_it_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deploys = tmp_path / "d.csv"
    deploys.write_text("timestamp,status,service\nsuccess,2024-01-01T00:00:00Z,web\n")
    code, err = run_history(capsys, str(EXAMPLES / "generic-incidents.csv"), "--deploys", str(deploys))
    assert code == EXIT_INPUT
    headline, row = err.splitlines()
    assert headline == f"{deploys}: no usable deploy: every row was excluded; the reasons follow"
    assert row.startswith(f"{deploys}:2: cannot read deploy time 'success'; unknown status")


def test_an_export_may_have_a_column_named_line(tmp_path: Path) -> None:
    """The line numbers are kept beside the rows: a 'line' column (a production line, a phone
    line) used to end in 'ValueError: cannot insert line, already exists'."""
    path = write(
        tmp_path,
        "1,2024-01-01T00:00:00Z,2024-01-01T01:00:00Z,x,assembly-3\n",
        header="id,created_at,resolved_at,title,line\n",
    )
    result = import_incidents(path, columns={"service": "line"})
    assert result.incidents["line"].tolist() == [2]
    assert result.incidents["service"].tolist() == ["assembly-3"]
