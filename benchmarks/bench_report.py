"""Benchmark of the report (issue 5). Run on demand: ``python benchmarks/bench_report.py``.

Targets, on the 2-core reference machine, process start to file on disk:
- ``analyzer report`` (seed team, PDF, full sensitivity analysis): <= 2.5 s wall, < 400 MB peak RSS;
- ``analyzer validate`` (seed team): <= 0.5 s wall, and it imports neither matplotlib, typst nor
  SALib (checked with ``python -X importtime``).

Each command runs in a fresh subprocess; peak RSS is ``ru_maxrss`` of the children (kB on Linux),
measured per run by running each in its own short-lived parent. Best and median of REPEATS runs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPEATS = 5
REPORT_TARGET_S = 2.5
REPORT_RSS_TARGET_MB = 400
VALIDATE_TARGET_S = 0.5
HEAVY = ("matplotlib", "typst", "SALib")
KB_PER_MB = 1024

# Runs one command as a child and prints its wall time and the child's peak RSS (kB) as JSON.
_PROBE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": code, "wall": wall, "rss_kb": rss}))
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _measure(args: list[str], cwd: Path) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _PROBE, *args], cwd=cwd, env=_env(),
                         capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(out)
    if result["code"] != 0:
        raise SystemExit(f"{' '.join(args)} failed with exit code {result['code']}")
    return result


def _report(label: str, runs: list[dict[str, float]], target_s: float,
            rss_target_mb: float | None = None) -> None:
    walls = [r["wall"] for r in runs]
    rss = max(r["rss_kb"] for r in runs) / KB_PER_MB
    verdict = "ok" if min(walls) <= target_s else "OVER"
    line = (f"{label}: best {min(walls):.2f} s, median {statistics.median(walls):.2f} s "
            f"(target <= {target_s} s: {verdict}); peak RSS {rss:.0f} MB")
    if rss_target_mb is not None:
        line += f" (target < {rss_target_mb} MB: {'ok' if rss < rss_target_mb else 'OVER'})"
    print(line)


def _heavy_imports(args: list[str], cwd: Path) -> list[str]:
    err = subprocess.run([sys.executable, "-X", "importtime", *args], cwd=cwd, env=_env(),
                         capture_output=True, text=True).stderr
    loaded = {line.rsplit("|", 1)[-1].strip() for line in err.splitlines() if "|" in line}
    return [m for m in HEAVY if m in loaded]


def main() -> None:
    seed = str(ROOT / "data" / "questionnaires" / "seed-team.yaml")
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        cwd = Path(tmp)
        report = [python, "-m", "analyzer", "report"]
        runs = [_measure(report, cwd) for _ in range(REPEATS)]
        pdf = cwd / "reports" / "seed-team.pdf"
        print(f"analyzer report -> {pdf.name}, {pdf.stat().st_size / 1024:.0f} kB")
        _report("analyzer report (seed team, PDF)", runs, REPORT_TARGET_S, REPORT_RSS_TARGET_MB)
        quick = [_measure([*report, "--no-sensitivity"], cwd) for _ in range(REPEATS)]
        _report("analyzer report --no-sensitivity", quick, REPORT_TARGET_S, REPORT_RSS_TARGET_MB)
        validate = [python, "-m", "analyzer", "validate", seed]
        _report("analyzer validate", [_measure(validate, cwd) for _ in range(REPEATS)],
                VALIDATE_TARGET_S)
        heavy = _heavy_imports(["-m", "analyzer", "validate", seed], cwd)
        print(f"validate imports {', '.join(heavy) if heavy else 'none of ' + ', '.join(HEAVY)}")


if __name__ == "__main__":
    main()
