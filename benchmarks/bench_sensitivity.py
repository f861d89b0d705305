"""Sensitivity benchmark: what a Sobol analysis with N = 1024 costs on this machine.

Usage::

    python benchmarks/bench_sensitivity.py            # N = 32: 576 runs (about 2.5 minutes on 2 cores)
    python benchmarks/bench_sensitivity.py --quick    # N = 16: 288 runs, no ungrouped SALib timing (about 1 minute)

The shipped declaration ``scenarios/sensitivity/mentoring_effect_sobol.yaml`` (every
declared uncertainty of the default scenario, grouped by model section, first and total
order, four difference outcomes, so two scenario arms per sample point) is run with a small
``N`` through :func:`throughflow.analysis.sensitivity.run_sensitivity` on 2 local worker
processes into a temporary folder, exactly as ``throughflow sensitivity`` runs it.

Without second-order indices a Saltelli sample has ``N x (k + 2)`` rows, ``k`` being the
number of groups (or of parameters when ungrouped), and each row runs once per arm and
replication, so the work is linear in ``N``:

    runs(N) = N x (k + 2) x arms x replications

What is measured:

* the whole analysis at the small ``N``: wall time, runs, and the runs' own times from the
  run table (``wall_seconds``: validating the scenario, running the model, computing the
  indicators);
* the fixed costs, each separately: starting and stopping the worker pool (two one-month
  runs through the executor), and SALib's sampling and analysis (indices with bootstrap
  intervals, plus the convergence check on N/4, N/2 and N) on a synthetic outcome of the
  same shape, at the small ``N`` and at the target ``N``;
* where a run's time goes, in this process on a few sample points of each arm: validating
  the scenario, the model itself (``ThroughflowModel.run()``), and the rest of the run
  (indicators, time series, result row).

Extrapolation to the target ``N`` (1024 by default):

    T(N) = start-up + runs(N) x (time per run at 2 workers) + SALib(N)

where the time per run at 2 workers is the measured wall time, less start-up and SALib at the
small ``N``, divided by the runs. The same per-run time prices an ungrouped analysis over every
uncertainty (``k`` = number of parameters).

Target: grouped Sobol, N = 1024, first and total order, within 20 minutes on this 2-core
machine (30 minutes when revision ``98be192`` was measured; benchmarks/README.md).

The figures go to ``benchmarks/results_sensitivity.json`` and a table with PASS/FAIL is printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
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
from throughflow import ThroughflowModel
from throughflow.analysis.problem import Declaration, load_declaration
from throughflow.analysis.sensitivity import block_size, model_sweep, run_sensitivity, sample, sensitivity
from throughflow.experiments.executors import execute, run_tasks
from throughflow.experiments.store import load_runs
from throughflow.experiments.sweep import payloads
from throughflow.scenario import validate

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DECLARATION = ROOT / "scenarios" / "sensitivity" / "mentoring_effect_sobol.yaml"
DEFAULT_N = 32
QUICK_N = 16
TARGET_N = 1024
SPLIT_POINTS = 6

TARGET_MINUTES = 20.0


# --------------------------------------------------------------------------- measurements


def runs_for(declaration: Declaration, n: int, grouped: bool = True) -> int:
    """Model runs of a Sobol analysis with ``n`` base samples (first and total order)."""
    problem = declaration.problem()
    if not grouped:
        problem.pop("groups", None)
    return n * block_size(problem, "sobol") * len(declaration.arms) * declaration.replications


def synthetic(outcomes: int) -> Any:
    """A cheap outcome of the right shape: a fixed linear mix of the (scaled) parameters."""

    def evaluate(X: np.ndarray) -> np.ndarray:
        rng = np.random.default_rng(0)
        span = X.max(axis=0) - X.min(axis=0)
        scaled = (X - X.min(axis=0)) / np.where(span > 0, span, 1.0)
        return scaled @ rng.random((X.shape[1], outcomes)) + 0.01 * rng.standard_normal((X.shape[0], outcomes))

    return evaluate


def salib_cost(declaration: Declaration, n: int, grouped: bool = True) -> dict[str, Any]:
    """Wall time of SALib's sampling and analysis (indices and convergence) on a synthetic outcome."""
    problem = declaration.problem()
    if not grouped:
        problem.pop("groups", None)
    names = [o.name for o in declaration.outcomes]
    gc.collect()
    started = time.perf_counter()
    result = sensitivity(problem, synthetic(len(names)), "sobol", n, declaration.seed, names)
    wall = time.perf_counter() - started
    return {"n": n, "grouped": grouped, "rows": len(result["X"]), "outcomes": len(names), "wall_s": wall}


def startup_cost(declaration: Declaration, workers: int) -> dict[str, Any]:
    """Wall time of ``workers`` one-month runs through the process pool, less their own times."""
    X = sample(declaration.problem(), "sobol", 2, declaration.seed)
    sweep = model_sweep(declaration, X)
    probe = [{**p, "months": 1} for p in payloads(sweep, sweep.tasks()[:workers])]
    gc.collect()
    started = time.perf_counter()
    results = list(run_tasks(probe, executor="processes", workers=workers))
    wall = time.perf_counter() - started
    own = [r["row"]["wall_seconds"] for r in results]
    return {"wall_s": wall, "own_run_s": own, "startup_s": wall - max(own)}


def run_split(declaration: Declaration, n: int, points: int) -> dict[str, Any]:
    """Where one run's time goes, timed in this process on the first ``points`` sample points of each arm.

    Each payload is executed twice, once as the executors do (:func:`execute`), once split
    into validating the scenario and running the model alone; the rest of the run
    (indicators, time series, the row) is the difference.
    """
    X = sample(declaration.problem(), "sobol", n, declaration.seed)
    sweep = model_sweep(declaration, X)
    tasks = [t for t in sweep.tasks() if int(t.levels["sample"]) < points]
    by_arm: dict[str, dict[str, list[float]]] = {}
    for payload in payloads(sweep, tasks):
        arm = payload["labels"]["arm"]
        gc.collect()
        result = execute(payload)
        if result["row"]["status"] != "ok":
            raise RuntimeError(f"run {payload['run_id']} failed: {result['row']['error']}")
        gc.collect()
        started = time.perf_counter()
        scenario = validate(payload["scenario"], payload["run_id"])
        validated = time.perf_counter()
        ThroughflowModel(scenario, seed=payload["seed"], months=payload["months"], record_events=False).run()
        done = time.perf_counter()
        figures = by_arm.setdefault(arm, {"run_s": [], "validate_s": [], "model_s": []})
        figures["run_s"].append(result["row"]["wall_seconds"])
        figures["validate_s"].append(validated - started)
        figures["model_s"].append(done - validated)
    out: dict[str, Any] = {}
    for arm, figures in by_arm.items():
        run_s = statistics.mean(figures["run_s"])
        validate_s = statistics.mean(figures["validate_s"])
        model_s = statistics.mean(figures["model_s"])
        out[arm] = {
            "runs": len(figures["run_s"]),
            "run_s": run_s,
            "validate_s": validate_s,
            "model_s": model_s,
            "rest_s": run_s - validate_s - model_s,
            "model_share_of_run": model_s / run_s,
        }
    return out


def main_process_prep(declaration: Declaration, n: int, limit: int = 2000) -> dict[str, Any]:
    """Parent-process preparation at ``n``: the sample sweep, and building payloads (timed on ``limit`` tasks)."""
    X = sample(declaration.problem(), "sobol", n, declaration.seed)
    gc.collect()
    started = time.perf_counter()
    sweep = model_sweep(declaration, X)
    tasks = sweep.tasks()
    sweep_s = time.perf_counter() - started
    started = time.perf_counter()
    count = 0
    for _ in payloads(sweep, tasks[:limit]):
        count += 1
    payload_s = time.perf_counter() - started
    return {
        "n": n,
        "runs": len(tasks),
        "sample_sweep_s": sweep_s,
        "payload_ms_per_run": 1e3 * payload_s / count,
        "payload_s_all_runs": payload_s / count * len(tasks),
    }


def measure(declaration: Declaration, workers: int, tmp: Path) -> dict[str, Any]:
    """Run the whole analysis once at the declaration's N; figures from its run table."""
    load_start = load_average()
    gc.collect()
    started = time.perf_counter()
    result = run_sensitivity(declaration, out=tmp / "analysis", workers=workers, progress=False)
    wall = time.perf_counter() - started
    runs = load_runs(result["out"])
    ran = runs[runs["same_as"] == ""]  # runs that repeat another are copied, not run
    own = ran["wall_seconds"].to_numpy(float)
    by_arm = ran.groupby("factor:arm")["wall_seconds"]
    indices = result["indices"]
    return {
        "n": declaration.n,
        "rows": len(result["X"]),
        "runs": len(runs),
        "runs_executed": len(ran),
        "runs_copied": len(runs) - len(ran),
        "copied_by_arm": {str(k): int(v) for k, v in (runs["same_as"] != "").groupby(runs["factor:arm"]).sum().items()},
        "failed": int((runs["status"] != "ok").sum()),
        "wall_s": wall,
        "sum_run_s": float(own.sum()),
        "mean_run_s": float(own.mean()),
        "median_run_s": float(np.median(own)),
        "p90_run_s": float(np.quantile(own, 0.9)),
        "max_run_s": float(own.max()),
        "mean_run_s_by_arm": {str(k): float(v) for k, v in by_arm.mean().items()},
        "efficiency": float(own.sum()) / (workers * wall),
        "overhead_ms_per_run": 1e3 * (workers * wall - float(own.sum())) / len(ran),
        "groups": int(indices["name"].nunique()),
        "load_average_start": load_start,
        "load_average_end": load_average(),
    }


def extrapolate(results: dict[str, Any], declaration: Declaration, workers: int) -> dict[str, Any]:
    """Projected wall time of the target N, grouped and ungrouped, from the measured per-run time."""
    m = results["measured"]
    startup = results["startup"]["startup_s"]
    salib_small = results["salib"]["measured_n"]["wall_s"]
    per_run = (m["wall_s"] - startup - salib_small) / m["runs"]
    model_per_run = m["sum_run_s"] / m["runs"] / workers  # per row of the run table, copies included
    out: dict[str, Any] = {"per_run_s_at_workers": per_run, "run_only_per_run_s_at_workers": model_per_run}
    for key, grouped in (("grouped", True), ("ungrouped", False)):
        n = results["target_n"]
        runs = runs_for(declaration, n, grouped)
        salib = results["salib"].get(f"target_{key}", {}).get("wall_s")
        total = startup + runs * per_run + (salib or 0.0)
        out[key] = {
            "k": block_size({**declaration.problem(), **({} if grouped else {"groups": None})}, "sobol") - 2,
            "runs": runs,
            "runs_s": runs * per_run,
            "salib_s": salib,
            "total_s": total,
            "total_min": total / 60,
            "runs_only_floor_min": runs * model_per_run / 60,
        }
    budget = 60 * TARGET_MINUTES
    grouped = out["grouped"]
    out["budget_s"] = budget
    out["runs_in_budget"] = int((budget - startup - (grouped["salib_s"] or 0.0)) / per_run)
    out["per_run_s_needed"] = (budget - startup - (grouped["salib_s"] or 0.0)) / grouped["runs"]
    out["speedup_needed"] = grouped["total_s"] / budget
    return out


# --------------------------------------------------------------------------- report


def print_table(results: dict[str, Any]) -> None:
    env = results["environment"]
    m = results["measured"]
    e = results["extrapolation"]
    print(
        f"\nthroughflow sensitivity benchmark  {env['date']}  Python {env['python']}  Mesa {env['mesa']}"
        f"  {env['cpus']} CPUs  revision {env['revision']}  declaration {results['declaration']}"
    )
    print()
    print("| target | measured | limit | result | detail |")
    print("|---|---:|---:|---|---|")
    for row in results["checks"]:
        print(f"| {row['target']} | {row['value']:.1f} | {row['limit']} | {row['result']} | {row['detail']} |")
    print()
    print(
        f"measured: N = {m['n']}, {m['rows']} sample rows, {m['runs']} runs ({m['runs_executed']} run,"
        f" {m['runs_copied']} copied from a run they repeat) on {results['workers']} workers"
        f" in {m['wall_s']:.1f} s"
        f" (load {fmt_load(m['load_average_start'])} → {fmt_load(m['load_average_end'])}); runs' own time: mean"
        f" {m['mean_run_s']:.3f} s, median {m['median_run_s']:.3f} s, p90 {m['p90_run_s']:.3f} s;"
        f" by arm " + ", ".join(f"{k} {v:.3f} s" for k, v in m["mean_run_s_by_arm"].items())
    )
    print(
        f"efficiency {m['efficiency']:.3f}, overhead {m['overhead_ms_per_run']:.1f} ms/run; start-up"
        f" {results['startup']['startup_s']:.2f} s; SALib at N = {m['n']}: {results['salib']['measured_n']['wall_s']:.2f} s"
    )
    print(f"wall time per run-table row at {results['workers']} workers: {e['per_run_s_at_workers'] * 1e3:.1f} ms")
    print()
    print("| analysis | k | runs | runs (min) | SALib (s) | total (min) | runs' own time / workers (min) |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key in ("grouped", "ungrouped"):
        d = e[key]
        salib = "n/a" if d["salib_s"] is None else f"{d['salib_s']:.1f}"
        cells = [
            f"{key}, N = {results['target_n']}",
            str(d["k"]),
            f"{d['runs']:,}",
            f"{d['runs_s'] / 60:.1f}",
            salib,
            f"{d['total_min']:.1f}",
            f"{d['runs_only_floor_min']:.1f}",
        ]
        print("| " + " | ".join(cells) + " |")
    print()
    print("| arm | runs | run (s) | validate (s) | model (s) | rest (s) | model share |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for arm, d in results["split"].items():
        print(
            f"| {arm} | {d['runs']} | {d['run_s']:.3f} | {d['validate_s']:.4f} | {d['model_s']:.3f} | {d['rest_s']:.3f}"
            f" | {d['model_share_of_run']:.0%} |"
        )
    prep = results["main_process"]
    print(
        f"\nparent process at N = {prep['n']}: sample sweep {prep['sample_sweep_s']:.1f} s, payloads"
        f" {prep['payload_ms_per_run']:.2f} ms/run ({prep['payload_s_all_runs']:.0f} s for {prep['runs']:,} runs)"
    )
    needed = (
        f"needs {e['speedup_needed']:.2f}x faster runs"
        if e["speedup_needed"] > 1
        else f"fits with {1 - e['speedup_needed']:.0%} of the budget to spare"
    )
    print(
        f"to fit {TARGET_MINUTES:g} min: at most {e['runs_in_budget']:,} runs at the measured rate, or"
        f" {e['per_run_s_needed'] * 1e3:.0f} ms per run at {results['workers']} workers"
        f" (now {e['per_run_s_at_workers'] * 1e3:.0f} ms): {needed}"
    )
    failed = [r for r in results["checks"] if r["result"] == "FAIL"]
    print(f"\n{len(results['checks']) - len(failed)} of {len(results['checks'])} checks pass.")


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"N = {QUICK_N} instead of {DEFAULT_N}")
    parser.add_argument("--n", type=int, default=None, help=f"Sobol base samples to measure (power of two, default {DEFAULT_N})")
    parser.add_argument("--target-n", type=int, default=TARGET_N, help=f"N to extrapolate to (default {TARGET_N})")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument(
        "--declaration", type=Path, default=DECLARATION, help="sensitivity declaration (default: the shipped grouped Sobol)"
    )
    parser.add_argument(
        "--skip-ungrouped-salib",
        action="store_true",
        help="do not time SALib on the ungrouped problem at the target N (about a minute; implied by --quick)",
    )
    parser.add_argument("--out", type=Path, default=HERE / "results_sensitivity.json", help="where to write the figures (JSON)")
    parser.add_argument("--strict", action="store_true", help="exit with status 1 when the target fails")
    args = parser.parse_args(argv)

    n = args.n or (QUICK_N if args.quick else DEFAULT_N)
    declaration = load_declaration(args.declaration, method="sobol", n=n)
    started = time.perf_counter()
    busy = load_average()
    if busy is not None and busy > 0.5:
        log(f"note: 1-minute load average is {busy:.2f}; other work on this machine inflates the timings")
    problem = declaration.problem()
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
        "declaration": declaration.name,
        "parameters": problem["num_vars"],
        "groups": sorted(set(problem.get("groups") or [])),
        "arms": list(declaration.arms),
        "outcomes": [o.name for o in declaration.outcomes],
        "replications": declaration.replications,
        "workers": args.workers,
        "target_n": args.target_n,
    }

    log(f"[start-up] {args.workers} one-month runs through the process pool")
    results["startup"] = startup_cost(declaration, args.workers)
    runs = runs_for(declaration, n)
    log(f"[analysis] N = {n}: {runs} runs on {args.workers} workers")
    with tempfile.TemporaryDirectory(prefix="bench-sensitivity-") as tmp:
        results["measured"] = measure(declaration, args.workers, Path(tmp))
    m = results["measured"]
    if m["failed"]:
        raise RuntimeError(f"{m['failed']} runs failed")
    log(f"[analysis] {m['wall_s']:.1f} s, mean run {m['mean_run_s']:.3f} s, efficiency {m['efficiency']:.3f}")

    log(f"[run split] {SPLIT_POINTS} sample points x {len(declaration.arms)} arms in this process")
    results["split"] = run_split(declaration, n, SPLIT_POINTS)
    log(f"[SALib] sampling and analysis on a synthetic outcome (N = {n} and {args.target_n})")
    results["salib"] = {
        "measured_n": salib_cost(declaration, n),
        "target_grouped": salib_cost(declaration, args.target_n),
    }
    if not (args.skip_ungrouped_salib or args.quick):
        log(f"[SALib] ungrouped, {problem['num_vars']} parameters, N = {args.target_n}")
        results["salib"]["target_ungrouped"] = salib_cost(declaration, args.target_n, grouped=False)
    log(f"[parent] sample sweep and payloads at N = {args.target_n}")
    results["main_process"] = main_process_prep(declaration, args.target_n)
    results["extrapolation"] = e = extrapolate(results, declaration, args.workers)
    grouped = e["grouped"]
    results["checks"] = [
        {
            "target": f"grouped Sobol N = {args.target_n} (minutes, extrapolated)",
            "value": grouped["total_min"],
            "limit": f"<= {TARGET_MINUTES:g}",
            "result": "PASS" if grouped["total_min"] <= TARGET_MINUTES else "FAIL",
            "detail": f"{grouped['runs']:,} runs x {e['per_run_s_at_workers'] * 1e3:.0f} ms at {args.workers} workers"
            f" (measured at N = {n}: {m['runs']} runs in {m['wall_s']:.0f} s)",
        }
    ]
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
