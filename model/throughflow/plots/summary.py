"""The figure of ``throughflow summarize``: headline indicators per design point, with 95 % intervals.

One panel per indicator (at most four), one row per design point (its factor levels), the
mean and its 95 % interval; with a reference level, the paired differences against it
instead. Colour-blind-safe (one colour, the reference line in grey), PNG and SVG.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from throughflow.outcomes import BY_NAME
from throughflow.plots.style import HALF_A4, PALETTE, new_figure, save


def summary_figure(summary: pd.DataFrame, path: Path, indicators: list[str], group: str = "all") -> list[Path]:
    """Plot means (or paired differences, when the summary has them) per design point and save PNG and SVG.

    Args:
        summary: :func:`~throughflow.analysis.summary.summarize_runs` output.
        path: Output path without suffix.
        indicators: Indicators, one panel each (the first four are drawn).
        group: Qualification group.

    Returns:
        The files written.
    """
    indicators = [i for i in indicators if i in set(summary["indicator"])][:4] or list(dict.fromkeys(summary["indicator"]))[:1]
    factors = [c for c in summary.columns if c.startswith("factor:")]
    differences = "diff" in summary.columns
    fig, axes = new_figure(len(indicators), sharey=True)
    points = sorted(summary["point"].unique())
    labels = []
    for point in points:
        sub = summary[summary["point"] == point].iloc[0]
        labels.append(", ".join(str(sub[f]) for f in factors) or str(point))
    fig.set_size_inches(HALF_A4[0], max(2.6, 0.28 * len(points) + 1.4))
    for ax, name in zip(axes, indicators, strict=False):
        rows = summary[(summary["indicator"] == name) & (summary["group"] == group)].set_index("point").reindex(points)
        scale = 100.0 if BY_NAME[name].unit == "share" else 1.0
        mean, low, high = ("diff", "diff_ci_low", "diff_ci_high") if differences else ("mean", "ci_low", "ci_high")
        y = np.arange(len(points))[::-1]
        m = rows[mean].to_numpy(dtype=float) * scale
        err = np.nan_to_num(np.vstack([m - rows[low].to_numpy(float) * scale, rows[high].to_numpy(float) * scale - m]))
        ax.errorbar(m, y, xerr=err, fmt="o", color=PALETTE[0], ms=4, capsize=2, lw=1.2)
        if differences:
            ax.axvline(0.0, color="0.5", lw=0.8, zorder=0)
        ax.set_title(BY_NAME[name].label, fontsize=9)
        unit = "percentage points" if scale == 100 and differences else "%" if scale == 100 else BY_NAME[name].unit
        ax.set_xlabel(unit)
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(np.arange(len(points))[::-1], labels, fontsize=7)
    what = "Paired difference against the reference" if differences else "Mean"
    fig.suptitle(f"{what} and 95 % interval per design point (group {group})", fontsize=10)
    return save(fig, path)
