"""The bottom-line box at the top of the brief, written from the numbers the sections found.

It is built last (the sections leave their results in ``c.facts``) and placed first. Every
sentence is chosen by the results: the answer to the founding question and the targeting
verdict (from the section "Who should get a mentor?"), the headline effect and its cost,
whether the best rule changes with the qualification mix, and whether any result is
preliminary.
"""

from __future__ import annotations

import math

from throughflow.briefing.context import Context, clear, has_band, labelled, widest
from throughflow.briefing.document import Box


def _headline(c: Context) -> str:
    r = c.facts.get("headline.sustainable_nec")
    if r is None:
        return c.t("bottom.no_headline")
    key = "effect.sustainable_nec.all"
    text = c.t(
        "bottom.headline",
        reference=c.n(f"{key}.reference_mean", r["reference_mean"], "pct", r["source"], "reference_mean"),
        mean=c.n(f"{key}.mean", r["mean"], "pct", r["source"], "mean"),
        diff=c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff"),
        interval=labelled(c, key, r),
        clear=clear(c, r),
    )
    planning = c.facts.get("cost.planning")
    cost = planning if planning is not None else c.facts.get("cost.all")
    if cost is not None:
        value = cost["cost_per_transition"]
        key = f"cost.h{int(cost['horizon_months'])}" if planning is not None else "cost.all"
        ratio = c.n(f"{key}.cost_per_transition", value, "eur", cost["source"], "cost_per_transition")
        if planning is not None:
            years = int(cost["horizon_months"]) / 12
            text += " " + c.t("bottom.horizon", years=c.lang.num(years, "int" if years == int(years) else "num1"))
            ratio += " (" + widest(c, key, cost, "eur") + ")"
        highs = [cost["ci_high"]] + ([cost["band_high"]] if has_band(cost) else [])
        if not math.isfinite(value):
            text += " " + c.t("bottom.cost_none")
        elif value < 0:
            sure = all(math.isfinite(h) and h < 0 for h in highs)
            text += " " + c.t("bottom.saving" if sure else "bottom.saving_uncertain", ratio=ratio)
        else:
            text += " " + c.t("bottom.cost", ratio=ratio)
        if c.facts.get("cost.context"):
            text += " " + c.facts["cost.context"]
    return text


def bottom_line(c: Context, at: int) -> None:
    """Insert the bottom-line box at position ``at`` of the document."""
    lines = []
    answer = c.facts.get("targeting.answer")
    if answer is not None:
        lines.append(f"**{c.t('bottom.question')}** {answer[0]}")
        lines.append(answer[1])
    else:
        lines.append(f"**{c.t('bottom.question')}** {c.t('bottom.no_targeting')}")
    if c.facts.get("targeting.mix"):
        lines.append(c.facts["targeting.mix"][:1].upper() + c.facts["targeting.mix"][1:])
    lines.append(_headline(c))
    prelim = c.facts.get("preliminary", 0)
    where = {
        "store": [str(s.path) for s in c.used],
        "table": "manifest.json and indices/convergence of each store used",
        "row": "all",
        "column": "size against the declared minimum (throughflow.briefing.quality.size)",
    }
    if not c.used:
        footer = c.t("bottom.nothing")
    elif prelim:
        footer = c.t(
            "bottom.preliminary",
            k=c.n("bottom.preliminary", prelim, "int", where),
            n=c.n("bottom.results", len(c.used), "int", where),
        )
    else:
        footer = c.t("bottom.full", n=c.n("bottom.results", len(c.used), "int", where))
    c.doc.blocks[at:at] = [Box(c.t("bottom.title"), lines, footer, bottom=True)]
