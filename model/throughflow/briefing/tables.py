"""The tables a brief is written from, each row with the location of its values in the stores.

Comparisons are read from the tables ``throughflow compare`` stored (``comparison.parquet``,
``cost_effectiveness.csv``); sweeps are summarised from their run table with
:func:`throughflow.analysis.summary.summarize_runs` and
:func:`throughflow.analysis.summary.cost_effectiveness`; the WISE places freed come from the
stored monthly time series. Every table carries a ``source`` column: a mapping with the
store, the table (or the computation on the store's run table), the row and the columns.
"""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np
import pandas as pd

from throughflow.analysis.calibration import t_quantile
from throughflow.analysis.summary import cost_effectiveness, summarize_runs
from throughflow.briefing.inputs import FULL, PILLARS, REFERENCE, Source
from throughflow.briefing.intervals import effect_bands

HEADLINE = ("throughflow_12m", "sustainable_nec")
"""Indicators of the headline."""

GROUP_ORDER = ("all", "low", "medium", "high")

COST_COLUMNS = ("extra_cost_eur", "extra_transitions", "cost_per_transition", "ci_low", "ci_high", "n_pairs")


def _summary(source: Source, reference: str) -> pd.DataFrame:
    """The store's summary against ``reference`` (computed once per store and reference)."""
    assert source.runs is not None
    cache = source.meta.setdefault("summaries", {})
    if reference not in cache:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # groups absent at some design points
            cache[reference] = summarize_runs(source.runs, source.factor, reference)
    return cache[reference]


def _computed(source: Source, reference: str) -> str:
    return f"summarize_runs(runs.parquet, factor={source.factor!r}, reference={reference!r})"


def effects(source: Source, reference: str, treatment: str, indicators: tuple[str, ...] = HEADLINE) -> pd.DataFrame:
    """Means and paired effect of ``treatment`` against ``reference`` per indicator and group.

    A comparison with a posterior version adds the parameter-plus-seed band of each
    difference (``band_low``, ``band_high`` and its ``band_source``,
    :func:`throughflow.briefing.intervals.effect_bands`).

    Returns:
        indicator, group, reference_mean, mean, diff, ci_low, ci_high, n, source (and band_low,
        band_high, band_source with a posterior).
    """
    rows: list[dict[str, Any]] = []
    if source.kind == "comparison":
        table = source.tables["comparison"]
        bands = effect_bands(source, reference)
        for _, row in table[table["indicator"].isin(indicators)].iterrows():
            band = bands.get((row["indicator"], row["group"]))
            extra = {"band_low": band[0], "band_high": band[1], "band_source": band[2]} if band else {}
            rows.append(
                {
                    "indicator": row["indicator"],
                    "group": row["group"],
                    "reference_mean": row[f"mean_{reference}"],
                    "mean": row[f"mean_{treatment}"],
                    "diff": row["diff"],
                    "ci_low": row["ci_low_diff"],
                    "ci_high": row["ci_high_diff"],
                    "n": int(row["R"]),
                    "source": {
                        "store": str(source.path),
                        "table": "comparison.parquet",
                        "row": {"indicator": row["indicator"], "group": row["group"]},
                        "columns": {
                            "reference_mean": f"mean_{reference}",
                            "mean": f"mean_{treatment}",
                            "diff": "diff",
                            "ci_low": "ci_low_diff",
                            "ci_high": "ci_high_diff",
                            "n": "R",
                        },
                    },
                    **extra,
                }
            )
    else:
        summary = _summary(source, reference)
        key = f"factor:{source.factor}"
        sub = summary[(summary[key].astype(str) == treatment) & summary["indicator"].isin(indicators)]
        for _, row in sub.iterrows():
            rows.append(
                {
                    "indicator": row["indicator"],
                    "group": row["group"],
                    "reference_mean": row["reference_mean"],
                    "mean": row["mean"],
                    "diff": row["diff"],
                    "ci_low": row["diff_ci_low"],
                    "ci_high": row["diff_ci_high"],
                    "n": int(row["n_pairs"]),
                    "source": {
                        "store": str(source.path),
                        "table": _computed(source, reference),
                        "row": {key: treatment, "indicator": row["indicator"], "group": row["group"]},
                        "columns": {
                            "reference_mean": "reference_mean",
                            "mean": "mean",
                            "diff": "diff",
                            "ci_low": "diff_ci_low",
                            "ci_high": "diff_ci_high",
                            "n": "n_pairs",
                        },
                    },
                }
            )
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["_i"] = out["indicator"].map({name: i for i, name in enumerate(indicators)})
    out["_g"] = out["group"].map({g: i for i, g in enumerate(GROUP_ORDER)})
    return out.sort_values(["_i", "_g"]).drop(columns=["_i", "_g"]).reset_index(drop=True)


def costs(source: Source, reference: str, treatment: str) -> pd.DataFrame:
    """Extra cost per extra sustainable transition per group, with the location of each row.

    Returns:
        group, extra_cost_eur, extra_transitions, cost_per_transition, ci_low, ci_high, n_pairs, source.
    """
    key = f"factor:{source.factor}"
    if source.kind == "comparison" and "cost" in source.tables:
        table, where = source.tables["cost"], "cost_effectiveness.csv"
    else:
        assert source.runs is not None
        table, where = (
            cost_effectiveness(source.runs, source.factor, reference),
            (f"cost_effectiveness(runs.parquet, factor={source.factor!r}, reference={reference!r})"),
        )
    table = table[table[key].astype(str) == treatment].copy()
    table["source"] = pd.Series(
        [
            {
                "store": str(source.path),
                "table": where,
                "row": {key: treatment, "group": g},
                "columns": {c: c for c in COST_COLUMNS},
            }
            for g in table["group"]
        ],
        index=table.index,
        dtype=object,
    )
    return table.reset_index(drop=True)


def _mean_ci(values: np.ndarray) -> tuple[float, float, float, int]:
    values = values[np.isfinite(values)]
    n = values.size
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(values.mean())
    if n == 1:
        return mean, math.nan, math.nan, 1
    half = t_quantile(n - 1) * float(values.std(ddof=1)) / math.sqrt(n)
    return mean, mean - half, mean + half, n


def wise_places(source: Source, reference: str, treatment: str) -> dict[str, Any] | None:
    """WISE places freed by throughflow, from the stored monthly time series (``None`` if not kept).

    Per replicate k: the places held at the horizon by former art. 60 workers retained on a
    regular WISE contract (stock WISE_JOB, all groups, last month), reference minus treatment,
    per 100 art. 60 contracts started in the reference run (sum of the WAITING -> ART60
    flow). Mean over replicates with a 95 % t interval (paired on the common seed).

    Returns:
        ``{"mean", "ci_low", "ci_high", "n", "held_reference", "held_treatment", "starts_reference", "source"}``
        (held and starts are replicate means).
    """
    if not source.has_timeseries():
        return None
    p_ref, p_new = source.point_of(reference), source.point_of(treatment)
    assert source.runs is not None
    reps = sorted(
        set(source.runs.loc[source.runs["point"] == p_ref, "replicate"])
        & set(source.runs.loc[source.runs["point"] == p_new, "replicate"])
    )
    freed, held_ref, held_new, starts = [], [], [], []
    for k in reps:
        files = [source.path / "timeseries" / f"point={p:05d}" / f"rep={k:03d}.parquet" for p in (p_ref, p_new)]
        if not all(f.is_file() for f in files):
            continue
        ref, new = (pd.read_parquet(f) for f in files)
        ref, new = (t[t["qualification"].astype(str) == "all"].sort_values("month") for t in (ref, new))
        s = float(ref["flow_waiting_to_art60"].sum())
        if s <= 0:
            continue
        a, b = float(ref["stock_wise_job"].iloc[-1]), float(new["stock_wise_job"].iloc[-1])
        freed.append((a - b) / s * 100.0)
        held_ref.append(a / s * 100.0)
        held_new.append(b / s * 100.0)
        starts.append(s)
    if not freed:
        return None
    mean, low, high, n = _mean_ci(np.array(freed))
    return {
        "mean": mean,
        "ci_low": low,
        "ci_high": high,
        "n": n,
        "held_reference": float(np.mean(held_ref)),
        "held_treatment": float(np.mean(held_new)),
        "starts_reference": float(np.mean(starts)),
        "source": {
            "store": str(source.path),
            "table": f"timeseries/point={p_ref:05d} and point={p_new:05d}, rep=*.parquet",
            "row": {"qualification": "all", "month": "last"},
            "columns": "stock_wise_job (last month), flow_waiting_to_art60 (sum over months)",
            "reference": reference,
            "treatment": treatment,
        },
    }


def pillar_effects(source: Source, indicators: tuple[str, ...] = HEADLINE, group: str = "all") -> pd.DataFrame:
    """Contribution of each pillar from an ablation store.

    For each pillar: ``alone`` = pillar_<p> − baseline; ``added last`` = mentoring − without_<p>
    (what the pillar adds to the other two); and ``all three`` = mentoring − baseline. Paired
    differences on common seeds, with 95 % intervals; levels missing from the store are skipped.

    Returns:
        indicator, pillar, kind, level, reference, diff, ci_low, ci_high, n, source.
    """
    key = f"factor:{source.factor}"
    wanted: list[tuple[str, str, str, str]] = []  # pillar, kind, level, reference
    for p in PILLARS:
        wanted.append((p, "alone", f"pillar_{p}", REFERENCE))
        wanted.append((p, "added last", FULL, f"without_{p}"))
    wanted.append(("all three", "all three", FULL, REFERENCE))
    summaries: dict[str, pd.DataFrame] = {}
    rows = []
    for pillar, kind, level, reference in wanted:
        if level not in source.levels or reference not in source.levels:
            continue
        if reference not in summaries:
            summaries[reference] = _summary(source, reference)
        s = summaries[reference]
        for indicator in indicators:
            sub = s[(s[key].astype(str) == level) & (s["indicator"] == indicator) & (s["group"] == group)]
            if sub.empty:
                continue
            row = sub.iloc[0]
            rows.append(
                {
                    "indicator": indicator,
                    "pillar": pillar,
                    "kind": kind,
                    "level": level,
                    "reference": reference,
                    "diff": float(row["diff"]),
                    "ci_low": float(row["diff_ci_low"]),
                    "ci_high": float(row["diff_ci_high"]),
                    "n": int(row["n_pairs"]),
                    "source": {
                        "store": str(source.path),
                        "table": _computed(source, reference),
                        "row": {key: level, "indicator": indicator, "group": group},
                        "columns": {"diff": "diff", "ci_low": "diff_ci_low", "ci_high": "diff_ci_high"},
                    },
                }
            )
    return pd.DataFrame(rows)


def mix_summary(source: Source) -> pd.DataFrame:
    """Summary of a qualification-mix sweep against mentoring ``off`` (see ``summarize_runs``)."""
    return _summary(source, source.reference)


def mix_rows(source: Source, summary: pd.DataFrame, indicator: str = "throughflow_12m", group: str = "all") -> pd.DataFrame:
    """The paired mentoring effect per mix level (the source's treatment level), with locations."""
    treatment = source.treatment or next(lv for lv in source.levels if lv != source.reference)
    key = f"factor:{source.factor}"
    sub = summary[
        (summary[key].astype(str) == treatment) & (summary["indicator"] == indicator) & (summary["group"] == group)
    ].copy()
    sub["source"] = pd.Series(
        [
            {
                "store": str(source.path),
                "table": _computed(source, source.reference),
                "row": {
                    "factor:qualification_mix": str(m),
                    key: treatment,
                    "indicator": indicator,
                    "group": group,
                },
                "columns": {
                    "reference_mean": "reference_mean",
                    "mean": "mean",
                    "diff": "diff",
                    "ci_low": "diff_ci_low",
                    "ci_high": "diff_ci_high",
                    "n_pairs": "n_pairs",
                },
            }
            for m in sub["factor:qualification_mix"]
        ],
        index=sub.index,
        dtype=object,
    )
    return sub.reset_index(drop=True)


def top_parameters(source: Source, per_outcome: int = 3, outcomes: int = 4) -> tuple[pd.DataFrame, str]:
    """The most influential parameters per outcome of a sensitivity result.

    Ranked by Morris mu* (or Sobol ST when present).

    Returns:
        (outcome, rank, name, value, source) rows, and the index used (``mu_star`` or ``ST``).
    """
    indices = source.tables["indices"]
    index = "ST" if "ST" in indices.columns else "mu_star"
    rows = []
    for outcome in list(dict.fromkeys(indices["outcome"]))[:outcomes]:
        sub = indices[indices["outcome"] == outcome].sort_values(index, ascending=False).head(per_outcome)
        for rank, (_, row) in enumerate(sub.iterrows(), start=1):
            rows.append(
                {
                    "outcome": outcome,
                    "rank": rank,
                    "name": row["name"],
                    "value": float(row[index]),
                    "source": {
                        "store": str(source.path),
                        "table": "indices.csv",
                        "row": {"outcome": outcome, "name": row["name"]},
                        "columns": index,
                    },
                }
            )
    return pd.DataFrame(rows), index


def interaction(source: Source, indicator: str = "throughflow_12m", group: str = "all") -> dict[str, Any] | None:
    """How far the three pillars together exceed the sum of the pillars alone (paired per replicate).

    Per replicate k: (mentoring − baseline) − Σ_p (pillar_p − baseline); mean with 95 % t
    interval. Positive: the pillars reinforce each other. ``None`` unless every level is in
    the store.
    """
    levels = [REFERENCE, FULL, *(f"pillar_{p}" for p in PILLARS)]
    if not all(lv in source.levels for lv in levels) or source.runs is None:
        return None
    key, column = f"factor:{source.factor}", f"{indicator}.{group}"
    wide = source.runs.assign(level=source.runs[key].astype(str)).pivot_table(
        index="replicate", columns="level", values=column, aggfunc="first"
    )
    wide = wide[levels].dropna()
    alone = wide[[f"pillar_{p}" for p in PILLARS]].sub(wide[REFERENCE], axis=0).sum(axis=1)
    together = wide[FULL] - wide[REFERENCE]
    mean, low, high, n = _mean_ci((together - alone).to_numpy(dtype=float))
    return {
        "mean": mean,
        "ci_low": low,
        "ci_high": high,
        "n": n,
        "sum_alone": float(alone.mean()),
        "together": float(together.mean()),
        "source": {
            "store": str(source.path),
            "table": "runs.parquet",
            "row": {key: levels, "paired on": "replicate"},
            "columns": column,
            "formula": "(mentoring - baseline) - sum_p (pillar_p - baseline), mean over replicates",
        },
    }
