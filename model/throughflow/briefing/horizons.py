"""Costs by horizon after arrival: the table, the extra cost per refugee and when it breaks even.

At 2, 3, 5 and 10 years after arrival (:data:`throughflow.outcomes.COST_HORIZONS`) the cohort
is every refugee followed that long; costs and employed years are discounted to arrival.
The table is the one ``throughflow compare`` stored (``cost_by_horizon.csv``, with the
posterior bands when it ran with ``--posterior``) or, for other stores, computed from the
run table (:func:`throughflow.analysis.summary.cost_by_horizon`). The extra public cost per
refugee of the cohort (paired difference of ``cost_eur_<h>m`` over ``cohort_<h>m``) traces
the break-even curve: it starts positive while the programme is paid for and falls below
zero once the savings on benefits overtake it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from throughflow.analysis.summary import cost_bands, cost_by_horizon
from throughflow.briefing.estimate import Estimate, paired
from throughflow.briefing.inputs import Source
from throughflow.briefing.intervals import band_of, posterior_runs
from throughflow.experiments.posterior import SUBFOLDER
from throughflow.outcomes import COST_HORIZONS

PLANNING = 60
"""The planning horizon of a budget holder (months after arrival), which the cost section leads with."""

COLUMNS = (
    "extra_cost_eur",
    "extra_transitions",
    "cost_per_transition",
    "ci_low",
    "ci_high",
    "extra_employed_years",
    "cost_per_employed_year",
    "ci_low_year",
    "ci_high_year",
    "cohort",
)
BAND_COLUMNS = ("band_low", "band_high", "band_low_year", "band_high_year")


def horizon_table(source: Source, reference: str, treatment: str, group: str = "all") -> pd.DataFrame:
    """Costs at each horizon of ``treatment`` against ``reference`` for one group, with the location of each row.

    Returns:
        horizon_months and :data:`COLUMNS` (with :data:`BAND_COLUMNS` and ``band_source`` when
        a posterior version exists), ``source``; one row per horizon the runs cover.
    """
    key = f"factor:{source.factor}"
    if source.kind == "comparison" and "horizons" in source.tables:
        table, where = source.tables["horizons"], "cost_by_horizon.csv"
    else:
        assert source.runs is not None
        table = cost_by_horizon(source.runs, source.factor, reference)
        where = f"cost_by_horizon(runs.parquet, factor={source.factor!r}, reference={reference!r})"
    if table.empty:
        return table
    table = table[(table[key].astype(str) == treatment) & (table["group"] == group)].copy()
    table = table.sort_values("horizon_months").reset_index(drop=True)
    sources = [
        {
            "store": str(source.path),
            "table": where,
            "row": {key: treatment, "group": group, "horizon_months": int(h)},
            "columns": {c: c for c in COLUMNS},
        }
        for h in table["horizon_months"]
    ]
    table["source"] = pd.Series(sources, index=table.index, dtype=object)
    runs = posterior_runs(source)
    if runs is not None:
        if "band_low" in table.columns:
            band_where, bands = where, table
        else:
            band_where = f"cost_bands({SUBFOLDER}/runs.parquet, factor={source.factor!r}, reference={reference!r})"
            bands = cost_bands(runs, source.factor, reference)
            bands = bands[(bands["group"] == group) & (bands["horizon_months"] > 0)]
            table = table.drop(columns=[c for c in BAND_COLUMNS if c in table.columns]).merge(
                bands[["horizon_months", *BAND_COLUMNS]], on="horizon_months", how="left"
            )
        table["band_source"] = pd.Series(
            [
                {
                    "store": str(source.path),
                    "table": band_where,
                    "row": {key: treatment, "group": group, "horizon_months": int(h)},
                    "columns": {c: c for c in BAND_COLUMNS},
                }
                for h in table["horizon_months"]
            ],
            index=table.index,
            dtype=object,
        )
    return table


def _per_refugee(runs: pd.DataFrame, factor: str, reference: str, treatment: str, h: int) -> np.ndarray:
    """Per replicate: extra discounted cost at horizon ``h`` per refugee of the cohort (paired on the replicate)."""
    key = f"factor:{factor}"
    ok = runs[runs["status"] == "ok"] if "status" in runs.columns else runs
    cost, cohort = f"cost_eur_{h}m.all", f"cohort_{h}m.all"
    if cost not in ok.columns or cohort not in ok.columns:
        return np.array([])
    a = ok[ok[key].astype(str) == treatment].set_index("replicate")[[cost, cohort]]
    b = ok[ok[key].astype(str) == reference].set_index("replicate")[[cost, cohort]]
    both = a.merge(b, left_index=True, right_index=True, suffixes=("", "__ref"))
    both = both[both[f"{cohort}__ref"] > 0]
    return ((both[cost] - both[f"{cost}__ref"]) / both[f"{cohort}__ref"]).to_numpy(dtype=float)


def per_refugee(source: Source, reference: str, treatment: str) -> list[tuple[int, Estimate]]:
    """Extra public cost per refugee of the cohort at each horizon the runs cover (mean over replicates).

    Each estimate has the ``seeds`` interval (95 % t interval over replicates) and, with a
    posterior version, the ``parameters`` band (5–95 % of the per-draw values).
    """
    assert source.runs is not None
    out = []
    draws = posterior_runs(source)
    for h in COST_HORIZONS:
        values = _per_refugee(source.runs, source.factor, reference, treatment, h)
        if values.size == 0:
            continue
        where = {
            "store": str(source.path),
            "table": "runs.parquet",
            "computation": "extra cost per refugee",
            "row": {f"factor:{source.factor}": f"{treatment} - {reference}", "horizon_months": h, "paired on": "replicate"},
            "column": f"(cost_eur_{h}m.all - reference) / cohort_{h}m.all of the reference, mean over replicates",
        }
        e = paired(values, where)
        if draws is not None:
            e.intervals["parameters"] = band_of(_per_refugee(draws, source.factor, reference, treatment, h))
        out.append((h, e))
    return out


def break_even(points: list[tuple[int, Estimate]]) -> dict[str, Any]:
    """When the extra public cost per refugee falls to zero or below, from the mean curve.

    The curve starts at zero at arrival; the first horizon with a mean at or below zero is
    where savings have overtaken the programme's cost. Between that horizon and the one
    before, the crossing is placed by linear interpolation.

    Returns:
        ``{"kind": "within_first" | "between" | "not_within", "years": float, "horizon": int,
        "last": int}``: ``years`` the interpolated crossing (``between``), ``horizon`` the first
        horizon at or below zero, ``last`` the longest horizon covered (months).
    """
    if not points:
        return {"kind": "none", "years": math.nan, "horizon": 0, "last": 0}
    last = points[-1][0]
    for i, (h, e) in enumerate(points):
        if not e.mean <= 0:
            continue
        if i == 0:
            return {"kind": "within_first", "years": math.nan, "horizon": h, "last": last}
        h0, e0 = points[i - 1]
        years = (h0 + (h - h0) * e0.mean / (e0.mean - e.mean)) / 12.0
        return {"kind": "between", "years": years, "horizon": h, "last": last}
    return {"kind": "not_within", "years": math.nan, "horizon": 0, "last": last}
