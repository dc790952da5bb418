"""analyzer.app.lightstats: the Sobol child's stand-in for scipy.stats gives the same indices."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from scipy.special import ndtri
from scipy.stats import norm

from analyzer._io.paths import example_questionnaire
from analyzer.app import lightstats
from analyzer.app.pipeline import prepare
from analyzer.decision.sensitivity import assessment_sobol
from tests.conftest import ROOT, _env

SAMPLES, SEED, SOBOL_N = 300, 5, 64

# A fresh interpreter (this one has the real scipy.stats loaded): the stand-in, then the
# indices of the seed team, as JSON, and whether any of scipy.stats' distributions was loaded.
_CHILD = f"""
import json, sys
from analyzer.app import lightstats
assert lightstats.install()
from analyzer._io.paths import example_questionnaire
from analyzer.app.pipeline import prepare
from analyzer.decision.sensitivity import assessment_sobol
a = prepare(example_questionnaire("seed-team"), samples={SAMPLES}, seed={SEED})
frame = assessment_sobol(a, n={SOBOL_N})
print(json.dumps({{c: frame[c].tolist() for c in frame.columns}}))  # floats exactly (repr)
print("scipy.stats._continuous_distns" in sys.modules or "scipy.linalg" in sys.modules)
"""


def test_the_quantile_is_scipy_stats_norm_ppf() -> None:
    q = np.array([0.5 + 0.95 / 2, 0.5 + 0.9 / 2, 0.001, 0.5, 0.999999])
    assert np.array_equal(lightstats._StandardNormal.ppf(q), norm.ppf(q))
    assert lightstats._StandardNormal.ppf(0.975) == norm.ppf(0.975) == ndtri(0.975)


def test_not_installed_over_the_real_module() -> None:
    assert "scipy.stats" in sys.modules
    assert not lightstats.install()
    assert sys.modules["scipy.stats"].__name__ == "scipy.stats"
    assert hasattr(sys.modules["scipy.stats"], "gamma")  # still the real one


@pytest.mark.slow  # a whole Sobol run twice: the full suite runs it
def test_sobol_indices_are_the_same_with_the_stand_in() -> None:
    out = subprocess.run([sys.executable, "-c", _CHILD], cwd=ROOT, env=_env(),
                         capture_output=True, text=True, check=True, timeout=120).stdout
    frame_json, loaded = out.strip().splitlines()
    light = pd.DataFrame(json.loads(frame_json))
    a = prepare(example_questionnaire("seed-team"), samples=SAMPLES, seed=SEED)
    real = assessment_sobol(a, n=SOBOL_N)
    assert loaded == "False"  # neither the distributions nor scipy.linalg were imported
    assert list(light.columns) == list(real.columns)
    assert list(light["name"]) == list(real["name"])
    for column in ("S1", "S1_conf", "ST", "ST_conf", "margin_ST", "margin_ST_conf"):
        np.testing.assert_array_equal(light[column].to_numpy(), real[column].to_numpy())


def test_the_unused_modules_import_and_fail_only_when_used() -> None:
    module = lightstats._unused_module("scipy.spatial", lightstats.UNUSED["scipy.spatial"])
    assert isinstance(module.distance, lightstats._Missing)
    for use in (lambda: module.distance.pdist([[0.0]]), lambda: module.Voronoi([[0.0]])):
        try:
            use()
        except AttributeError as exc:
            assert "light stand-in" in str(exc)
        else:
            raise AssertionError("a stand-in name was usable")
