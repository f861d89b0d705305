"""An indicator and the paired mentoring effect across the qualification mix, with 95 % intervals."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd

from throughflow.outcomes import BY_NAME
from throughflow.plots.style import PALETTE, new_figure, save

GROUP_LINES = (("all", "all refugees"), ("low", "LOW"), ("medium", "MEDIUM"), ("high", "HIGH"))
"""Groups drawn in the effect panel, with their legend labels."""


def level_value(label: str) -> float | None:
    """The number a mix level label stands for (``"0"``, ``"1/3"``, ``"0.5"``), or ``None``.

    Args:
        label: A level label of the mix factor.

    Returns:
        The share as a float, or ``None`` if the label is not a number or fraction.

    """
    try:
        return float(Fraction(str(label).strip()))
    except (ValueError, ZeroDivisionError):
        return None


def mix_positions(labels: list[str]) -> dict[str, float]:
    """X positions of mix levels: their numeric values if all parse, else their order.

    Args:
        labels: Level labels, in order of appearance.

    Returns:
        Label -> x position.

    """
    values = {label: level_value(label) for label in labels}
    if all(v is not None for v in values.values()):
        return {label: float(v) for label, v in values.items() if v is not None}
    return {label: float(i) for i, label in enumerate(labels)}


def effect_across_mix(
    summary: pd.DataFrame,
    path: Path,
    indicator: str = "throughflow_12m",
    provenance: dict[str, str] | None = None,
    *,
    mix: str = "qualification_mix",
    factor: str = "mentoring",
    reference: str = "off",
    group: str = "all",
) -> list[Path]:
    """Plot an indicator with mentoring off/on, and the paired mentoring effect, across the mix.

    Left panel: the indicator (group ``group``) per level of ``factor`` against the share
    LOW, mean with 95 % interval. Right panel: the paired difference of each non-reference
    level against ``reference`` with its 95 % interval, overall and per qualification group
    where the group exists at that mix (no LOW at share 0, only LOW at share 1).

    Args:
        summary: Output of ``summarize_runs(runs, factor=factor, reference=reference)`` on a
            sweep with factors ``mix`` and ``factor``.
        path: Output path (PNG and SVG are written).
        indicator: A scalar indicator of :data:`throughflow.outcomes.INDICATORS`.
        provenance: Metadata stored in the files.
        mix: The qualification-mix factor; its level labels are shares LOW (``"1/3"``).
        factor: The compared factor.
        reference: Its reference level.
        group: The group drawn in the left panel.

    Returns:
        The files written.

    Raises:
        ValueError: If the summary lacks the factors, the indicator or the paired differences.

    """
    if indicator not in BY_NAME:
        raise ValueError(f"unknown indicator {indicator!r}")
    info = BY_NAME[indicator]
    mix_col, factor_col = f"factor:{mix}", f"factor:{factor}"
    missing = [c for c in (mix_col, factor_col, "diff") if c not in summary.columns]
    if missing:
        raise ValueError(
            f"summary lacks {', '.join(missing)}: pass summarize_runs(runs, factor={factor!r}, reference={reference!r}) "
            f"of a sweep with factors {mix} and {factor}"
        )
    rows = summary[summary["indicator"] == indicator].copy()
    if rows.empty:
        raise ValueError(f"summary has no rows for indicator {indicator!r}")
    rows[mix_col] = rows[mix_col].astype(str)
    rows[factor_col] = rows[factor_col].astype(str)
    positions = mix_positions(list(dict.fromkeys(rows[mix_col])))
    rows["x"] = rows[mix_col].map(positions)
    rows = rows.sort_values("x", kind="stable")
    levels = list(dict.fromkeys(rows[factor_col]))
    if reference not in levels:
        raise ValueError(f"factor {factor} has no level {reference!r} (levels: {', '.join(levels)})")
    others = [level for level in levels if level != reference]

    fig, axes = new_figure(2)
    left = axes[0]
    # The house figure shares y between panels; the effect panel needs its own scale.
    fig.delaxes(axes[1])
    right = fig.add_subplot(1, 2, 2)

    for colour, level in zip(PALETTE, [reference, *others], strict=False):
        sub = rows[(rows[factor_col] == level) & (rows["group"] == group)]
        sub = sub[np.isfinite(sub["mean"].to_numpy(dtype=float))]
        left.fill_between(sub["x"], sub["ci_low"], sub["ci_high"], color=colour, alpha=0.2, lw=0)
        left.plot(sub["x"], sub["ci_low"], color=colour, lw=0.6, alpha=0.6)
        left.plot(sub["x"], sub["ci_high"], color=colour, lw=0.6, alpha=0.6)
        left.plot(sub["x"], sub["mean"], color=colour, marker="o", ms=4, lw=1.8, label=f"{factor} {level}")
    left.set_title(f"By {factor} level ({'all refugees' if group == 'all' else group.upper()})")
    left.set_ylabel(f"{info.label} ({info.unit})")
    left.legend(loc="best", frameon=False)

    series = [(level, g, name) for level in others for g, name in GROUP_LINES]
    span = max(positions.values()) - min(positions.values()) if len(positions) > 1 else 1.0
    step = 0.02 * span
    styles = ("-", "--", ":", "-.")
    drawn = 0
    for i, (level, g, name) in enumerate(series):
        sub = rows[(rows[factor_col] == level) & (rows["group"] == g)]
        sub = sub[np.isfinite(sub["diff"].to_numpy(dtype=float))]
        if sub.empty:
            continue
        colour = PALETTE[(GROUP_LINES.index((g, name)) + 2) % len(PALETTE)] if g != "all" else PALETTE[7]
        offset = (i % len(GROUP_LINES) - (len(GROUP_LINES) - 1) / 2) * step
        label = name if len(others) == 1 else f"{level}: {name}"
        right.errorbar(
            sub["x"] + offset,
            sub["diff"],
            yerr=_yerr(sub, "diff", "diff_ci_low", "diff_ci_high"),
            color=colour,
            marker="o" if g == "all" else "s",
            ms=4 if g == "all" else 3,
            lw=2.0 if g == "all" else 1.2,
            ls=styles[others.index(level) % len(styles)],
            capsize=2.5,
            label=label,
        )
        drawn += 1
    right.axhline(0.0, color="0.4", lw=0.8, zorder=0)
    right.set_title(f"Paired effect, {factor} {' / '.join(others)} − {reference}")
    right.set_ylabel(f"difference in {info.label} ({info.unit})")
    if drawn:
        low, high = right.get_ylim()
        right.set_ylim(low, high + 0.3 * (high - low))  # headroom for the legend above the bars
        right.legend(loc="upper center", frameon=False, ncols=min(2, drawn), handlelength=1.6, columnspacing=1.0)

    ticks = sorted(positions.items(), key=lambda item: item[1])
    for ax in (left, right):
        ax.set_xticks([x for _, x in ticks], [label for label, _ in ticks])
        ax.grid(alpha=0.3)
    fig.supxlabel(f"share LOW qualified ({mix.replace('_', ' ')} level)")
    fig.suptitle(f"{info.label} across the qualification mix: means with 95 % intervals")
    return save(fig, path, provenance)


def _yerr(sub: pd.DataFrame, centre: str, low: str, high: str) -> np.ndarray:
    """Asymmetric error-bar lengths (NaN intervals, e.g. one replicate, give no bar)."""
    mid = sub[centre].to_numpy(dtype=float)
    lower = np.nan_to_num(mid - sub[low].to_numpy(dtype=float), nan=0.0)
    upper = np.nan_to_num(sub[high].to_numpy(dtype=float) - mid, nan=0.0)
    return np.vstack([lower, upper])
