"""NEC-entry curves after contract end, per scenario, with 95 % bands over replicates."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from throughflow.analysis.summary import curve_bands
from throughflow.outcomes import BY_NAME
from throughflow.plots.style import PALETTE, new_figure, save

PANELS = (("all", "All refugees"), ("low", "LOW qualified"), ("medium", "MEDIUM qualified"), ("high", "HIGH qualified"))


def entry_curves(runs: pd.DataFrame, factor: str, path: Path, provenance: dict[str, str] | None = None) -> list[Path]:
    """Plot ``nec_entry_after_contract`` per level of ``factor``, one panel per group.

    Args:
        runs: A run table whose points differ only in ``factor``.
        factor: The factor whose levels are the lines.
        path: Output path (PNG and SVG are written).
        provenance: Metadata stored in the files.

    Returns:
        The files written.
    """
    key = f"factor:{factor}"
    indicator = BY_NAME["nec_entry_after_contract"]
    fig, axes = new_figure(len(PANELS))
    levels = list(dict.fromkeys(runs[key].astype(str)))
    for ax, (group, title) in zip(axes, PANELS, strict=True):
        bands = curve_bands(runs, f"{indicator.name}.{group}")
        points = runs.drop_duplicates("point").set_index("point")[key].astype(str)
        for colour, level in zip(PALETTE, levels, strict=False):
            for point in points[points == level].index:
                b = bands[bands["point"] == point]
                ax.plot(b["k"], b["mean"], color=colour, label=level, lw=1.6)
                ax.fill_between(b["k"], b["ci_low"], b["ci_high"], color=colour, alpha=0.25, lw=0)
        ax.set_title(title)
        ax.set_xticks([0, 6, 12, 18, 24])
        ax.grid(alpha=0.3)
    fig.supxlabel("months after contract end")
    axes[0].set_ylabel("share ever in an NEC job")
    axes[0].legend(title=factor, loc="lower right", frameon=False)
    fig.suptitle(f"{indicator.label}: mean and 95 % interval over replications")
    return save(fig, path, provenance)
