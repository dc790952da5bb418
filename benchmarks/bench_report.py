"""Benchmark of the report (issue 5). Run on demand: ``python benchmarks/bench_report.py``.

Targets, on the 2-core reference machine, process start to file on disk:
- ``analyzer report`` (seed team, PDF, full sensitivity analysis): <= 2.5 s wall, < 400 MB peak RSS;
- ``analyzer validate`` (seed team): <= 0.5 s wall, and it imports neither matplotlib, typst nor
  SALib (checked with ``python -X importtime``).

Each command runs in a fresh subprocess, measured from its own short-lived parent (see _PROBE):
wall time, the largest peak RSS of any process in the run (``ru_maxrss``) and the peak summed
PSS of the process tree (the report forks a child for the Sobol indices). The verdict is on the
median of REPEATS runs; best and median are printed.

First it prints the timeline of a report: when each stage of ``analyzer.app.report`` ends
(``make_report(mark=...)``), median over REPEATS fresh processes. While the forked child
computes the Sobol indices the parent loads the renderer, finishes the decision, draws the
figures and loads Typst's fonts; "idle until then" is the time the parent still waits for the
child.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from goals import goal

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5
REPORT_TARGET_S = 2.5
REPORT_RSS_TARGET_MB = 400
VALIDATE_TARGET_S = 0.5
HEAVY = ("matplotlib", "typst", "SALib")
KB_PER_MB = 1024

# Runs one command as a child and prints its wall time, the largest peak RSS of it and its
# descendants (kB) and the peak of the summed PSS of the whole process tree (kB), as JSON.
# ``analyzer report`` forks a child for the Sobol indices, so memory is two processes' worth;
# PSS splits pages the two share, so the sum is the memory the tree really holds. It is sampled
# every POLL seconds from /proc (Linux), so a spike shorter than that can be missed; reading
# /proc costs CPU, so the timed runs do not poll (first argument "time") and one more run does
# ("memory").
_PROBE = """
import json, os, resource, subprocess, sys, time
POLL = 0.01

def tree(pid):
    out = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = [int(k) for k in f.read().split()]
    except OSError:
        return out
    for k in kids:
        out += tree(k)
    return out

def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
peak = 0
if sys.argv[1] == "memory":
    while proc.poll() is None:
        peak = max(peak, sum(pss_kb(p) for p in tree(proc.pid)))
        time.sleep(POLL)
proc.wait()
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": proc.returncode, "wall": wall, "rss_kb": rss, "pss_kb": peak}))
"""


# One report in a fresh process, with the time each stage of analyzer.app.report ends (seconds
# from the start of the script, after the interpreter's own start-up) as JSON.
_TIMELINE = """
import json, sys, time
start = time.perf_counter()
marks = []
def mark(stage):
    marks.append((stage, time.perf_counter() - start))
from pathlib import Path
from analyzer.app.report import ReportRequest, make_report
mark("imported")
make_report(ReportRequest(Path(sys.argv[1])), background=True, mark=mark)
print(json.dumps(marks))
"""


def timeline(questionnaire: str, cwd: Path) -> list[tuple[str, float]]:
    """The stages of REPEATS reports: for each, the median time it ends at."""
    runs = []
    for _ in range(REPEATS):
        out = subprocess.run([sys.executable, "-c", _TIMELINE, questionnaire], cwd=cwd,
                             env=_env(), capture_output=True, text=True, check=True).stdout
        runs.append(json.loads(out))
    stages = [stage for stage, _ in runs[0]]
    return [(stage, statistics.median(run[i][1] for run in runs))
            for i, stage in enumerate(stages)]


def _print_timeline(marks: list[tuple[str, float]]) -> None:
    print(f"timeline of one report (median of {REPEATS} runs; seconds after the interpreter "
          "started; the Sobol indices are computed by a forked child meanwhile):")
    previous = 0.0
    for stage, end in marks:
        print(f"  {end:5.2f} s  (+{end - previous:4.2f})  {stage}")
        previous = end


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _measure(args: list[str], cwd: Path, what: str = "time") -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _PROBE, what, *args], cwd=cwd, env=_env(),
                         capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(out)
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {result['code']}")
    return result


def _runs(args: list[str], cwd: Path) -> tuple[list[dict[str, float]], dict[str, float]]:
    """REPEATS timed runs and one memory run."""
    return [_measure(args, cwd) for _ in range(REPEATS)], _measure(args, cwd, "memory")


def _report(label: str, measured: tuple[list[dict[str, float]], dict[str, float]],
            target_s: float, rss_target_mb: float | None = None) -> None:
    runs, memory = measured
    walls = [r["wall"] for r in runs]
    rss = max(r["rss_kb"] for r in [*runs, memory]) / KB_PER_MB
    pss = memory["pss_kb"] / KB_PER_MB
    verdict = "ok" if statistics.median(walls) <= target_s else "OVER"
    line = (f"{label}: best {min(walls):.2f} s, median {statistics.median(walls):.2f} s "
            f"(target <= {target_s} s: {verdict}); largest process peak RSS {rss:.0f} MB, "
            f"all processes peak PSS {pss:.0f} MB")
    if rss_target_mb is not None:
        worst = max(rss, pss)
        line += f" (target < {rss_target_mb} MB: {'ok' if worst < rss_target_mb else 'OVER'})"
    print(line)


def _heavy_imports(args: list[str], cwd: Path) -> list[str]:
    err = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=cwd, env=_env(),
                         capture_output=True, text=True).stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in err.splitlines() if "|" in line}
    return [m for m in HEAVY if m in loaded]


def main() -> None:
    seed = str(ROOT / "data" / "questionnaires" / "seed-team.yaml")
    python = sys.executable
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"load average (1, 5, 15 min) at the start: {load} on {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        _print_timeline(timeline(seed, cwd))
        report = [python, "-m", "analyzer", "report"]
        runs = _runs(report, cwd)
        pdf = cwd / "reports" / "seed-team.pdf"
        print(f"analyzer report -> {pdf.name}, {pdf.stat().st_size / 1024:.0f} kB")
        _report("analyzer report (seed team, PDF)", runs, REPORT_TARGET_S, REPORT_RSS_TARGET_MB)
        goal("analyzer report (seed team, PDF, with sensitivity)",
             statistics.median(r["wall"] for r in runs[0]), REPORT_TARGET_S, "s", runs=REPEATS)
        quick = _runs([*report, "--no-sensitivity"], cwd)
        _report("analyzer report --no-sensitivity", quick, REPORT_TARGET_S, REPORT_RSS_TARGET_MB)
        validate = [python, "-m", "analyzer", "validate", seed]
        _report("analyzer validate", _runs(validate, cwd), VALIDATE_TARGET_S)
        heavy = _heavy_imports(["-m", "analyzer", "validate", seed], cwd)
        print(f"validate imports {', '.join(heavy) if heavy else 'none of ' + ', '.join(HEAVY)}")


if __name__ == "__main__":
    main()
