"""The annotated template (``render_questionnaire_yaml``) and ``analyzer init``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from analyzer._io.paths import data_dir
from analyzer.app.cli import main
from analyzer.errors import EXIT_INPUT, EXIT_IO
from analyzer.questionnaire.estimate import Estimate
from analyzer.questionnaire.form import (
    Process,
    Questionnaire,
    incident_categories,
    load_questionnaire,
    parse_questionnaire,
)
from analyzer.questionnaire.schema import SCHEMA_FILE
from analyzer.questionnaire.template import REPLACE_ME, render_questionnaire_yaml

EXAMPLES = sorted((data_dir() / "questionnaires").glob("*.yaml"))
ROUND_TRIP_EXAMPLES = 100


def _comments(text: str) -> str:
    """All comment text, joined and with whitespace collapsed (comments are wrapped)."""
    # strip every leading '#': comments inside a commented-out optional section are '#   # ...'
    lines = [line.strip().lstrip("#").strip().lstrip("#").strip()
             for line in text.splitlines() if line.strip().startswith("#")]
    return " ".join(" ".join(lines).split())


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    out = [model]
    for info in model.model_fields.values():
        inner = info.annotation
        for candidate in (inner, *getattr(inner, "__args__", ())):
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                out += _models(candidate)
    return out


def test_blank_template_validates() -> None:
    q = parse_questionnaire(render_questionnaire_yaml(), "template.yaml")
    assert q.name and q.team.engineers.likely > 0


def test_first_line_points_at_the_installed_schema() -> None:
    first = render_questionnaire_yaml().splitlines()[0]
    assert first == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    assert SCHEMA_FILE.is_file()
    custom = render_questionnaire_yaml(schema_ref="../schema.json").splitlines()[0]
    assert custom.endswith("$schema=../schema.json")


def test_every_field_is_written_with_its_meaning_unit_and_hint() -> None:
    text = render_questionnaire_yaml()
    comments = _comments(text)
    # optional sections (incidents.history) are written commented out, ready to uncomment
    keys = {line.split(":")[0].strip().lstrip("#").strip().lstrip("- ") for line in text.splitlines()
            if ":" in line}
    for model in _models(Questionnaire):
        for name, info in model.model_fields.items():
            assert name in keys, f"{model.__name__}.{name} missing from the template"
            if info.description:
                assert " ".join(info.description.split()) in comments, name
            extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
            if "unit" in extra:
                assert f"Unit: {extra['unit']}." in comments, name
            if "hint" in extra:
                assert f"If unknown: {extra['hint']}" in comments, name


def test_required_fields_get_marked_examples() -> None:
    text = render_questionnaire_yaml()
    marked = [line.split(":")[0].strip().lstrip("- ") for line in text.splitlines()
              if line.rstrip().endswith(f"# {REPLACE_ME}")]
    for field in ("name", "engineers", "kloc", "prod_deploys_per_week", "kind"):
        assert field in marked
    assert "schema_version" not in marked  # fixed, nothing to replace


def test_blank_template_has_a_web_and_a_database_process() -> None:
    q = parse_questionnaire(render_questionnaire_yaml())
    assert [p.kind for p in q.processes] == ["web", "database"]
    # ... each written with its own per-field comments
    assert render_questionnaire_yaml().count(Process.model_fields["instances"].description) == 2


def test_blank_template_lists_every_incident_category() -> None:
    q = parse_questionnaire(render_questionnaire_yaml())
    assert list(q.incidents.counts) == list(incident_categories())
    assert all(c == Estimate.point(0) for c in q.incidents.counts.values())


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_examples_round_trip(path: Path) -> None:
    q = load_questionnaire(path)
    text = render_questionnaire_yaml(q.model_dump(mode="json"))
    assert parse_questionnaire(text) == q
    assert f"# {REPLACE_ME}" not in text
    assert text.count(Process.model_fields["kind"].description[:30]) == len(q.processes)


def test_partial_values_fill_in_defaults_and_examples() -> None:
    text = render_questionnaire_yaml({"team": {"engineers": 5, "currency": "EUR"}})
    q = parse_questionnaire(text)
    assert q.team.engineers == Estimate.point(5)
    assert q.team.currency == "EUR"
    assert q.team.hourly_cost == Estimate(50, 75, 110)  # the field default (contract v2)
    assert "engineers: 5\n" in text  # given: no 'replace me'
    assert f"kloc: [10, 20, 40]  # {REPLACE_ME}" in text


def test_estimates_are_written_compactly() -> None:
    text = render_questionnaire_yaml(
        {"team": {"engineers": {"low": 2, "likely": 3, "high": 5}, "hires_per_year": [1, 1, 1],
                  "ops_time_share": Estimate(0.05, 0.1, 0.2)}}
    )
    assert "  engineers: [2, 3, 5]\n" in text
    assert "  hires_per_year: 1\n" in text
    assert "  ops_time_share: [0.05, 0.1, 0.2]\n" in text


def test_invalid_values_are_kept_so_validation_can_say_why() -> None:
    text = render_questionnaire_yaml(
        {"team": {"engineers": [5, 3, 1], "enginers": 2}, "incidents": {"counts": [1, 2]}}
    )
    assert "engineers: [5, 3, 1]" in text and "enginers: 2" in text
    assert "  counts: [1, 2]\n" in text


def test_output_is_identical_every_time() -> None:
    assert render_questionnaire_yaml() == render_questionnaire_yaml()


_names = st.text(min_size=1, max_size=120)


@settings(max_examples=ROUND_TRIP_EXAMPLES, deadline=None)
@given(
    name=_names,
    low=st.floats(min_value=1, max_value=100, allow_nan=False),
    spread=st.floats(min_value=0, max_value=100, allow_nan=False),
    description=st.none() | st.text(max_size=200),
)
def test_any_valid_values_round_trip(
    name: str, low: float, spread: float, description: str | None
) -> None:
    base = load_questionnaire(data_dir() / "questionnaires" / "solo.yaml")
    values: dict[str, Any] = base.model_dump(mode="json")
    values["name"] = name
    values["description"] = description
    values["team"]["engineers"] = [low, low + spread / 2, low + spread]
    q = Questionnaire.model_validate(values)
    assert parse_questionnaire(render_questionnaire_yaml(values)) == q


# --- analyzer init --------------------------------------------------------------------------------


def test_init_writes_a_valid_template(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("init", cwd=tmp_path)
    assert result.code == 0, result.err
    written = tmp_path / "questionnaire.yaml"
    assert written.read_text() == render_questionnaire_yaml()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["questionnaire.yaml"]
    # It parses; validate refuses only the untouched example values (issue 18 item 2).
    parse_questionnaire(written.read_text())
    result = cli("validate", str(written))
    assert result.code != 0 and "example value" in result.err and "Traceback" not in result.err


def test_init_refuses_to_overwrite_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mine.yaml"
    target.write_text("my answers\n")
    assert main(["init", str(target)]) == EXIT_INPUT
    err = capsys.readouterr().err
    assert err.startswith(f"{target}: already exists; pass --force") and "Traceback" not in err
    assert target.read_text() == "my answers\n"
    assert main(["init", str(target), "--force"]) == 0
    assert target.read_text() == render_questionnaire_yaml()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.yaml"]


def test_init_failure_mid_write_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def disk_full(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    assert main(["init", str(tmp_path / "q.yaml")]) == EXIT_IO
    err = capsys.readouterr().err
    assert "No space left on device" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_init_onto_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", str(tmp_path), "--force"]) == EXIT_INPUT
    assert "is a folder" in capsys.readouterr().err


def test_init_writes_a_file_others_can_read(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Not the 0600 of a raw temporary file: the mode open() would give under the umask."""
    import os
    import stat

    from analyzer._io.atomic import write_text_atomic

    mask = os.umask(0o022)
    try:
        path = write_text_atomic(tmp_path / "q.yaml", "x: 1\n")
    finally:
        os.umask(mask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
