"""Running a sweep into its results store: parallel, resumable, with a progress bar."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
from tqdm import tqdm

from throughflow.experiments.design import Sweep, Task
from throughflow.experiments.executors import Payload, run_tasks
from throughflow.experiments.store import Store

RESULTS = Path("results")


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
    cache: dict[int, dict[str, Any]] = {}
    for task in tasks:
        if task.point not in cache:
            cache = {task.point: sweep.scenario(task.values).model_dump()}
        yield {
            "run_id": task.run_id,
            "point": task.point,
            "replicate": task.replicate,
            "seed": task.seed,
            "labels": task.levels,
            "scenario": cache[task.point],
            "months": sweep.months,
            "keep_timeseries": sweep.keep_timeseries,
            "paired_baseline": paired_baseline,
        }


def run_sweep(
    sweep: Sweep,
    out: Path | None = None,
    executor: str = "processes",
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
) -> pd.DataFrame:
    """Run every unfinished task of ``sweep`` and return the complete run table.

    Args:
        sweep: The sweep.
        out: Store folder (default ``results/<sweep name>``).
        executor: ``serial``, ``processes`` (default) or ``dask``.
        workers: Worker processes (default: all cores).
        scheduler: Address of an existing Dask scheduler.
        resume: Continue an existing store (reruns nothing that finished); a store that
            was never created (a sweep killed before it started) is created.
        progress: Show a progress bar.

    Returns:
        One row per run, in run order.

    Raises:
        StoreError: If the store exists and ``resume`` is false, or it holds another sweep.
    """
    store = Store(out or RESULTS / sweep.name)
    if resume and store.exists():
        store.open(sweep)
    else:
        store.create(sweep, design_table(sweep))
    tasks = sweep.tasks()
    done = store.finished()
    todo = [t for t in tasks if t.run_id not in done]
    failed = 0
    bar = tqdm(
        total=len(tasks), initial=len(tasks) - len(todo), disable=not progress, unit="run", desc=sweep.name, dynamic_ncols=True
    )
    try:
        for result in run_tasks(payloads(sweep, todo), executor=executor, workers=workers, scheduler=scheduler):
            row = result["row"]
            if result["timeseries"] is not None:
                store.write_timeseries(row["point"], row["replicate"], result["timeseries"])
            store.add(row)
            failed += row["status"] != "ok"
            bar.update(1)
            bar.set_postfix(done=bar.n, failed=failed, remaining=len(tasks) - bar.n, refresh=False)
    finally:
        store.flush()
        bar.close()
    return store.finalise()
