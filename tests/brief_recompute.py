"""Recompute every number of a brief from its source in ``brief_numbers.json``, independently of the package.

The package's summaries are not used, except where a value is a bootstrap interval (taken
as computed by ``cost_effectiveness``) or a decision of the declared minimum sizes.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from brief_recompute_costs import computed, horizon_value, posterior_band, scenario_value
from brief_support import R, effect_stats, mean_ci, paired, part_of, runs_of, select, targeting_value, wilson
from throughflow.analysis.summary import cost_effectiveness


def _comparison(store: str, row: dict[str, Any], column: str) -> float:
    runs = runs_of(store)
    design = pd.read_parquet(Path(store) / "design.parquet").sort_values("point")
    ref, new = design["factor:scenario"].astype(str).tolist()
    col = f"{row['indicator']}.{row['group']}"
    pairs = paired(runs, "factor:scenario", new, ref, {}, col)
    s = effect_stats(pairs, col, runs[runs["factor:scenario"] == new][col])
    names = {f"mean_{ref}": "reference_mean", f"mean_{new}": "mean", "diff": "diff", "ci_low_diff": "ci_low"}
    names |= {"ci_high_diff": "ci_high", "R": "n"}
    return s[names[column]]


def _summarized(store: str, table: str, row: dict[str, Any], column: str) -> float:
    factor = re.search(r"factor='([^']+)'", table).group(1)  # type: ignore[union-attr]
    reference = re.search(r"reference='([^']+)'", table).group(1)  # type: ignore[union-attr]
    runs = runs_of(store)
    key_col = f"factor:{factor}"
    others = {k: v for k, v in row.items() if k.startswith("factor:") and k != key_col}
    col = f"{row['indicator']}.{row['group']}"
    pairs = paired(runs, key_col, row[key_col], reference, others, col)
    sel = select(runs, **{key_col: row[key_col]}, **others)
    s = effect_stats(pairs, col, sel[col])
    names = {"reference_mean": "reference_mean", "mean": "mean", "diff": "diff", "diff_ci_low": "ci_low"}
    names |= {"diff_ci_high": "ci_high", "n_pairs": "n"}
    return s[names[column]]


def _cost(store: str, table: str, row: dict[str, Any], column: str) -> float | None:
    runs = runs_of(store)
    key_col = next(k for k in row if k.startswith("factor:") and k != "factor:qualification_mix")
    others = {k: v for k, v in row.items() if k == "factor:qualification_mix"}
    g = row["group"]
    factor = key_col.removeprefix("factor:")
    found = re.search(r"reference='([^']+)'", table)
    design = pd.read_parquet(Path(store) / "design.parquet").sort_values("point")
    reference = found.group(1) if found else design[key_col].astype(str).iloc[0]
    pc = paired(runs, key_col, row[key_col], reference, others, f"cost_eur.{g}")
    pt = paired(runs, key_col, row[key_col], reference, others, f"sustainable_transitions.{g}")
    dc = (pc[f"cost_eur.{g}"] - pc[f"cost_eur.{g}_ref"]).mean()
    dt = (pt[f"sustainable_transitions.{g}"] - pt[f"sustainable_transitions.{g}_ref"]).mean()
    if column == "extra_cost_eur":
        return float(dc)
    if column == "extra_transitions":
        return float(dt)
    if column == "cost_per_transition":
        return float(dc / dt) if dt > 0 else None
    # the bootstrap interval: taken as the package computes (and stores) it
    if table == "cost_effectiveness.csv":
        stored = pd.read_csv(Path(store) / "cost_effectiveness.csv")
    else:
        stored = cost_effectiveness(runs, factor, reference)
    sel = select(stored, **{key_col: row[key_col]}, **others)
    value = float(sel[sel["group"] == g][column].iloc[0])
    return value if math.isfinite(value) else None


def _timeseries(store: str, source: dict[str, Any], key: str) -> float:
    points = pd.read_parquet(Path(store) / "design.parquet")
    factor = next(c for c in points.columns if c.startswith("factor:"))
    p_ref = int(points.loc[points[factor] == source["reference"], "point"].iloc[0])
    p_new = int(points.loc[points[factor] == source["treatment"], "point"].iloc[0])
    freed, held_ref, held_new = [], [], []
    for k in range(R):
        ts = [pd.read_parquet(Path(store) / "timeseries" / f"point={p:05d}" / f"rep={k:03d}.parquet") for p in (p_ref, p_new)]
        ts = [t[t["qualification"].astype(str) == "all"].sort_values("month") for t in ts]
        starts = ts[0]["flow_waiting_to_art60"].sum()
        a, b = ts[0]["stock_wise_job"].iloc[-1], ts[1]["stock_wise_job"].iloc[-1]
        freed.append(100 * (a - b) / starts)
        held_ref.append(100 * a / starts)
        held_new.append(100 * b / starts)
    m, lo, hi, _ = mean_ci(np.array(freed))
    values = {"wise.freed": m, "wise.freed.ci_low": lo, "wise.freed.ci_high": hi}
    values |= {"wise.held_reference": float(np.mean(held_ref)), "wise.held_treatment": float(np.mean(held_new))}
    return values[key]


def _runs_table(store: str, source: dict[str, Any], key: str) -> float:
    runs = runs_of(store)
    row, column = source["row"], source["column"]
    if key.startswith("story."):
        factor = next(k for k in row if k.startswith("factor:"))
        if key == "story.seeds":
            return float(len(select(runs, **{factor: row[factor]})))
        level = row[factor]
        if " - " in level:
            a, b = level.split(" - ")
            d = (
                select(runs, **{factor: a}).set_index("replicate")[column]
                - select(runs, **{factor: b}).set_index("replicate")[column]
            )
            m, lo, hi, _ = mean_ci(d.to_numpy())
            return {"mean": m, "ci_low": lo, "ci_high": hi}[part_of(key)]
        p, lo, hi = wilson(select(runs, **{factor: level})[column].to_numpy(dtype=float))
        return {"mean": p, "ci_low": lo, "ci_high": hi}[part_of(key)]
    # the pillar interaction
    wide = runs.pivot_table(index="replicate", columns="factor:scenario", values=column, aggfunc="first")
    alone = sum(wide[f"pillar_{p}"] - wide["baseline"] for p in ("one_on_one", "organisation", "labs"))
    inter = (wide["mentoring"] - wide["baseline"]) - alone
    m, lo, hi, _ = mean_ci(inter.to_numpy())
    values = {"sum_alone": float(alone.mean()), "interaction": m, "interaction.ci_low": lo, "interaction.ci_high": hi}
    return values[key.split("throughflow_12m.", 1)[1]]


def _sample_statistic(store: str, statistic: str, column: str) -> float:
    """A statistic over a sensitivity result's parameter sets of one paired output (mean over each set's runs)."""
    runs = runs_of(store)
    per_set = runs[runs["status"] == "ok"].groupby("point")[column].mean().dropna().to_numpy()
    values = {
        "sets": float(per_set.size),
        "saving_share": float(np.mean(per_set < 0)),
        "gain_share": float(np.mean(per_set > 0)),
        "q05": float(np.quantile(per_set, 0.05)),
        "q95": float(np.quantile(per_set, 0.95)),
    }
    return values[statistic]


def _size(source: dict[str, Any]) -> float:
    import json

    manifest = json.loads((Path(source["store"]) / "manifest.json").read_text(encoding="utf-8"))
    if source["column"] in ("trajectories", "samples"):
        return float(re.search(r"-(\d+)$", manifest["sweep"]).group(1))  # type: ignore[union-attr]
    return float(manifest["replications"])


def recompute(source: dict[str, Any], key: str) -> float | None:
    """The value a number's source points to, recomputed from the stored files."""
    store, table, row, column = source.get("store"), source.get("table", ""), source.get("row", {}), source.get("column")
    if "computation" in source:
        return computed(source, key)
    if table.startswith("scenario ") or table in ("sweep.yaml (base scenario)", "sweep.yaml and design.parquet"):
        return scenario_value(source)
    if table == "cost_by_horizon.csv" or table.startswith("cost_by_horizon("):
        return horizon_value(str(store), table, row, str(column))
    if table == "comparison.parquet" and str(column).startswith("band_"):
        return posterior_band(str(store), row, str(column))
    if table == "comparison.parquet":
        return _comparison(str(store), row, str(column))
    if table.startswith("summarize_runs("):
        return _summarized(str(store), table, row, str(column))
    if table.startswith("cost_effectiveness"):
        column = {"mean": "cost_per_transition"}.get(str(column), column)
        return _cost(str(store), table, row, str(column))
    if table.startswith("targeting("):
        return targeting_value(Path(str(store)), row, str(column), part_of(key))
    if table.startswith("timeseries/"):
        return _timeseries(str(store), source, key)
    if table == "runs.parquet":
        return _runs_table(str(store), source, key)
    if table == "runs.parquet (mean per design point)":
        return _sample_statistic(str(store), row["statistic"], str(column))
    if table == "manifest.json":
        return _size(source)
    if table.startswith("manifest.json and"):
        return None  # the count of preliminary results: checked against the table in the brief
    if table == "indices.csv" and row == "all":
        return float(pd.read_csv(Path(str(store)) / "indices.csv")[str(column).split(" ")[0]].nunique())
    if table == "convergence.csv":
        conv = pd.read_csv(Path(str(store)) / "convergence.csv")
        final = conv[conv["fraction"] == conv["fraction"].max()]
        return float(final[str(column).split(" ")[0]].astype(bool).sum())
    if table == "indices.csv":
        idx = pd.read_csv(Path(str(store)) / "indices.csv")
        return float(idx[(idx["outcome"] == row["outcome"]) & (idx["name"] == row["name"])][column].iloc[0])
    raise AssertionError(f"{key}: unknown source table {table!r}")
