"""Global sensitivity analysis with SALib: Morris screening and Sobol indices.

The SALib problem is built from the parameter declarations (bounds live in one place).
Sample points are evaluated through the same executors and results store as sweeps, so an
analysis is parallel, runs on Dask and resumes after an interruption. The evaluator also
accepts any Python callable, so the machinery can be checked against functions with known
analytic indices.

Stochasticity: each sample point runs ``replications`` seeds and the outcome is their mean.
With ``seeds: common`` (the default) replicate ``k`` uses the same seed at every sample
point — common random numbers — so differences between points are not blurred by seed
noise; with ``seeds: independent`` every point draws its own seeds. Difference outcomes
(treatment minus reference) always pair the two scenarios on the same seed.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from SALib.analyze import morris as morris_analyze
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import morris as morris_sample
from SALib.sample import sobol as sobol_sample

from throughflow.analysis.problem import Declaration
from throughflow.experiments.design import Factor, Sweep, Task
from throughflow.experiments.options import ExecutorOptions, executor_options
from throughflow.experiments.outputs import atomic_write
from throughflow.experiments.store import Store
from throughflow.experiments.sweep import RESULTS, RunsFailed, failures, run_sweep
from throughflow.outcomes import COST_OUTPUTS, PAIRED
from throughflow.parameters import COMPOSITIONS
from throughflow.scenario import flatten

FRACTIONS = (0.25, 0.5, 1.0)
"""Nested subsamples for the convergence check."""

SOBOL_TOLERANCE = 0.05
"""Largest acceptable half-width of the 95 % interval of an important Sobol index."""

MORRIS_TOLERANCE = 0.25
"""Largest acceptable half-width of the interval of an important mu*, relative to mu*."""

Evaluator = Callable[[np.ndarray], np.ndarray]


class AnalysisError(RuntimeError):
    """The analysis cannot be computed from the runs (e.g. an outcome without a value); one line."""


def sample(problem: dict[str, Any], method: str, n: int, seed: int) -> np.ndarray:
    """Sample points: Morris trajectories (``n`` of them) or Saltelli/Sobol (``n`` base samples)."""
    if method == "morris":
        return np.asarray(morris_sample.sample(problem, N=n, num_levels=4, seed=seed))
    return np.asarray(sobol_sample.sample(problem, N=n, calc_second_order=False, scramble=True, seed=seed))


def block_size(problem: dict[str, Any], method: str) -> int:
    """Rows per Morris trajectory or per Sobol base sample."""
    k = len(set(problem["groups"])) if problem.get("groups") else problem["num_vars"]
    return k + 1 if method == "morris" else k + 2


def analyse(problem: dict[str, Any], method: str, X: np.ndarray, Y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """Indices of one outcome: Morris mu*, mu, sigma; or Sobol S1, ST, with 95 % intervals.

    Args:
        problem: The SALib problem.
        method: ``morris`` or ``sobol``.
        X: Sample (Morris needs it; Sobol uses only its row count).
        Y: Outcome per row.
        seed: Seed of the bootstrap.

    Returns:
        One row per parameter (or group): name, and the indices with their ``*_conf``.
    """
    if method == "morris":
        res = morris_analyze.analyze(problem, X, Y, conf_level=0.95, num_resamples=1000, num_levels=4, seed=seed)
        return pd.DataFrame(
            {
                "name": res["names"],
                "mu_star": res["mu_star"],
                "mu_star_conf": res["mu_star_conf"],
                "mu": res["mu"],
                "sigma": res["sigma"],
            }
        )
    res = sobol_analyze.analyze(problem, Y, calc_second_order=False, num_resamples=1000, conf_level=0.95, seed=seed)
    names = list(dict.fromkeys(problem["groups"])) if problem.get("groups") else problem["names"]
    return pd.DataFrame({"name": names, "S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]})


def convergence(problem: dict[str, Any], method: str, X: np.ndarray, Y: np.ndarray, seed: int = 0) -> pd.DataFrame:
    """Indices recomputed on nested subsamples (N/4, N/2, N), with a flag for wide intervals.

    An index is important when ST >= 0.05 (Sobol) or mu* >= 10 % of the largest mu* (Morris);
    it is flagged when its interval is wider than the tolerance (:data:`SOBOL_TOLERANCE`
    absolute, :data:`MORRIS_TOLERANCE` relative).
    """
    size = block_size(problem, method)
    blocks = X.shape[0] // size
    frames = []
    for fraction in FRACTIONS:
        used = max(2, math.floor(blocks * fraction)) * size
        table = analyse(problem, method, X[:used], Y[:used], seed)
        table.insert(0, "fraction", fraction)
        table.insert(1, "rows", used)
        frames.append(table)
    out = pd.concat(frames, ignore_index=True)
    if method == "sobol":
        out["important"] = out["ST"] >= 0.05
        out["flag"] = out["important"] & (out["ST_conf"] > SOBOL_TOLERANCE)
    else:
        top = out.groupby("fraction")["mu_star"].transform("max")
        out["important"] = out["mu_star"] >= 0.1 * top
        out["flag"] = out["important"] & (out["mu_star_conf"] > MORRIS_TOLERANCE * out["mu_star"])
    return out


def row_by_row(func: Callable[[np.ndarray], float | np.ndarray]) -> Evaluator:
    """Turn a function of one parameter vector into an evaluator of the whole sample."""

    def evaluate(X: np.ndarray) -> np.ndarray:
        return np.array([np.atleast_1d(func(row)) for row in X], dtype=float)

    return evaluate


@dataclass
class SampleSweep(Sweep):
    """A sweep over explicit sample points (crossed with scenario arms), for SALib designs.

    Attributes:
        explicit: ``(labels, values, sample index)`` per design point.
    """

    explicit: list[tuple[dict[str, str], dict[str, Any], int]] | None = None
    seeding: str = "common"

    def points(self) -> list[tuple[dict[str, str], dict[str, Any]]]:
        """The explicit design points."""
        return [(labels, values) for labels, values, _ in self.explicit or []]

    def tasks(self) -> list[Task]:
        """Runs; with independent seeding each sample point gets its own seeds (shared by its arms)."""
        if self.seeding == "common":
            return super().tasks()
        samples = 1 + max((s for _, _, s in self.explicit or []), default=0)
        children = np.random.SeedSequence(self.seed).spawn(samples * self.replications)
        seeds = [int(c.generate_state(1, dtype=np.uint32)[0]) for c in children]
        return [
            Task(f"{p:05d}-{k:03d}", p, k, seeds[s * self.replications + k], labels, values)
            for p, (labels, values, s) in enumerate(self.explicit or [])
            for k in range(self.replications)
        ]


def _values(declaration: Declaration, row: np.ndarray) -> dict[str, Any]:
    """A sample row as parameter values: integers rounded, compositions rescaled to sum to 1.

    Shares that must sum to 1 (:data:`~throughflow.parameters.COMPOSITIONS`) are sampled
    independently within their ranges and then divided by their sum; members not sampled keep
    their default weight in that sum.
    """
    values: dict[str, Any] = {
        name: round(float(x)) if is_int else float(x)
        for name, x, is_int in zip(declaration.names, row, declaration.integer, strict=True)
    }
    defaults = flatten(declaration.base)
    for members in COMPOSITIONS:
        if any(m in values for m in members):
            weights = {m: float(values.get(m, defaults[m])) for m in members}
            total = sum(weights.values())
            values.update({m: w / total for m, w in weights.items()})
    return values


def model_sweep(declaration: Declaration, X: np.ndarray) -> SampleSweep:
    """The sweep that evaluates every sample point in every scenario arm."""
    base_flat = flatten(declaration.base)
    arm_values = {
        label: {k: v for k, v in flatten(arm).items() if base_flat.get(k) != v and k not in ("name", "description")}
        for label, arm in declaration.arms.items()
    }
    explicit = []
    for i, row in enumerate(X):
        point = _values(declaration, row)
        for label, values in arm_values.items():
            explicit.append(({"sample": f"{i:06d}", "arm": label}, {**values, **point}, i))
    # the rows keep the cost outputs only when an outcome needs them: otherwise sample rows
    # that differ only in prices (the costs group of a grouped analysis) are repeats
    cost_outputs = any(o.indicator in COST_OUTPUTS for o in declaration.outcomes)
    text = f"sensitivity {declaration.digest} {declaration.method} n={declaration.n} rows={len(X)} costs={cost_outputs}"
    return SampleSweep(
        name=f"sensitivity-{declaration.name}-{declaration.method}-{declaration.n}",
        base=declaration.base,
        factors=[Factor("sample", "levels"), Factor("arm", "levels")],
        replications=declaration.replications,
        seed=declaration.seed,
        months=declaration.months,
        text=text,
        source=declaration.source,
        explicit=explicit,
        seeding=declaration.seeds,
        cost_outputs=cost_outputs,
        paired=any(o.indicator in PAIRED for o in declaration.outcomes),  # measured against each run's paired baseline
    )


def outcomes_from_runs(declaration: Declaration, runs: pd.DataFrame, n_rows: int, store: Path | None = None) -> np.ndarray:
    """Outcome matrix (rows = sample points, columns = outcomes), replicates averaged.

    Raises:
        RunsFailed: Some runs failed (one line naming the store holding their errors).
    """
    problem = failures(runs, store or RESULTS)
    if problem:
        raise RunsFailed(problem)
    Y = np.full((n_rows, len(declaration.outcomes)), np.nan)
    sample = runs["factor:sample"].astype(int).to_numpy()
    arm = runs["factor:arm"].astype(str).to_numpy()
    for j, outcome in enumerate(declaration.outcomes):
        column = f"{outcome.indicator}.{outcome.group}"
        frame = pd.DataFrame(
            {"sample": sample, "arm": arm, "replicate": runs["replicate"].to_numpy(), "y": runs[column].to_numpy(float)}
        )
        # an arm whose outcome has no value anywhere (too short a horizon) stays, as NaN: the analysis names it
        wide = frame.pivot_table(index=["sample", "replicate"], columns="arm", values="y", dropna=False)
        if outcome.is_difference:
            values = wide[f"arm:{outcome.treatment.name}"] - wide[f"arm:{outcome.minus.name}"]  # type: ignore[union-attr]
        else:
            values = wide[f"arm:{declaration.base.name}"]
        means = values.groupby(level="sample").mean()
        Y[means.index.to_numpy(), j] = means.to_numpy()
    return Y


def sensitivity(
    problem: dict[str, Any],
    evaluate: Evaluator,
    method: str,
    n: int,
    seed: int = 0,
    outcome_names: list[str] | None = None,
) -> dict[str, Any]:
    """Sample, evaluate any callable ``X -> Y`` and analyse every outcome column.

    Args:
        problem: A SALib problem (``num_vars``, ``names``, ``bounds``, optional ``groups``).
        evaluate: Maps the sample matrix to outcomes (one column per outcome).
        method: ``morris`` or ``sobol``.
        n: Morris trajectories or Sobol base samples (a power of two).
        seed: Seed of sampling and bootstrap.
        outcome_names: Names of the outcome columns.

    Returns:
        ``{"indices", "convergence", "X", "Y", "problem"}``.
    """
    X = sample(problem, method, n, seed)
    Y = np.asarray(evaluate(X), dtype=float).reshape(len(X), -1)
    names = outcome_names or [f"y{j}" for j in range(Y.shape[1])]
    indices, conv = [], []
    for j, name in enumerate(names):
        y = Y[:, j]
        if not np.isfinite(y).all():
            raise AnalysisError(
                f"outcome {name}: {int((~np.isfinite(y)).sum())} of {len(y)} sample points without a value "
                "(is the horizon long enough for its follow-up?)"
            )
        table = analyse(problem, method, X, y, seed)
        table.insert(0, "outcome", name)
        indices.append(table)
        c = convergence(problem, method, X, y, seed)
        c.insert(0, "outcome", name)
        conv.append(c)
    return {
        "indices": pd.concat(indices, ignore_index=True),
        "convergence": pd.concat(conv, ignore_index=True),
        "X": X,
        "Y": Y,
        "problem": problem,
    }


def _to_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False)


def _to_parquet(frame: pd.DataFrame, path: Path) -> None:
    frame.to_parquet(path, index=False)


def run_sensitivity(
    declaration: Declaration,
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
) -> dict[str, Any]:
    """Run a declared analysis of the throughflow model through the results store.

    Args:
        declaration: The sensitivity declaration.
        out: Results folder (default ``results/sensitivity-<name>-<method>-<n>``).
        options: How to execute the runs (default: a local process pool).
        executor: Shorthand for ``options.executor`` (``serial``, ``processes`` or ``dask``).
        workers: Shorthand for ``options.workers``.
        scheduler: Shorthand for ``options.scheduler``.
        resume: Continue an interrupted analysis (reruns nothing that finished).
        progress: Show a progress bar.
        deduplicate: Run sample points that repeat another run once (the default; exact,
            see :func:`~throughflow.experiments.sweep.run_sweep`); ``False`` runs them all.
        allow_code_change: Resume a store written by other model code.

    Returns:
        As :func:`sensitivity`, plus ``out`` and the ``files`` written (indices and
        convergence tables as CSV and Parquet, and ``sample.parquet``: the sample as drawn by
        SALib — before integers are rounded and shares rescaled for the runs — with its outcomes).
    """
    options = executor_options(options, executor, workers, scheduler)
    out = Path(out or RESULTS / f"sensitivity-{declaration.name}-{declaration.method}-{declaration.n}")

    def evaluate(X: np.ndarray) -> np.ndarray:
        sweep = model_sweep(declaration, X)
        runs = run_sweep(
            sweep,
            out=out,
            options=options,
            resume=resume,
            progress=progress,
            deduplicate=deduplicate,
            allow_code_change=allow_code_change,
        )
        return outcomes_from_runs(declaration, runs, len(X), out)

    with Store(out).lock():
        return _analyse(declaration, evaluate, out)


def _analyse(declaration: Declaration, evaluate: Evaluator, out: Path) -> dict[str, Any]:
    names = [o.name for o in declaration.outcomes]
    result = sensitivity(declaration.problem(), evaluate, declaration.method, declaration.n, declaration.seed, names)
    files = []
    for key in ("indices", "convergence"):
        frame: pd.DataFrame = result[key]
        atomic_write(out / f"{key}.csv", partial(_to_csv, frame))
        atomic_write(out / f"{key}.parquet", partial(_to_parquet, frame))
        files += [out / f"{key}.csv", out / f"{key}.parquet"]
    sample_frame = pd.DataFrame(result["X"], columns=declaration.names)
    for j, name in enumerate(names):
        sample_frame[f"Y:{name}"] = result["Y"][:, j]
    atomic_write(out / "sample.parquet", partial(_to_parquet, sample_frame))
    files.append(out / "sample.parquet")
    return {**result, "out": out, "files": files}
