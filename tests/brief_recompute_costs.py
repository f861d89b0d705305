"""Recompute the numbers of the cost, displacement and activity parts of a brief from the stored runs.

Used by :func:`brief_recompute.recompute`. Bootstrap intervals and posterior bands of ratios
are taken as the package stored (or computes) them; everything else is recomputed with numpy.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from brief_support import mean_ci, runs_of
from throughflow.analysis.summary import cost_by_horizon

BAND = (5, 95)


def _arms(runs: pd.DataFrame, row: dict[str, Any]) -> tuple[pd.DataFrame, pd.DataFrame]:
    key = next(k for k in row if k.startswith("factor:"))
    new, ref = str(row[key]).split(" - ")
    a = runs[runs[key].astype(str) == new].set_index("replicate")
    b = runs[runs[key].astype(str) == ref].set_index("replicate")
    common = a.index.intersection(b.index)
    return a.loc[common], b.loc[common]


def _reference(store: str, table: str, key: str) -> str:
    found = re.search(r"reference='([^']+)'", table)
    design = pd.read_parquet(Path(store) / "design.parquet").sort_values("point")
    return found.group(1) if found else str(design[key].astype(str).iloc[0])


def per_refugee(runs: pd.DataFrame, row: dict[str, Any], h: int) -> np.ndarray:
    a, b = _arms(runs, row)
    return ((a[f"cost_eur_{h}m.all"] - b[f"cost_eur_{h}m.all"]) / b[f"cohort_{h}m.all"]).to_numpy(dtype=float)


def horizon_value(store: str, table: str, row: dict[str, Any], column: str) -> float | None:
    runs = runs_of(store)
    h, g = int(row["horizon_months"]), row["group"]
    key = next(k for k in row if k.startswith("factor:"))
    reference = _reference(store, table, key)
    a, b = _arms(runs, {key: f"{row[key]} - {reference}"})
    dc = float((a[f"cost_eur_{h}m.{g}"] - b[f"cost_eur_{h}m.{g}"]).mean())
    dt = float((a[f"sustainable_{h}m.{g}"] - b[f"sustainable_{h}m.{g}"]).mean())
    dy = float((a[f"employed_years_{h}m.{g}"] - b[f"employed_years_{h}m.{g}"]).mean())
    values = {
        "extra_cost_eur": dc,
        "extra_transitions": dt,
        "extra_employed_years": dy,
        "cost_per_transition": dc / dt if dt > 0 else None,
        "cost_per_employed_year": dc / dy if dy > 0 else None,
        "cohort": float(b[f"cohort_{h}m.{g}"].mean()),
    }
    if column in values:
        return values[column]
    if table == "cost_by_horizon.csv":  # bootstrap intervals and bands as stored
        stored = pd.read_csv(Path(store) / "cost_by_horizon.csv")
    else:
        stored = cost_by_horizon(runs, key.removeprefix("factor:"), reference)
        stored = stored[stored[key].astype(str) == str(row[key])]
    sel = stored[(stored["group"] == g) & (stored["horizon_months"] == h)]
    value = float(sel[column].iloc[0])
    return value if np.isfinite(value) else None


def computed(source: dict[str, Any], key: str) -> float | None:
    """Numbers whose source names a ``computation`` on the run table."""
    store, row, what = str(source["store"]), source.get("row", {}), source["computation"]
    runs = runs_of(Path(store) / "posterior" if source.get("table", "").startswith("posterior/") else store)
    if what == "displacement per 10 jobs":
        factor = next(k for k in row if k.startswith("factor:"))
        values = 10 * runs[runs[factor].astype(str) == row[factor]]["displacement_share.all"].to_numpy(dtype=float)
        values = values[np.isfinite(values)]
        if key.endswith(("band_low", "band_high")):
            return float(np.percentile(values, BAND)[0 if key.endswith("low") else 1])
        m, lo, hi, _ = mean_ci(values)
        return {"ci_low": lo, "ci_high": hi}.get(key.rsplit(".", 1)[1], 10 - m if key.endswith(".net") else m)
    if what == "extra cost per refugee":
        values = per_refugee(runs, row, int(row["horizon_months"]))
        if key.endswith(("band_low", "band_high")):
            return float(np.percentile(values, BAND)[0 if key.endswith("low") else 1])
        m, lo, hi, _ = mean_ci(values)
        return {"ci_low": lo, "ci_high": hi}.get(key.rsplit(".", 1)[1], m)
    if what == "break-even":
        horizons = [h for h in (24, 36, 60, 120) if (runs[f"cohort_{h}m.all"] > 0).all()]
        if source["column"].startswith("longest"):
            return horizons[-1] / 12
        means = [float(np.mean(per_refugee(runs, row, h))) for h in horizons]
        i = next(i for i, m in enumerate(means) if m <= 0)
        h0, h1, m0, m1 = horizons[i - 1], horizons[i], means[i - 1], means[i]
        return (h0 + (h1 - h0) * m0 / (m0 - m1)) / 12
    if what == "paired cost difference":
        a, b = _arms(runs, row)
        m, lo, hi, _ = mean_ci((a["cost_eur.all"] - b["cost_eur.all"]).to_numpy(dtype=float))
        return {"ci_low": lo, "ci_high": hi}.get(key.rsplit(".", 1)[1], m)
    raise AssertionError(f"{key}: unknown computation {what!r}")


def posterior_band(store: str, row: dict[str, Any], column: str) -> float:
    """A band of comparison.parquet: percentiles of the paired differences over the posterior runs."""
    runs = runs_of(Path(store) / "posterior")
    design = pd.read_parquet(Path(store) / "design.parquet").sort_values("point")
    ref, new = design["factor:scenario"].astype(str).tolist()
    col = f"{row['indicator']}.{row['group']}"
    a = runs[runs["factor:scenario"] == new].set_index("replicate")[col]
    b = runs[runs["factor:scenario"] == ref].set_index("replicate")[col]
    d = (a - b).dropna().to_numpy(dtype=float)
    return float(np.percentile(d, BAND)[0 if column == "band_low_diff" else 1])


def scenario_value(source: dict[str, Any]) -> float:
    """A parameter of the scenario a number was read from."""
    from throughflow.briefing.inputs import find_inputs
    from throughflow.briefing.stored import base_scenario
    from throughflow.scenario import load_scenario

    path = source["column"]
    if source["table"].startswith("scenario "):
        scenario = load_scenario(source["table"].removeprefix("scenario "))
    else:
        found = find_inputs([Path(source["store"])])
        scenario = base_scenario(found.all()[0])
    section, _, name = path.rpartition(".")
    return float(getattr(scenario.section(section), name))


__all__ = ["computed", "horizon_value", "json", "posterior_band", "scenario_value"]
