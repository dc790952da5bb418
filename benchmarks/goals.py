"""One line per performance goal (issue 20), in the same form from every benchmark script, so
``make bench`` can be read (or grepped: ``make bench | grep GOAL``) goal by goal."""

from __future__ import annotations

import os

#: Every goal is judged on the median of at least this many runs.
MIN_RUNS = 5


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes) and CPU count: the shared machine's
    business changes every timing."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f}/{five:.1f}/{fifteen:.1f} on {os.cpu_count()} CPUs"


def _num(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def goal(name: str, median: float, target: float, unit: str, *, runs: int,
         higher_is_better: bool = False, strict: bool = False) -> str:
    """``GOAL name: median X unit of N runs (goal <= T unit): met``, printed and returned;
    ``strict``: the goal is < T (or > T)."""
    if runs < MIN_RUNS:
        raise ValueError(f"{name}: {runs} runs, fewer than {MIN_RUNS}")
    if higher_is_better:
        met, sign = (median > target, ">") if strict else (median >= target, ">=")
    else:
        met, sign = (median < target, "<") if strict else (median <= target, "<=")
    line = (f"GOAL {name}: median {_num(median)} {unit} of {runs} runs "
            f"(goal {sign} {_num(target)} {unit}): {'met' if met else 'NOT met'} [{load()}]")
    print(line, flush=True)
    return line
