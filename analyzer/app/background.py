"""One computation in a forked child process while this process does other work.

``analyzer report`` uses it for the Sobol indices: the child imports scipy.stats and SALib and
runs the design while the parent scores, searches for reversals and loads the renderers; what
that saves on a 2-core machine is measured by benchmarks/bench_report.py.

Only an optimisation: the answer never depends on it. The child runs exactly the function the
parent would have run, on the memory it inherited at the fork; if it cannot start or fails in
any way (an exception, a crash, a result that cannot be sent back), the parent runs the function
itself when it asks for the result, and any exception then comes from there.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar, cast

T = TypeVar("T")

#: A background child only helps with a second core to run on.
MIN_CPUS = 2


def usable_cpus() -> int:
    """CPUs this process may run on (its affinity mask where the platform has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1  # pragma: no cover - not Linux


def can_fork() -> bool:
    """Whether forking is safe and useful here: Linux (fork is unsafe with macOS system
    libraries and absent on Windows), a single thread (a forked child inherits other threads'
    locks but not the threads, and can deadlock) and a spare CPU."""
    return (
        sys.platform.startswith("linux")
        and threading.active_count() == 1
        and usable_cpus() >= MIN_CPUS
    )


def _run_and_send(
    fn: Callable[[], object], conn: Connection, setup: Callable[[], object] | None = None
) -> None:
    import signal

    # Ctrl-C reaches the whole process group; the parent reports it, and the child (a daemon,
    # ended with the parent) must not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if setup is not None:
            setup()
        value = fn()
    except BaseException:  # the parent reruns fn and raises there, with a real traceback
        conn.send((False, None))
    else:
        try:
            conn.send((True, value))  # pickles before writing, so a failure sends nothing
        except Exception:
            conn.send((False, None))
    finally:
        conn.close()


class Background(Generic[T]):
    """``fn()`` running in a forked child, or deferred until ``result()`` when it cannot.

    ``in_child`` runs in the child before ``fn`` (never here): preparation only the child
    wants, such as analyzer.app.lightstats; if it fails, the child's job fails like ``fn``.
    ``fallback`` is what runs here when there is no child or it failed (``fn`` by default): the
    same computation without what only a child may do (``forked_map``).
    """

    def __init__(
        self,
        fn: Callable[[], T],
        *,
        fork: bool | None = None,
        in_child: Callable[[], object] | None = None,
        fallback: Callable[[], T] | None = None,
    ) -> None:
        self._fn = fn
        self._fallback = fn if fallback is None else fallback
        self._result: tuple[T] | None = None  # boxed, so a None result counts as done
        self._conn: Connection | None = None
        self._process: multiprocessing.process.BaseProcess | None = None
        if not (can_fork() if fork is None else fork):
            return
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_run_and_send, args=(fn, send, in_child), daemon=True)
        try:
            process.start()
        except OSError:  # no processes left, out of memory: run it here later
            receive.close()
            send.close()
            return
        send.close()  # so a child that dies without writing gives EOF, not a hang
        self._conn, self._process = receive, process

    @property
    def forked(self) -> bool:
        """Whether a child process was started."""
        return self._process is not None

    def result(self) -> T:
        """The value of ``fn()``: the child's, or computed here if there is no child or it
        failed."""
        if self._result is None:
            ok, value = False, cast(Any, None)  # value is a T once ok
            if self._conn is not None and self._process is not None:
                try:
                    ok, value = self._conn.recv()
                except (EOFError, OSError):
                    ok = False
                finally:
                    self._conn.close()
                    self._process.join()
            result: T = value if ok else self._fallback()
            self._result = (result,)
        return self._result[0]


def forked_map(fn: Callable[[int], T], count: int) -> list[T]:
    """``[fn(0), ..., fn(count - 1)]``, each of ``fn(1)``... in a forked process of its own
    while this one computes ``fn(0)``: for the Sobol child, whose two analyses (one per output)
    then run at once when a core is free. Only in a process that may fork (a single thread: the
    Sobol child is one); any item whose process fails or sends nothing readable is computed here,
    so the list is the same either way.
    """
    import contextlib
    import pickle
    import signal

    started: list[tuple[int, int, int]] = []  # item, pid, read end
    for i in range(1, count):
        try:
            read, write = os.pipe()
        except OSError:
            break
        try:
            pid = os.fork()
        except OSError:
            os.close(read)
            os.close(write)
            break
        if pid == 0:  # pragma: no cover - the forked process; coverage does not follow it
            code = 1
            try:
                os.close(read)
                data = pickle.dumps(fn(i), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                code = 0
            finally:
                os._exit(code)  # no atexit handlers, no flushing the parent's buffers
        os.close(write)
        started.append((i, pid, read))
    results: dict[int, T] = {}
    try:
        if count > 0:
            results[0] = fn(0)
    except BaseException:
        for _, pid, _ in started:  # their results are not wanted now
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        raise
    finally:
        for i, pid, read in started:
            with os.fdopen(read, "rb") as source:
                data = source.read()
            _, status = os.waitpid(pid, 0)
            if status == 0:
                with contextlib.suppress(Exception):  # unreadable: computed below
                    results[i] = pickle.loads(data)
    return [results[i] if i in results else fn(i) for i in range(count)]
