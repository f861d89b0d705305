"""Summaries of stored runs: means with 95 % intervals, paired differences, cost per transition.

Works on the run table of a results store (one row per run, columns ``<indicator>.<group>``),
never on live models. Intervals are t intervals over replicates; paired differences match
replicates on their common seed (common random numbers), which removes most of the
between-seed noise from the comparison.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from throughflow.analysis.calibration import t_quantile
from throughflow.experiments.posterior import SUBFOLDER
from throughflow.experiments.store import StoreError, load_runs
from throughflow.outcomes import BY_NAME, COST_HORIZONS, GROUPS

TOTALS = ("cost_eur", "sustainable_transitions")


def _mean_ci(values: np.ndarray, bounds: tuple[float, float] | None = None) -> tuple[float, float, float, int]:
    """Mean, 95 % t interval (cut to ``bounds``, the values the quantity can take) and count of the finite values."""
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return float("nan"), float("nan"), float("nan"), 0
    mean = float(values.mean())
    if n == 1:
        return mean, float("nan"), float("nan"), 1
    half = t_quantile(n - 1) * float(values.std(ddof=1)) / math.sqrt(n)
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return mean, low, high, n


def share_bounds(name: str, difference: bool = False) -> tuple[float, float] | None:
    """The values indicator ``name`` (or, with ``difference``, a difference of two of its values) can take.

    ``None`` unless it is a share (:attr:`~throughflow.outcomes.Indicator.bounds`). With few
    replicates a t interval reaches past these values (a share of 51 % "between -36 % and 139 %").
    """
    indicator = BY_NAME.get(name)
    bounds = indicator.bounds if indicator is not None else None
    if bounds is None or not difference:
        return bounds
    low, high = bounds
    return low - high, high - low


def scalar_columns(runs: pd.DataFrame) -> list[str]:
    """Columns ``<indicator>.<group>`` holding scalar indicators."""
    cols = []
    for col in runs.columns:
        name, _, group = col.rpartition(".")
        if name in BY_NAME and group in GROUPS and pd.api.types.is_numeric_dtype(runs[col]):
            cols.append(col)
    return cols


def factor_columns(runs: pd.DataFrame) -> list[str]:
    """The ``factor:<name>`` columns of a run table."""
    return [c for c in runs.columns if c.startswith("factor:")]


def summarize_runs(runs: pd.DataFrame, factor: str | None = None, reference: str | None = None) -> pd.DataFrame:
    """Per design point and indicator: mean and 95 % interval, and paired differences.

    Args:
        runs: A run table (failed runs are ignored).
        factor: Factor whose ``reference`` level the other levels are compared with.
        reference: The reference level (e.g. ``"off"``).

    Returns:
        Long table: point, factor columns, indicator, group, mean, ci_low, ci_high, n, and —
        when a reference is given — reference_mean, diff, diff_ci_low, diff_ci_high, n_pairs
        (NaN and 0 pairs on the reference level's own rows).
    """
    ok = runs[runs["status"] == "ok"]
    factors = factor_columns(ok)
    columns = scalar_columns(ok)
    rows = []
    for point, sub in ok.groupby("point", sort=True):
        labels = {f: sub[f].iloc[0] for f in factors}
        for col in columns:
            name, _, group = col.rpartition(".")
            mean, low, high, n = _mean_ci(sub[col].to_numpy(dtype=float), share_bounds(name))
            rows.append(
                {
                    "point": point,
                    **labels,
                    "indicator": name,
                    "group": group,
                    "mean": mean,
                    "ci_low": low,
                    "ci_high": high,
                    "n": n,
                }
            )
    table = pd.DataFrame(rows)
    if factor is None or table.empty:
        return table
    key = f"factor:{factor}"
    if key not in ok.columns:
        raise ValueError(f"unknown factor {factor!r} (factors: {', '.join(f.removeprefix('factor:') for f in factors)})")
    if reference not in set(ok[key].astype(str)):
        raise ValueError(
            f"factor {factor} has no level {reference!r} (levels: {', '.join(sorted(ok[key].astype(str).unique()))})"
        )
    others = [f for f in factors if f != key]
    ref_runs = ok[ok[key].astype(str) == reference]
    diffs = []
    for point, sub in ok.groupby("point", sort=True):
        match = ref_runs
        for f in others:
            match = match[match[f] == sub[f].iloc[0]]
        paired = sub.merge(match, on="replicate", suffixes=("", "__ref"))
        for col in columns:
            name, _, group = col.rpartition(".")
            d = paired[col].to_numpy(dtype=float) - paired[f"{col}__ref"].to_numpy(dtype=float)
            is_reference = str(sub[key].iloc[0]) == reference
            dm, dl, dh, n = (
                (float("nan"), float("nan"), float("nan"), 0) if is_reference else _mean_ci(d, share_bounds(name, True))
            )
            rm = _mean_ci(paired[f"{col}__ref"].to_numpy(dtype=float))[0]
            diffs.append(
                {
                    "point": point,
                    "indicator": name,
                    "group": group,
                    "reference_mean": rm,
                    "diff": dm,
                    "diff_ci_low": dl,
                    "diff_ci_high": dh,
                    "n_pairs": n,
                }
            )
    return table.merge(pd.DataFrame(diffs), on=["point", "indicator", "group"], how="left")


def _paired(runs: pd.DataFrame, factor: str, reference: str) -> Iterator[tuple[Any, pd.Series, pd.DataFrame]]:
    """Each non-reference point with its runs merged to the reference runs of the same replicate."""
    ok = runs[runs["status"] == "ok"]
    key = f"factor:{factor}"
    others = [f for f in factor_columns(ok) if f != key]
    ref_runs = ok[ok[key].astype(str) == reference]
    for point, sub in ok.groupby("point", sort=True):
        if str(sub[key].iloc[0]) == reference:
            continue
        match = ref_runs
        for f in others:
            match = match[match[f] == sub[f].iloc[0]]
        yield point, sub.iloc[0], sub.merge(match, on="replicate", suffixes=("", "__ref"))


def _ratio(dc: np.ndarray, dt: np.ndarray, rng: np.random.Generator, resamples: int) -> tuple[float, float, float]:
    """Ratio of mean paired differences and its percentile bootstrap 95 % interval over replicates."""
    ratio = float(dc.mean() / dt.mean()) if dt.size and dt.mean() > 0 else float("nan")
    low = high = float("nan")
    if dt.size > 1 and np.isfinite(ratio):
        idx = rng.integers(0, dt.size, size=(resamples, dt.size))
        num, den = dc[idx].mean(axis=1), dt[idx].mean(axis=1)
        boot = np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)
        if np.isfinite(boot).mean() > 0.95:
            low, high = (float(v) for v in np.nanpercentile(boot, [2.5, 97.5]))
    return ratio, low, high


def _differences(paired: pd.DataFrame, column: str) -> np.ndarray:
    return (paired[column] - paired[f"{column}__ref"]).to_numpy(dtype=float)


def cost_effectiveness(runs: pd.DataFrame, factor: str, reference: str, seed: int = 0, resamples: int = 2000) -> pd.DataFrame:
    """Extra cost per extra sustainable transition over the whole run, against the reference level.

    The ratio of mean paired differences over replicates, with a percentile bootstrap 95 %
    interval over replicates (NaN where extra transitions are not positive).

    Args:
        runs: A run table with ``cost_eur.<group>`` and ``sustainable_transitions.<group>``.
        factor: The factor compared.
        reference: Its reference level.
        seed: Seed of the bootstrap.
        resamples: Bootstrap resamples.

    Returns:
        point, factor columns, group, extra_cost_eur, extra_transitions, cost_per_transition,
        ci_low, ci_high, n_pairs.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for point, first, paired in _paired(runs, factor, reference):
        for group in GROUPS:
            dc = _differences(paired, f"cost_eur.{group}")
            dt = _differences(paired, f"sustainable_transitions.{group}")
            ratio, low, high = _ratio(dc, dt, rng, resamples)
            rows.append(
                {
                    "point": point,
                    **{f: first[f] for f in factor_columns(runs)},
                    "group": group,
                    "extra_cost_eur": float(dc.mean()) if dc.size else float("nan"),
                    "extra_transitions": float(dt.mean()) if dt.size else float("nan"),
                    "cost_per_transition": ratio,
                    "ci_low": low,
                    "ci_high": high,
                    "n_pairs": int(dt.size),
                }
            )
    return pd.DataFrame(rows)


def cost_by_horizon(runs: pd.DataFrame, factor: str, reference: str, seed: int = 0, resamples: int = 2000) -> pd.DataFrame:
    """Extra discounted cost per extra sustainable transition and per extra employed year, at each horizon.

    For each horizon after arrival (2, 3, 5 and 10 years: :data:`throughflow.outcomes.COST_HORIZONS`)
    the cohort is every refugee followed for that long; cost and employed years are discounted
    to arrival. A negative cost per extra transition is a net saving. Ratios of mean paired
    differences over replicates, with percentile bootstrap 95 % intervals.

    Args:
        runs: A run table with the horizon totals (``cost_eur_<h>m.<group>`` …).
        factor: The factor compared.
        reference: Its reference level.
        seed: Seed of the bootstrap.
        resamples: Bootstrap resamples.

    Returns:
        point, factor columns, group, horizon_months, cohort, extra_cost_eur,
        extra_transitions, cost_per_transition (with ci_low, ci_high), extra_employed_years,
        cost_per_employed_year (with ci_low_year, ci_high_year), n_pairs. Horizons without a
        cohort in the runs are left out.
    """
    rng = np.random.default_rng(seed)
    rows = []
    for point, first, paired in _paired(runs, factor, reference):
        for h in COST_HORIZONS:
            if f"cohort_{h}m.all" not in paired or not (paired[f"cohort_{h}m.all"] > 0).all():
                continue
            for group in GROUPS:
                dc = _differences(paired, f"cost_eur_{h}m.{group}")
                dt = _differences(paired, f"sustainable_{h}m.{group}")
                dy = _differences(paired, f"employed_years_{h}m.{group}")
                per_transition = _ratio(dc, dt, rng, resamples)
                per_year = _ratio(dc, dy, rng, resamples)
                rows.append(
                    {
                        "point": point,
                        **{f: first[f] for f in factor_columns(runs)},
                        "group": group,
                        "horizon_months": h,
                        "cohort": float(paired[f"cohort_{h}m.{group}"].mean()),
                        "extra_cost_eur": float(dc.mean()),
                        "extra_transitions": float(dt.mean()),
                        "cost_per_transition": per_transition[0],
                        "ci_low": per_transition[1],
                        "ci_high": per_transition[2],
                        "extra_employed_years": float(dy.mean()),
                        "cost_per_employed_year": per_year[0],
                        "ci_low_year": per_year[1],
                        "ci_high_year": per_year[2],
                        "n_pairs": int(dc.size),
                    }
                )
    return pd.DataFrame(rows)


BAND = (5.0, 95.0)
"""Percentiles of the parameter-plus-seed band (over posterior draws)."""


def posterior_bands(runs: pd.DataFrame, factor: str, reference: str) -> pd.DataFrame:
    """The spread of paired differences over posterior draws: parameter plus seed uncertainty.

    In runs made with a calibration posterior (``--posterior``), replicate ``k`` of both arms
    runs with posterior draw ``k`` on seed ``k``; its paired difference is one draw of the
    effect. The 5th and 95th percentiles of those differences bound where the effect lies
    given what the calibration leaves open (and one run's seed noise). This is a band over
    draws, not an interval for a mean: it does not shrink with more replications.

    Args:
        runs: The run table of a posterior experiment.
        factor: The factor compared.
        reference: Its reference level.

    Returns:
        point, indicator, group, diff_posterior (mean over draws), band_low_diff,
        band_high_diff, draws.
    """
    rows = []
    for point, _first, paired in _paired(runs, factor, reference):
        for col in scalar_columns(runs):
            name, _, group = col.rpartition(".")
            d = _differences(paired, col)
            d = d[np.isfinite(d)]
            low, high = (float(v) for v in np.percentile(d, BAND)) if d.size > 1 else (float("nan"), float("nan"))
            rows.append(
                {
                    "point": point,
                    "indicator": name,
                    "group": group,
                    "diff_posterior": float(d.mean()) if d.size else float("nan"),
                    "band_low_diff": low,
                    "band_high_diff": high,
                    "draws": int(d.size),
                }
            )
    return pd.DataFrame(rows)


def _ratio_band(dc: np.ndarray, dt: np.ndarray) -> tuple[float, float, float]:
    """Cost per extra transition over posterior draws: ratio of means, 5–95 % of the per-draw ratios.

    A draw with no extra transitions has no ratio; the band is left undefined (NaN) when more
    than 5 % of the draws have none, since the percentiles would then hide them.
    """
    ratio = float(dc.mean() / dt.mean()) if dt.size and dt.mean() > 0 else float("nan")
    if dt.size < 2 or (dt > 0).mean() < 0.95:
        return ratio, float("nan"), float("nan")
    per_draw = dc[dt > 0] / dt[dt > 0]
    low, high = np.percentile(per_draw, BAND)
    return ratio, float(low), float(high)


def cost_bands(runs: pd.DataFrame, factor: str, reference: str) -> pd.DataFrame:
    """Cost per extra sustainable transition and per extra employed year at each horizon, over posterior draws.

    The counterpart of :func:`cost_by_horizon` for a posterior experiment: the ratio of mean
    paired differences over draws, and the 5th–95th percentiles of the per-draw ratios
    (:func:`_ratio_band`). The row ``horizon_months = 0`` is the whole run
    (:func:`cost_effectiveness`).

    Returns:
        point, group, horizon_months, cost_per_transition_posterior, band_low, band_high,
        cost_per_employed_year_posterior, band_low_year, band_high_year, draws.
    """
    rows = []
    for point, _first, paired in _paired(runs, factor, reference):
        horizons = [0] + [h for h in COST_HORIZONS if f"cohort_{h}m.all" in paired and (paired[f"cohort_{h}m.all"] > 0).all()]
        for h in horizons:
            suffix = f"_{h}m" if h else ""
            for group in GROUPS:
                dc = _differences(paired, f"cost_eur{suffix}.{group}")
                dt = _differences(paired, f"sustainable{suffix}.{group}" if h else f"sustainable_transitions.{group}")
                per_transition = _ratio_band(dc, dt)
                per_year = _ratio_band(dc, _differences(paired, f"employed_years_{h}m.{group}")) if h else (np.nan,) * 3
                rows.append(
                    {
                        "point": point,
                        "group": group,
                        "horizon_months": h,
                        "cost_per_transition_posterior": per_transition[0],
                        "band_low": per_transition[1],
                        "band_high": per_transition[2],
                        "cost_per_employed_year_posterior": per_year[0],
                        "band_low_year": per_year[1],
                        "band_high_year": per_year[2],
                        "draws": int(dc.size),
                    }
                )
    return pd.DataFrame(rows)


def summarize(store: str | Path, factor: str | None = None, reference: str | None = None) -> pd.DataFrame:
    """Summarise a results store (see :func:`summarize_runs`).

    A store run with ``--posterior`` holds the posterior version of its design in
    ``posterior/``; with a factor and reference, the paired differences then also get their
    parameter-plus-seed band (:func:`posterior_bands`).

    Raises:
        StoreError: Not a store, a damaged part, or no finished run yet.
    """
    runs = load_runs(Path(store))
    if runs.empty:
        raise StoreError(f"{store}: the store holds no finished runs yet")
    table = summarize_runs(runs, factor, reference)
    posterior = Path(store) / SUBFOLDER
    if factor is not None and reference is not None and (posterior / "manifest.json").is_file():
        posterior_runs = load_runs(posterior)
        if not posterior_runs.empty:
            table = table.merge(
                posterior_bands(posterior_runs, factor, reference), on=["point", "indicator", "group"], how="left"
            )
    return table


def curve_bands(runs: pd.DataFrame, column: str) -> pd.DataFrame:
    """Mean and 95 % interval per design point of a curve column (lists) across replicates.

    The interval of a share is cut to [0, 1] (:func:`share_bounds`).

    Returns:
        point, k, mean, ci_low, ci_high.
    """
    bounds = share_bounds(column.rsplit(".", 1)[0])
    rows = []
    ok = runs[runs["status"] == "ok"]
    for point, sub in ok.groupby("point", sort=True):
        curves = np.array([np.asarray(v, dtype=float) for v in sub[column]])
        for k in range(curves.shape[1]):
            mean, low, high, n = _mean_ci(curves[:, k], bounds)
            rows.append({"point": point, "k": k, "mean": mean, "ci_low": low, "ci_high": high, "n": n})
    return pd.DataFrame(rows)
