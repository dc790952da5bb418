"""Benchmark of `analyzer portfolio` (issue 16). Run on demand: ``python benchmarks/bench_portfolio.py``.

Target, on the 2-core reference machine: 1,000 applications at 10,000 samples, without
per-application sensitivity, at >= 50 applications a second per core, on 1 and 2 workers, with a
memory peak that does not grow with the number of applications (per-sample arrays are streamed
to disk; only small summaries stay in memory).

Each run is a fresh ``analyzer portfolio ... --format json`` process (start-up, reading the CSV,
the model, the aggregation and the JSON all included); its wall time, the CPU time of it and its
worker processes (user + system) and their peak RSS (``ru_maxrss`` of the children, the largest)
are measured by a small parent, which also samples the command's own CPU time (``/proc``, every
10 ms: the parent's share, to within the last sample) so the workers' CPU per application is the
rest over the applications. The machine is shared, so wall-clock rates move with the load
(printed, ``os.getloadavg``); CPU seconds move much less and are printed too. Memory is also
measured at 250 applications to show it is flat.

The package's bytecode is compiled first (``compileall``, as an installed package has it): where
``PYTHONDONTWRITEBYTECODE`` is set and the checkout's ``__pycache__`` is stale, every fresh process
would otherwise compile the modules it imports again (~0.15 s of the command's serial start).

``--apps 200 --jobs 2 --repeats 1 --no-memory`` is a quicker subset while iterating.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from synthetic_portfolio import estate  # noqa: E402

TARGET_PER_CORE = 50.0
REPEATS = 3
SAMPLES = 10_000
APPS = 1000

_PROBE = """
import json, os, resource, subprocess, sys, time
t = time.perf_counter()
proc = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
tick = os.sysconf("SC_CLK_TCK")
own = 0.0
while proc.poll() is None:
    try:
        with open(f"/proc/{proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        own = (int(fields[11]) + int(fields[12])) / tick  # utime + stime of the command itself
    except (OSError, IndexError, ValueError):
        pass
    time.sleep(0.01)
wall = time.perf_counter() - t
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"code": proc.returncode, "wall": wall, "cpu": usage.ru_utime + usage.ru_stime,
                  "parent_cpu": own, "peak_mb": usage.ru_maxrss / 1024}))
"""


def run(csv: Path, out: Path, jobs: int, samples: int) -> dict[str, float]:
    cmd = [sys.executable, "-c", _PROBE, sys.executable, "-m", "analyzer", "portfolio", str(csv),
           "--format", "json", "-o", str(out), "--samples", str(samples), "--jobs", str(jobs)]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, check=True)
    data: dict[str, float] = json.loads(res.stdout)
    if data["code"] != 0:
        raise SystemExit(f"analyzer portfolio exited {data['code']}")
    return data


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--apps", type=int, default=APPS, help=f"applications (default {APPS})")
    p.add_argument("--jobs", default="1,2", help="worker counts to run, comma-separated (default 1,2)")
    p.add_argument("--repeats", type=int, default=REPEATS, help=f"runs of each (default {REPEATS}; the median is shown)")
    p.add_argument("--samples", type=int, default=SAMPLES, help=f"samples (default {SAMPLES:,})")
    p.add_argument("--no-memory", action="store_true", help="skip the 250 against --apps memory check")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    n = args.apps
    compileall.compile_dir(ROOT / "analyzer", quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sizes = {k: folder / f"estate-{k}.csv" for k in {250, n}}
        for k, path in sizes.items():
            path.write_text(estate(k), encoding="utf-8")
        out = folder / "out.json"
        print(f"portfolio: {n:,} synthetic applications, {args.samples:,} samples each, no sensitivity; "
              f"{os.cpu_count()} cores, load {_load()} at the start")
        ok = True
        for jobs in (int(j) for j in args.jobs.split(",")):
            runs = [run(sizes[n], out, jobs, args.samples) for _ in range(args.repeats)]
            wall = statistics.median(r["wall"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            parent = statistics.median(r["parent_cpu"] for r in runs)
            # with --jobs 1 the applications run in the command itself: its CPU is theirs too
            per_app = statistics.median((r["cpu"] - r["parent_cpu"]) for r in runs) / n if jobs > 1 else None
            rate = n / wall
            per_core = rate / jobs
            ok &= per_core >= TARGET_PER_CORE
            peak = max(r["peak_mb"] for r in runs)
            workers = f", workers {1000 * per_app:.1f} ms CPU an application" if per_app is not None else ""
            print(f"  --jobs {jobs}: median of {args.repeats} {wall:.2f} s -> {rate:.0f} applications/s, "
                  f"{per_core:.0f} per core (target >= {TARGET_PER_CORE:.0f}); "
                  f"{n / cpu:.0f} per CPU-second ({cpu:.2f} CPU-s: the command {parent:.2f}{workers}); "
                  f"peak RSS of one process {peak:.0f} MB; load {_load()}")
        if not args.no_memory:
            small = run(sizes[250], out, 1, args.samples)
            big = run(sizes[n], out, 1, args.samples)
            print(f"  memory, --jobs 1: 250 applications {small['peak_mb']:.0f} MB, "
                  f"{n:,} applications {big['peak_mb']:.0f} MB (flat when these are close)")
        print("verdict:", "met" if ok else "NOT met", "(wall clock, per core)")


def _load() -> str:
    """The 1, 5 and 15-minute load averages."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
