"""Figures of a calibration: prior against posterior marginals, posterior-predictive check against the targets."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from throughflow.plots.style import PALETTE, save


def marginals(posterior: pd.DataFrame, priors: dict[str, tuple[float, float]], path: Path) -> list[Path]:
    """One panel per fitted parameter: the uniform prior and the weighted posterior histogram.

    Args:
        posterior: Parameter sets with a ``weight`` column.
        priors: Each parameter's prior range.
        path: Output path (PNG and SVG are written).

    Returns:
        The files written.
    """
    import matplotlib.pyplot as plt

    names = list(priors)
    cols = 4
    rows = math.ceil(len(names) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(11, 2.3 * rows), layout="constrained", squeeze=False)
    weights = posterior["weight"].to_numpy(dtype=float)
    for ax, name in zip(axes.flat, names, strict=False):
        low, high = priors[name]
        bins = np.linspace(low, high, 16)
        ax.hist(posterior[name], bins=bins, weights=weights, density=True, color=PALETTE[0], alpha=0.8, label="posterior")
        ax.hlines(1 / (high - low), low, high, color=PALETTE[1], lw=2, label="prior")
        ax.set_title(name, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7, frameon=False)
    fig.suptitle("Calibration: prior (uniform over the declared range) and posterior of each fitted parameter")
    return save(fig, path)


def predictive(table: pd.DataFrame, path: Path) -> list[Path]:
    """Each target's published range against the posterior-predictive mean and 90 % band.

    Args:
        table: The posterior-predictive table (:func:`throughflow.analysis.abc.predictive_check`).
        path: Output path (PNG and SVG are written).

    Returns:
        The files written.
    """
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 0.45 * len(table) + 1.2), layout="constrained")
    y = np.arange(len(table))[::-1]
    for yi, row in zip(y, table.to_dict("records"), strict=True):
        low, high, value = float(row["low"]), float(row["high"]), float(row["value"])
        mean, q05, q95 = float(row["mean"]), float(row["q05"]), float(row["q95"])
        ax.fill_betweenx([yi - 0.3, yi + 0.3], low, high, color="0.85", lw=0)
        ax.plot([value], [yi], marker="|", color="black", ms=14)
        colour = PALETTE[0] if row["within"] else PALETTE[5]
        ax.errorbar(mean, yi, xerr=[[mean - q05], [q95 - mean]], fmt="o", color=colour, capsize=3)
    ax.set_yticks(y)
    ax.set_yticklabels([f"{t} ({k})" for t, k in zip(table["target"], table["kind"], strict=True)], fontsize=8)
    ax.set_xlabel("share (evidence: effect as a share)")
    ax.set_title("Posterior-predictive check: published range (grey), figure (|), model mean and 90 % band (dot)")
    ax.grid(axis="x", alpha=0.3)
    return save(fig, path)
