"""Issue 18: what a tech lead trips over (report default, template examples, validate, CLI)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from analyzer.paths import example_questionnaire

FIXTURES = Path(__file__).parent / "fixtures"


def test_report_without_file_uses_local_questionnaire(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    mine = (example_questionnaire("solo")).read_text().replace("name:", "name: Mine --", 1)
    (tmp_path / "questionnaire.yaml").write_text(mine)
    result = cli("report", "--format", "json", "--no-sensitivity", "--samples", "200",
                 "-o", str(tmp_path / "r.json"), cwd=tmp_path)
    assert result.code == 0, result.err
    assert "./questionnaire.yaml" in result.err
    doc = json.loads((tmp_path / "r.json").read_text())
    assert "Mine --" in json.dumps(doc)


def test_report_without_any_file_says_it_uses_the_seed_team(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli("report", "--format", "json", "--no-sensitivity", "--samples", "200",
                 "-o", str(tmp_path / "r.json"), cwd=tmp_path)
    assert result.code == 0, result.err
    assert "seed-team" in result.err


def test_untouched_template_is_not_complete(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "q.yaml"
    assert cli("init", str(path)).code == 0
    validated = cli("validate", str(path))
    assert validated.code != 0
    assert "example value" in validated.err and f"{path}:" in validated.err
    assessed = cli("assess", str(path), "--no-sensitivity", "--samples", "200")
    assert assessed.code != 0 and "example value" in assessed.err
    # Deleting the markers accepts the examples as one's own answers.
    path.write_text(path.read_text().replace("# replace me: example value", ""))
    assert cli("validate", str(path)).code == 0


def test_validate_checks_the_incident_history(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    shutil.copy(FIXTURES / "history-team.yaml", tmp_path / "q.yaml")
    missing = cli("validate", str(tmp_path / "q.yaml"))
    assert missing.code != 0 and "history-incidents.csv" in missing.err
    shutil.copy(FIXTURES / "history-incidents.csv", tmp_path / "history-incidents.csv")
    ok = cli("validate", str(tmp_path / "q.yaml"))
    assert ok.code == 0, ok.err
    assert "5 incidents" in ok.out
    assert "None" not in ok.out
