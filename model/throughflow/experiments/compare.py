"""Paired comparison of two scenarios on common replication seeds.

Both scenarios run on the same ``R`` seeds (spawned from one root seed), so each replicate
is a matched pair; the comparison reports, for every indicator overall and per
qualification group, the mean of A, the mean of B, the paired mean difference B - A with a
95 % interval, and R. It is run as a one-factor sweep (factor ``scenario`` with levels A and
B), through the same executors and results store as every sweep.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from throughflow.analysis.summary import cost_by_horizon, cost_effectiveness, summarize_runs
from throughflow.experiments.design import Factor, Sweep
from throughflow.experiments.outputs import atomic_write
from throughflow.experiments.store import Store
from throughflow.experiments.sweep import RESULTS, run_sweep
from throughflow.parameters import ScenarioBase as Scenario
from throughflow.plots.curves import entry_curves
from throughflow.scenario import flatten, load_scenario, scenario_hash

FACTOR = "scenario"


def comparison_sweep(a: Scenario, b: Scenario, replications: int, seed: int, months: int | None = None) -> Sweep:
    """The one-factor sweep behind a comparison: B differs from A in the parameters that differ."""
    flat_a, flat_b = flatten(a), flatten(b)
    differs = {k: v for k, v in flat_b.items() if flat_a.get(k) != v and k not in ("name", "description")}
    label_a, label_b = a.name, b.name if b.name != a.name else f"{b.name} (B)"
    factor = Factor(FACTOR, "levels", ((label_a, {}), (label_b, differs)))
    text = (
        f"compare {a.name} {scenario_hash(a)} vs {b.name} {scenario_hash(b)}; R={replications}; seed={seed}; months={months}; "
        "paired baseline"
    )
    return Sweep(
        name=f"compare-{a.name}-vs-{b.name}",
        base=a,
        factors=[factor],
        replications=replications,
        seed=seed,
        months=months,
        text=text,
        paired=True,
    )


def compare(
    a: str | Path | Scenario,
    b: str | Path | Scenario,
    replications: int = 20,
    seed: int = 0,
    out: Path | None = None,
    executor: str = "processes",
    workers: int | None = None,
    months: int | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Run and summarise a paired comparison; write table (CSV, Parquet) and figure.

    A comparison already stored in ``out`` with the same definition is resumed (nothing that
    finished is rerun); a different one there is refused.

    Args:
        a: Reference scenario (file, shipped name or scenario).
        b: Compared scenario.
        replications: R, replication seeds shared by both.
        seed: Root seed.
        out: Folder (default ``results/compare-<A>-vs-<B>``).
        executor: ``serial``, ``processes`` or ``dask``.
        workers: Worker processes.
        months: Horizon override.
        progress: Show a progress bar.

    Returns:
        ``{"table": DataFrame, "cost": DataFrame, "horizons": DataFrame, "runs": DataFrame, "files": [...],
        "out": Path}``: the paired table, the cost per transition over the run and at each horizon
        after arrival (:func:`throughflow.analysis.summary.cost_by_horizon`), every run.
    """
    sa = a if isinstance(a, Scenario) else load_scenario(a)
    sb = b if isinstance(b, Scenario) else load_scenario(b)
    sweep = comparison_sweep(sa, sb, replications, seed, months)
    out = Path(out or RESULTS / sweep.name)
    runs = run_sweep(sweep, out=out, executor=executor, workers=workers, resume=Store(out).exists(), progress=progress)
    label_a, label_b = sweep.factors[0].levels[0][0], sweep.factors[0].levels[1][0]
    summary = summarize_runs(runs, FACTOR, label_a)
    table = paired_table(summary, label_a, label_b)
    cost = cost_effectiveness(runs, FACTOR, label_a)
    horizons = cost_by_horizon(runs, FACTOR, label_a)
    files = [out / "comparison.csv", out / "comparison.parquet", out / "cost_effectiveness.csv", out / "cost_by_horizon.csv"]
    atomic_write(files[0], lambda p: table.to_csv(p, index=False))
    atomic_write(files[1], lambda p: table.to_parquet(p, index=False))
    atomic_write(files[2], lambda p: cost.to_csv(p, index=False))
    atomic_write(files[3], lambda p: horizons.to_csv(p, index=False))
    provenance = {"Title": f"{label_b} vs {label_a}", "Comment": f"R={replications}, seed={seed}, store={out}"}
    files += entry_curves(runs, FACTOR, out / "nec_entry_curves", provenance)
    return {"table": table, "cost": cost, "horizons": horizons, "runs": runs, "files": files, "out": out}


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
    table = table[table["indicator"] != "cost_per_sustainable_transition"]  # reported by cost_effectiveness()
    return table[cols].reset_index(drop=True)
