"""Evaluation-style virtual trials: run arms with a randomised offer and estimate ITT and TOT effects.

An arm is a scenario whose ``mentoring.trial`` randomises the offer of the programme inside
the run (:mod:`throughflow.processes.trial`). Each replication (seed) of an arm gives one
intention-to-treat estimate per outcome and group (offered minus control); the effect on
the treated is ITT / take-up, per replication. The tables report means over replications
with 95 % t intervals — the spread of a trial repeated on new cohorts, like a confidence
interval of a real evaluation of that size.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from throughflow.analysis.calibration import t_quantile
from throughflow.analysis.summary import BAND
from throughflow.experiments.design import Factor, Sweep
from throughflow.experiments.options import ExecutorOptions
from throughflow.experiments.posterior import SUBFOLDER, Posterior, load_posterior
from throughflow.experiments.store import Store
from throughflow.experiments.sweep import RESULTS, run_sweep
from throughflow.outcomes import GROUPS
from throughflow.parameters import ScenarioBase
from throughflow.processes.trial import FOLLOW_UP
from throughflow.scenario import flatten, load_scenario, scenario_hash

FACTOR = "arm"
MEASURES = ("nec", "any_job", "sustainable")


class TrialError(ValueError):
    """An arm cannot be run as a trial; the message is one line."""


def trial_sweep(arms: list[ScenarioBase], replications: int, seed: int, months: int | None = None) -> Sweep:
    """A one-factor sweep whose levels are the arms (each expressed as its differences from the first)."""
    for arm in arms:
        if not arm.section("mentoring.trial").enabled:
            raise TrialError(f"{arm.name}: mentoring.trial.enabled is false; an arm must randomise the offer")
    names = [a.name for a in arms]
    if len(set(names)) != len(names):
        raise TrialError(f"arms must have different names (got {', '.join(names)})")
    first = flatten(arms[0])
    levels = tuple(
        (a.name, {k: v for k, v in flatten(a).items() if first.get(k) != v and k not in ("name", "description")}) for a in arms
    )
    text = (
        "trial " + "; ".join(f"{a.name} {scenario_hash(a)}" for a in arms) + f"; R={replications}; seed={seed}; months={months}"
    )
    return Sweep(
        name="trial-" + "-".join(names),
        base=arms[0],
        factors=[Factor(FACTOR, "levels", levels)],
        replications=replications,
        seed=seed,
        months=months,
        text=text,
    )


def _interval(values: np.ndarray) -> tuple[float, float, float]:
    values = values[np.isfinite(values)]
    if values.size == 0:
        return (math.nan, math.nan, math.nan)
    mean = float(values.mean())
    if values.size < 2:
        return (mean, math.nan, math.nan)
    half = t_quantile(values.size - 1) * float(values.std(ddof=1)) / math.sqrt(values.size)
    return (mean, mean - half, mean + half)


def trial_table(runs: pd.DataFrame) -> pd.DataFrame:
    """ITT and TOT effects with 95 % intervals, per arm, group, outcome and months after assignment.

    Args:
        runs: The run table of a trial sweep.

    Returns:
        arm, group, measure, months, itt, itt_ci_low, itt_ci_high, take_up, tot, tot_ci_low,
        tot_ci_high, replications.
    """
    ok = runs[runs["status"] == "ok"]
    rows: list[dict[str, Any]] = []
    for arm, sub in ok.groupby(f"factor:{FACTOR}", sort=False):
        for group in GROUPS:
            take_up = sub[f"trial_take_up.{group}"].to_numpy(dtype=float)
            for measure in MEASURES:
                for k in (24,) if measure == "sustainable" else FOLLOW_UP:
                    itt = sub[f"trial_itt_{measure}_{k}m.{group}"].to_numpy(dtype=float)
                    with np.errstate(divide="ignore", invalid="ignore"):
                        tot = np.where(take_up > 0, itt / take_up, np.nan)
                    m, lo, hi = _interval(itt)
                    t, tlo, thi = _interval(tot)
                    rows.append(
                        {
                            "arm": arm,
                            "group": group,
                            "measure": measure,
                            "months": k,
                            "itt": m,
                            "itt_ci_low": lo,
                            "itt_ci_high": hi,
                            "take_up": float(np.nanmean(take_up)) if np.isfinite(take_up).any() else math.nan,
                            "tot": t,
                            "tot_ci_low": tlo,
                            "tot_ci_high": thi,
                            "replications": int(np.isfinite(itt).sum()),
                        }
                    )
    return pd.DataFrame(rows)


def trial_bands(runs: pd.DataFrame) -> pd.DataFrame:
    """The spread of the per-replicate ITT effects of a posterior trial: parameter plus seed uncertainty.

    With ``--posterior`` replicate ``k`` of every arm runs with posterior draw ``k``; the 5th
    and 95th percentiles of its ITT estimates over draws bound the trial's result given what
    the calibration leaves open (and one cohort's sampling noise).

    Returns:
        arm, group, measure, months, itt_posterior, itt_band_low, itt_band_high, draws.
    """
    ok = runs[runs["status"] == "ok"]
    rows: list[dict[str, Any]] = []
    for arm, sub in ok.groupby(f"factor:{FACTOR}", sort=False):
        for group in GROUPS:
            for measure in MEASURES:
                for k in (24,) if measure == "sustainable" else FOLLOW_UP:
                    itt = sub[f"trial_itt_{measure}_{k}m.{group}"].to_numpy(dtype=float)
                    itt = itt[np.isfinite(itt)]
                    low, high = (float(v) for v in np.percentile(itt, BAND)) if itt.size > 1 else (math.nan, math.nan)
                    rows.append(
                        {
                            "arm": arm,
                            "group": group,
                            "measure": measure,
                            "months": k,
                            "itt_posterior": float(itt.mean()) if itt.size else math.nan,
                            "itt_band_low": low,
                            "itt_band_high": high,
                            "draws": int(itt.size),
                        }
                    )
    return pd.DataFrame(rows)


def run_trial(
    arms: Sequence[str | Path | ScenarioBase],
    replications: int = 20,
    seed: int = 0,
    out: Path | None = None,
    months: int | None = None,
    progress: bool = True,
    options: ExecutorOptions | None = None,
    allow_code_change: bool = False,
    posterior: str | Path | Posterior | None = None,
) -> dict[str, Any]:
    """Run every arm on common seeds and estimate the trial's effects.

    With a calibration ``posterior`` the arms also run with one posterior draw per replicate
    (the same in every arm) into ``out/posterior/``, and the table gains the
    parameter-plus-seed band of the ITT (:func:`trial_bands`) beside its seed-only interval.

    Args:
        arms: Scenarios (files, shipped names such as ``trials/job_search``, or scenarios), each
            with ``mentoring.trial.enabled``.
        replications: Seeds per arm (the same seeds in every arm).
        seed: Root seed.
        out: Results folder (default ``results/trial-<arms>``).
        months: Horizon override.
        progress: Show a progress bar.
        options: How to execute the runs (default: a local process pool).
        allow_code_change: Resume a store written by other model code.
        posterior: A calibration results folder (or a loaded posterior).

    Returns:
        ``{"table": DataFrame, "runs": DataFrame, "out": Path}``.

    Raises:
        TrialError: If an arm does not randomise the offer, or two arms share a name.
        PosteriorError: The posterior cannot be read.
    """
    scenarios = [a if isinstance(a, ScenarioBase) else load_scenario(a) for a in arms]
    draws = posterior if posterior is None or isinstance(posterior, Posterior) else load_posterior(posterior)
    sweep = trial_sweep(scenarios, replications, seed, months)
    out = Path(out or RESULTS / sweep.name)
    runs = _run(sweep, out, options, progress, allow_code_change)
    table = trial_table(runs)
    if draws is not None:
        posterior_runs = _run(sweep.with_posterior(draws), out / SUBFOLDER, options, progress, allow_code_change)
        table = table.merge(trial_bands(posterior_runs), on=["arm", "group", "measure", "months"], how="left")
    return {"table": table, "runs": runs, "out": out}


def _run(sweep: Sweep, out: Path, options: ExecutorOptions | None, progress: bool, allow_code_change: bool) -> pd.DataFrame:
    store = Store(out)
    with store.lock():
        return run_sweep(
            sweep, out=out, options=options, resume=store.exists(), progress=progress, allow_code_change=allow_code_change
        )
