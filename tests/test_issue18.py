"""Issue 18: what a tech lead trips over (report default, template examples, validate, CLI)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from analyzer._io.paths import example_questionnaire

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


# ---- item 10: typed ranges -------------------------------------------------------------------


def test_percent_range_midpoint_is_rounded() -> None:
    from analyzer.questionnaire.interview.answer import parse_typed_estimate as parse_estimate

    assert parse_estimate("15%-30%", percent=True) == [0.15, 0.225, 0.3]
    assert parse_estimate("basic-working", words=("none", "basic", "working")) == "basic-working"


def test_familiarity_word_range_in_yaml() -> None:
    q = _seed_with(team={"docker_familiarity": "basic-working"})
    e = q.team.docker_familiarity
    assert (e.low, e.likely, e.high) == (0.33, 0.5, 0.67)


# ---- item 13: YAML estimates as ask types them; weights notice -------------------------------


def _seed_with(**sections: dict[str, object]):  # type: ignore[no-untyped-def]
    import yaml

    from analyzer.questionnaire.form import parse_questionnaire

    data = yaml.safe_load(example_questionnaire("seed-team").read_text())
    for section, values in sections.items():
        data[section].update(values)
    return parse_questionnaire(yaml.safe_dump(data))


def test_yaml_accepts_percent_and_text_ranges() -> None:
    q = _seed_with(team={"ops_time_share": "20%", "hourly_cost": "70-90"})
    assert q.team.ops_time_share.likely == 0.2 and q.team.ops_time_share.is_point
    hc = q.team.hourly_cost
    assert (hc.low, hc.likely, hc.high) == (70, 80, 90)


def test_yaml_percent_only_for_fractions() -> None:
    import pytest

    from analyzer.errors import InputError

    with pytest.raises(InputError, match="percentage only fits a fraction"):
        _seed_with(team={"engineers": "20%"})


def test_weights_not_summing_to_one_are_named(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    text = example_questionnaire("seed-team").read_text()
    q = _seed_with()
    w = q.priorities.weights
    assert w.notice() is None  # the seed team's weights sum to 1
    import yaml

    data = yaml.safe_load(text)
    data["priorities"]["weights"]["cost"] = 0.6  # 1.25 in all
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(data))
    out = cli("validate", str(path))
    assert out.code == 0, out.err
    assert "sum to 1.25" in out.out
    assessed = cli("assess", str(path), "--no-sensitivity", "--samples", "200")
    assert "sum to 1.25" in assessed.out


# ---- item 11: the assess table ----------------------------------------------------------------


def test_table_columns_never_run_together() -> None:
    from hypothesis import given
    from hypothesis import strategies as st

    from analyzer.report.textout import COLUMN_GAP, table_lines

    cell = st.text(alphabet="0123456789h ,()to", min_size=1, max_size=30).map(str.strip).filter(
        bool)

    @given(st.integers(1, 5).flatmap(lambda n: st.lists(st.lists(cell, min_size=n, max_size=n),
                                                        min_size=2, max_size=5)))
    def check(rows: list[list[str]]) -> None:
        lines = table_lines(rows)
        widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
        for row, line in zip(rows, lines, strict=True):
            # Each cell sits in its own slot, separated by at least COLUMN_GAP spaces.
            pos = 2
            for i, (text, w) in enumerate(zip(row, widths, strict=True)):
                slot = line[pos:pos + w]
                assert slot.strip() == text
                pos += w
                if i < len(row) - 1:
                    assert line[pos:pos + COLUMN_GAP] == " " * COLUMN_GAP
                    pos += COLUMN_GAP

    check()


def test_assess_names_options_by_label(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("assess", str(example_questionnaire("saas-12")), "--samples", "300")
    assert out.code == 0, out.err
    assert "docker wins" not in out.out and "machine-image wins" not in out.out
    assert "\n  machine-image " not in out.out  # keys only in JSON


def test_every_subcommand_has_a_description(cli) -> None:  # type: ignore[no-untyped-def]
    for command in ("init", "ask", "validate", "assess", "schema", "history", "report"):
        out = cli(command, "--help")
        assert out.code == 0
        body = out.out.split("\n\n")
        assert len(body) >= 3, command  # usage, description, arguments
    assess = cli("assess", "--help").out
    assert "json (the decision as data)" in " ".join(assess.split())


def test_assess_json_has_the_running_cost_per_item(cli) -> None:  # type: ignore[no-untyped-def]
    out = cli("assess", str(example_questionnaire("solo")), "--format", "json",
              "--no-sensitivity", "--samples", "200")
    assert out.code == 0, out.err
    doc = json.loads(out.out)
    items = {(r["option"], r["item"]) for r in doc["running_cost"]}
    assert {o for o, _ in items} == set(doc["options"])
    for name, option in doc["options"].items():
        means = sum(r["mean"] for r in doc["running_cost"] if r["option"] == name)
        assert means > 0 and option["recurring_hours_per_month"]["p90"] > 0


def test_familiarity_question_guides_a_mixed_team() -> None:
    from analyzer.questionnaire.interview.steps import steps_for

    step = next(s for s in steps_for({}) if s.id.endswith("docker_familiarity"))
    assert step.hint is not None and "mixed team" in step.hint


def test_json_reversals_name_options_by_label(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    out = cli("assess", str(example_questionnaire("org-40")), "--format", "json",
              "--samples", "300")  # org-40 is close: its answers have flips within their ranges
    assert out.code == 0, out.err
    doc = json.loads(out.out)
    flips = [r for r in doc["reversals"] if r.get("threshold") is not None]
    assert flips
    for r in flips:
        assert not r["text"].startswith(r["flips_to"] + " "), r["text"]
        assert r["flips_to"] in doc["options"]  # the key stays for machines
