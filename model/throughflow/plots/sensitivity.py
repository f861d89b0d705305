"""Sensitivity figures: Morris mu*-sigma chart, Sobol S1/ST bars, convergence of the indices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from throughflow.plots.style import PALETTE, new_figure, save

TOP = 12
"""Parameters labelled or shown per panel (the most influential)."""


def _short(name: str) -> str:
    return name.split(".")[-1].replace("_", " ")


def morris_chart(indices: pd.DataFrame, outcome: str, path: Path, provenance: dict[str, str] | None = None) -> list[Path]:
    """mu* against sigma for one outcome; the most influential parameters are labelled."""
    table = indices[indices["outcome"] == outcome].sort_values("mu_star", ascending=False)
    fig, (ax,) = new_figure(1)
    ax.errorbar(
        table["mu_star"], table["sigma"], xerr=table["mu_star_conf"], fmt="o", color=PALETTE[0], ms=4, elinewidth=0.8, alpha=0.8
    )
    for _, row in table.head(TOP // 2).iterrows():
        ax.annotate(_short(row["name"]), (row["mu_star"], row["sigma"]), fontsize=7, xytext=(4, 3), textcoords="offset points")
    top = float(max(table["mu_star"].max(), table["sigma"].max(), 1e-12))
    ax.plot([0, top], [0, top], color="grey", lw=0.8, ls="--", label="sigma = mu* (strong interactions or non-linearity)")
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (spread of elementary effects)")
    ax.set_title(f"Morris screening: {outcome}")
    ax.legend(frameon=False, loc="upper left")
    ax.grid(alpha=0.3)
    return save(fig, path, provenance)


def sobol_bars(indices: pd.DataFrame, outcome: str, path: Path, provenance: dict[str, str] | None = None) -> list[Path]:
    """First-order and total Sobol indices with 95 % intervals for one outcome."""
    table = indices[indices["outcome"] == outcome].sort_values("ST", ascending=False).head(TOP)
    fig, (ax,) = new_figure(1)
    y = np.arange(len(table))
    ax.barh(y - 0.2, table["S1"], 0.4, xerr=table["S1_conf"], color=PALETTE[0], label="first order S1", error_kw={"lw": 0.8})
    ax.barh(y + 0.2, table["ST"], 0.4, xerr=table["ST_conf"], color=PALETTE[1], label="total ST", error_kw={"lw": 0.8})
    ax.set_yticks(y, [_short(n) for n in table["name"]])
    ax.invert_yaxis()
    ax.set_xlabel("share of the outcome's variance")
    ax.set_title(f"Sobol indices: {outcome}")
    ax.legend(frameon=False, loc="lower right")
    ax.grid(axis="x", alpha=0.3)
    return save(fig, path, provenance)


def convergence_plot(
    convergence: pd.DataFrame, outcome: str, method: str, path: Path, provenance: dict[str, str] | None = None
) -> list[Path]:
    """The main index of the most influential parameters on nested subsamples (N/4, N/2, N)."""
    index, conf = ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")
    table = convergence[convergence["outcome"] == outcome]
    final = table[table["fraction"] == table["fraction"].max()].sort_values(index, ascending=False)
    fig, (ax,) = new_figure(1)
    for colour, name in zip(PALETTE, final["name"].head(len(PALETTE)), strict=False):
        rows = table[table["name"] == name]
        ax.errorbar(
            rows["rows"], rows[index], yerr=rows[conf], color=colour, marker="o", ms=3, capsize=2, lw=1.2, label=_short(name)
        )
    ax.set_xscale("log", base=2)
    ax.set_xlabel("model evaluations used (nested subsamples N/4, N/2, N)")
    ax.set_ylabel(f"{index} with 95 % interval")
    ax.set_title(f"Convergence: {outcome}")
    ax.legend(frameon=False, fontsize=7, ncols=2)
    ax.grid(alpha=0.3)
    return save(fig, path, provenance)


def all_figures(result: dict, method: str, out: Path, provenance: dict[str, str] | None = None) -> list[Path]:
    """Every figure of a sensitivity result, one set per outcome, under ``out/figures``."""
    files: list[Path] = []
    for outcome in result["indices"]["outcome"].unique():
        stem = Path(out) / "figures" / str(outcome).replace(":", "_")
        chart = morris_chart if method == "morris" else sobol_bars
        files += chart(result["indices"], outcome, stem.with_name(f"{stem.name}_{method}"), provenance)
        files += convergence_plot(result["convergence"], outcome, method, stem.with_name(f"{stem.name}_convergence"), provenance)
    return files
