"""Sweep benchmark: what the executors and the results store add to the runs of a sweep.

Usage::

    python benchmarks/bench_sweep.py            # full run: 360 runs per executor (about 3.5 minutes on 2 cores)
    python benchmarks/bench_sweep.py --quick    # 6 replications: 72 runs per executor (about 1 minute)

The shipped ``qualification_mix`` sweep (12 design points x 30 replications) is run with
:func:`throughflow.experiments.sweep.run_sweep` into a fresh temporary store, once per
executor: ``processes`` on 2 local workers (the measurement the targets are about), ``dask``
on a local cluster of 2 single-threaded worker processes, and ``serial`` in this process.
Each run records its own wall time (``wall_seconds`` in the run table: validating the
scenario, running the model, computing the indicators), so for ``w`` workers and ``n`` runs:

* **parallel efficiency** = sum of the runs' own times / (w x sweep wall time);
* **overhead per run** = (w x sweep wall time - sum of the runs' own times) / n: everything
  that is not a run — starting and stopping the workers, building and pickling payloads,
  moving results back, buffering and writing the store, finalising ``runs.parquet`` —
  including idle workers at the end of the sweep.

The runs' own times of a parallel execution include any slow-down the workers cause each
other (or that other work on the machine causes them), so the benchmark also reports the
speed-up over the ``serial`` execution and the efficiency against the serial run times
(sum of the serial runs' own times / (w x sweep wall time)).

Two cheaper measurements break the overhead down:

* **start-up**: the wall time of running ``w`` one-month runs through the same executor
  (starting the pool or cluster, importing the package in the workers, stopping it), less
  those runs' own times;
* **main process**: building every payload, pickling it and its result, and adding every
  row to a store and finalising it, timed in this process on the rows of the sweep.

Targets (from the project issue):

1. parallel efficiency of the ``processes`` executor on 2 workers >= 0.85;
2. overhead of the store and the executor <= 20 ms per run.

The figures go to ``benchmarks/results_sweep.json`` and a table with PASS/FAIL is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import pickle
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import mesa
import numpy as np
import pandas as pd

from common import fmt_load, git_revision, load_average, log
from throughflow.experiments.design import Sweep, load_sweep
from throughflow.experiments.executors import run_tasks
from throughflow.experiments.store import Store
from throughflow.experiments.sweep import design_table, payloads, run_sweep

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SWEEP = ROOT / "scenarios" / "sweeps" / "qualification_mix.yaml"
QUICK_REPLICATIONS = 6

TARGET_EFFICIENCY = 0.85
TARGET_OVERHEAD_MS = 20.0


# --------------------------------------------------------------------------- measurements


def run_table_figures(runs: pd.DataFrame, wall: float, workers: int) -> dict[str, Any]:
    """Efficiency and overhead of one sweep execution from its run table and wall time."""
    own = runs["wall_seconds"].to_numpy(float)
    n = len(runs)
    busy = float(own.sum())
    per_worker = runs.groupby("worker")["wall_seconds"].agg(["count", "sum"])
    return {
        "runs": n,
        "failed": int((runs["status"] != "ok").sum()),
        "wall_s": wall,
        "sum_run_s": busy,
        "mean_run_s": busy / n,
        "median_run_s": float(np.median(own)),
        "mean_run_s_by_level": {str(k): float(v) for k, v in runs.groupby("factor:mentoring")["wall_seconds"].mean().items()}
        if "factor:mentoring" in runs
        else {},
        "worker_processes": len(per_worker),
        "runs_per_worker": sorted(int(c) for c in per_worker["count"]),
        "busy_s_per_worker": sorted(float(s) for s in per_worker["sum"]),
        "efficiency": busy / (workers * wall),
        "overhead_ms_per_run": 1e3 * (workers * wall - busy) / n,
    }


def startup_cost(sweep: Sweep, executor: str, workers: int) -> dict[str, Any]:
    """Wall time of ``workers`` one-month runs through the executor, less their own run times.

    This is the fixed cost of an execution: starting the pool or cluster, importing the
    package in the workers (on the first task each receives) and shutting everything down.
    """
    tasks = sweep.tasks()[:workers]
    probe = [{**p, "months": 1} for p in payloads(sweep, tasks)]
    gc.collect()
    started = time.perf_counter()
    results = list(run_tasks(probe, executor=executor, workers=workers))
    wall = time.perf_counter() - started
    own = [r["row"]["wall_seconds"] for r in results]
    if any(r["row"]["status"] != "ok" for r in results):
        raise RuntimeError(f"{executor}: start-up probe failed: {results[0]['row']['error']}")
    return {"wall_s": wall, "own_run_s": own, "startup_s": wall - max(own)}


def main_process_costs(sweep: Sweep, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-run cost of the work the parent process does for every run, timed in this process.

    * payload: resolving the design point's scenario and dumping it to a mapping
      (:func:`~throughflow.experiments.sweep.payloads`), as the sweep does for every task;
    * pickle: serialising the payload and the result (what crosses to and from a worker),
      and reading them back;
    * store: adding every row to a fresh store (parts flushed as the sweep does) and
      finalising ``runs.parquet``, with the store's creation counted once.
    """
    tasks = sweep.tasks()
    n = len(tasks)
    gc.collect()
    started = time.perf_counter()
    built = list(payloads(sweep, tasks))
    payload_s = time.perf_counter() - started

    results = [{"row": row, "timeseries": None} for row in rows]
    started = time.perf_counter()
    sent = [pickle.dumps(p, protocol=pickle.HIGHEST_PROTOCOL) for p in built]
    back = [pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for r in results]
    for blob in sent + back:
        pickle.loads(blob)
    pickle_s = time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="bench-store-") as tmp:
        store = Store(Path(tmp) / "store")
        with store.lock():
            started = time.perf_counter()
            store.create(sweep, design_table(sweep))
            create_s = time.perf_counter() - started
            started = time.perf_counter()
            for row in rows:
                store.add(row)
            store.flush()
            add_s = time.perf_counter() - started
            started = time.perf_counter()
            store.finalise()
            finalise_s = time.perf_counter() - started
            parts = len(store.part_files())
    return {
        "runs": n,
        "payload_ms_per_run": 1e3 * payload_s / n,
        "payload_bytes": int(statistics.mean(len(b) for b in sent)),
        "result_bytes": int(statistics.mean(len(b) for b in back)),
        "pickle_ms_per_run": 1e3 * pickle_s / n,
        "store_create_s": create_s,
        "store_add_ms_per_run": 1e3 * add_s / n,
        "store_finalise_s": finalise_s,
        "store_parts": parts,
        "store_ms_per_run": 1e3 * (create_s + add_s + finalise_s) / n,
        "total_ms_per_run": 1e3 * (payload_s + pickle_s + create_s + add_s + finalise_s) / n,
    }


def measure_executor(sweep: Sweep, executor: str, workers: int, tmp: Path) -> dict[str, Any]:
    """Run the whole sweep on one executor into a fresh store; figures from its run table."""
    used = 1 if executor == "serial" else workers
    log(f"[{executor}] start-up probe ({used} one-month runs)")
    startup = startup_cost(sweep, executor, used)
    log(f"[{executor}] sweep: {len(sweep.tasks())} runs on {used} worker(s)")
    load_start = load_average()
    gc.collect()
    started = time.perf_counter()
    runs = run_sweep(sweep, out=tmp / executor, executor=executor, workers=used, progress=False)
    wall = time.perf_counter() - started
    figures = run_table_figures(runs, wall, used)
    if figures["failed"]:
        error = runs.loc[runs["status"] != "ok", "error"].iloc[0]
        raise RuntimeError(f"{executor}: {figures['failed']} runs failed, e.g. {error}")
    steady = (used * (wall - startup["startup_s"]) - figures["sum_run_s"]) / figures["runs"]
    log(f"[{executor}] {wall:.1f} s, efficiency {figures['efficiency']:.3f}, {figures['overhead_ms_per_run']:.1f} ms/run")
    return {
        "executor": executor,
        "workers": used,
        **figures,
        "startup": startup,
        "overhead_ms_per_run_without_startup": 1e3 * steady,
        "load_average_start": load_start,
        "load_average_end": load_average(),
        "rows": runs,
    }


# --------------------------------------------------------------------------- report


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def checks(results: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per target (on the ``processes`` executor): measured value, limit, PASS/FAIL."""
    rows = []
    proc = results["executors"].get("processes")
    if proc is None:
        return rows
    rows.append(
        {
            "target": f"parallel efficiency, processes on {proc['workers']} workers",
            "value": proc["efficiency"],
            "limit": f">= {TARGET_EFFICIENCY}",
            "result": verdict(proc["efficiency"] >= TARGET_EFFICIENCY),
            "detail": f"{proc['sum_run_s']:.1f} s of runs / ({proc['workers']} x {proc['wall_s']:.1f} s wall)",
        }
    )
    rows.append(
        {
            "target": "overhead per run, processes (ms)",
            "value": proc["overhead_ms_per_run"],
            "limit": f"<= {TARGET_OVERHEAD_MS:g}",
            "result": verdict(proc["overhead_ms_per_run"] <= TARGET_OVERHEAD_MS),
            "detail": f"{proc['overhead_ms_per_run_without_startup']:.1f} ms/run once started; "
            f"start-up {proc['startup']['startup_s']:.2f} s",
        }
    )
    return rows


def print_table(results: dict[str, Any]) -> None:
    env = results["environment"]
    print(
        f"\nthroughflow sweep benchmark  {env['date']}  Python {env['python']}  Mesa {env['mesa']}  {env['cpus']} CPUs"
        f"  revision {env['revision']}  sweep {results['sweep']} ({results['points']} points x "
        f"{results['replications']} replications = {results['runs']} runs)"
    )
    print()
    print("| target | measured | limit | result | detail |")
    print("|---|---:|---:|---|---|")
    for row in results["checks"]:
        print(f"| {row['target']} | {row['value']:.3g} | {row['limit']} | {row['result']} | {row['detail']} |")
    print()
    print(
        "| executor | workers | sweep wall (s) | sum of runs (s) | mean run (s) | efficiency | overhead ms/run"
        " | ms/run once started | start-up (s) | load start → end |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for name, d in results["executors"].items():
        cells = [
            name,
            str(d["workers"]),
            f"{d['wall_s']:.1f}",
            f"{d['sum_run_s']:.1f}",
            f"{d['mean_run_s']:.3f}",
            f"{d['efficiency']:.3f}",
            f"{d['overhead_ms_per_run']:.1f}",
            f"{d['overhead_ms_per_run_without_startup']:.1f}",
            f"{d['startup']['startup_s']:.2f}",
            f"{fmt_load(d['load_average_start'])} → {fmt_load(d['load_average_end'])}",
        ]
        print("| " + " | ".join(cells) + " |")
    if "serial" in results["executors"]:
        print()
        for name, d in results["executors"].items():
            if name != "serial":
                print(
                    f"{name}: {d['speedup_vs_serial']:.2f}x faster than serial; efficiency against the serial run times"
                    f" {d['efficiency_vs_serial_runs']:.3f}"
                )
    main = results.get("main_process")
    if main:
        print(
            f"main process per run: payload {main['payload_ms_per_run']:.3f} ms ({main['payload_bytes']:,} B pickled), "
            f"pickling {main['pickle_ms_per_run']:.2f} ms (result {main['result_bytes']:,} B), "
            f"store {main['store_ms_per_run']:.2f} ms ({main['store_parts']} parts); total {main['total_ms_per_run']:.2f} ms"
        )
    failed = [r for r in results["checks"] if r["result"] == "FAIL"]
    print(f"\n{len(results['checks']) - len(failed)} of {len(results['checks'])} checks pass.")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_REPLICATIONS} replications instead of the file's")
    parser.add_argument("--replications", type=int, default=None, help="replications per design point (default: the file's)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes of the parallel executors (default 2)")
    parser.add_argument(
        "--executors",
        nargs="+",
        default=["processes", "dask", "serial"],
        choices=["processes", "dask", "serial"],
        help="executors to measure (default: processes dask serial)",
    )
    parser.add_argument("--sweep", type=Path, default=SWEEP, help="sweep file (default: the shipped qualification_mix)")
    parser.add_argument("--out", type=Path, default=HERE / "results_sweep.json", help="where to write the figures (JSON)")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when a target fails")
    args = parser.parse_args(argv)

    replications = args.replications or (QUICK_REPLICATIONS if args.quick else None)
    sweep = load_sweep(args.sweep, replications=replications)
    started = time.perf_counter()
    busy = load_average()
    if busy is not None and busy > 0.5:
        log(f"note: 1-minute load average is {busy:.2f}; other work on this machine inflates the timings")
    results: dict[str, Any] = {
        "environment": {
            "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "mesa": mesa.__version__,
            "numpy": np.__version__,
            "pandas": pd.__version__,
            "platform": platform.platform(),
            "processor": platform.processor() or platform.machine(),
            "cpus": os.cpu_count(),
            "revision": git_revision(),
            "load_average_start": busy,
        },
        "quick": args.quick,
        "sweep": sweep.name,
        "points": len(sweep.points()),
        "replications": sweep.replications,
        "runs": len(sweep.tasks()),
        "workers": args.workers,
        "executors": {},
    }
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        for executor in args.executors:
            measured = measure_executor(sweep, executor, args.workers, Path(tmp))
            table = measured.pop("rows")
            if not rows:
                rows = table.to_dict("records")
            results["executors"][executor] = measured
    log("[main process] payloads, pickling and store, timed in this process")
    results["main_process"] = main_process_costs(sweep, rows)
    ex = results["executors"]
    if "serial" in ex:
        # the runs' own times of a parallel execution may be inflated by contention in the
        # workers; the serial execution's run times are an outside reference for the same runs
        for d in ex.values():
            d["speedup_vs_serial"] = ex["serial"]["wall_s"] / d["wall_s"]
            d["efficiency_vs_serial_runs"] = ex["serial"]["sum_run_s"] / (d["workers"] * d["wall_s"])
    results["checks"] = checks(results)
    results["environment"]["load_average_end"] = load_average()
    results["benchmark_s"] = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print_table(results)
    print(f"Benchmark took {results['benchmark_s']:.0f} s; figures written to {args.out}")
    failed = any(r["result"] == "FAIL" for r in results["checks"])
    return 1 if (failed and args.strict) else 0


if __name__ == "__main__":
    sys.exit(main())
