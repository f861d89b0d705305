"""The explorer's figures (matplotlib ``Figure`` objects, no pyplot: the server draws from several threads)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from throughflow.analysis.summary import curve_bands, summarize_runs
from throughflow.app.runs import ARM, BASELINE, PROGRAMME, Paired
from throughflow.outcomes import BY_NAME, GROUPS
from throughflow.plots.style import PALETTE

PANELS = (("all", "All refugees"), ("low", "LOW qualified"), ("medium", "MEDIUM qualified"), ("high", "HIGH qualified"))
COLOURS = {BASELINE: PALETTE[1], PROGRAMME: PALETTE[0]}


def _figure(width: float = 9.0, height: float = 3.4, ncols: int = 1, sharey: bool = False, nrows: int = 1) -> tuple[Figure, list]:
    fig = Figure(figsize=(width, height), layout="constrained", dpi=100)
    axes = fig.subplots(nrows, ncols, sharey=sharey, squeeze=False).ravel()
    for ax in axes:
        ax.grid(alpha=0.3)
    return fig, list(axes)


def entry_curves(paired: Paired) -> Figure:
    """NEC entry after the art. 60 contract, both arms, mean and 95 % band over seeds, one panel per group."""
    fig, axes = _figure(ncols=len(PANELS), sharey=True)
    points = paired.runs.drop_duplicates("point").set_index("point")[f"factor:{ARM}"]
    for ax, (group, title) in zip(axes, PANELS, strict=True):
        bands = curve_bands(paired.runs, f"nec_entry_after_contract.{group}")
        for point, label in points.items():
            b = bands[bands["point"] == point]
            ax.plot(b["k"], b["mean"], color=COLOURS[label], lw=1.8, label=label)
            ax.fill_between(b["k"], b["ci_low"], b["ci_high"], color=COLOURS[label], alpha=0.2, lw=0)
        ax.set_title(title, fontsize=10)
        ax.set_xticks([0, 6, 12, 18, 24])
        ax.set_xlabel("months after contract end")
    axes[0].set_ylabel("share ever in an NEC job")
    axes[0].legend(loc="upper left", frameon=False, fontsize=8)
    return fig


def group_effects(paired: Paired, indicator: str) -> Figure:
    """The programme's paired effect on ``indicator`` by qualification group, with 95 % intervals."""
    table = paired.effects(indicator)
    fig, (ax,) = _figure(width=5.0, height=3.2)
    x = np.arange(len(GROUPS))
    diff = table["diff"].to_numpy(dtype=float)
    low = diff - table["diff_ci_low"].to_numpy(dtype=float)
    high = table["diff_ci_high"].to_numpy(dtype=float) - diff
    scale = 100.0 if BY_NAME[indicator].unit == "share" else 1.0
    ax.bar(x, diff * scale, color=PALETTE[0], width=0.6)
    ax.errorbar(x, diff * scale, yerr=np.nan_to_num(np.vstack([low, high])) * scale, fmt="none", ecolor="black", capsize=4)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xticks(x, [g.upper() if g != "all" else "all" for g in GROUPS])
    unit = "percentage points" if scale == 100.0 else BY_NAME[indicator].unit
    ax.set_ylabel(f"effect ({unit})")
    ax.set_title(f"{BY_NAME[indicator].label}: with minus without programme", fontsize=10)
    return fig


def _band(values: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    mean = values.mean(axis=1).to_numpy(dtype=float)
    n = values.shape[1]
    half = 1.96 * values.std(axis=1, ddof=1).to_numpy(dtype=float) / np.sqrt(n) if n > 1 else np.zeros_like(mean)
    return mean, mean - half, mean + half


def cost_curves(paired: Paired, month: int) -> Figure:
    """Extra public cost (cumulative) and extra refugees in an NEC job, by month, with the chosen horizon marked."""
    fig, axes = _figure(width=5.0, height=4.6, nrows=2)
    wide = paired.monthly.pivot_table(index="month", columns=[ARM, "replicate"], values=["cost_eur", "nec"])
    for ax, (column, scale, label) in zip(
        axes,
        (("cost_eur", 1e6, "extra public cost so far (million EUR)"), ("nec", 1.0, "extra refugees in an NEC job")),
        strict=True,
    ):
        diff = (wide[column][PROGRAMME] - wide[column][BASELINE]) / scale
        mean, low, high = _band(diff)
        ax.plot(diff.index, mean, color=PALETTE[0], lw=1.8)
        ax.fill_between(diff.index, low, high, color=PALETTE[0], alpha=0.2, lw=0)
        ax.axhline(0, color="black", lw=0.8)
        ax.axvline(month, color=PALETTE[5], ls="--", lw=1.2)
        ax.set_title(label, fontsize=10)
    axes[-1].set_xlabel("month")
    return fig


def store_effect(runs: pd.DataFrame, factor: str, reference: str, x_factor: str | None, indicator: str) -> Figure:
    """A stored sweep: the effect of ``factor`` against its ``reference`` level, across the levels of ``x_factor``."""
    summary = summarize_runs(runs, factor, reference)
    rows = summary[(summary["indicator"] == indicator) & (summary[f"factor:{factor}"].astype(str) != reference)]
    fig, (ax,) = _figure(width=7.0, height=3.6)
    scale = 100.0 if BY_NAME[indicator].unit == "share" else 1.0
    for colour, group in zip(PALETTE, GROUPS, strict=False):
        sub = rows[rows["group"] == group]
        if sub.empty:
            continue
        if x_factor:
            key = f"factor:{x_factor}"
            order = list(dict.fromkeys(runs[key].astype(str)))
            sub = sub.assign(_x=pd.Categorical(sub[key].astype(str), categories=order, ordered=True)).sort_values("_x")
            labels = sub[key].astype(str).tolist()
        else:
            labels = sub[f"factor:{factor}"].astype(str).tolist()
        x = np.arange(len(labels))
        ax.plot(x, sub["diff"] * scale, marker="o", color=colour, label=group)
        ax.fill_between(x, sub["diff_ci_low"] * scale, sub["diff_ci_high"] * scale, color=colour, alpha=0.15, lw=0)
        ax.set_xticks(x, labels)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel(x_factor or factor)
    unit = "percentage points" if scale == 100.0 else BY_NAME[indicator].unit
    ax.set_ylabel(f"effect ({unit})")
    ax.set_title(f"{BY_NAME[indicator].label}: effect of {factor} against {reference!r}", fontsize=10)
    ax.legend(frameon=False, fontsize=8)
    return fig


def sensitivity_bars(indices: pd.DataFrame, outcome: str, top: int = 15) -> Figure:
    """Morris mu* or Sobol ST (and S1) of one outcome, most influential first, with 95 % intervals."""
    table = indices[indices["outcome"] == outcome]
    key, conf = ("mu_star", "mu_star_conf") if "mu_star" in table.columns else ("ST", "ST_conf")
    table = table.sort_values(key, ascending=False).head(top)[::-1]
    fig, (ax,) = _figure(width=7.0, height=0.3 * len(table) + 1.2)
    y = np.arange(len(table))
    ax.barh(y, table[key], xerr=table[conf], color=PALETTE[0], label=key, height=0.6)
    if key == "ST":
        ax.barh(y, table["S1"], color=PALETTE[1], label="S1", height=0.3)
        ax.legend(frameon=False, fontsize=8)
    ax.set_yticks(y, table["name"])
    ax.set_xlabel("mu* (Morris)" if key == "mu_star" else "Sobol index (share of variance)")
    ax.set_title(outcome, fontsize=10)
    return fig
