"""Compact text tables for the command line: a store's headline indicators, and the parameter list.

:func:`compact` turns the long summary of a store (one row per point, indicator and group)
into one row per design point with the headline indicators side by side, each as
"mean (low–high)" in the indicator's unit (shares in percent), and, when a reference level
is given, the paired differences (percentage points for shares). :func:`parameter_table`
lists the declared parameters with a header, rounded values and their descriptions.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from throughflow.outcomes import BY_NAME
from throughflow.scenario import ParameterInfo

HEADLINE = ("throughflow_6m", "throughflow_12m", "throughflow_24m", "any_job_12m", "sustainable_nec", "wise_retention", "dropout")
"""Headline indicators (printed by ``throughflow compare``)."""

COMPACT = ("throughflow_12m", "sustainable_nec", "wise_retention")
"""Indicators ``throughflow summarize`` shows by default: the brief's headline outcomes and WISE retention."""

SHORT = {
    "throughflow_6m": "NEC 6m",
    "throughflow_12m": "NEC 12m",
    "throughflow_24m": "NEC 24m",
    "any_job_12m": "any job 12m",
    "sustainable_nec": "sustainable NEC",
    "wise_retention": "WISE retained",
    "dropout": "dropout",
}


def _number(value: float, scale: float, signed: bool = False) -> str:
    if not math.isfinite(value):
        return "n/a"
    return f"{value * scale:+.1f}" if signed else f"{value * scale:.1f}"


def _cell(mean: float, low: float, high: float, scale: float, signed: bool = False) -> str:
    text = _number(mean, scale, signed)
    if math.isfinite(low) and math.isfinite(high):
        text += f" ({_number(low, scale, signed)} to {_number(high, scale, signed)})"
    return text


def compact(summary: pd.DataFrame, indicators: Iterable[str] = COMPACT, group: str = "all") -> tuple[pd.DataFrame, str]:
    """One row per design point: factor levels, then each indicator as "mean (low to high)".

    Args:
        summary: :func:`~throughflow.analysis.summary.summarize_runs` output (with or without a reference).
        indicators: Indicators shown, in order (those absent from the summary are skipped).
        group: Qualification group shown.

    Returns:
        The table and a line explaining the units.
    """
    factors = [c for c in summary.columns if c.startswith("factor:")]
    rows = summary[(summary["group"] == group) & summary["indicator"].isin(list(indicators))]
    shown = [i for i in indicators if i in set(rows["indicator"])]
    out = []
    for point, sub in rows.groupby("point", sort=True):
        row: dict[str, str] = {f.removeprefix("factor:"): str(sub[f].iloc[0]) for f in factors}
        by = sub.set_index("indicator")
        for name in shown:
            r = {k: float(v) for k, v in by.loc[name].items() if isinstance(v, int | float)}
            scale = 100.0 if BY_NAME[name].unit == "share" else 1.0
            row[SHORT.get(name, name)] = _cell(r["mean"], r["ci_low"], r["ci_high"], scale)
            if "diff" in by.columns:
                paired = r.get("n_pairs", 0) > 0
                row[f"Δ {SHORT.get(name, name)}"] = (
                    _cell(r["diff"], r["diff_ci_low"], r["diff_ci_high"], scale, True) if paired else "—"
                )
        out.append({"point": str(point), **row})
    units = f"group {group}; shares in % of the cohort with 95 % intervals over replications"
    if "diff" in rows.columns:
        units += "; Δ = paired difference against the reference level (—), in percentage points"
    return pd.DataFrame(out), units


def _round(value: object, digits: int = 4) -> str:
    if isinstance(value, bool) or not isinstance(value, float):
        return str(value)
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    return f"{value:.{digits}g}"


def parameter_table(params: list[ParameterInfo], text: str | None = None, kind: str | None = None, sources: bool = False) -> str:
    """The declared parameters as a text table with a header, rounded values and descriptions.

    Args:
        params: The declarations (:func:`throughflow.scenario.parameters`).
        text: Keep parameters whose name, description or unit contains this (case-insensitive).
        kind: Keep parameters of this kind (``lever``, ``uncertainty``, ``setting``).
        sources: Add each parameter's source.

    Returns:
        The table (a header line, a rule, one line per parameter), or a line saying nothing matched.
    """
    needle = (text or "").lower()
    chosen = [
        p for p in params if (not needle or needle in f"{p.name} {p.doc} {p.unit}".lower()) and (kind is None or p.kind == kind)
    ]
    if not chosen:
        return f"no parameter matches {text!r}" + (f" of kind {kind}" if kind else "")
    head = ["name", "kind", "default", "unit", "range", "description"] + (["source"] if sources else [])
    lines = []
    for p in chosen:
        span = f"[{_round(p.low)}, {_round(p.high)}]" if p.low is not None else ""
        cells = [p.name, p.kind, _round(p.default), p.unit, span, p.doc] + ([p.source] if sources else [])
        lines.append(cells)
    widths = [max(len(str(row[i])) for row in [head, *lines]) for i in range(len(head) - 1)]

    def fmt(cells: list[str]) -> str:
        body = [str(c).rjust(w) if i == 2 else str(c).ljust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=False))]
        return "  ".join([*body, *cells[len(widths) :]]).rstrip()

    rule = "  ".join("-" * w for w in widths) + "  " + "-" * len(head[-1])
    return "\n".join([fmt(head), rule, *(fmt(c) for c in lines), f"({len(chosen)} of {len(params)} parameters)"])
