"""The background child: same result as running here, and every failure falls back to here."""

from __future__ import annotations

import os
import threading

import pytest

from analyzer._io.paths import example_questionnaire
from analyzer.app import background
from analyzer.app.background import Background
from analyzer.app.report import ReportRequest, make_report

PARENT = os.getpid()


def _in_child() -> bool:
    return os.getpid() != PARENT


def test_result_comes_from_the_child() -> None:
    job = Background(lambda: (os.getpid(), [1.5, 2.5]), fork=True)
    assert job.forked
    pid, value = job.result()
    assert pid != PARENT and value == [1.5, 2.5]
    assert job.result() == (pid, value)  # asked twice, computed once


def test_without_fork_it_runs_here_when_asked() -> None:
    calls: list[int] = []
    job = Background(lambda: calls.append(os.getpid()) or 7, fork=False)
    assert not job.forked and calls == []
    assert job.result() == 7 and calls == [PARENT]


def test_an_exception_in_the_child_is_raised_here() -> None:
    def fail() -> int:
        raise ValueError(f"failed in {'child' if _in_child() else 'parent'}")

    with pytest.raises(ValueError, match="failed in parent"):
        Background(fail, fork=True).result()


def test_a_crashed_child_or_unpicklable_result_falls_back_to_here() -> None:
    def crash() -> int:
        if _in_child():
            os._exit(3)
        return 11

    assert Background(crash, fork=True).result() == 11

    def unpicklable() -> object:
        return (lambda: None) if _in_child() else "here"

    assert Background(unpicklable, fork=True).result() == "here"


def test_no_fork_with_other_threads_running() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not background.can_fork()
        assert not Background(lambda: 1).forked
    finally:
        stop.set()
        thread.join()


@pytest.mark.slow  # a whole report or CLI run: in `make test`, not the fast tier
def test_report_is_the_same_with_and_without_the_background_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(background, "usable_cpus", lambda: 2)  # fork even on a 1-CPU runner
    assert background.can_fork()
    request = ReportRequest(example_questionnaire("seed-team"), "json", samples=300, seed=3)
    assert make_report(request, background=True) == make_report(request, background=False)


@pytest.mark.slow  # a whole report or CLI run: in `make test`, not the fast tier
def test_pdf_is_the_same_with_figures_drawn_while_the_child_runs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(background, "usable_cpus", lambda: 2)
    request = ReportRequest(example_questionnaire("seed-team"), "pdf", samples=300, seed=3,
                            date="2024-06-01")
    assert make_report(request, background=True) == make_report(request, background=False)


def test_in_child_runs_only_in_the_child() -> None:
    ran: list[int] = []

    def setup() -> None:
        ran.append(os.getpid())

    job = Background(lambda: (tuple(ran), os.getpid()), fork=True, in_child=setup)
    seen, pid = job.result()
    assert pid != PARENT and seen == (pid,) and ran == []  # the child's list, not ours
    assert Background(lambda: tuple(ran), fork=False, in_child=setup).result() == ()


def test_a_failing_in_child_falls_back_to_here() -> None:
    def setup() -> None:
        raise RuntimeError("no")

    assert Background(lambda: os.getpid(), fork=True, in_child=setup).result() == PARENT


def test_forked_map_runs_the_other_items_in_other_processes() -> None:
    results = background.forked_map(lambda i: (i * i, os.getpid()), 3)
    assert [value for value, _ in results] == [0, 1, 4]
    pids = [pid for _, pid in results]
    assert pids[0] == PARENT and PARENT not in pids[1:] and len(set(pids)) == 3
    assert background.forked_map(lambda i: i, 0) == []
    assert background.forked_map(lambda i: i + 1, 1) == [1]


def test_forked_map_computes_here_what_a_process_failed_to_send() -> None:
    def crash(i: int) -> tuple[int, int]:
        if _in_child():
            if i == 1:
                os._exit(5)  # dies without sending
            raise ValueError("fails in the forked process")
        return i, os.getpid()

    assert background.forked_map(crash, 3) == [(0, PARENT), (1, PARENT), (2, PARENT)]


def test_forked_map_raises_an_exception_of_the_first_item() -> None:
    def fail_first(i: int) -> int:
        if i == 0:
            raise KeyError("first")
        return i

    with pytest.raises(KeyError, match="first"):
        background.forked_map(fail_first, 3)


def test_the_fallback_runs_here_when_the_child_fails() -> None:
    def child_only() -> str:
        if _in_child():
            os._exit(2)
        raise AssertionError("not the fallback")

    assert Background(child_only, fork=True, fallback=lambda: "fallback").result() == "fallback"
    assert Background(child_only, fork=False, fallback=lambda: "here").result() == "here"


def test_the_collector_is_paused_inside_a_report_and_restored_after() -> None:
    import gc

    from analyzer.app.report import collector_paused

    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()  # a caller that paused it itself keeps it paused
    try:
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()
    with pytest.raises(ValueError), collector_paused():
        raise ValueError
    assert gc.isenabled()
