"""Trial effects by months after assignment, per arm, with 95 % intervals over replications."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from throughflow.plots.style import PALETTE, new_figure, save

PANELS = (("nec", "In an NEC job"), ("any_job", "In any job (NEC or WISE)"))


def trial_effects(table: pd.DataFrame, path: Path, group: str = "all", provenance: dict[str, str] | None = None) -> list[Path]:
    """Plot the intention-to-treat effect at 6, 12 and 24 months after assignment, one line per arm.

    Args:
        table: The trial table (:func:`throughflow.analysis.trial.trial_table`).
        path: Output path (PNG and SVG are written).
        group: Qualification group shown.
        provenance: Metadata stored in the files.

    Returns:
        The files written.
    """
    fig, axes = new_figure(len(PANELS))
    rows = table[table["group"] == group]
    for ax, (measure, title) in zip(axes, PANELS, strict=True):
        sub = rows[rows["measure"] == measure]
        for shift, (colour, (arm, line)) in enumerate(zip(PALETTE, sub.groupby("arm", sort=False), strict=False)):
            x = line["months"] + (shift - 1) * 0.4
            err = [line["itt"] - line["itt_ci_low"], line["itt_ci_high"] - line["itt"]]
            ax.errorbar(x, 100 * line["itt"], yerr=[100 * e for e in err], color=colour, marker="o", capsize=3, label=arm)
        ax.axhline(0, color="black", lw=0.8)
        ax.set_xticks([6, 12, 24])
        ax.set_title(title)
        ax.grid(alpha=0.3)
    fig.supxlabel("months after the offer (random assignment)")
    axes[0].set_ylabel("effect of the offer, percentage points")
    axes[0].legend(title="arm", frameon=False)
    fig.suptitle("Virtual trial: intention-to-treat effect, mean and 95 % interval over replications")
    return save(fig, path, provenance)
