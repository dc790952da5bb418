"""The operations cross-check names where the stated time comes from: the team's answer, or the
default share of time on operations labelled as such (a default is never "you state")."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from analyzer.model.assess import assess
from analyzer.questionnaire.form import load_questionnaire

TEAM = """\
schema_version: 2
name: ops note
team:
  engineers: 12
{ops}codebase:
  kloc: 40
  languages: [python]
delivery:
  prod_deploys_per_week: 5
processes:
  - name: web
    kind: web
"""


def _note(tmp_path: Path, ops: str) -> tuple[str | None, float]:
    f = tmp_path / "q.yaml"
    f.write_text(TEAM.format(ops=ops), encoding="utf-8")
    a = assess(load_questionnaire(f), samples=2000, seed=2)
    return a.ops_cross_check(), float(np.median(a.outputs.ops_stated_hours))


def test_a_default_share_is_not_called_the_teams_answer(tmp_path: Path) -> None:
    note, stated = _note(tmp_path, "")
    assert note is not None  # 12 engineers at the default 10 %: far more than the itemised hours
    assert "You state" not in note and "not an answer you gave" in note
    assert f"about {stated:.0f} h a month" in note


def test_a_given_share_is_the_teams_answer(tmp_path: Path) -> None:
    note, _ = _note(tmp_path, "  ops_time_share: [0.2, 0.3, 0.4]\n")
    assert note is not None and note.startswith("You state about")
