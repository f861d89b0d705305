"""Executors: run tasks serially, on a local process pool, or on a Dask cluster.

Every executor runs the same pure function, :func:`execute`, on the same payloads, and each
run depends only on its scenario and seed, so the results are identical whichever executor
ran them. Tasks are submitted in a bounded window so memory stays bounded however many
runs a sweep has. A run that raises is returned as a failed row, not an exception.

How tasks are executed is one object, :class:`ExecutorOptions` (executor name, workers,
Dask scheduler, how long a Dask cluster may be lost), used by sweeps, comparisons and
sensitivity analyses alike. Executors are looked up by name in :data:`EXECUTORS`;
:func:`register_executor` adds one.

Stopping: when the caller stops consuming results (an interrupt, a write error), the
executor stops at once: the process pool's workers are killed rather than waited for, Dask
futures are cancelled and a local cluster is closed. While an executor waits for results or
manages its workers it is in a :func:`~throughflow.experiments.interrupts.critical` section
and polls for a requested stop, so a Ctrl-C never lands inside the pool's or Dask's own
locks. Pool workers ignore Ctrl-C (the
command decides when to stop) and exit by themselves within a second if the process that
started them dies, so ``kill -9`` of a sweep leaves no worker behind. A Dask cluster without
any worker, or unreachable, for :attr:`ExecutorOptions.timeout` seconds ends the sweep with
an :class:`ExecutorError`.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from throughflow.experiments.interrupts import check, critical
from throughflow.experiments.options import (
    EXECUTORS,
    ExecutorOptions,
    Hook,
    Payload,
    Result,
    Runner,
    executor_options,
    register_executor,
)
from throughflow.experiments.run import run
from throughflow.outcomes import COST_HORIZONS, COST_OUTPUTS, GROUPS, INDICATORS, run_columns
from throughflow.scenario import validate

__all__ = [
    "EXECUTORS",
    "ExecutorError",
    "ExecutorOptions",
    "Payload",
    "Result",
    "Runner",
    "execute",
    "executor_options",
    "output_columns",
    "register_executor",
    "run_tasks",
]

TOTALS = (
    "cost_eur",
    "sustainable_transitions",
    *(f"{total}_{h}m" for h in COST_HORIZONS for total in ("cost_eur", "employed_years", "sustainable", "cohort")),
)
"""Run totals stored per group next to the indicators (over the run, and at each horizon after arrival)."""


class ExecutorError(RuntimeError):
    """The executor cannot go on (a worker process died, the Dask cluster is lost); one line."""


def output_columns(cost_outputs: bool = True) -> list[tuple[str, str]]:
    """The output columns of a run row, in order: ``(name, "float" | "curve")``.

    Args:
        cost_outputs: Whether the outputs that depend on prices are kept.
    """
    columns = []
    for indicator in INDICATORS:
        if not indicator.in_runs or (not cost_outputs and indicator.name in COST_OUTPUTS):
            continue
        kind = "curve" if indicator.shape == "curve" else "float"
        columns += [(f"{indicator.name}.{group}", kind) for group in GROUPS]
    for total in TOTALS:
        if cost_outputs or total not in COST_OUTPUTS:
            columns += [(f"{total}.{group}", "float") for group in GROUPS]
    return columns


def flat_indicators(indicators: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Indicators as columns ``<indicator>.<group>`` (curves kept as lists, except those not kept in runs)."""
    return run_columns(indicators)


def execute(payload: Payload) -> Result:
    """Run one task and return its row (and time series when asked).

    Args:
        payload: ``{"run_id", "point", "replicate", "seed", "scenario" (a nested mapping),
            "months", "labels", "keep_timeseries", "paired_baseline", "cost_outputs"}``; with
            ``cost_outputs`` false the row leaves out the outputs that depend on prices.

    Returns:
        ``{"row": {...}, "timeseries": DataFrame | None}``; a run that raises gives a row
        with ``status = "failed"`` and the error.
    """
    started = time.perf_counter()
    row = _row_head(payload)
    try:
        scenario = validate(payload["scenario"], f"<run {payload['run_id']}>")
        result = run(
            scenario,
            seed=payload["seed"],
            months=payload.get("months"),
            paired_baseline=payload.get("paired_baseline", False),
            record_events=False,
            timeseries=bool(payload.get("keep_timeseries")),
        )
        row.update(status="ok", error="")
        outputs = {**flat_indicators(result.indicators)}
        outputs.update({f"{k}.{g}": v for k, groups in result.totals.items() for g, v in groups.items()})
        if not payload.get("cost_outputs", True):
            outputs = {k: v for k, v in outputs.items() if k.split(".")[0] not in COST_OUTPUTS}
        row.update(outputs)
        series = result.timeseries if payload.get("keep_timeseries") else None
    except Exception as exc:  # a failing run is recorded, not raised: the sweep goes on
        row.update(status="failed", error=_error_text(exc))
        series = None
    row["wall_seconds"] = time.perf_counter() - started
    row["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return {"row": row, "timeseries": series}


def _row_head(payload: Payload) -> dict[str, Any]:
    return {
        "run_id": payload["run_id"],
        "point": payload["point"],
        "replicate": payload["replicate"],
        "seed": payload["seed"],
        **{f"factor:{k}": v for k, v in payload["labels"].items()},
    }


def _error_text(exc: BaseException) -> str:
    last = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
    where = f" ({os.path.basename(last.filename)}:{last.lineno})" if last else ""
    return f"{type(exc).__name__}: {exc}{where}".replace("\n", " ")


def failed_result(payload: Payload, exc: BaseException) -> Result:
    """The failed row of a task whose execution raised outside :func:`execute` (its worker died)."""
    row = {**_row_head(payload), "status": "failed", "error": _error_text(exc), "wall_seconds": 0.0, "worker": ""}
    return {"row": row, "timeseries": None}


# --------------------------------------------------------------------------- running tasks


def run_tasks(
    payloads: Iterable[Payload],
    executor: str | ExecutorOptions = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    before_wait: Hook | None = None,
) -> Iterator[Result]:
    """Run payloads on an executor and yield results as they complete.

    Args:
        payloads: Tasks (see :func:`execute`).
        executor: An :class:`ExecutorOptions`, or the name of an executor.
        workers: Worker processes (default: all cores; overrides the options').
        scheduler: Address of an existing Dask scheduler (overrides the options').
        before_wait: Called as ``before_wait(blocking)`` whenever the executor is about to
            wait for the next result, and every quarter of a second while it waits (the sweep
            writes its finished rows then); ``blocking`` is true when the executor cannot call
            it again before the result is there.

    Yields:
        Results of :func:`execute`, in completion order.
    """
    if isinstance(executor, ExecutorOptions):
        options = executor_options(executor, workers=workers, scheduler=scheduler)
    else:
        options = executor_options(None, executor, workers, scheduler)
    yield from EXECUTORS[options.executor](payloads, options, before_wait)


POLL = 0.25
"""Seconds between checks for a requested stop while waiting for results."""


def _bounded(
    submit: Callable[[Payload], Any],
    payloads: Iterable[Payload],
    window: int,
    wait_some: Callable[[set[Any]], tuple[set[Any], set[Any]]],
    result: Callable[[Any], Result],
    before_wait: Hook | None,
) -> Iterator[Result]:
    pending: set[Any] = set()
    source = iter(payloads)
    exhausted = False
    while pending or not exhausted:
        check()
        with critical():
            while not exhausted and len(pending) < window:
                try:
                    pending.add(submit(next(source)))
                except StopIteration:
                    exhausted = True
        if pending:
            with critical():
                done: set[Any] = set()
                while not done:
                    if before_wait is not None:
                        before_wait(False)
                    check()
                    done, pending = wait_some(pending)
            for future in done:
                with critical():
                    value = result(future)
                yield value  # a stop requested meanwhile is raised at the next round, once this run is stored


@register_executor("serial")
def _serial(payloads: Iterable[Payload], options: ExecutorOptions, before_wait: Hook | None) -> Iterator[Result]:
    for payload in payloads:
        if before_wait is not None:
            before_wait(True)
        yield execute(payload)


# --------------------------------------------------------------------------- local process pool

_POOLS: set[ProcessPoolExecutor] = set()
"""Process pools running now (killed by :func:`kill_workers`)."""


def _process_identity(pid: int) -> str | None:
    """State and start time of a process (Linux), ``"gone"`` if it has ended, ``None`` if unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            fields = handle.read().rpartition(")")[2].split()
    except FileNotFoundError:
        return "gone"
    except OSError:
        return None
    return "gone" if fields[0] in ("Z", "X") else fields[19]  # a zombie has ended; field 22 is the start time


def _parent_alive(pid: int, started: str | None) -> bool:
    identity = _process_identity(pid)
    if identity is not None:
        return identity == started  # not ended, not a zombie, and not another process with its number
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch_parent(parent: int, started: str | None, ppid: int) -> None:
    while True:
        time.sleep(0.25)
        if os.getppid() != ppid or not _parent_alive(parent, started):
            os._exit(1)


def worker_init(parent: int) -> None:
    """Set up a pool worker: ignore Ctrl-C, and exit as soon as the process that started it has ended.

    The process that started the pool may be killed (``kill -9``) and left unreaped for a
    while by whatever started it; it counts as ended then too.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    started = _process_identity(parent)
    args = (parent, None if started == "gone" else started, os.getppid())
    threading.Thread(target=_watch_parent, args=args, daemon=True, name="watch-parent").start()


def _workers_of(pool: ProcessPoolExecutor) -> list[Any]:
    # Python 3.14 has ProcessPoolExecutor.kill_workers(); before it, the pool's own table of
    # worker processes is the only handle on them
    return list((getattr(pool, "_processes", None) or {}).values())


def _kill(pool: ProcessPoolExecutor) -> None:
    processes = _workers_of(pool)  # before shutdown(), which forgets them
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    # the pool sees its workers die, fails what was running and stops its own threads
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(5)
    _POOLS.discard(pool)


def process_pool(workers: int, preload: list[str] | None = None) -> ProcessPoolExecutor:
    """A forkserver process pool whose workers ignore Ctrl-C and exit when this process has ended.

    The pool is registered for :func:`kill_workers`; hand it back with :func:`release_pool`.
    forkserver: safe when the parent has threads (progress bars, Dask clients, a web server).

    Args:
        workers: Worker processes.
        preload: Modules the fork server imports once, so that each worker starts with them.
    """
    context = multiprocessing.get_context("forkserver")
    if preload:
        context.set_forkserver_preload(preload)
    with critical():
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=worker_init, initargs=(os.getpid(),))
        _POOLS.add(pool)
    return pool


def release_pool(pool: ProcessPoolExecutor, wait: bool = True) -> None:
    """Shut a pool of :func:`process_pool` down: let its workers finish (``wait``) or kill them."""
    with critical():
        if wait:
            pool.shutdown(wait=True)
            _POOLS.discard(pool)
        else:
            _kill(pool)


@contextlib.contextmanager
def pooled(workers: int | None = None) -> Iterator[ProcessPoolExecutor]:
    """A :func:`process_pool` for the block: its workers finish when it ends, and are killed if it fails.

    For analyses that map a function over jobs themselves (calibration and validation tables);
    unlike a plain ``ProcessPoolExecutor`` it never forks a process that has threads.

    Args:
        workers: Worker processes (default: the machine's CPUs).
    """
    pool = process_pool(workers or os.cpu_count() or 1)
    try:
        yield pool
    except BaseException:
        release_pool(pool, wait=False)
        raise
    release_pool(pool)


def kill_workers() -> None:
    """Kill the workers of every process pool this process is running (before exiting at once)."""
    for pool in list(_POOLS):
        for process in _workers_of(pool):
            with contextlib.suppress(Exception):
                process.kill()


@register_executor("processes")
def _processes(payloads: Iterable[Payload], options: ExecutorOptions, before_wait: Hook | None) -> Iterator[Result]:
    # the fork server imports this module once, so each worker starts without importing the model again
    workers = options.n_workers
    pool = process_pool(workers, preload=[__name__])
    finished = False
    try:

        def wait_some(pending: set[Future[Result]]) -> tuple[set[Future[Result]], set[Future[Result]]]:
            done, rest = wait(pending, timeout=POLL, return_when=FIRST_COMPLETED)
            return done, rest

        def result(future: Future[Result]) -> Result:
            try:
                return future.result()
            except BrokenProcessPool:
                check()  # workers ended by the same signal that stops the sweep: report the stop
                raise ExecutorError(
                    "a worker process died (killed by the system, out of memory?); finished runs are kept, "
                    "resume to run the others"
                ) from None

        yield from _bounded(lambda p: pool.submit(execute, p), payloads, 4 * workers, wait_some, result, before_wait)
        finished = True
    finally:
        release_pool(pool, wait=finished)  # interrupted or abandoned: do not wait for runs nobody will read


# --------------------------------------------------------------------------- Dask

HEALTH_SECONDS = 2.0
"""How often a Dask sweep that is waiting checks that its cluster still has workers."""


@register_executor("dask")
def _dask(payloads: Iterable[Payload], options: ExecutorOptions, before_wait: Hook | None) -> Iterator[Result]:
    from distributed import Client, LocalCluster
    from distributed import wait as dask_wait

    cluster = None
    with critical():
        try:
            if options.scheduler:
                client = Client(options.scheduler, timeout=f"{options.timeout}s")
            else:
                with _workers_ignore_ctrl_c():
                    cluster = LocalCluster(
                        n_workers=options.n_workers,
                        threads_per_worker=1,
                        processes=True,
                        host="127.0.0.1",
                        dashboard_address="127.0.0.1:0",
                        silence_logs=logging.CRITICAL,
                    )
                client = Client(cluster)
        except (OSError, TimeoutError) as exc:
            if cluster is not None:
                cluster.close()
            where = options.scheduler or "a local cluster"
            raise ExecutorError(f"cannot connect to the Dask scheduler at {where} ({exc})") from None
    payload_of: dict[Any, Payload] = {}
    lost_since: float | None = None
    try:
        with critical():
            window = 4 * max(1, len(client.scheduler_info().get("workers", {})) or options.n_workers)

        def submit(payload: Payload) -> Any:
            future = client.submit(execute, payload, pure=False, retries=2)
            payload_of[future] = payload
            return future

        checked = time.monotonic()

        def wait_some(pending: set[Any]) -> tuple[set[Any], set[Any]]:
            nonlocal lost_since, checked
            try:
                done, rest = dask_wait(list(pending), timeout=POLL, return_when="FIRST_COMPLETED")
                lost_since = None
                return set(done), set(rest)
            except TimeoutError:
                pass
            if time.monotonic() - checked < HEALTH_SECONDS:
                return set(), pending
            checked = time.monotonic()
            problem = _cluster_problem(client)
            if problem is None:
                lost_since = None
                return set(), pending
            lost_since = lost_since or time.monotonic()
            if time.monotonic() - lost_since > options.timeout:
                where = options.scheduler or "the local cluster"
                raise ExecutorError(
                    f"the Dask cluster at {where} {problem} for {options.timeout:g} s; finished runs are kept, "
                    "resume when it is back"
                )
            return set(), pending

        def result(future: Any) -> Result:
            payload = payload_of.pop(future)
            try:
                return future.result()
            except Exception as exc:  # the task killed its workers (KilledWorker) or could not run
                return failed_result(payload, exc)

        yield from _bounded(submit, payloads, window, wait_some, result, before_wait)
    finally:
        with critical():
            with contextlib.suppress(Exception):
                client.cancel(list(payload_of))
            with contextlib.suppress(Exception):
                client.close(timeout=10)
            if cluster is not None:
                with contextlib.suppress(Exception):
                    cluster.close(timeout=10)


@contextlib.contextmanager
def _workers_ignore_ctrl_c() -> Iterator[None]:
    """Start processes that ignore Ctrl-C (an ignored signal stays ignored in a child, and Python keeps it so).

    Ctrl-C reaches every process of the terminal's process group; the local cluster's workers
    are stopped by the sweep instead. A Ctrl-C while the cluster starts is recorded by the
    wakeup file descriptor of the command line, if any, and otherwise ignored.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous if previous is not None else signal.SIG_DFL)


def _cluster_problem(client: Any) -> str | None:
    """Why the cluster cannot run tasks now (no workers, unreachable), or ``None``."""
    if client.status not in ("running", "connecting"):
        return "is closed"
    try:
        workers = client.scheduler_info().get("workers", {})
    except Exception:
        return "has been unreachable"
    return None if workers else "has had no workers"
