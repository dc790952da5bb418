"""The report's table of "every input the model used" lists only inputs something reads.

An embedded file (the seed team's SQLite) has no service, instance, start-up or scale-out of its
own; ``Assessment.inputs_used`` leaves its answers out. These tests hold the claim true: changing
any of them changes neither an output of the model nor the decision.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np

import analyzer
from analyzer.model.core import evaluate


def _arrays(obj: Any, prefix: str = "") -> dict[str, np.ndarray]:
    """Every float array of an Outputs, flattened to dotted names."""
    found: dict[str, np.ndarray] = {}
    if isinstance(obj, dict):
        for k, v in obj.items():
            found.update(_arrays(v, f"{prefix}{k}."))
    elif dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        for f in dataclasses.fields(obj):
            found.update(_arrays(getattr(obj, f.name), f"{prefix}{f.name}."))
    elif isinstance(obj, np.ndarray) and obj.dtype.kind == "f":
        found[prefix] = obj
    return found


def test_an_embedded_files_answers_are_not_listed_as_used(seed_path: Path) -> None:
    a = analyzer.assess(analyzer.load_questionnaire(seed_path), samples=200, seed=1)
    embedded = [p.name for p in a.structure.processes if p.embedded]
    assert embedded == ["sqlite"]
    names = set(a.inputs_used()["name"])
    assert not [n for n in names if n.startswith("processes.sqlite.")]
    assert "processes.mongodb.data_gb" in names  # a process of its own stays listed


def test_nothing_reads_an_embedded_files_answers(seed_path: Path) -> None:
    a = analyzer.assess(analyzer.load_questionnaire(seed_path), samples=200, seed=1)
    left_out = [n for n in a.values if n.startswith("processes.sqlite.")]
    assert len(left_out) >= 5
    moved = {}
    for name in left_out:  # each one well away from every value it had
        x = np.asarray(a.values[name])
        moved[name] = np.full_like(x, 3.0 * float(x.max()) + 7.0)
    values = {**a.values, **moved}
    before = _arrays(evaluate(a.values, a.structure, reuse_horizons=False, hold_breakdowns=True))
    after = _arrays(evaluate(values, a.structure, reuse_horizons=False, hold_breakdowns=True))
    assert before.keys() == after.keys()
    changed = [k for k in before if not np.array_equal(before[k], after[k], equal_nan=True)]
    assert changed == []
    # the decision reads some answers itself (scale-outs, services, familiarity): not these
    d0 = analyzer.decide(a, sensitivity=False)
    b = dataclasses.replace(a, values=values, outputs=evaluate(values, a.structure))
    d1 = analyzer.decide(b, sensitivity=False)
    assert (d1.recommendation, d1.confidence, d1.reasons) == (
        d0.recommendation, d0.confidence, d0.reasons)
