"""Shared figure style: a colour-blind-safe palette, sizes readable at half an A4 page."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
"""Okabe-Ito colours (distinguishable with the common colour-vision deficiencies)."""

HALF_A4 = (7.0, 4.2)
"""Figure size in inches for half an A4 page."""


def new_figure(ncols: int = 1, sharey: bool = True) -> tuple[Figure, list[plt.Axes]]:
    """A figure with ``ncols`` panels side by side in the house style."""
    plt.rcParams.update({"font.size": 9, "axes.titlesize": 10, "axes.labelsize": 9, "legend.fontsize": 8})
    fig, axes = plt.subplots(1, ncols, figsize=HALF_A4, sharey=sharey, squeeze=False, layout="constrained")
    return fig, list(axes[0])


def save(fig: Figure, path: Path, provenance: dict[str, str] | None = None) -> list[Path]:
    """Save as PNG (300 dpi, provenance in the metadata) and SVG; close the figure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"Software": "throughflow", **(provenance or {})}
    stem = path.with_suffix("") if path.suffix in (".png", ".svg") else path  # names may contain dots
    png, svg = stem.with_name(stem.name + ".png"), stem.with_name(stem.name + ".svg")
    fig.savefig(png, dpi=300, metadata=meta)
    with plt.rc_context({"svg.hashsalt": "throughflow"}):  # reproducible element ids
        description = "; ".join(f"{k}={v}" for k, v in meta.items())
        fig.savefig(svg, metadata={"Creator": "throughflow", "Date": None, "Description": description})
    plt.close(fig)
    return [png, svg]
