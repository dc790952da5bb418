"""Benchmark: recommendation, tornado and Sobol indices (N = 1024) for the seed team, <= 1.5 s.

"Recommendation" is the full Monte Carlo run (``assess``, 10,000 samples) and its scoring; the
tornado and the Sobol indices run on the same parameter space. Questionnaire loading and imports
are outside the timed region.

Run with pytest-benchmark (``PYTHONPATH=. python -m pytest benchmarks/bench_decision.py
--benchmark-only``) or as a script (``PYTHONPATH=. python benchmarks/bench_decision.py``), which
prints each stage and the best of five runs. Not part of the test suite.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np
from bench_model import FLEET_SIZE, fleet_questionnaire
from goals import goal

from analyzer._io.paths import example_questionnaire
from analyzer.decision.engine import DecisionFunction
from analyzer.decision.futures import score_futures
from analyzer.decision.sensitivity import SOBOL_SAMPLES, sobol_indices, tornado
from analyzer.model.assess import DEFAULT_SEED, assess
from analyzer.questionnaire.form import Questionnaire, load_questionnaire

BUDGET_S = 1.5
RUNS = 5
FLEET_TARGET_S = 3.0


def decide(q: Questionnaire, timings: dict[str, float] | None = None) -> dict[str, Any]:
    """Recommendation + tornado + Sobol for one questionnaire; stage times into ``timings``."""
    clock = time.perf_counter
    t0 = clock()
    a = assess(q, seed=DEFAULT_SEED)
    weights = q.priorities.weights.normalised()
    scoring = score_futures(a)
    t1 = clock()
    engine = DecisionFunction(a.structure, weights)
    table = tornado(engine, a.space, output="score_margin", option=scoring.recommended)
    t2 = clock()
    rng = np.random.default_rng(DEFAULT_SEED)
    indices = sobol_indices(
        engine, a.space, n=SOBOL_SAMPLES, rng=rng, margin_option=scoring.recommended
    )
    t3 = clock()
    if timings is not None:
        timings.update(recommendation=t1 - t0, tornado=t2 - t1, sobol=t3 - t2, total=t3 - t0)
    return {"recommended": scoring.recommended_name, "tornado": table, "sobol": indices}


def test_bench_decision(benchmark) -> None:  # type: ignore[no-untyped-def]
    q = load_questionnaire(example_questionnaire("seed-team"))
    result = benchmark.pedantic(decide, args=(q,), rounds=RUNS, iterations=1, warmup_rounds=1)
    assert result["recommended"] == "machine-image"


def main() -> None:
    q = load_questionnaire(example_questionnaire("seed-team"))
    decide(q)  # warm-up: first calls import SALib and fill caches
    runs = []
    for _ in range(RUNS):
        timings: dict[str, float] = {}
        decide(q, timings)
        runs.append(timings)
    best = min(runs, key=lambda t: t["total"])
    stages = ", ".join(f"{k} {v:.3f} s" for k, v in best.items() if k != "total")
    verdict = "within" if best["total"] <= BUDGET_S else "OVER"
    print(f"seed team: best of {RUNS} {best['total']:.3f} s ({stages}); {verdict} {BUDGET_S} s")
    goal("seed team: recommendation, tornado and Sobol", statistics.median(
        t["total"] for t in runs), BUDGET_S, "s", runs=RUNS)
    fleet()


def fleet() -> None:
    """``assess`` + the whole ``decide`` (sensitivity included: tornado, reversals, Sobol) for
    the seed team with a fleet of FLEET_SIZE services (one process entry with ``count``)."""
    from analyzer.decision.decide import decide as full_decide

    q = fleet_questionnaire(load_questionnaire(example_questionnaire("seed-team")))
    full_decide(assess(q, seed=DEFAULT_SEED))  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        d = full_decide(assess(q, seed=DEFAULT_SEED))
        times.append(time.perf_counter() - start)
    sobol = d.sobol
    runs_note = f", Sobol on {sobol.attrs.get('runs', 0):,} rows" if sobol is not None else ""
    print(f"{FLEET_SIZE:,}-service fleet: assess + decide with sensitivity "
          f"{', '.join(f'{t:.2f}' for t in times)} s{runs_note}")
    goal(f"{FLEET_SIZE:,}-service estate: decision with sensitivity", statistics.median(times),
         FLEET_TARGET_S, "s", runs=RUNS, strict=True)


if __name__ == "__main__":
    main()
