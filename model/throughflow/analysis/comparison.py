"""Paired comparison of two scenarios: runs on common seeds, then the paired summary tables.

For every indicator overall and per qualification group: the mean of A, the mean of B, the
paired mean difference B - A with a 95 % interval, and R; and the extra cost per extra
sustainable transition (:func:`throughflow.analysis.summary.cost_effectiveness`). The runs
are those of :func:`throughflow.experiments.compare.run_comparison`. The figure of NEC-entry
curves is drawn from the stored runs by :func:`throughflow.plots.curves.entry_curves`
(``throughflow compare`` writes it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from throughflow.analysis.summary import cost_bands, cost_by_horizon, cost_effectiveness, posterior_bands, summarize_runs
from throughflow.experiments.compare import FACTOR, run_comparison
from throughflow.experiments.options import ExecutorOptions, executor_options
from throughflow.experiments.outputs import atomic_write
from throughflow.experiments.posterior import SUBFOLDER, Posterior, load_posterior
from throughflow.experiments.store import Store
from throughflow.experiments.sweep import RunsFailed, failures
from throughflow.outcomes import PER_TRANSITION
from throughflow.parameters import ScenarioBase as Scenario


def compare(
    a: str | Path | Scenario,
    b: str | Path | Scenario,
    replications: int = 20,
    seed: int = 0,
    out: Path | None = None,
    options: ExecutorOptions | None = None,
    months: int | None = None,
    progress: bool = True,
    *,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    allow_code_change: bool = False,
    posterior: str | Path | Posterior | None = None,
) -> dict[str, Any]:
    """Run and summarise a paired comparison; write its tables (CSV, Parquet).

    A comparison already stored in ``out`` with the same definition is resumed (nothing that
    finished is rerun); a different one there is refused.

    With a calibration ``posterior``, the comparison also runs with one posterior parameter set
    per replicate (the same in both arms) into ``out/posterior/``, and every table gains the
    parameter-plus-seed band next to the seed-only interval: ``diff_posterior``,
    ``band_low_diff``, ``band_high_diff`` (5th and 95th percentiles of the paired differences
    over draws, :func:`throughflow.analysis.summary.posterior_bands`) and, for costs,
    ``cost_per_transition_posterior`` with ``band_low`` and ``band_high``.

    Args:
        a: Reference scenario (file, shipped name or scenario).
        b: Compared scenario.
        replications: R, replication seeds shared by both.
        seed: Root seed.
        out: Folder (default ``results/compare-<A>-vs-<B>``).
        options: How to execute the runs (default: a local process pool).
        months: Horizon override.
        progress: Show a progress bar.
        executor: Shorthand for ``options.executor``.
        workers: Shorthand for ``options.workers``.
        scheduler: Shorthand for ``options.scheduler``.
        allow_code_change: Resume a store written by other model code.
        posterior: A calibration results folder (or a loaded posterior).

    Returns:
        ``{"table": DataFrame, "cost": DataFrame, "horizons": DataFrame, "runs": DataFrame,
        "files": [...], "out": Path, "labels": (A, B)}``: the paired table, the cost per extra
        transition over the run and at each horizon after arrival
        (:func:`throughflow.analysis.summary.cost_by_horizon`), every run.

    Raises:
        RunsFailed: Some runs failed (the store keeps them; no table is written).
        PosteriorError: The posterior cannot be read.
    """
    options = executor_options(options, executor, workers, scheduler)
    draws = posterior if posterior is None or isinstance(posterior, Posterior) else load_posterior(posterior)
    sweep, runs, out = run_comparison(a, b, replications, seed, out, options, months, progress, allow_code_change)
    problem = failures(runs, out)
    if problem:
        raise RunsFailed(problem)
    label_a, label_b = sweep.factors[0].levels[0][0], sweep.factors[0].levels[1][0]
    summary = summarize_runs(runs, FACTOR, label_a)
    table = paired_table(summary, label_a, label_b)
    cost = cost_effectiveness(runs, FACTOR, label_a)
    horizons = cost_by_horizon(runs, FACTOR, label_a)
    if draws is not None:
        _, posterior_runs, posterior_out = run_comparison(
            a, b, replications, seed, out / SUBFOLDER, options, months, progress, allow_code_change, draws
        )
        problem = failures(posterior_runs, posterior_out)
        if problem:
            raise RunsFailed(problem)
        table, cost, horizons = with_bands(table, cost, horizons, posterior_runs, label_a)
    files = [out / "comparison.csv", out / "comparison.parquet", out / "cost_effectiveness.csv", out / "cost_by_horizon.csv"]
    with Store(out).lock():
        atomic_write(files[0], lambda p: table.to_csv(p, index=False))
        atomic_write(files[1], lambda p: table.to_parquet(p, index=False))
        atomic_write(files[2], lambda p: cost.to_csv(p, index=False))
        atomic_write(files[3], lambda p: horizons.to_csv(p, index=False))
    return {
        "table": table,
        "cost": cost,
        "horizons": horizons,
        "runs": runs,
        "files": files,
        "out": out,
        "labels": (label_a, label_b),
    }


def with_bands(
    table: pd.DataFrame, cost: pd.DataFrame, horizons: pd.DataFrame, posterior_runs: pd.DataFrame, reference: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The comparison tables with the parameter-plus-seed bands of the posterior runs beside the seed-only intervals."""
    bands = posterior_bands(posterior_runs, FACTOR, reference).drop(columns="point")
    table = table.merge(bands, on=["indicator", "group"], how="left")
    costs = cost_bands(posterior_runs, FACTOR, reference).drop(columns="point")
    whole = costs[costs["horizon_months"] == 0].drop(
        columns=["horizon_months", "cost_per_employed_year_posterior", "band_low_year", "band_high_year"]
    )
    cost = cost.merge(whole, on="group", how="left")
    horizons = horizons.merge(costs[costs["horizon_months"] > 0], on=["group", "horizon_months"], how="left")
    return table, cost, horizons


def paired_table(summary: pd.DataFrame, label_a: str, label_b: str) -> pd.DataFrame:
    """One row per indicator and group: mean A, mean B, paired difference B - A with 95 % interval, R."""
    b_rows = summary[summary[f"factor:{FACTOR}"].astype(str) == label_b]
    table = b_rows.rename(
        columns={
            "reference_mean": f"mean_{label_a}",
            "mean": f"mean_{label_b}",
            "diff_ci_low": "ci_low_diff",
            "diff_ci_high": "ci_high_diff",
        }
    )
    table = table.rename(columns={"n_pairs": "R"})
    cols = ["indicator", "group", f"mean_{label_a}", f"mean_{label_b}", "diff", "ci_low_diff", "ci_high_diff", "R"]
    table = table[~table["indicator"].isin(PER_TRANSITION)]  # reported by cost_effectiveness() and by horizon
    return table[cols].reset_index(drop=True)
