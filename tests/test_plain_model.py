"""benchmarks/plain_model.py, the plain-float baseline of bench_model.py, computes what the
vectorised model computes: the same outputs for the same drawn inputs (issue 20)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from analyzer._io.paths import example_questionnaire
from analyzer.model.assumptions import load_assumptions
from analyzer.model.core import build_space, build_structure, evaluate
from analyzer.model.options import load_options
from analyzer.questionnaire.form import Questionnaire, load_questionnaire

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = 300


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        f"bench_{name}", ROOT / "benchmarks" / f"{name}.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


plain = _load("plain_model")


def _variant(change: dict[str, object]) -> Questionnaire:
    """The seed team with top-level sections or process fields changed (None: left out)."""
    data = load_questionnaire(example_questionnaire("seed-team")).model_dump(
        mode="json", exclude_unset=True
    )
    for key, value in change.items():
        section, _, field = key.partition(".")
        target = data["processes"][0] if section == "processes" else data[section]
        if value is None:
            target.pop(field)
        else:
            target[field] = value
    return Questionnaire.model_validate(data)


CASES = {
    "seed team": {},
    "a fleet of about 1,000 services": {"processes.count": [800, 1000, 1200]},
    "platform engineers, hands-on time not given": {
        "team.platform_engineers": [1, 1, 2],
        "delivery.hands_on_minutes_per_deploy": None,
    },
    "config management, re-baked images": {
        "platform.config_management": "ansible",
        "delivery.deploy_method": "rebake-image",
    },
    "new services a year left to the default (a share of the services)": {
        "team.new_services_per_year": None,
    },
    "containers on a new host per release today (onto an orchestrator)": {
        "processes.runs_on": "container",
        "processes.deploy_method": "rebake-image",
        "platform.registry": True,
        "platform.container_pipeline": True,
    },
}


@pytest.mark.parametrize("case", list(CASES))
def test_plain_port_gives_the_vectorised_outputs(case: str) -> None:
    q = _variant(CASES[case])
    options, a = load_options(), load_assumptions()
    st = build_structure(q, options, a)
    values = build_space(q, a, options, np.random.default_rng(0)).sample(
        SAMPLES, np.random.default_rng(7)
    )
    out = evaluate(values, st, reuse_horizons=False)
    plan = plain.PlainPlan.of(st)
    for i in range(SAMPLES):
        row = {k: float(x[i] if x.size > 1 else x[0]) for k, x in values.items()}
        got = plain.evaluate_sample(row, plan)
        for key, per_option in got.items():
            group, _, item = key.partition(".")
            want = getattr(out, group)[item] if item else getattr(out, key)
            for o, x in enumerate(per_option):
                expected = float(want[o, i])
                if math.isnan(expected) or math.isinf(expected):
                    assert x == expected or (math.isnan(x) and math.isnan(expected)), (key, o, i)
                else:
                    assert x == pytest.approx(expected, rel=1e-9, abs=1e-9), (key, o, i)
