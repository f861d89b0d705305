"""The public Python API for experiments: sweeps, comparisons and sensitivity analyses defined in Python.

Everything a notebook or script needs is importable from ``throughflow`` itself::

    import throughflow as tf

    sweep = tf.define_sweep(
        "mix",
        factors={
            "population.share_low": [0.2, 0.5, 0.8],            # a grid (the other shares follow)
            "mentoring": {"levels": {"off": {}, "on": {"one_on_one.enabled": True, "labs.enabled": True}}},
        },
        replications=3,
        fixed={"population.scale": 0.3},
        months=72,
    )
    runs = tf.run_sweep(sweep, out="results/mix")               # resumes the store if it exists
    table = tf.summarize_runs(runs, factor="mentoring", reference="off")

A factor is a list of values of one parameter (a grid), ``{"range": [low, high]}`` (a Latin
hypercube with ``samples`` points) or ``{"levels": {label: {parameter: value, ...}}}``, as in
sweep files. Shipped files are read and resized with :func:`load_sweep` and
:func:`sensitivity_declaration`; nothing needs a YAML mapping edited by hand. ``fixed`` sets
parameters of the base scenario for every run (``--set`` on the command line); partly given
shares are completed (:mod:`throughflow.keywords`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from throughflow.analysis.comparison import compare as _compare
from throughflow.analysis.problem import Declaration, declaration_from_mapping
from throughflow.analysis.screening import ranking, sobol_follow_up
from throughflow.experiments.design import Sweep, read_yaml_mapping, sweep_from_mapping
from throughflow.experiments.design import load_sweep as _load_sweep
from throughflow.experiments.sweep import run_sweep as _run_sweep
from throughflow.keywords import apply, complete, dotted
from throughflow.parameters import ScenarioBase
from throughflow.scenario import load_scenario

Fixed = Mapping[str, Any] | None


def _scenario(source: str | Path | ScenarioBase | Mapping[str, Any], fixed: Fixed) -> ScenarioBase:
    base = source if isinstance(source, ScenarioBase) else load_scenario(source)
    return apply(base, dict(fixed or {}))


def _dotted(values: Mapping[str, Any] | None) -> dict[str, Any]:
    return {dotted(k): v for k, v in (values or {}).items()}


def _factor(name: str, spec: Any, base: ScenarioBase) -> tuple[str, Any]:
    """A factor with dotted names; a grid over one share of a composition gets levels with the others completed."""
    if isinstance(spec, Mapping) and "levels" in spec:
        levels = {str(label): complete(_dotted(values), base) for label, values in spec["levels"].items()}
        return name, {"levels": levels}
    key = dotted(name)
    if isinstance(spec, Sequence) and not isinstance(spec, str):
        completed = [complete({key: v}, base) for v in spec]
        if any(len(c) > 1 for c in completed):  # the other shares follow: named levels carrying all of them
            return key, {"levels": {f"{v}": c for v, c in zip(spec, completed, strict=True)}}
        return key, list(spec)
    return key, spec


def define_sweep(
    name: str,
    factors: Mapping[str, Any],
    *,
    base: str | Path | ScenarioBase | Mapping[str, Any] = "baseline",
    replications: int = 1,
    seed: int = 0,
    samples: int = 0,
    months: int | None = None,
    timeseries: bool = False,
    paired: bool = False,
    fixed: Fixed = None,
) -> Sweep:
    """A sweep defined in Python, validated like a sweep file.

    Args:
        name: The sweep's name (its store is ``results/<name>`` by default).
        factors: Factor name -> a list of values, ``{"range": [low, high]}`` or ``{"levels": {...}}``.
            Parameter names may be dotted or keywords (``population__share_low``).
        base: The base scenario (a shipped name, a file, a scenario or a mapping).
        replications: Replicates per design point (replicate k has the same seed at every point).
        seed: Root seed.
        samples: Latin-hypercube points, for range factors.
        months: Horizon (default: the base scenario's).
        timeseries: Keep every run's monthly time series in the store.
        paired: Also run each run's paired baseline (for ``displacement_share`` and the cost per transition).
        fixed: Parameters of the base scenario set for every run.

    Returns:
        The sweep (run it with :func:`run_sweep`).

    Raises:
        SweepError: One line naming the problem.
    """
    spec = _scenario(base, fixed)
    data: dict[str, Any] = {
        "name": name,
        "base": spec.model_dump(),
        "replications": replications,
        "seed": seed,
        "factors": dict(_factor(k, v, spec) for k, v in factors.items()),
        "outputs": {"timeseries": timeseries, "paired": paired},
    }
    if samples:
        data["samples"] = samples
    if months is not None:
        data["months"] = months
    return sweep_from_mapping(data, where=f"<sweep {name}>")


def load_sweep(path: str | Path, *, replications: int | None = None, months: int | None = None, fixed: Fixed = None) -> Sweep:
    """A sweep file, optionally resized: fewer replications, another horizon, a smaller world (``fixed``)."""
    values = _dotted(fixed)
    if values:
        values = complete(values, _load_sweep(path).base)
    return _load_sweep(path, replications=replications, months=months, base_overrides=values or None)


def run_sweep(
    sweep: Sweep,
    out: str | Path | None = None,
    *,
    workers: int | None = None,
    executor: str = "processes",
    resume: bool = True,
    progress: bool = True,
) -> pd.DataFrame:
    """Run a sweep into its store and return the run table (a store of the same sweep is resumed)."""
    return _run_sweep(
        sweep, out=Path(out) if out is not None else None, executor=executor, workers=workers, resume=resume, progress=progress
    )


def compare(
    a: str | Path | ScenarioBase,
    b: str | Path | ScenarioBase,
    *,
    replications: int = 20,
    seed: int = 0,
    months: int | None = None,
    fixed: Fixed = None,
    out: str | Path | None = None,
    workers: int | None = None,
    executor: str = "processes",
    progress: bool = True,
    posterior: str | Path | None = None,
) -> dict[str, Any]:
    """A paired comparison of two scenarios on common seeds (``fixed`` applies to both).

    With ``posterior`` (a calibration results folder) the tables also hold the
    parameter-plus-seed band over posterior draws beside the seed-only interval.

    Returns:
        ``{"table", "cost", "horizons", "runs", "files", "out", "labels"}`` as
        :func:`throughflow.analysis.comparison.compare`.
    """
    sa, sb = _scenario(a, fixed), _scenario(b, fixed)
    where = Path(out) if out else None
    return _compare(
        sa,
        sb,
        replications,
        seed,
        where,
        months=months,
        progress=progress,
        executor=executor,
        workers=workers,
        posterior=posterior,
    )


def sensitivity_declaration(
    path: str | Path,
    *,
    method: str | None = None,
    n: int | None = None,
    replications: int | None = None,
    parameters: str | Sequence[str] | Mapping[str, Sequence[float]] | None = None,
    outcomes: Sequence[str] | None = None,
    fixed: Fixed = None,
) -> Declaration:
    """A sensitivity declaration file, optionally resized: every scenario it names gets ``fixed``.

    Args:
        path: The declaration (YAML).
        method: ``morris`` or ``sobol`` (default: the file's).
        n: Trajectories or base samples.
        replications: Seeds averaged per sample point.
        parameters: ``"uncertainties"``, a list of names or a mapping name -> [low, high].
        outcomes: Names of the file's outcomes to keep (default: all).
        fixed: Parameters set in the base and in every arm (e.g. ``{"population.scale": 0.3, "months": 72}``).

    Returns:
        The validated declaration (run it with ``run_sensitivity``).

    Raises:
        SensitivityError: One line naming the problem.
    """
    path = Path(path)
    from throughflow.analysis.problem import SensitivityError

    data, _ = read_yaml_mapping(path, SensitivityError)

    def resolve(ref: Any) -> dict[str, Any]:
        source = path.parent / ref if isinstance(ref, str) and (path.parent / ref).is_file() else ref
        return _scenario(source, fixed).model_dump()

    data["base"] = resolve(data.get("base", "baseline"))
    kept = []
    for item in data.get("outcomes") or []:
        if outcomes is not None and item.get("name") not in outcomes:
            continue
        kept.append({**item, **{key: resolve(item[key]) for key in ("treatment", "minus") if key in item}})
    if outcomes is not None:
        unknown = sorted(set(outcomes) - {o.get("name") for o in kept})
        if unknown:
            raise SensitivityError(f"{path}: outcomes: {unknown[0]} is not an outcome of the declaration")
    data["outcomes"] = kept
    for key, value in (("method", method), ("n", n), ("replications", replications)):
        if value is not None:
            data[key] = value
    if isinstance(parameters, Mapping):
        data["parameters"] = {dotted(k): list(v) for k, v in parameters.items()}
    elif parameters is not None:
        data["parameters"] = parameters if isinstance(parameters, str) else [dotted(p) for p in parameters]
    return declaration_from_mapping(data, where=str(path))


def sobol_declaration(
    screening: Declaration, indices: pd.DataFrame, k: int, n: int, outcomes: Sequence[str] | None = None
) -> Declaration:
    """The Sobol follow-up of a Morris screening: its ``k`` most influential parameters, same ranges, ``n`` base samples."""
    spec = yaml.safe_load(screening.text)
    return declaration_from_mapping(
        sobol_follow_up(spec, screening, indices, k, n, outcomes), where=f"{screening.source} (top {k})"
    )


__all__ = [
    "compare",
    "define_sweep",
    "load_sweep",
    "ranking",
    "run_sweep",
    "sensitivity_declaration",
    "sobol_declaration",
]
