"""Keep freed array memory in the process instead of handing it back to the kernel (glibc only).

Every (options x samples) float temporary of the model is above glibc's default mmap threshold
(128 KiB), so each is mapped fresh and unmapped on free: a 10,000-sample assessment paid about
10,000 page faults a call, a third to a half of its time (issue 20, benchmarks/bench_model.py).
``mallopt`` with a fixed mmap threshold of MMAP_THRESHOLD_BYTES serves them from the heap, and a
trim threshold of TRIM_THRESHOLD_BYTES keeps the freed top of the heap for the next call
(glibc manual, "Malloc Tunable Parameters"; mallopt(3)). The peak is unchanged: the memory was
in use anyway; what stays is at most the trim threshold above the live data.

Not glibc (macOS, musl) or a MALLOC_*_ environment variable set by the user: nothing is changed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

#: mallopt(3) parameter numbers (glibc's malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
#: glibc's largest dynamic mmap threshold on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX): 32 MiB, one
#: (options x samples) float64 array up to about a million samples.
MMAP_THRESHOLD_BYTES = 32 * 1024 * 1024
#: Freed heap top kept for reuse: a 200,000-sample run's outputs (about 300 MB), so evaluating
#: such a run again (the decision's horizon checks, a notebook) does not fault in every page
#: afresh (128 MiB: 48,000 page faults and 0.1-0.6 s of system time an evaluation on the shared
#: 2-core machine, benchmarks/bench_model.py); memory a process keeps after its largest run.
TRIM_THRESHOLD_BYTES = 512 * 1024 * 1024
_USER_SETTINGS = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "GLIBC_TUNABLES")

_done = False


def keep_freed_memory() -> bool:
    """Set glibc's mmap and trim thresholds once per process; True when they were set."""
    global _done
    if _done:
        return False
    _done = True
    if any(k in os.environ for k in _USER_SETTINGS):
        return False
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    ok = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES) == 1
    return bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD_BYTES) == 1 and ok)
