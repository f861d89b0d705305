"""Sensitivity figures: Morris mu*-sigma chart, Sobol S1/ST bars, convergence of the indices."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.ticker import NullLocator
from matplotlib.transforms import Bbox

from throughflow.plots.style import PALETTE, new_figure, save

TOP = 12
"""Parameters labelled or shown per panel (the most influential)."""


def _short(name: str) -> str:
    return name.split(".")[-1].replace("_", " ")


def _label_points(ax: Axes, points: list[tuple[str, float, float]]) -> None:
    """Label points without letting the labels overlap each other or leave the axes.

    Labels go right of their point, or left of it near the right edge; a label that would
    overlap one already placed is moved down or up (nearest free place first) and gets a
    thin line to its point.
    """
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()  # type: ignore[attr-defined]
    frame = ax.get_window_extent(renderer)
    placed: list[Bbox] = []
    for text, x, y in sorted(points, key=lambda p: -p[2]):
        dx, dy = 4.0, 3.0
        ha: Literal["left", "right"] = "left"
        label = ax.annotate(text, (x, y), xytext=(dx, dy), textcoords="offset points", fontsize=7, ha=ha)
        if label.get_window_extent(renderer).x1 > frame.x1:
            dx, ha = -4.0, "right"
            label.set_horizontalalignment(ha)
            label.set_position((dx, dy))
        step = label.get_window_extent(renderer).height * 72 / fig.dpi + 1  # points
        for k in range(16):
            if not any(label.get_window_extent(renderer).overlaps(other) for other in placed):
                break
            dy = 3 + step * (k // 2 + 1) * (-1 if k % 2 == 0 else 1)
            label.set_position((dx, dy))
        placed.append(label.get_window_extent(renderer))
        if dy != 3.0:  # moved away from its point: draw a line to it
            label.remove()
            ax.annotate(
                text,
                (x, y),
                xytext=(dx, dy),
                textcoords="offset points",
                fontsize=7,
                ha=ha,
                arrowprops={"arrowstyle": "-", "color": "grey", "lw": 0.5, "shrinkA": 1, "shrinkB": 3},
            )


def morris_chart(indices: pd.DataFrame, outcome: str, path: Path, provenance: dict[str, str] | None = None) -> list[Path]:
    """mu* against sigma for one outcome; the most influential parameters are labelled."""
    table = indices[indices["outcome"] == outcome].sort_values("mu_star", ascending=False)
    fig, (ax,) = new_figure(1)
    # mu* >= 0: the interval is drawn no further left than zero
    lower = np.minimum(table["mu_star_conf"], table["mu_star"])
    ax.errorbar(
        table["mu_star"],
        table["sigma"],
        xerr=[lower, table["mu_star_conf"]],
        fmt="o",
        color=PALETTE[0],
        ecolor=PALETTE[4],
        ms=4,
        elinewidth=0.8,
        alpha=0.8,
        label="parameter (bar: 95 % interval of mu*)",
    )
    top = float(max(table["mu_star"].max(), table["sigma"].max(), 1e-12))
    ax.plot([0, top], [0, top], color="grey", lw=0.8, ls="--", label="sigma = mu* (strong interactions or non-linearity)")
    ax.set_xlim(left=-0.02 * top)
    ax.set_ylim(bottom=-0.02 * top)
    ax.set_xlabel("mu* (mean absolute elementary effect)")
    ax.set_ylabel("sigma (spread of elementary effects)")
    ax.set_title(f"Morris screening: {outcome}")
    fig.legend(frameon=False, loc="outside lower center", ncols=2, fontsize=7)
    ax.grid(alpha=0.3)
    _label_points(ax, [(_short(r["name"]), r["mu_star"], r["sigma"]) for _, r in table.head(TOP // 2).iterrows()])
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
    ax.axvline(0, color="grey", lw=0.8)
    ax.set_xlabel("share of the outcome's variance (bars: 95 % intervals)")
    ax.set_title(f"Sobol indices: {outcome}")
    ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.grid(axis="x", alpha=0.3)
    return save(fig, path, provenance)


def convergence_plot(
    convergence: pd.DataFrame, outcome: str, method: str, path: Path, provenance: dict[str, str] | None = None
) -> list[Path]:
    """The main index of the most influential parameters on nested subsamples (N/4, N/2, N)."""
    index, conf = ("ST", "ST_conf") if method == "sobol" else ("mu_star", "mu_star_conf")
    symbol = "ST" if method == "sobol" else "mu*"
    table = convergence[convergence["outcome"] == outcome]
    final = table[table["fraction"] == table["fraction"].max()].sort_values(index, ascending=False)
    shown = final["name"].head(len(PALETTE)).tolist()
    fig, (ax,) = new_figure(1)
    for i, (colour, name) in enumerate(zip(PALETTE, shown, strict=False)):
        rows = table[table["name"] == name]
        # the series are spread a little sideways so that their intervals do not hide each other
        dodge = 2 ** (0.04 * (i - (len(shown) - 1) / 2))
        values, err = rows[index].to_numpy(float), rows[conf].to_numpy(float)
        lower = np.minimum(err, values) if method == "morris" else err  # mu* >= 0
        ax.errorbar(
            rows["rows"] * dodge,
            values,
            yerr=[lower, err],
            color=colour,
            marker="o",
            ms=3,
            capsize=2,
            lw=1.2,
            label=_short(name),
        )
    sizes = sorted(set(table["rows"].astype(int)))
    ax.set_xscale("log", base=2)
    ax.xaxis.set_minor_locator(NullLocator())
    ax.set_xticks(sizes, [str(n) for n in sizes])
    ax.set_xlim(sizes[0] / 2**0.4, sizes[-1] * 2**0.4)
    ax.set_xlabel("sample points used (nested subsamples: N/4, N/2, N)")
    ax.set_ylabel(f"{symbol} with 95 % interval")
    ax.set_title(f"Convergence of {symbol}: {outcome}")
    ax.legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    ax.grid(alpha=0.3)
    return save(fig, path, provenance)


def all_figures(result: dict, method: str, out: Path, provenance: dict[str, str] | None = None) -> list[Path]:
    """Every figure of a sensitivity result, one set per outcome, under ``out/figures``."""
    files: list[Path] = []
    for outcome in result["indices"]["outcome"].unique():
        # default outcome names hold "." and ":" (indicator.group:treatment-minus); neither may
        # reach the file name, where a "." would be taken for the suffix and files overwritten
        stem = Path(out) / "figures" / str(outcome).replace(":", "_").replace(".", "_")
        chart = morris_chart if method == "morris" else sobol_bars
        files += chart(result["indices"], outcome, stem.with_name(f"{stem.name}_{method}"), provenance)
        files += convergence_plot(result["convergence"], outcome, method, stem.with_name(f"{stem.name}_convergence"), provenance)
    return files
