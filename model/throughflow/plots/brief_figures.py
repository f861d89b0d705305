"""Figures of the policy brief, from stored results only; each returns a matplotlib Figure.

Labels come from the brief's catalogue in the language asked (``lang``, English by default;
English indicator labels are the declared ones, :data:`throughflow.outcomes.INDICATORS`);
shares are shown in percent and differences of shares in percentage points, with the
language's decimal mark. Save a figure with :func:`save_figure` (PNG at 300 dpi with
provenance metadata, and SVG). All functions work in a notebook as well as in
:func:`throughflow.brief.write_brief`.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from throughflow.analysis.summary import curve_bands
from throughflow.briefing.i18n import ENGLISH, Lang
from throughflow.outcomes import BY_NAME
from throughflow.plots.mix import mix_positions
from throughflow.plots.style import HALF_A4, PALETTE, new_figure, save

GROUPS = ("all", "low", "medium", "high")
"""Qualification groups, in the order the brief shows them."""

PILLARS = ("one_on_one", "organisation", "labs", "all three")
"""Pillars, in the order the brief shows them."""


def group_label(group: str, lang: Lang = ENGLISH) -> str:
    """A qualification group as labelled in figures (``LOW (ISCED 0–2)``)."""
    return lang.group(group, long=True)


def pillar_label(pillar: str, lang: Lang = ENGLISH) -> str:
    """A pillar as labelled in the brief."""
    return lang.t(f"pillar.{pillar.replace(' ', '_')}")


def _local(text: str, lang: Lang) -> str:
    text = text.replace("-", "\u2212")
    return text.replace(".", ",") if lang.code == "nl" else text


def percent(lang: Lang = ENGLISH) -> FuncFormatter:
    """Axis ticks of a share, in percent, with the language's decimal mark."""
    return FuncFormatter(lambda v, _: _local(f"{v * 100:.3g}", lang))


def points(lang: Lang = ENGLISH) -> FuncFormatter:
    """Axis ticks of a difference of shares, in signed percentage points."""
    return FuncFormatter(lambda v, _: _local(f"{v * 100:+.3g}", lang) if abs(v) > 1e-12 else "0")


PERCENT = percent()
"""Axis ticks of a share, in percent (English)."""

POINTS = points()
"""Axis ticks of a difference of shares, in signed percentage points (English)."""


def save_figure(fig: Figure, path: Path, provenance: dict[str, str] | None = None) -> list[Path]:
    """Save a brief figure as PNG (300 dpi, provenance metadata) and SVG, and close it."""
    return save(fig, path, provenance)


def _axis_unit(indicator: str, lang: Lang, difference: bool = False) -> str:
    unit = BY_NAME[indicator].unit
    if unit == "share":
        return lang.t("figure.points" if difference else "figure.percent")
    return unit


def _grid(rows: int, cols: int, sharey: bool = True) -> tuple[Figure, np.ndarray]:
    new_figure(1)  # applies the house font sizes
    plt.close("all")
    fig, axes = plt.subplots(rows, cols, figsize=HALF_A4, sharex=True, sharey=sharey, squeeze=False, layout="constrained")
    return fig, axes


def entry_curves_figure(
    runs: pd.DataFrame,
    factor: str,
    levels: tuple[str, str],
    labels: tuple[str, str] | None = None,
    groups: tuple[str, ...] = ("all", "low", "medium", "high"),
    lang: Lang = ENGLISH,
) -> Figure:
    """NEC entry after the contract end, reference vs compared level, mean with 95 % band.

    Args:
        runs: A run table holding both levels of ``factor`` (other factors fixed).
        factor: The compared factor (``scenario`` for a comparison).
        levels: Reference and compared level.
        labels: Legend labels of the two levels (default: the level names).
        groups: One panel per qualification group (2 x 2 for four).
        lang: Language of the labels.

    Returns:
        The figure: per panel two lines and two bands.
    """
    indicator = BY_NAME["nec_entry_after_contract"]
    key = f"factor:{factor}"
    labels = labels or levels
    sub = runs[runs[key].astype(str).isin(levels)]
    points = sub.drop_duplicates("point").set_index("point")[key].astype(str)
    cols = 2 if len(groups) > 1 else 1
    fig, axes = _grid(int(np.ceil(len(groups) / cols)), cols)
    styles = ("--", "-")
    extent: list[float] = []
    for ax, group in zip(axes.flat, groups, strict=False):
        bands = curve_bands(sub, f"{indicator.name}.{group}")
        extent += [
            float(np.nanmin(bands[["mean", "ci_low"]].to_numpy())),
            float(np.nanmax(bands[["mean", "ci_high"]].to_numpy())),
        ]
        for i, level in enumerate(levels):
            for point in points[points == level].index:
                b = bands[bands["point"] == point]
                ax.fill_between(b["k"], b["ci_low"], b["ci_high"], color=PALETTE[i], alpha=0.25, lw=0)
                ax.plot(b["k"], b["mean"], color=PALETTE[i], ls=styles[i], lw=1.8, label=labels[i])
        ax.set_title(group_label(group, lang), fontsize=9)
        ax.set_xticks([0, 6, 12, 18, 24])
        ax.yaxis.set_major_formatter(percent(lang))
        ax.grid(alpha=0.3)
    for ax in axes.flat[len(groups) :]:
        ax.set_visible(False)
    if extent:  # shares: bands of few replications can pass 0 or 100 %; cut them there
        low, high = max(0.0, min(extent)), min(1.0, max(extent))
        pad = 0.04 * (high - low or 1.0)
        axes.flat[0].set_ylim(max(0.0, low - pad), min(1.0, high + pad))
    fig.supxlabel(lang.t("figure.curves.x"), fontsize=9)
    fig.supylabel(lang.t("figure.curves.y"), fontsize=9)
    axes.flat[0].legend(loc="upper left", frameon=False)
    fig.suptitle(lang.t("figure.curves.title", label=lang.indicator(indicator.name)), fontsize=10)
    return fig


def group_effects_figure(
    effects: pd.DataFrame, indicators: tuple[str, ...] = ("throughflow_12m", "sustainable_nec"), lang: Lang = ENGLISH
) -> Figure:
    """The paired effect per qualification group, one panel per indicator, with 95 % intervals.

    Args:
        effects: Rows indicator, group, diff, ci_low, ci_high (see ``briefing.tables.effects``).
        indicators: One panel each.
        lang: Language of the labels.

    Returns:
        The figure: per panel one point with an interval per group present.
    """
    fig, axes = new_figure(len(indicators), sharey=True)
    fig.set_size_inches(HALF_A4[0], 3.0)
    order = [g for g in GROUPS if g in set(effects["group"])]
    y = {g: len(order) - 1 - i for i, g in enumerate(order)}
    for ax, indicator in zip(axes, indicators, strict=True):
        sub = effects[effects["indicator"] == indicator]
        for _, row in sub.iterrows():
            g = row["group"]
            colour = (
                PALETTE[7]
                if g == "all"
                else PALETTE[("low", "medium", "high").index(g) + 2]
                if g in ("low", "medium", "high")
                else PALETTE[0]
            )
            low = np.nan_to_num(row["diff"] - row["ci_low"])
            high = np.nan_to_num(row["ci_high"] - row["diff"])
            ax.errorbar(
                [row["diff"]], [y[g]], xerr=[[low], [high]], fmt="o", color=colour, ms=6 if g == "all" else 5, capsize=3, lw=1.6
            )
            ax.annotate(
                lang.decimal(row["diff"] * 100, 1, sign=True),
                (row["diff"], y[g]),
                xytext=(0, 6),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
        ax.axvline(0.0, color="0.4", lw=0.8, zorder=0)
        ax.set_title(lang.indicator(indicator))
        ax.set_xlabel(lang.t("figure.paired_effect", unit=_axis_unit(indicator, lang, True)))
        ax.xaxis.set_major_formatter(points(lang))
        left, right = ax.get_xlim()
        ax.set_xlim(min(left, 0.0), max(right, 0.0) + 0.05 * (right - left))
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(list(y.values()), [group_label(g, lang) for g in y])
    axes[0].set_ylim(-0.6, len(order) - 0.4)
    fig.suptitle(lang.t("figure.groups.title"), fontsize=10)
    return fig


def mix_figure(
    summary: pd.DataFrame,
    indicator: str = "throughflow_12m",
    mix: str = "qualification_mix",
    factor: str = "mentoring",
    reference: str = "off",
    treatment: str = "",
    lang: Lang = ENGLISH,
) -> Figure:
    """An indicator with mentoring off and on across the qualification mix, and the paired effect per group.

    Args:
        summary: ``summarize_runs(runs, factor, reference)`` of a sweep with factors ``mix`` and ``factor``.
        indicator: A scalar indicator.
        mix: The mix factor (level labels are shares LOW: ``"0"``, ``"1/3"``, ...).
        factor: The mentoring factor.
        reference: Its reference level (without mentoring-to-NEC).
        treatment: Its level with mentoring-to-NEC (default: the first other level).
        lang: Language of the labels.

    Returns:
        The figure: left one line and band per level of ``factor``; right one series per group.
    """
    mix_col, f_col = f"factor:{mix}", f"factor:{factor}"
    rows = summary[summary["indicator"] == indicator].copy()
    rows[mix_col] = rows[mix_col].astype(str)
    rows[f_col] = rows[f_col].astype(str)
    positions = mix_positions(list(dict.fromkeys(rows[mix_col])))
    rows["x"] = rows[mix_col].map(positions)
    rows = rows.sort_values("x", kind="stable")
    levels = list(dict.fromkeys(rows[f_col]))
    others = [treatment] if treatment else [lv for lv in levels if lv != reference][:1]
    names = {reference: lang.t("level.without"), **{lv: lang.t("level.with") for lv in others}}
    fig, (left, right) = new_figure(2, sharey=False)
    for i, level in enumerate([reference, *others]):
        sub = rows[(rows[f_col] == level) & (rows["group"] == "all")]
        sub = sub[np.isfinite(sub["mean"].to_numpy(dtype=float))]
        left.fill_between(sub["x"], sub["ci_low"], sub["ci_high"], color=PALETTE[i], alpha=0.22, lw=0)
        left.plot(
            sub["x"],
            sub["mean"],
            color=PALETTE[i],
            marker="o",
            ms=4,
            lw=1.8,
            ls="--" if level == reference else "-",
            label=names[level],
        )
    left.set_title(group_label("all", lang))
    left.set_ylabel(f"{lang.indicator(indicator)} ({_axis_unit(indicator, lang)})")
    left.yaxis.set_major_formatter(percent(lang))
    if BY_NAME[indicator].unit == "share":
        low, high = left.get_ylim()
        left.set_ylim(max(low, 0.0), min(high, 1.0))
    left.legend(loc="upper right", frameon=False)
    span = (max(positions.values()) - min(positions.values())) or 1.0
    treatment = others[0] if others else reference
    drawn = 0
    for j, g in enumerate(GROUPS):
        sub = rows[(rows[f_col] == treatment) & (rows["group"] == g)]
        sub = sub[np.isfinite(sub["diff"].to_numpy(dtype=float))]
        if sub.empty:
            continue
        colour = PALETTE[7] if g == "all" else PALETTE[j + 1]
        lower = np.nan_to_num(sub["diff"] - sub["diff_ci_low"])
        upper = np.nan_to_num(sub["diff_ci_high"] - sub["diff"])
        right.errorbar(
            sub["x"] + (j - 1.5) * 0.015 * span,
            sub["diff"],
            yerr=[lower, upper],
            color=colour,
            marker="o" if g == "all" else "s",
            ms=4 if g == "all" else 3,
            lw=2.0 if g == "all" else 1.1,
            capsize=2,
            label=lang.group(g) if g != "all" else group_label(g, lang),
        )
        drawn += 1
    right.axhline(0.0, color="0.4", lw=0.8, zorder=0)
    right.set_title(lang.t("figure.mix.effect_title"))
    right.set_ylabel(lang.t("figure.effect", unit=_axis_unit(indicator, lang, True)))
    right.yaxis.set_major_formatter(points(lang))
    if drawn:
        low, high = right.get_ylim()
        right.set_ylim(min(low, 0.0), high + 0.35 * (high - min(low, 0.0)))
        right.legend(loc="upper center", frameon=False, ncols=2, fontsize=7)
    ticks = sorted(positions.items(), key=lambda item: item[1])
    for ax in (left, right):
        ax.set_xticks([x for _, x in ticks], [label for label, _ in ticks])
        ax.grid(alpha=0.3)
    fig.supxlabel(lang.t("figure.mix.x"), fontsize=9)
    fig.suptitle(lang.t("figure.mix.title", label=lang.indicator(indicator)), fontsize=10)
    return fig


def pillar_figure(
    pillars: pd.DataFrame, indicators: tuple[str, ...] = ("throughflow_12m", "sustainable_nec"), lang: Lang = ENGLISH
) -> Figure:
    """Contribution of each pillar: alone, added last to the other two, and all three together.

    Args:
        pillars: Rows indicator, pillar, kind (``alone``, ``added last``, ``all three``), diff,
            ci_low, ci_high (see ``briefing.tables.pillar_effects``).
        indicators: One panel each.
        lang: Language of the labels.

    Returns:
        The figure: per panel one horizontal bar (with a 95 % interval) per row of ``pillars``.
    """
    fig, axes = new_figure(len(indicators), sharey=True)
    fig.set_size_inches(HALF_A4[0], 3.7)
    kinds = {
        "alone": (PALETTE[0], lang.t("figure.pillars.alone")),
        "added last": (PALETTE[1], lang.t("figure.pillars.added_last")),
        "all three": (PALETTE[2], lang.t("figure.pillars.all_three")),
    }
    order = [p for p in PILLARS if p in set(pillars["pillar"])]
    slots: dict[tuple[str, str], float] = {}
    y = 0.0
    for p in reversed(order):
        for kind in ("added last", "alone", "all three"):
            if ((pillars["pillar"] == p) & (pillars["kind"] == kind)).any():
                slots[(p, kind)] = y
                y += 0.38
        y += 0.45
    centres = {p: np.mean([v for (q, _), v in slots.items() if q == p]) for p in order}
    for ax, indicator in zip(axes, indicators, strict=True):
        sub = pillars[pillars["indicator"] == indicator]
        seen: set[str] = set()
        for _, row in sub.iterrows():
            colour, label = kinds[row["kind"]]
            err = [[np.nan_to_num(row["diff"] - row["ci_low"])], [np.nan_to_num(row["ci_high"] - row["diff"])]]
            ax.barh(
                slots[(row["pillar"], row["kind"])],
                row["diff"],
                height=0.34,
                color=colour,
                xerr=err,
                error_kw={"lw": 0.9, "capsize": 2, "ecolor": "black"},
                label=label if label not in seen else None,
            )
            seen.add(label)
        ax.axvline(0.0, color="0.4", lw=0.8)
        ax.set_title(lang.indicator(indicator))
        ax.set_xlabel(lang.t("figure.paired_effect", unit=_axis_unit(indicator, lang, True)))
        ax.xaxis.set_major_formatter(points(lang))
        ax.grid(axis="x", alpha=0.3)
    axes[0].set_yticks(list(centres.values()), [pillar_label(p, lang) for p in centres])
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=3, frameon=False)
    fig.suptitle(lang.t("figure.pillars.title"), fontsize=10)
    return fig


def break_even_figure(
    points: list[tuple[float, float, tuple[float, float], tuple[float, float] | None]], lang: Lang = ENGLISH
) -> Figure:
    """Cumulative extra public cost per refugee of the cohort against the years since arrival.

    Args:
        points: ``(years, mean, (low, high), band or None)`` per horizon: the mean over
            replicates, its 95 % interval (simulation noise) and the 5–95 % band including
            the uncertainty about the model's parameters (``None`` without a posterior).
        lang: Language of the labels.

    Returns:
        The figure: the mean curve from zero at arrival, its interval as error bars, the band
        as a light area when present, and the zero line where savings overtake the cost.
    """
    fig, axes = new_figure(1)
    ax = axes[0]
    fig.set_size_inches(HALF_A4[0], 3.0)
    years = np.array([0.0] + [p[0] for p in points])
    mean = np.array([0.0] + [p[1] for p in points])
    low = np.array([0.0] + [p[2][0] for p in points])
    high = np.array([0.0] + [p[2][1] for p in points])
    bands = [p[3] for p in points]
    if all(b is not None for b in bands):
        ax.fill_between(
            years,
            [0.0] + [b[0] for b in bands if b is not None],
            [0.0] + [b[1] for b in bands if b is not None],
            color=PALETTE[1],
            alpha=0.25,
            lw=0,
            label=lang.t("figure.break_even.parameters"),
        )
    ax.axhline(0.0, color="black", lw=0.8)
    ax.plot(years, mean, color=PALETTE[0], lw=1.8, marker="o", ms=4, label=lang.t("figure.break_even.mean"))
    err = [np.nan_to_num(mean - low)[1:], np.nan_to_num(high - mean)[1:]]
    ax.errorbar(
        years[1:], mean[1:], yerr=err, fmt="none", ecolor=PALETTE[0], capsize=3, lw=1.0, label=lang.t("figure.break_even.seeds")
    )
    ax.set_xlabel(lang.t("figure.break_even.x"))
    ax.set_ylabel(lang.t("figure.break_even.y"))
    ax.set_title(lang.t("figure.break_even.title"), fontsize=9)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _local(f"{v:,.0f}".replace(",", " "), lang)))
    ax.set_xlim(0, max(years.max(), 1.0) + 0.3)
    ax.legend(fontsize=7, frameon=False, loc="best")
    return fig
