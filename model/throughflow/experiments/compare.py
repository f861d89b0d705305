"""Paired comparison of two scenarios on common replication seeds: the runs.

Both scenarios run on the same ``R`` seeds (spawned from one root seed), so each replicate
is a matched pair. A comparison is run as a one-factor sweep (factor ``scenario`` with
levels A and B), through the same executors and results store as every sweep; running the
same comparison again reuses its store. The summary (means, paired differences with 95 %
intervals, cost per transition) is :func:`throughflow.analysis.comparison.compare`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from throughflow.experiments.design import Factor, Sweep, SweepError
from throughflow.experiments.options import ExecutorOptions
from throughflow.experiments.posterior import Posterior
from throughflow.experiments.store import Store
from throughflow.experiments.sweep import RESULTS, run_sweep
from throughflow.limits import MAX_REPLICATIONS, MAX_SEED, MAX_TASKS
from throughflow.parameters import ScenarioBase as Scenario
from throughflow.scenario import check_horizon, flatten, load_scenario, scenario_hash

FACTOR = "scenario"


def comparison_sweep(a: Scenario, b: Scenario, replications: int, seed: int, months: int | None = None) -> Sweep:
    """The one-factor sweep behind a comparison: B differs from A in the parameters that differ.

    Raises:
        SweepError: Replications or seed out of bounds.
        ScenarioError: A horizon under which a scenario's world is too large.
    """
    if not 1 <= replications <= min(MAX_REPLICATIONS, MAX_TASKS // 2):
        raise SweepError(f"replications must be from 1 to {MAX_REPLICATIONS:,} (got {replications})")
    if not 0 <= seed <= MAX_SEED:
        raise SweepError(f"seed must be a non-negative integer below 2**63 (got {seed})")
    for scenario in (a, b):
        check_horizon(scenario, months, f"{scenario.name} (months {months})")
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


def run_comparison(
    a: str | Path | Scenario,
    b: str | Path | Scenario,
    replications: int = 20,
    seed: int = 0,
    out: Path | None = None,
    options: ExecutorOptions | None = None,
    months: int | None = None,
    progress: bool = True,
    allow_code_change: bool = False,
    posterior: Posterior | None = None,
) -> tuple[Sweep, pd.DataFrame, Path]:
    """Run (or resume) the runs of a paired comparison into its store.

    With a ``posterior``, replicate ``k`` of both arms runs with posterior draw ``k``
    (:mod:`throughflow.experiments.posterior`).

    Returns:
        The comparison's sweep, its run table and the store folder.
    """
    sa = a if isinstance(a, Scenario) else load_scenario(a)
    sb = b if isinstance(b, Scenario) else load_scenario(b)
    sweep = comparison_sweep(sa, sb, replications, seed, months)
    if posterior is not None:
        sweep = sweep.with_posterior(posterior)
    out = Path(out or RESULTS / sweep.name)
    store = Store(out)
    with store.lock():
        runs = run_sweep(
            sweep, out=out, options=options, resume=store.exists(), progress=progress, allow_code_change=allow_code_change
        )
    return sweep, runs, out
