"""Run every application of a portfolio (inline, in local processes or on a Dask cluster), stream
the per-sample arrays to disk, then aggregate in a fixed order.

Memory does not grow with the number of applications: each application's arrays go into
flat files (applications x samples, float32) as they arrive, and the
aggregates are computed from those files in chunks, in application-id order, so the result is the
same whatever the partitioning, the number of workers or the order of completion.
"""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from analyzer.errors import AnalyzerError, InputError, Problem
from analyzer.portfolio.economics import (
    BuildDecision,
    Wave,
    WaveApp,
    bands,
    breakeven_months,
    build_decision,
    plan_curve_add,
    plan_waves,
    schedule,
)
from analyzer.portfolio.evaluate import (
    ARRAY_KEYS,
    BETTER_OFF,
    NEVER,
    AppOutcome,
    build_threshold,
    evaluate_app,
)
from analyzer.portfolio.inventory import App, Failure, Portfolio, check_portfolio

ProgressCallback = Callable[[int, int], None]
CHUNK = 64  # applications read back from disk at a time
#: Why an application that would move with the platform stays all the same: its wave would end
#: too late to pay back (beyond the plan's capacity in time), or no platform is built.
CAPACITY, NO_PLATFORM = "capacity", "no_platform"
#: The reasons to stay, grouped as the report counts them (``PortfolioResult.staying``).
STAY_GROUPS: dict[str, tuple[str, ...]] = {
    "better_off": (BETTER_OFF, NEVER), "capacity": (CAPACITY,), "no_platform": (NO_PLATFORM,),
}


@dataclass(frozen=True)
class PortfolioResult:
    """Everything the portfolio's outputs print: per-application summaries (id order), failures,
    the build decision in hours and in money, the waves and the plan's cumulative curve."""

    portfolio: Portfolio
    samples: int
    seed: int
    apps: tuple[dict[str, Any], ...]
    failures: tuple[Failure, ...]
    hours: BuildDecision
    money: BuildDecision
    waves: tuple[Wave, ...]
    months: NDArray[np.float64]
    curve_hours: dict[str, NDArray[np.float64]]  # P10/P50/P90 cumulative net saving by month
    curve_money: dict[str, NDArray[np.float64]]
    breakeven_month_p50: float
    horizon_months: int
    currency: str  # every money figure's (``converted``: the price snapshot's)
    converted: bool = False  # teams' currencies differ: converted at the sampled fx rates

    @property
    def decision(self) -> BuildDecision:
        """The build decision: in money, as one application's (``money``)."""
        return self.money

    @property
    def moving(self) -> list[dict[str, Any]]:
        return [a for a in self.apps if a["moves"]]

    def staying(self, because: str) -> list[dict[str, Any]]:
        """The applications that stay for ``because`` (``STAY_REASONS``)."""
        return [a for a in self.apps if not a["moves"] and a["stays_because"] in STAY_GROUPS[because]]


#: Applications a local worker takes at a time: at most MAX_BATCH, fewer as the run ends so the
#: workers finish together (``batches``). One task per application cost the parent (which shares
#: the cores with its workers) a round trip through the pool's queues each.
MAX_BATCH = 16
#: Batches per worker the remaining applications are cut into (guided scheduling).
BATCHES_PER_WORKER = 4


def batches(n: int, jobs: int) -> list[range]:
    """Consecutive runs of ``range(n)`` for ``jobs`` workers: each a share 1/(BATCHES_PER_WORKER
    x jobs) of what remains, between 1 and MAX_BATCH applications (guided self-scheduling,
    Polychronopoulos & Kuck 1987): large at first, single applications at the end."""
    out: list[range] = []
    start = 0
    while start < n:
        size = min(MAX_BATCH, max(1, (n - start) // (BATCHES_PER_WORKER * jobs)))
        out.append(range(start, min(n, start + size)))
        start += size
    return out


Done = tuple[str, dict[str, Any] | None, str | None]  # id, summary or None, error or None


def _evaluate_spooled(batch: list[tuple[int, App]], folder: str, kwargs: dict[str, Any]) -> list[Done]:
    """``evaluate_app`` on a batch of (row, application) in a local worker process, each one's
    arrays written straight into the spool's files at its row (the same bytes the parent would
    write): only the summaries, or each failure's message, go back through the pipe."""
    out: list[Done] = []
    with Spool.rows(Path(folder)) as write:
        for row, app in batch:
            try:
                outcome = evaluate_app(app, **kwargs)
            except Exception as exc:  # reported by name, the others go on
                out.append((app.id, None, _message(exc)))
                continue
            write(row, outcome.arrays)
            out.append((app.id, outcome.summary, None))
    return out


@contextmanager
def local_workers(
    jobs: int, method: Literal["fork", "spawn"] | None = None
) -> Iterator[ProcessPoolExecutor]:
    """``jobs`` local worker processes. Forked from this process where that is safe (Linux, and
    no other thread whose locks a child would inherit half-held): started at once, they have
    every module this process imported and no start-up of their own. Elsewhere spawned: each
    imports the model afresh. Enter it before starting a thread (the CLI enters it before its
    progress bar). ``method`` forces one (tests); the results do not depend on it."""
    if method is None:
        fork = sys.platform.startswith("linux") and threading.active_count() == 1
    else:
        fork = method == "fork"
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork" if fork else "spawn"),
                               initializer=gc.enable)
    try:
        if fork:
            # the first task forks every worker, now, from one thread. What exists by then is
            # frozen for the fork (gc.freeze's advice): a worker's collector (on in every worker,
            # whatever this process does) never walks, nor copies, the pages it shares with us
            gc.freeze()
            try:
                pool.submit(int)
            finally:
                gc.unfreeze()
        yield pool
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _submit_local(
    apps: list[App], jobs: int, kwargs: dict[str, Any], spool: Spool, pool: Executor | None
) -> Iterator[tuple[App, Any]]:
    """(app, outcome or error message) as they complete, from ``pool`` or else ``jobs`` new
    local processes, a batch at a time (``batches``); each outcome's arrays are already in
    ``spool``."""
    with ExitStack() as stack:
        workers = pool if pool is not None else stack.enter_context(local_workers(jobs))
        folder = str(spool.folder)
        futures: dict[Future[list[Done]], range] = {
            workers.submit(_evaluate_spooled, [(i, apps[i]) for i in rows], folder, kwargs): rows
            for rows in batches(len(apps), jobs)
        }
        for f in as_completed(futures):
            rows = futures.pop(f)  # drop the finished future
            exc = f.exception()
            if exc is not None:  # the worker itself failed: every application of the batch
                for i in rows:
                    yield apps[i], exc
                continue
            for i, (aid, summary, error) in zip(rows, f.result(), strict=True):
                yield apps[i], (AppOutcome(aid, summary, {}) if summary is not None else error)


def _submit_dask(apps: list[App], scheduler: str, kwargs: dict[str, Any]) -> Iterator[tuple[App, Any]]:
    """The same on a Dask cluster (``distributed`` is an optional extra)."""
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise AnalyzerError(
            "--scheduler needs Dask: pip install 'analyzer[cluster]' (dask[distributed])"
        ) from None
    try:
        client = Client(scheduler, timeout="10s")
    except OSError as err:
        raise AnalyzerError(f"cannot reach the Dask scheduler at {scheduler}: {err}") from None
    try:
        futures = {client.submit(evaluate_app, app, pure=False, **kwargs): app for app in apps}
        for f in dask_completed(list(futures)):
            app = futures.pop(f)
            failed = f.exception()
            yield app, (failed if failed is not None else f.result())
    finally:
        client.close()


def _inline(apps: list[App], kwargs: dict[str, Any]) -> Iterator[tuple[App, Any]]:
    for app in apps:
        try:
            yield app, evaluate_app(app, **kwargs)
        except Exception as exc:  # reported by name, the others go on
            yield app, exc


def _message(exc: BaseException) -> str:
    if isinstance(exc, AnalyzerError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


class Spool:
    """Per-sample arrays of every application on disk, one file per quantity, one fixed-size row
    per application, written and read with ``os.pwrite``/``os.pread`` (no memory map, whose
    touched pages would count against the process), so memory stays flat in applications. A
    row never written (an application that stays) reads as zeros."""

    def __init__(self, folder: Path, rows: int, samples: int) -> None:
        self.folder = folder
        self.samples = samples
        self.row_bytes = samples * np.dtype(np.float32).itemsize
        self.fds = {}
        for k in ARRAY_KEYS:
            fd = os.open(folder / f"{k}.f32", os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
            os.ftruncate(fd, rows * self.row_bytes)
            self.fds[k] = fd

    def write(self, key: str, row: int, values: NDArray[np.float32]) -> None:
        data = np.ascontiguousarray(values, dtype=np.float32).tobytes()
        os.pwrite(self.fds[key], data, row * self.row_bytes)

    @staticmethod
    @contextmanager
    def rows(folder: Path) -> Iterator[Callable[[int, dict[str, NDArray[np.float32]]], None]]:
        """``write(row, arrays)``: what ``write`` does for each quantity, from another process (a
        local worker) that has only the spool's folder: same files, same offsets, same bytes."""
        fds = {k: os.open(folder / f"{k}.f32", os.O_WRONLY) for k in ARRAY_KEYS}

        def write(row: int, arrays: dict[str, NDArray[np.float32]]) -> None:
            for k, values in arrays.items():
                data = np.ascontiguousarray(values, dtype=np.float32).tobytes()
                fd = fds[k]
                os.pwrite(fd, data, row * len(data))

        try:
            yield write
        finally:
            for fd in fds.values():
                os.close(fd)

    def read(self, key: str, rows: list[int]) -> NDArray[np.float64]:
        """Rows ``rows`` of ``key`` as a (len(rows), samples) float64 array."""
        out = np.empty((len(rows), self.samples))
        for j, row in enumerate(rows):
            raw = os.pread(self.fds[key], self.row_bytes, row * self.row_bytes)
            out[j] = np.frombuffer(raw, dtype=np.float32)
        return out

    def close(self) -> None:
        for fd in self.fds.values():
            os.close(fd)
        self.fds.clear()


@contextmanager
def _spool(n_apps: int, samples: int, folder: str | None) -> Iterator[Spool]:
    with tempfile.TemporaryDirectory(prefix="analyzer-portfolio-", dir=folder) as tmp:
        spool = Spool(Path(tmp), max(n_apps, 1), samples)
        try:
            yield spool
        finally:
            spool.close()


def run_portfolio(
    portfolio: Portfolio,
    *,
    samples: int,
    seed: int,
    assumptions_path: str | None = None,
    jobs: int = 1,
    scheduler: str | None = None,
    progress: ProgressCallback | None = None,
    spool_dir: str | None = None,
    pool: Executor | None = None,
) -> PortfolioResult:
    """Assess each application, then decide for the portfolio, plan the waves and build the
    curve. Applications that fail are reported in ``failures``; the rest still count.
    ``pool``: local workers to use with ``jobs`` > 1 (``local_workers``), else new ones.
    Dependencies that do not hold together raise InputError first (``check_portfolio``)."""
    check_portfolio(portfolio)
    apps = sorted(portfolio.apps, key=lambda a: a.id)
    index = {a.id: i for i, a in enumerate(apps)}
    kwargs = {
        "horizon_months": portfolio.plan.horizon_months,
        "samples": samples,
        "run_seed": seed,
        "assumptions_path": assumptions_path,
        "platform_items": portfolio.platform_items,
    }
    summaries: dict[str, dict[str, Any]] = {}
    failures = list(portfolio.failures)
    with _spool(len(apps), samples, spool_dir) as spool:
        local = not scheduler and jobs > 1 and len(apps) > 1
        if scheduler:
            stream = _submit_dask(apps, scheduler, kwargs)
        elif local:
            stream = _submit_local(apps, jobs, kwargs, spool, pool)
        else:
            stream = _inline(apps, kwargs)
        for done, (app, result) in enumerate(stream, start=1):
            if isinstance(result, BaseException | str):
                message = result if isinstance(result, str) else _message(result)
                failures.append(Failure(app.id, app.source, message))
            else:
                if not local:  # local workers wrote their rows themselves
                    row = index[app.id]
                    for k, values in result.arrays.items():
                        spool.write(k, row, values)
                summaries[app.id] = result.summary
            if progress is not None:
                progress(done, len(apps))
        ok = [i for i, a in enumerate(apps) if a.id in summaries]
        result = _aggregate(portfolio, apps, ok, summaries, spool, samples,
                            build_threshold(assumptions_path))
    failures.sort(key=lambda f: f.id)
    return PortfolioResult(portfolio=portfolio, samples=samples, seed=seed, failures=tuple(failures), **result)


def _scheduled_value(app: dict[str, Any], start: float, end: float, horizon: float) -> float:
    """Median net saving in money of one application at the horizon given its wave (in its
    team's currency): saving x max(H - end, 0) - effort x ramp(H)."""
    done = 1.0 if end <= start else min(1.0, max(0.0, (horizon - start) / (end - start)))
    return app["monthly_saving_money_p50"] * max(horizon - end, 0.0) - app["effort_money_p50"] * done


def _plan(
    portfolio: Portfolio, candidates: list[dict[str, Any]], apps_by_id: dict[str, App],
    platform_hours: float, horizon: float, worth: dict[str, float],
) -> tuple[tuple[Wave, ...], list[str]]:
    """Waves for the applications worth moving (``worth``: each one's value in the run's
    currency, for the order). In the plan's order, an application whose wave would end too
    late to pay back within the horizon is left out where it comes and the ones after it take
    its room (``plan_waves(pays_back=...)``). Should a later one lengthen a wave so that one
    already placed no longer pays back, the one of least worth among those is left out too and
    the plan made again, until every application planned pays back."""
    plan = portfolio.plan
    by_id = {a["id"]: a for a in candidates}

    def pays_back(aid: str, start: float, end: float) -> bool:
        return _scheduled_value(by_id[aid], start, end, horizon) > 0

    dropped: list[str] = []
    while True:
        wave_apps = [
            WaveApp(id=a["id"], value=worth[a["id"]], effort=a["effort_hours_p50"],
                    stateful=a["stateful_move"], critical=apps_by_id[a["id"]].critical,
                    depends_on=apps_by_id[a["id"]].depends_on)
            for a in candidates if a["id"] not in dropped
        ]
        if not wave_apps:
            return (), dropped
        try:
            waves = plan_waves(wave_apps, platform_hours=platform_hours,
                               hours_per_wave=plan.hours_per_wave, wave_months=plan.wave_months,
                               critical_last=plan.critical_last, pays_back=pays_back)
        except ValueError as exc:
            raise InputError([_problem(portfolio, str(exc))]) from None
        span = schedule(waves)
        late = [aid for aid in span if _scheduled_value(by_id[aid], *span[aid], horizon) <= 0]
        if not late:
            return waves, dropped + [w.id for w in wave_apps if w.id not in span]
        dropped.append(min(late, key=lambda aid: (worth[aid], aid)))


def _plan_curves(
    months: NDArray[np.float64],
    planned: list[tuple[int, float, float]],
    spool: Spool,
    platform: tuple[NDArray[np.float64], NDArray[np.float64], float] | None,
    convert: bool,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The plan's cumulative net saving by month and future (months, samples), in hours and in
    money: the platform (hours, money, the month it is built by) then, in ``planned``'s order,
    each application's ``plan_curve_add`` for its (spool row, start, end), its arrays read
    CHUNK applications at a time. Money: transition hours x hourly cost, and the monthly saving
    of people and infrastructure; x ``to_base`` with ``convert`` (one currency for all)."""
    curve_h = np.zeros((months.size, spool.samples))
    curve_m = np.zeros((months.size, spool.samples))
    if platform is not None:
        platform_h, platform_m, end = platform
        none = np.zeros(spool.samples)
        plan_curve_add(curve_h, months, platform_h, none, 0.0, end)
        plan_curve_add(curve_m, months, platform_m, none, 0.0, end)
    for first in range(0, len(planned), CHUNK):
        chunk = planned[first : first + CHUNK]
        rows = [row for row, _, _ in chunk]
        rate, t, r, rm = (spool.read(k, rows) for k in
                          ("hourly_cost", "transition", "monthly_saving", "monthly_saving_money"))
        if convert:
            to_base = spool.read("to_base", rows)
            rate *= to_base
            rm *= to_base
        for j, (_, start, end) in enumerate(chunk):
            plan_curve_add(curve_h, months, t[j], r[j], start, end)
            plan_curve_add(curve_m, months, t[j] * rate[j], rm[j], start, end)
    return curve_h, curve_m


def _aggregate(
    portfolio: Portfolio,
    apps: list[App],
    ok: list[int],
    summaries: dict[str, dict[str, Any]],
    spool: Spool,
    samples: int,
    limit: float,
) -> dict[str, Any]:
    """The platform (largest need among the applications that move), the wave plan, and the
    plan's cumulative net saving per future; the decision is that curve at the horizon in
    money (engineer-hours x hourly cost + infrastructure, the platform's hours x hourly cost):
    build when it is positive in at least ``limit`` of the futures, confidence = share of
    futures on the chosen side. One currency: the teams' when they share one, else every
    application's money converted into the price snapshot's (``to_base``)."""
    horizon = portfolio.plan.horizon_months
    months = np.arange(horizon + 1, dtype=np.float64)
    assessed = [summaries[apps[i].id] for i in ok]
    candidates = [s for s in assessed if s["moves"]]
    rows_of = {apps[i].id: i for i in ok}
    apps_by_id = {a.id: a for a in apps}
    currencies = {s["currency"] for s in assessed}
    convert = len(currencies) > 1
    currency = (currencies.pop() if len(currencies) == 1 else
                "/".join(sorted({s["base_currency"] for s in assessed})))
    worth = {s["id"]: s["value_money_p50"] * (s["to_base_p50"] if convert else 1.0) for s in assessed}

    def platform_of(ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
        ph, pm = np.zeros(samples), np.zeros(samples)
        for start in range(0, len(ids), CHUNK):
            rows = [rows_of[i] for i in ids[start : start + CHUNK]]
            plat = spool.read("platform", rows)
            rate = spool.read("hourly_cost", rows)
            if convert:
                rate *= spool.read("to_base", rows)
            ph = np.maximum(ph, plat.max(axis=0))
            pm = np.maximum(pm, (plat * rate).max(axis=0))
        return ph, pm

    platform_h, platform_m = platform_of([a["id"] for a in candidates])
    waves, dropped = _plan(portfolio, candidates, apps_by_id, float(np.median(platform_h)), horizon,
                           worth)
    planned = sorted(aid for w in waves for aid in w.apps)
    if set(planned) != {a["id"] for a in candidates}:  # else the same maxima (max is exact)
        platform_h, platform_m = platform_of(planned)
    span = schedule(waves)
    platform_end = 0.0
    if waves:
        first = waves[0]
        share = min(1.0, float(np.median(platform_h)) / max(first.effort, 1e-9))
        platform_end = first.start_month + first.months * share
    curve_h, curve_m = _plan_curves(
        months, [(rows_of[aid], *span[aid]) for aid in planned], spool,
        (platform_h, platform_m, platform_end) if waves else None, convert,
    )
    hours = build_decision(curve_h[-1] + platform_h, platform_h, limit)
    money = build_decision(curve_m[-1] + platform_m, platform_m, limit)
    if not money.build:
        waves = ()
    wave_of = {aid: w.number for w in waves for aid in w.apps}
    rows = []
    for a in apps:
        if a.id not in summaries:
            continue
        row = {**summaries[a.id], "wave": wave_of.get(a.id), "value_run_money_p50": worth[a.id]}
        if row["moves"] and a.id not in wave_of:
            row["moves"] = False
            late = a.id in dropped
            row["stays_because"] = CAPACITY if late else NO_PLATFORM
            row["reason"] = (
                "Would not pay back in time: at the planned capacity its wave ends too late to pay "
                "back within the horizon."
                if late else
                "Stays with the rest: the shared platform does not pay for itself across the "
                "portfolio."
            )
        rows.append(row)
    be = breakeven_months(curve_m.T, months)
    return {
        "apps": tuple(rows),
        "hours": hours,
        "money": money,
        "waves": waves,
        "months": months,
        "curve_hours": dict(bands(curve_h, axis=1)),
        "curve_money": dict(bands(curve_m, axis=1)),
        "breakeven_month_p50": float(np.median(be)) if waves else float("inf"),
        "horizon_months": horizon,
        "currency": currency,
        "converted": convert,
    }


def _problem(portfolio: Portfolio, message: str) -> Problem:
    return Problem(portfolio.source, message, field="depends_on")
