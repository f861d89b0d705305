"""Executors: run tasks serially, on a local process pool, or on a Dask cluster.

Every executor runs the same pure function, :func:`execute`, on the same payloads, and each
run depends only on its scenario and seed, so the results are identical whichever executor
ran them. Tasks are submitted in a bounded window so memory stays bounded however many
runs a sweep has. A run that raises is returned as a failed row, not an exception.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import time
import traceback
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from throughflow.experiments.run import run
from throughflow.outcomes import COST_OUTPUTS, run_columns
from throughflow.scenario import validate

EXECUTORS = ("serial", "processes", "dask")

Payload = dict[str, Any]
Result = dict[str, Any]


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
    row: dict[str, Any] = {
        "run_id": payload["run_id"],
        "point": payload["point"],
        "replicate": payload["replicate"],
        "seed": payload["seed"],
        **{f"factor:{k}": v for k, v in payload["labels"].items()},
    }
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
        last = traceback.extract_tb(exc.__traceback__)[-1] if exc.__traceback__ else None
        where = f" ({os.path.basename(last.filename)}:{last.lineno})" if last else ""
        row.update(status="failed", error=f"{type(exc).__name__}: {exc}{where}".replace("\n", " "))
        series = None
    row["wall_seconds"] = time.perf_counter() - started
    row["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return {"row": row, "timeseries": series}


def _bounded(submit: Any, payloads: Iterable[Payload], window: int, wait_one: Any) -> Iterator[Result]:
    pending: set[Any] = set()
    source = iter(payloads)
    exhausted = False
    while pending or not exhausted:
        while not exhausted and len(pending) < window:
            try:
                pending.add(submit(next(source)))
            except StopIteration:
                exhausted = True
        if pending:
            done, pending = wait_one(pending)
            for future in done:
                yield future.result()


def run_tasks(
    payloads: Iterable[Payload], executor: str = "processes", workers: int | None = None, scheduler: str | None = None
) -> Iterator[Result]:
    """Run payloads on an executor and yield results as they complete.

    Args:
        payloads: Tasks (see :func:`execute`).
        executor: ``serial``, ``processes`` or ``dask``.
        workers: Worker processes (default: all cores).
        scheduler: Address of an existing Dask scheduler (``tcp://host:8786``); without it,
            ``dask`` starts a local cluster.

    Yields:
        Results of :func:`execute`, in completion order.
    """
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r} (choose from {', '.join(EXECUTORS)})")
    workers = workers or os.cpu_count() or 1
    if executor == "serial":
        yield from (execute(p) for p in payloads)
    elif executor == "processes":
        # forkserver: safe when the parent has threads (progress bars, Dask clients), cheap to start
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("forkserver")) as pool:

            def wait_one(pending: set[Future[Result]]) -> tuple[set[Future[Result]], set[Future[Result]]]:
                done, rest = wait(pending, return_when=FIRST_COMPLETED)
                return done, rest

            yield from _bounded(lambda p: pool.submit(execute, p), payloads, 4 * workers, wait_one)
    else:
        yield from _run_dask(payloads, workers, scheduler)


def _run_dask(payloads: Iterable[Payload], workers: int, scheduler: str | None) -> Iterator[Result]:
    from distributed import Client, LocalCluster
    from distributed import wait as dask_wait

    cluster = None
    if scheduler:
        client = Client(scheduler, timeout="20s")
    else:
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0")
        client = Client(cluster)
    try:
        window = 4 * max(1, len(client.scheduler_info().get("workers", {})) or workers)

        def wait_one(pending: set[Any]) -> tuple[set[Any], set[Any]]:
            done, rest = dask_wait(list(pending), return_when="FIRST_COMPLETED")
            return set(done), set(rest)

        yield from _bounded(lambda p: client.submit(execute, p, pure=False, retries=2), payloads, window, wait_one)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
