"""Sections on resources: cost per additional sustainable transition, WISE places freed."""

from __future__ import annotations

import math

from throughflow.briefing import quality, tables
from throughflow.briefing.context import Context, interval
from throughflow.briefing.document import Heading, Para, Table
from throughflow.briefing.inputs import FULL, REFERENCE


def costs(c: Context) -> None:
    """Cost per extra sustainable transition (negative = net saving)."""
    c.doc.add(Heading(2, c.t("costs.heading")))
    found = c.headline_source
    if found is None:
        c.note("costs.missing")
        return
    source, ref, new, _ = found
    table = tables.costs(source, ref, new)
    if table.empty:
        c.note("costs.no_table", store=source.name)
        return
    rows, sentence = [], ""
    for g in ("all", "low", "medium", "high"):
        sel = table[table["group"] == g]
        if sel.empty:
            continue
        r = sel.iloc[0]
        key = f"cost.{g}"
        src = r["source"]
        et = c.n(f"{key}.extra_transitions", r["extra_transitions"], "num1", src, "extra_transitions")
        ec = c.n(f"{key}.extra_cost_eur", r["extra_cost_eur"], "eur", src, "extra_cost_eur")
        ratio = c.n(f"{key}.cost_per_transition", r["cost_per_transition"], "eur", src, "cost_per_transition")
        lo = c.n(f"{key}.ci_low", r["ci_low"], "eur", src, "ci_low")
        hi = c.n(f"{key}.ci_high", r["ci_high"], "eur", src, "ci_high")
        na = c.lang.num(None, "eur")
        rows.append([c.lang.group(g), et, ec, ratio, c.t("word.range", low=lo, high=hi) if lo != na else na])
        if g != "all":
            continue
        c.facts["cost.all"] = r
        value, low, high = r["cost_per_transition"], r["ci_low"], r["ci_high"]
        values = {"et": et, "ec": ec, "ratio": ratio, "low": lo, "high": hi}
        if not math.isfinite(value):
            sentence = c.t("costs.none", **values)
        elif value < 0:
            sentence = c.t("costs.saving", **values)
            if math.isfinite(high) and high >= 0:
                sentence += " " + c.t("costs.saving_uncertain")
        else:
            sentence = c.t("costs.cost", **values)
            if math.isfinite(low) and low < 0:
                sentence += " " + c.t("costs.saving_possible")
    c.doc.add(
        Para(sentence + " " + c.t("costs.counted")),
        Table(
            [c.t(f"costs.table.{k}") for k in ("group", "extra", "cost", "ratio", "interval")],
            rows,
            c.caption(c.t("costs.table.caption", new=new, ref=ref)),
        ),
    )


def wise(c: Context) -> None:
    """WISE places freed by throughflow, with its definition."""
    c.doc.add(Heading(2, c.t("wise.heading")))
    found = c.headline_source
    c.doc.add(Para(c.t("wise.definition"), small=True))
    texts = []
    if found is not None:
        source, ref, new, _ = found
        ret = tables.effects(source, ref, new, ("wise_retention",))
        sel = ret[ret["group"] == "all"] if len(ret) else ret
        if len(sel):
            r = sel.iloc[0]
            key = "effect.wise_retention.all"
            a = c.n(f"{key}.reference_mean", r["reference_mean"], "pct", r["source"], "reference_mean")
            b = c.n(f"{key}.mean", r["mean"], "pct", r["source"], "mean")
            d = c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff")
            texts.append(c.t("wise.retained", without=a, with_=b, diff=d, interval=interval(c, key, r)))
    candidates = ([found[0]] if found else []) + sorted(c.inputs.ablation, key=quality.rank, reverse=True)
    places = None
    for source in candidates:
        if (REFERENCE in source.levels and FULL in source.levels) or source.kind == "comparison":
            ref, new = (source.levels[0], source.levels[-1]) if source.kind == "comparison" else (REFERENCE, FULL)
            places = tables.wise_places(source, ref, new)
            if places is not None:
                break
    if places is not None:
        if source.kind != "comparison":
            c.use(source)
        a = c.n("wise.held_reference", places["held_reference"], "num1", places["source"])
        b = c.n("wise.held_treatment", places["held_treatment"], "num1", places["source"])
        f = c.n("wise.freed", places["mean"], "snum1", places["source"])
        texts.append(
            c.t(
                "wise.places", without=a, with_=b, freed=f, interval=interval(c, "wise.freed", places, "snum1"), store=source.name
            )
            + (" " + c.t("wise.negative") if places["mean"] < 0 else "")
        )
    if texts:
        c.doc.add(Para(" ".join(texts)))
    if places is None:
        c.note("wise.missing")
