"""Figure of the section "Who should get a mentor?": extra sustainable transitions per 100 mentor pair-months.

Left: per targeting rule (rows) and qualification group (colours, with a distinct marker
each), the extra sustainable NEC transitions per 100 pair-months, mean and 95 % interval
(the groups add up to all refugees). Right, when a targeting sweep across the qualification
mix is given: per rule (line style and marker), the effect on the share of the cohort with
a sustainable NEC job across the mix — the measure the rules are ranked on. Okabe-Ito
colours, markers and line styles keep the series apart without colour.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from throughflow.briefing.i18n import ENGLISH, Lang
from throughflow.plots.mix import mix_positions
from throughflow.plots.style import HALF_A4, PALETTE, new_figure

if TYPE_CHECKING:
    from throughflow.briefing.targeting_tables import Targeting

GROUP_STYLE = {"all": (PALETTE[7], "o"), "low": (PALETTE[2], "s"), "medium": (PALETTE[3], "^"), "high": (PALETTE[4], "D")}
RULE_STYLE = (("-", "o", PALETTE[0]), ("--", "s", PALETTE[1]), (":", "^", PALETTE[5]), ("-.", "D", PALETTE[7]))


def targeting_figure(
    default: Targeting, mixes: list[Targeting] | None = None, lang: Lang = ENGLISH, names: dict[str, str] | None = None
) -> Figure:
    """Extra sustainable transitions per 100 mentor pair-months by rule and group (and across the mix).

    Args:
        default: The rules compared at the default qualification mix.
        mixes: The rules compared at every mix of a targeting sweep across the mix (right panel), or ``None``.
        lang: Language of the labels.
        names: Rule labels (default: the level names).

    Returns:
        The figure: left one error bar per rule and group; right one line per rule.
    """
    from throughflow.briefing.targeting_tables import RANKED

    names = names or {}
    fig, axes = new_figure(2 if mixes else 1, sharey=False)
    fig.set_size_inches(HALF_A4[0], 3.4)
    left = axes[0]
    rules = [r for r in default.rules if r.used]
    for i, arm in enumerate(reversed(rules)):
        for j, (group, (colour, marker)) in enumerate(GROUP_STYLE.items()):
            e = arm.per100[group]
            y = i + (1.5 - j) * 0.17
            err = [[np.nan_to_num(e.mean - e.low)], [np.nan_to_num(e.high - e.mean)]]
            label = (lang.group(group) if group != "all" else lang.group("all", long=True)) if i == 0 else None
            left.errorbar(
                [e.mean], [y], xerr=err, fmt=marker, color=colour, ms=5 if group == "all" else 4, capsize=2, lw=1.3, label=label
            )
    left.axvline(0.0, color="0.4", lw=0.8, zorder=0)
    left.set_yticks(range(len(rules)), [names.get(r.rule, r.rule) for r in reversed(rules)])
    left.set_xlabel(lang.t("figure.targeting.x"))
    left.set_title(lang.t("figure.targeting.left"), fontsize=9)
    left.grid(axis="x", alpha=0.3)
    handles, labels = left.get_legend_handles_labels()
    if mixes:
        right = axes[1]
        positions = mix_positions([str(t.mix) for t in mixes])
        order = sorted(mixes, key=lambda t: positions[str(t.mix)])
        for k, rule in enumerate(x.rule for x in mixes[0].rules):
            xs, ys, lo, hi = [], [], [], []
            for t in order:
                found = next((x for x in t.rules if x.rule == rule and RANKED in x.effects), None)
                if found is None:
                    continue
                e = found.effects[RANKED]
                xs.append(positions[str(t.mix)] + (k - 1) * 0.012)
                ys.append(e.mean * 100)
                lo.append(np.nan_to_num(e.mean - e.low) * 100)
                hi.append(np.nan_to_num(e.high - e.mean) * 100)
            style, marker, colour = RULE_STYLE[k % len(RULE_STYLE)]
            right.errorbar(
                xs, ys, yerr=[lo, hi], ls=style, marker=marker, color=colour, ms=4, capsize=2, lw=1.4, label=names.get(rule, rule)
            )
        right.set_xticks([positions[str(t.mix)] for t in order], [str(t.mix) for t in order])
        right.set_xlabel(lang.t("figure.targeting.x_mix"))
        right.set_ylabel(lang.t("figure.targeting.y_right"))
        right.set_title(lang.t("figure.targeting.right"), fontsize=9)
        right.grid(alpha=0.3)
        right.legend(loc="best", frameon=False, fontsize=7)
    fig.legend(handles, labels, loc="outside lower center", ncols=4, frameon=False)
    formatter = FuncFormatter(lambda v, _: lang.decimal(v, 1))
    left.xaxis.set_major_formatter(formatter)
    if mixes:
        axes[1].yaxis.set_major_formatter(formatter)
    fig.suptitle(lang.t("figure.targeting.title"), fontsize=10)
    return fig
