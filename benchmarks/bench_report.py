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
(``make_report(mark=...)``) in the parent and in the Sobol child, median over REPEATS fresh
processes. While the forked child computes the Sobol indices the parent loads the renderer,
finishes the decision, builds every part of the report that does not depend on the indices,
draws the figures and loads Typst's fonts; "idle until then" is the time the parent still
waits for the child.
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
# from the start of the script, after the interpreter's own start-up) as JSON: the parent's
# stages (with the CPU seconds it has used by then) and the Sobol child's, which it appends to
# a file (time.perf_counter is the system's monotonic clock, the same in both processes). The
# child's imports are marked by importing them first; they happen in the same order anyway.
_TIMELINE = """
import json, os, sys, time
start = time.perf_counter()
from analyzer.app.cli import REPORT_ENVIRONMENT
for name, value in REPORT_ENVIRONMENT.items():  # as analyzer report sets them
    os.environ.setdefault(name, value)
import gc
gc.disable()  # as analyzer report does, before its imports
marks = []
def mark(stage):
    marks.append(("parent", stage, time.perf_counter() - start, time.process_time()))
child_log = sys.argv[2]
def child_mark(stage):
    with open(child_log, "a") as f:
        f.write(json.dumps(["child", stage, time.perf_counter() - start, time.process_time()]))
        f.write("\\n")
from pathlib import Path
import analyzer.app.report as report
from analyzer.app import lightstats
mark("imported")
install, sobol = lightstats.install, report.assessment_sobol
def install_marked():
    child_mark("forked")
    install()
    import scipy.stats.qmc, SALib.analyze.sobol
    child_mark("scipy.stats.qmc (stand-in) and SALib imported")
def sobol_marked(*args, **kwargs):
    result = sobol(*args, **kwargs)
    child_mark("Sobol indices computed, sending")
    return result
lightstats.install, report.assessment_sobol = install_marked, sobol_marked
report.make_report(report.ReportRequest(Path(sys.argv[1])), background=True, mark=mark)
with open(child_log) as f:
    marks += [tuple(json.loads(line)) for line in f]
print(json.dumps(marks))
"""

Mark = tuple[str, str, float, float]  # process, stage, ends at (s), CPU used by then (s)


def timeline(questionnaire: str, cwd: Path) -> list[Mark]:
    """The stages of REPEATS reports: for each, the median time it ends at and the median CPU
    its process has used by then, ordered by time."""
    runs = []
    for i in range(REPEATS):
        log = cwd / f"child-{i}.jsonl"
        out = subprocess.run([sys.executable, "-c", _TIMELINE, questionnaire, str(log)],
                             cwd=cwd, env=_env(), capture_output=True, text=True,
                             check=True).stdout
        runs.append(json.loads(out))
    keys = [(who, stage) for who, stage, _, _ in runs[0]]
    marks = []
    for i, (who, stage) in enumerate(keys):
        ends = statistics.median(run[i][2] for run in runs)
        cpu = statistics.median(run[i][3] for run in runs)
        marks.append((who, stage, ends, cpu))
    return sorted(marks, key=lambda m: m[2])


def _print_timeline(marks: list[Mark]) -> None:
    print(f"timeline of one report (median of {REPEATS} runs; seconds after the interpreter "
          "started, + since the same process's previous stage; cpu: that process's CPU "
          "seconds by then):")
    previous: dict[str, float] = {"parent": 0.0}
    for who, stage, end, cpu in marks:
        since = previous.get(who, previous["parent"])
        indent = "" if who == "parent" else "      child: "
        print(f"  {end:5.2f} s  (+{end - since:4.2f}, cpu {cpu:4.2f})  {indent}{stage}")
        previous[who] = end


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
        checked = _runs(validate, cwd)
        _report("analyzer validate", checked, VALIDATE_TARGET_S)
        goal("analyzer validate (seed team)", statistics.median(r["wall"] for r in checked[0]),
             VALIDATE_TARGET_S, "s", runs=REPEATS)
        heavy = _heavy_imports(["-m", "analyzer", "validate", seed], cwd)
        print(f"validate imports {', '.join(heavy) if heavy else 'none of ' + ', '.join(HEAVY)}")


if __name__ == "__main__":
    main()
