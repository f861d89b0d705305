"""Shared helpers of the brief tests: small stores, synthetic targeting stores, independent recomputation.

Small stores are built at scale 0.2 over 48 months with R = 3 on the serial executor: a
comparison baseline vs mentoring, a three-level qualification-mix sweep, the ablation sweep
shipped for the brief (``tests/brief/ablation.yaml``), the targeting sweep across three
mixes and the story over a few seeds. The sensitivity result is a fixture
(``tests/brief/sensitivity``). :func:`recompute` recomputes a printed number from the stored
files with numpy and scipy, independently of the package's summaries.
"""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from throughflow.analysis.comparison import compare
from throughflow.experiments.design import load_sweep, sweep_from_mapping
from throughflow.experiments.sweep import run_sweep
from throughflow.outcomes import BY_NAME
from throughflow.scenario import load_scenario, with_values

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "brief"
REPO = HERE.parent
SIZE = {"population.scale": 0.2}
MONTHS = 48
R = 3
MIXES = ["0", "2/3", "1"]
STORY_SEEDS = 6
PRICE = load_scenario("mentoring").organisation.pair_month_eur


def tiny(name: str) -> Any:
    return with_values(load_scenario(name), SIZE)


def tiny_sweep(path: Path, keep_levels: list[str] | None = None, replications: int = R, small: bool = True) -> Any:
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    if keep_levels is not None:
        levels = spec["factors"]["qualification_mix"]["levels"]
        spec["factors"]["qualification_mix"]["levels"] = {k: levels[k] for k in keep_levels}
    shipped = load_sweep(path) if path.parent.name == "sweeps" else None
    base = shipped.base if shipped else load_scenario("baseline")
    spec.update(replications=replications)
    if small:
        spec.update(months=MONTHS, base=with_values(base, SIZE).model_dump())
    else:
        spec.update(base=base.model_dump())
    return sweep_from_mapping(spec, where=str(path))


def build_stores(root: Path) -> dict[str, Path]:
    """Every kind of store the brief reads, small."""
    out = {k: root / k for k in ("compare", "mix", "ablation", "targeting", "story")}
    compare(
        tiny("baseline"),
        tiny("mentoring"),
        replications=R,
        seed=3,
        out=out["compare"],
        executor="serial",
        months=MONTHS,
        progress=False,
    )
    sweeps = REPO / "scenarios" / "sweeps"
    run_sweep(tiny_sweep(sweeps / "qualification_mix.yaml", MIXES), out=out["mix"], executor="serial", progress=False)
    run_sweep(tiny_sweep(FIXTURES / "ablation.yaml"), out=out["ablation"], executor="serial", progress=False)
    run_sweep(tiny_sweep(sweeps / "targeting_mix.yaml", MIXES), out=out["targeting"], executor="serial", progress=False)
    story = tiny_sweep(sweeps / "juul_kamin_seeds.yaml", replications=STORY_SEEDS, small=False)
    run_sweep(story, out=out["story"], executor="serial", progress=False)
    out["sensitivity"] = root / "sensitivity"
    shutil.copytree(FIXTURES / "sensitivity", out["sensitivity"])
    return out


# --------------------------------------------------------------------------- independent recomputation


def mean_ci(values: Any, bounds: tuple[float, float] | None = None) -> tuple[float, float, float, int]:
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    m = float(values.mean())
    if n < 2:
        return m, math.nan, math.nan, n
    half = float(stats.t.ppf(0.975, n - 1)) * float(values.std(ddof=1)) / math.sqrt(n)
    if bounds is not None:  # a share (or a difference of shares) cannot leave its range
        return m, max(m - half, bounds[0]), min(m + half, bounds[1]), n
    return m, m - half, m + half, n


def runs_of(store: str | Path) -> pd.DataFrame:
    runs = pd.read_parquet(Path(store) / "runs.parquet")
    return runs[runs["status"] == "ok"]


def select(runs: pd.DataFrame, **levels: str) -> pd.DataFrame:
    for factor, level in levels.items():
        runs = runs[runs[factor].astype(str) == level]
    return runs


def paired(runs: pd.DataFrame, factor: str, level: str, reference: str, others: dict[str, str], column: str) -> pd.DataFrame:
    sel = select(runs, **others)
    a = sel[sel[factor].astype(str) == level][["replicate", column]]
    b = sel[sel[factor].astype(str) == reference][["replicate", column]]
    return a.merge(b, on="replicate", suffixes=("", "_ref"))


def effect_stats(pairs: pd.DataFrame, column: str, level_values: pd.Series) -> dict[str, float]:
    d = (pairs[column] - pairs[f"{column}_ref"]).to_numpy(dtype=float)
    indicator = BY_NAME[column.rsplit(".", 1)[0]]
    bounds = ((-2.0, 2.0) if indicator.effect else (-1.0, 1.0)) if indicator.unit == "share" else None
    m, lo, hi, n = mean_ci(d, bounds)
    return {
        "mean": float(np.nanmean(level_values.to_numpy(dtype=float))),
        "reference_mean": float(np.nanmean(pairs[f"{column}_ref"].to_numpy(dtype=float))),
        "diff": m,
        "ci_low": lo,
        "ci_high": hi,
        "n": n,
    }


def pair_months(store: Path, runs: pd.DataFrame) -> pd.Series:
    """Mentor pair-months per run from the time series (mentoring cost / price of a pair-month)."""
    values = []
    for point, rep in zip(runs["point"], runs["replicate"], strict=True):
        ts = pd.read_parquet(store / "timeseries" / f"point={int(point):05d}" / f"rep={int(rep):03d}.parquet")
        values.append(ts.loc[ts["qualification"].astype(str) == "all", "cost_mentoring_eur"].sum() / PRICE)
    return pd.Series(values, index=runs["replicate"].to_numpy())


def targeting_value(store: Path, row: dict[str, str], column: str, part: str) -> float:
    """A number of the targeting section, from runs.parquet and the time series."""
    runs = runs_of(store)
    key = "factor:targeting"
    mix = {k: v for k, v in row.items() if k == "factor:qualification_mix"}
    sub = select(runs, **mix)
    ref = sub[sub[key] == "nobody"].set_index("replicate")
    eligible = {"everyone": ("low", "medium", "high"), "low": ("low",), "medium_high": ("medium", "high")}

    def arm(rule: str) -> pd.DataFrame:
        return sub[sub[key] == rule].set_index("replicate")

    def yield_of(rule: str, groups: tuple[str, ...]) -> pd.Series:
        a = arm(rule)
        pm = pair_months(store, sub[sub[key] == rule])
        delta = sum(a[f"sustainable_transitions.{g}"] - ref[f"sustainable_transitions.{g}"] for g in groups)
        return 100 * delta / pm.where(pm > 0)

    if column == "pair_months":
        return float(pair_months(store, sub[sub[key] == row[key]]).mean())
    if column in ("per100", "target"):
        groups = (row["group"],) if column == "per100" and row["group"] != "all" else eligible[row[key]]
        groups = ("all",) if column == "per100" and row["group"] == "all" else groups
        values = yield_of(row[key], groups)
    elif column == "total":
        values = arm(row[key])["sustainable_transitions.all"] - ref["sustainable_transitions.all"]
    elif column == "difference":
        a, b = row[key].split(" - ")
        values = arm(a)["sustainable_nec.all"] - arm(b)["sustainable_nec.all"]
    elif column == "target_difference":
        a, b = row[key].split(" - ")
        values = yield_of(a, eligible[a]) - yield_of(b, eligible[b])
    else:
        raise AssertionError(column)
    m, lo, hi, _ = mean_ci(values.to_numpy())
    return {"mean": m, "ci_low": lo, "ci_high": hi}[part]


def wilson(values: np.ndarray) -> tuple[float, float, float]:
    values = values[np.isfinite(values)]
    n, p, z = values.size, float(values.mean()), float(stats.norm.ppf(0.975))
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return p, centre - half, centre + half


def part_of(key: str) -> str:
    return key.rsplit(".", 1)[1] if key.endswith(("ci_low", "ci_high")) else "mean"


def json_numbers(folder: Path) -> list[dict[str, Any]]:
    return list(json.loads((folder / "brief_numbers.json").read_text(encoding="utf-8"))["numbers"])


def section(md: str, heading: str) -> str:
    """The text of a ``##`` section of the brief (up to the next ``##`` heading)."""
    match = re.search(rf"^## {re.escape(heading)}\n(.*?)(?=^## |\Z)", md, re.M | re.S)
    assert match, f"no section {heading!r}"
    return match.group(1)
