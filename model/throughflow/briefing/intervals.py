"""The second interval of the headline estimates: parameter plus seed uncertainty.

A comparison run with ``--posterior`` holds its posterior version in ``posterior/`` (replicate
``k`` of both arms with posterior draw ``k``). The 5–95 % band of the paired differences over
those runs is the ``parameters`` interval of an estimate (:mod:`throughflow.briefing.estimate`),
beside the ``seeds`` interval of the point comparison. The bands are read from the tables
``throughflow compare`` wrote (``band_low_diff``, ``band_high_diff``) or, when the tables
predate the posterior runs, computed from ``posterior/runs.parquet``
(:func:`throughflow.analysis.summary.posterior_bands`).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from throughflow.analysis.summary import BAND, posterior_bands
from throughflow.briefing.inputs import Source
from throughflow.experiments.posterior import SUBFOLDER
from throughflow.experiments.store import load_runs

COMMAND = "throughflow compare baseline mentoring --posterior docs/calibration/baseline"
"""The command that adds the parameter uncertainty to the headline comparison."""


def posterior_runs(source: Source) -> pd.DataFrame | None:
    """The successful runs of the posterior version of a comparison (``None`` without one)."""
    if "posterior_runs" not in source.meta:
        folder = source.path / SUBFOLDER
        runs = None
        if source.kind == "comparison" and (folder / "manifest.json").is_file():
            found = load_runs(folder)
            if not found.empty and "status" in found.columns:
                ok = found[found["status"] == "ok"].reset_index(drop=True)
                runs = ok if len(ok) else None
        source.meta["posterior_runs"] = runs
    return source.meta["posterior_runs"]


def effect_bands(source: Source, reference: str) -> dict[tuple[str, str], tuple[float, float, dict[str, Any]]]:
    """``{(indicator, group): (band_low, band_high, source)}`` of the paired differences (empty without a posterior)."""
    runs = posterior_runs(source)
    if runs is None:
        return {}
    table = source.tables.get("comparison")
    out: dict[tuple[str, str], tuple[float, float, dict[str, Any]]] = {}
    if table is not None and "band_low_diff" in table.columns:
        for _, row in table.iterrows():
            where = {
                "store": str(source.path),
                "table": "comparison.parquet",
                "row": {"indicator": row["indicator"], "group": row["group"]},
                "columns": {"band_low": "band_low_diff", "band_high": "band_high_diff"},
            }
            out[(row["indicator"], row["group"])] = (float(row["band_low_diff"]), float(row["band_high_diff"]), where)
        return out
    bands = posterior_bands(runs, source.factor, reference)
    for _, row in bands.iterrows():
        where = {
            "store": str(source.path),
            "table": f"posterior_bands({SUBFOLDER}/runs.parquet, factor={source.factor!r}, reference={reference!r})",
            "row": {"indicator": row["indicator"], "group": row["group"]},
            "columns": {"band_low": "band_low_diff", "band_high": "band_high_diff"},
        }
        out[(row["indicator"], row["group"])] = (float(row["band_low_diff"]), float(row["band_high_diff"]), where)
    return out


def band_of(values: np.ndarray) -> tuple[float, float]:
    """The 5–95 % band of per-draw values (finite ones; NaN with fewer than two)."""
    values = np.asarray(values, dtype=float)
    values = values[np.isfinite(values)]
    if values.size < 2:
        return float("nan"), float("nan")
    low, high = np.percentile(values, BAND)
    return float(low), float(high)
