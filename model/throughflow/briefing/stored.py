"""What a store says about its runs beyond the run table: the scenario of a design point, mentor pair-months.

A store keeps the sweep definition as given (``sweep.yaml``), the parameter values of every
design point (``design.parquet``) and, when the sweep keeps them, the monthly time series.
The scenario of a design point is rebuilt from these: the base named in the definition
(a mapping, a file next to the sweep file recorded in the manifest, or a shipped scenario),
the base overrides recorded with it, and the point's values.

Mentor pair-months per run are read from the run row when it has them (``pair_months.all``)
and otherwise from the time series: the mentoring cost of each month
(``cost_mentoring_eur``, all groups) divided by the price of a pair-month of the run's
scenario (``organisation.pair_month_eur``), summed over the months.
"""

from __future__ import annotations

import ast
import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from throughflow.briefing.inputs import Source
from throughflow.parameters import ScenarioBase as Scenario
from throughflow.scenario import ScenarioError, load_scenario, with_values

OVERRIDES = "\n# base overrides: "


def base_scenario(source: Source) -> Scenario | None:
    """The base scenario of a sweep store, rebuilt from its stored definition (``None`` if it cannot be)."""
    text = source.sweep_text
    head, _, tail = text.partition(OVERRIDES)
    try:
        data = yaml.safe_load(head)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or "base" not in data:
        return None
    ref = data["base"]
    candidates: list[str | Path | dict[str, object]] = []
    if isinstance(ref, dict):
        candidates.append(ref)
    elif isinstance(ref, str):
        origin = Path(str(source.manifest.get("source", "")))
        candidates += [origin.parent / ref, Path(ref).stem] if origin.name else [Path(ref).stem]
    for candidate in candidates:
        if isinstance(candidate, Path) and not candidate.is_file():
            continue
        try:
            base = load_scenario(candidate)
            if tail:
                base = with_values(base, dict(ast.literal_eval(tail.strip())))
            return base
        except (ScenarioError, ValueError, SyntaxError):
            continue
    return None


def design_values(source: Source) -> dict[int, dict[str, object]]:
    """Parameter values of every design point (``design.parquet``), by point."""
    path = source.path / "design.parquet"
    if not path.is_file():
        return {}
    table = pd.read_parquet(path)
    return {int(p): dict(json.loads(v)) for p, v in zip(table["point"], table["values"], strict=True)}


def point_scenario(source: Source, point: int) -> Scenario | None:
    """The scenario of a design point (``None`` if the base cannot be rebuilt)."""
    base = base_scenario(source)
    if base is None:
        return None
    values = design_values(source).get(point, {})
    return with_values(base, values) if values else base


def pair_months(source: Source) -> pd.Series:
    """Mentor pair-months of each run (index ``run_id``; NaN where they cannot be read).

    Returns:
        Pair-months from the run rows (``pair_months.all``) where present, else from the time series.
    """
    assert source.runs is not None
    if "pair_months" in source.meta:  # read once per store
        return source.meta["pair_months"]
    runs = source.runs
    if "pair_months.all" in runs.columns:
        return pd.Series(runs["pair_months.all"].to_numpy(dtype=float), index=runs["run_id"])
    prices: dict[int, float] = {}
    out = np.full(len(runs), np.nan)
    for i, (point, replicate) in enumerate(zip(runs["point"], runs["replicate"], strict=True)):
        point, replicate = int(point), int(replicate)
        if point not in prices:
            scenario = point_scenario(source, point)
            prices[point] = scenario.section("organisation").pair_month_eur if scenario is not None else math.nan
        path = source.path / "timeseries" / f"point={point:05d}" / f"rep={replicate:03d}.parquet"
        if not (path.is_file() and prices[point] > 0):
            continue
        series = pd.read_parquet(path, columns=["qualification", "cost_mentoring_eur"])
        cost = float(series.loc[series["qualification"].astype(str) == "all", "cost_mentoring_eur"].sum())
        out[i] = round(cost / prices[point], 6)
    source.meta["pair_months"] = pd.Series(out, index=runs["run_id"])
    return source.meta["pair_months"]


def default_mix_level(source: Source, factor: str = "qualification_mix") -> str | None:
    """The level of the mix factor at the base scenario's own qualification shares (``None`` if none is)."""
    base = base_scenario(source)
    if base is None or source.runs is None:
        return None
    shares = {f"population.share_{g}": getattr(base.population, f"share_{g}") for g in ("low", "medium", "high")}
    values = design_values(source)
    for point, level in source.runs.drop_duplicates("point")[["point", f"factor:{factor}"]].itertuples(index=False):
        given = values.get(int(point), {})
        if all(abs(float(given.get(k, v)) - v) < 1e-5 for k, v in shares.items()):  # type: ignore[arg-type]
            return str(level)
    return None
