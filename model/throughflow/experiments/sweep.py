"""Running a sweep into its results store: parallel, resumable, with a progress bar.

Runs that repeat another run are skipped. A run depends only on its scenario, seed and
horizon, and parameters that the scenario's switches make inert cannot change it (see
:mod:`throughflow.inertness`); so tasks with the same effective scenario, seed and horizon give
the same result. Of each such group only the first task (in run order) runs; every other
task gets a copy of its row, with its own run id, design point, replicate and factor levels,
``wall_seconds`` 0, the ``worker`` that ran the original, and ``same_as`` naming the run it
copies (``same_as`` is empty for runs that ran). With time series kept, the copy gets a copy of the time series too. A copy is
written only once the row it copies is stored, so an interrupted sweep resumes to the same
table. ``run_sweep(..., deduplicate=False)`` runs every task.

The sweep holds the store's lock while it runs (a second writer is refused), writes finished
rows while the executor waits for the next result (at once, or at most a second after the
previous write when results come fast; see :meth:`Store.write_finished`), and on an
exception (Ctrl-C, SIGTERM, a write error) stops the executor at once and keeps what was
written (see :mod:`throughflow.experiments.interrupts`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from throughflow.experiments.design import Sweep, Task
from throughflow.experiments.executors import run_tasks
from throughflow.experiments.interrupts import stopping_on_signals
from throughflow.experiments.options import ExecutorOptions, Payload, executor_options
from throughflow.experiments.store import Store
from throughflow.inertness import scenario_key
from throughflow.scenario import ScenarioError

RESULTS = Path("results")


class RunsFailed(RuntimeError):
    """Some runs of an experiment failed; their rows and errors are in the store (one-line message)."""


def failures(runs: pd.DataFrame, store: Path) -> str | None:
    """A one-line account of the failed runs of a run table, or ``None`` if every run succeeded."""
    if runs.empty or "status" not in runs.columns:
        return None
    bad = runs[runs["status"] != "ok"]
    if bad.empty:
        return None
    first = bad.iloc[0]
    return (
        f"{len(bad)} of {len(runs)} runs failed (e.g. run {first['run_id']}: {first['error']}); "
        f"every error is in the error column of {Path(store) / 'runs.parquet'}"
    )


def design_table(sweep: Sweep) -> pd.DataFrame:
    """Design points: point index, a column per factor (level label) and the parameter values (JSON)."""
    rows = []
    for point, (labels, values) in enumerate(sweep.points()):
        rows.append(
            {"point": point, **{f"factor:{k}": v for k, v in labels.items()}, "values": json.dumps(values, sort_keys=True)}
        )
    return pd.DataFrame(rows)


def payloads(sweep: Sweep, tasks: list[Task], paired_baseline: bool = False) -> Iterator[Payload]:
    """The executor payload of each task (resolved scenario as a mapping)."""
    cache: dict[tuple[int, int], dict[str, Any]] = {}
    for task in tasks:
        at = (task.point, task.replicate if sweep.posterior else -1)  # with a posterior, a point differs by replicate
        if at not in cache:
            cache = {at: sweep.scenario(task.values).model_dump()}
        yield {
            "run_id": task.run_id,
            "point": task.point,
            "replicate": task.replicate,
            "seed": task.seed,
            "labels": task.levels,
            "scenario": cache[at],
            "months": sweep.months,
            "keep_timeseries": sweep.keep_timeseries,
            "cost_outputs": sweep.cost_outputs,
            "paired_baseline": paired_baseline,
        }


def repeats(sweep: Sweep, tasks: list[Task], paired_baseline: bool = False) -> dict[str, str]:
    """Tasks that repeat an earlier task: same effective scenario, seed and horizon.

    Args:
        sweep: The sweep.
        tasks: Its tasks, in run order.
        paired_baseline: Whether the runs include the paired baseline (part of a run's identity).

    Returns:
        ``{run_id: run_id of the first task of its group}`` for every task that is not the
        first of its group (the first ones run; the others copy their row).
    """
    point_keys: dict[tuple[int, int], str | None] = {}
    first: dict[tuple[str, int, bool], str] = {}
    same: dict[str, str] = {}
    for task in tasks:
        at = (task.point, task.replicate if sweep.posterior else -1)
        if at not in point_keys:
            try:
                prices = sweep.cost_outputs or sweep.keep_timeseries  # time series hold costs too
                point_keys[at] = scenario_key(sweep.scenario(task.values), sweep.months, prices)
            except ScenarioError:  # an invalid point runs (and fails) on its own
                point_keys[at] = None
        key = point_keys[at]
        if key is None:
            continue
        representative = first.setdefault((key, task.seed, paired_baseline), task.run_id)
        if representative != task.run_id:
            same[task.run_id] = representative
    return same


def copy_row(row: dict[str, Any], task: Task) -> dict[str, Any]:
    """The row of ``task`` as a copy of the row of the run it repeats."""
    copy = {k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in row.items()}
    copy.update(
        run_id=task.run_id,
        point=task.point,
        replicate=task.replicate,
        seed=task.seed,
        **{f"factor:{k}": v for k, v in task.levels.items()},
    )
    copy["wall_seconds"] = 0.0
    copy["same_as"] = str(row["run_id"])
    return copy


def run_sweep(
    sweep: Sweep,
    out: Path | None = None,
    options: ExecutorOptions | None = None,
    *,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
    deduplicate: bool = True,
    allow_code_change: bool = False,
) -> pd.DataFrame:
    """Run every unfinished task of ``sweep`` and return the complete run table.

    Args:
        sweep: The sweep.
        out: Store folder (default ``results/<sweep name>``).
        options: How to execute the runs (default: a local process pool on all cores).
        executor: Shorthand for ``options.executor`` (``serial``, ``processes`` or ``dask``).
        workers: Shorthand for ``options.workers``.
        scheduler: Shorthand for ``options.scheduler``.
        resume: Continue an existing store (reruns nothing that finished); a store that
            was never created (a sweep killed before it started) is created.
        progress: Show a progress bar.
        deduplicate: Run once each group of tasks with the same effective scenario, seed
            and horizon, and copy the row to the others (exact; see the module docstring).
            ``False`` runs every task.
        allow_code_change: Resume a store written by other model code (recorded in its manifest).

    Returns:
        One row per run, in run order (failed runs included, with ``status`` "failed" and
        the ``error``); ``same_as`` names the run whose row a run copies (empty for runs
        that ran).

    Raises:
        StoreError: If the store exists and ``resume`` is false, it holds another sweep or
            was written by other model code, or another process is writing it.
        OutputError: A file of the store could not be written.
        ExecutorError: The executor cannot go on (finished runs are kept).
    """
    options = executor_options(options, executor, workers, scheduler)
    store = Store(out or RESULTS / sweep.name)
    with stopping_on_signals(), store.lock():
        if resume and store.exists():
            store.open(sweep, allow_code_change=allow_code_change)
        else:
            store.create(sweep, design_table(sweep))
        return _run(sweep, store, options, progress, deduplicate)


def _run(sweep: Sweep, store: Store, options: ExecutorOptions, progress: bool, deduplicate: bool) -> pd.DataFrame:
    tasks = sweep.tasks()
    same = repeats(sweep, tasks, sweep.paired) if deduplicate else {}
    done = store.finished()
    todo = [t for t in tasks if t.run_id not in done and t.run_id not in same]
    waiting: dict[str, list[Task]] = {}  # run id -> unfinished tasks that repeat it
    for task in tasks:
        if task.run_id not in done and task.run_id in same:
            waiting.setdefault(same[task.run_id], []).append(task)
    failed = 0
    bar = tqdm(total=len(tasks), initial=len(done), disable=not progress, unit="run", desc=sweep.name, dynamic_ncols=True)

    def store_copies(row: dict[str, Any], series: pd.DataFrame | None) -> int:
        """Store the rows (and time series) of the tasks waiting for ``row``; how many."""
        copies = waiting.pop(str(row["run_id"]), [])
        for task in copies:
            if series is not None:
                store.write_timeseries(task.point, task.replicate, series)
            elif sweep.keep_timeseries:
                store.copy_timeseries((int(row["point"]), int(row["replicate"])), (task.point, task.replicate))
            store.add(copy_row(row, task))
        return len(copies)

    def advance(count: int, failures: int) -> None:
        nonlocal failed
        failed += failures
        bar.update(count)
        bar.set_postfix(done=bar.n, failed=failed, remaining=len(tasks) - bar.n, refresh=False)

    completed = False
    try:
        # repeats of runs stored before an interruption: copied now, not rerun
        for row in store.rows({r for r in waiting if r in done}).values():
            copies = store_copies(row, None)
            advance(copies, copies * (row["status"] != "ok"))
        for result in run_tasks(payloads(sweep, todo, sweep.paired), options, before_wait=store.write_finished):
            row = result["row"]
            row["same_as"] = ""
            if result["timeseries"] is not None:
                store.write_timeseries(row["point"], row["replicate"], result["timeseries"])
            store.add(row)
            copies = store_copies(row, result["timeseries"])
            advance(1 + copies, (1 + copies) * (row["status"] != "ok"))
        completed = True
    finally:
        bar.close()
        if not completed:
            _keep_finished(store)
    return store.finalise()


def _keep_finished(store: Store) -> None:
    """After an interruption or an error: write the finished rows still in memory, if that is possible."""
    try:
        store.flush()
    except Exception:  # the original error (disk full, interrupt) is the one to report
        return
