"""Benchmark of `analyzer portfolio` (issue 16). Run on demand: ``python benchmarks/bench_portfolio.py``.

Target, on the 2-core reference machine: 1,000 applications at 10,000 samples, without
per-application sensitivity, at >= 50 applications a second per core, on 1 and 2 workers, with a
memory peak that does not grow with the number of applications (per-sample arrays are streamed
to disk; only small summaries stay in memory).

Each run is a fresh ``analyzer portfolio ... --format json`` process (start-up, reading the CSV,
the model, the aggregation and the JSON all included); its wall time, the CPU time of it and its
worker processes (user + system) and their peak RSS (``ru_maxrss`` of the children, the largest)
are measured by a small parent. The machine is shared, so wall-clock rates move with the load
(printed, ``os.getloadavg``); applications per CPU-second move much less and are printed too.
Memory is also measured at 250 applications to show it is flat.
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
sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic_portfolio import estate  # noqa: E402

TARGET_PER_CORE = 50.0
REPEATS = 3
SAMPLES = 10_000

_PROBE = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": code, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "peak_mb": usage.ru_maxrss / 1024}))
"""


def run(csv: Path, out: Path, jobs: int) -> dict[str, float]:
    cmd = [sys.executable, "-c", _PROBE, sys.executable, "-m", "analyzer", "portfolio", str(csv),
           "--format", "json", "-o", str(out), "--samples", str(SAMPLES), "--jobs", str(jobs)]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
    data: dict[str, float] = json.loads(res.stdout)
    if data["code"] != 0:
        raise SystemExit(f"analyzer portfolio exited {data['code']}")
    return data


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sizes = {n: folder / f"estate-{n}.csv" for n in (250, 1000)}
        for n, path in sizes.items():
            path.write_text(estate(n), encoding="utf-8")
        out = folder / "out.json"
        print(f"portfolio: 1,000 synthetic applications, {SAMPLES:,} samples each, no sensitivity; "
              f"{os.cpu_count()} cores, load {_load()} at the start")
        ok = True
        for jobs in (1, 2):
            runs = [run(sizes[1000], out, jobs) for _ in range(REPEATS)]
            wall = statistics.median(r["wall"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            rate = 1000 / wall
            per_core = rate / jobs
            ok &= per_core >= TARGET_PER_CORE
            peak = max(r["peak_mb"] for r in runs)
            print(f"  --jobs {jobs}: median of {REPEATS} {wall:.1f} s -> {rate:.0f} applications/s, "
                  f"{per_core:.0f} per core (target >= {TARGET_PER_CORE:.0f}); "
                  f"{1000 / cpu:.0f} per CPU-second ({cpu:.1f} CPU-s); "
                  f"peak RSS of one process {peak:.0f} MB; load {_load()}")
        small = run(sizes[250], out, 1)
        big = run(sizes[1000], out, 1)
        print(f"  memory, --jobs 1: 250 applications {small['peak_mb']:.0f} MB, "
              f"1,000 applications {big['peak_mb']:.0f} MB (flat when these are close)")
        print("verdict:", "met" if ok else "NOT met", "(wall clock, per core)")


def _load() -> str:
    """The 1, 5 and 15-minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
