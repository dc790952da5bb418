"""Benchmark of a slider change in notebooks/explore_tradeoffs.ipynb (issue 6). Run on demand:
``PYTHONPATH=. python benchmarks/bench_explore.py``.

Target: one change re-runs the model and redraws in under 100 ms at 10,000 samples. Times, as
medians over repeats, (1) the model: ``what_if`` + ``reassess`` + ``recommend`` (the lean path
the notebook's sliders take: ``decide``'s futures, scores and headline, no reasons or checks),
and (2) the whole slider callback: the model, ``cost_over_time`` redrawn into a kept figure
(``charts.redraw_cost_over_time``: its artists updated in place) and
rendered to SVG (text as text, ``charts.svg_bytes``: text sizes measured once), as the
notebook's image widget shows it. Besides the wall-clock medians (the goal) it prints the CPU
time of the whole callback, which the shared machine's load disturbs less.
"""

from __future__ import annotations

import os
import statistics
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from goals import goal

import analyzer

REPEATS = 7
TARGET_MS = 100.0
MOVES = {
    "delivery.prod_deploys_per_week": 10.0,
    "team.engineers": 6,
    "incidents.counts.environment_drift": 12,
    "team.docker_familiarity": 0.8,
    "priorities.horizon_months": 48,
}


def _median_ms(fn, repeats: int = REPEATS, clock=time.perf_counter) -> float:  # type: ignore[no-untyped-def]
    fn()
    times = []
    for _ in range(repeats):
        start = clock()
        fn()
        times.append(1000 * (clock() - start))
    return statistics.median(times)


def main() -> None:
    q = analyzer.load_questionnaire(analyzer.example_questionnaire("seed-team"))
    a = analyzer.assess(q, samples=10_000, seed=1)
    fig, ax = plt.subplots(figsize=(7, 3.4))
    fig.subplots_adjust(left=0.12, right=0.98, top=0.86, bottom=0.14)

    def model(path: str, value: float) -> tuple[analyzer.Assessment, analyzer.Verdict]:
        changed = analyzer.reassess(a, analyzer.what_if(q, **{path: value}))
        return changed, analyzer.recommend(changed)

    def callback(path: str, value: float) -> None:
        changed, verdict = model(path, value)
        analyzer.charts.redraw_cost_over_time(changed, ax)
        fig.suptitle(verdict.headline, fontsize=9)
        with plt.rc_context({"svg.fonttype": "none"}):
            analyzer.charts.svg_bytes(fig)

    print(f"{'change':<40} {'model ms':>9} {'with redraw ms':>15} {'its CPU ms':>11}"
          "   (10,000 samples)")
    medians = []
    for path, value in MOVES.items():
        t_model = _median_ms(lambda p=path, v=value: model(p, v))
        t_all = _median_ms(lambda p=path, v=value: callback(p, v))
        cpu = _median_ms(lambda p=path, v=value: callback(p, v), clock=time.process_time)
        medians.append(t_all)
        print(f"{path + ' = ' + str(value):<40} {t_model:9.1f} {t_all:15.1f} {cpu:11.1f}")
    goal(f"slider change with redraw (median over the {len(MOVES)} changes' medians)",
         statistics.median(medians), TARGET_MS, "ms", runs=REPEATS, strict=True)


if __name__ == "__main__":
    main()
