"""Sections on resources: cost per additional sustainable transition, WISE places freed."""

from __future__ import annotations

import math

from throughflow.briefing import tables
from throughflow.briefing.context import GROUP_NAMES, Context, interval
from throughflow.briefing.document import Heading, Note, Para, Table
from throughflow.briefing.inputs import FULL, REFERENCE


def costs(c: Context) -> None:
    """Cost per extra sustainable transition (negative = net saving)."""
    c.doc.add(Heading(2, "Cost per additional sustainable transition"))
    found = c.headline_source
    if found is None:
        c.doc.add(Note("no comparison store: the cost per additional sustainable transition is left out."))
        return
    source, ref, new, _ = found
    table = tables.costs(source, ref, new)
    if table.empty:
        c.doc.add(Note(f"the store `{source.name}` has no cost table."))
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
        rows.append([GROUP_NAMES[g], et, ec, ratio, f"{lo} to {hi}" if lo != "n/a" else "n/a"])
        if g != "all":
            continue
        value, low, high = r["cost_per_transition"], r["ci_low"], r["ci_high"]
        if not math.isfinite(value):
            sentence = (
                f"Mentoring-to-NEC gave no extra sustainable transitions on average ({et} per run), so no cost per "
                f"transition is given; the extra public cost was {ec} per run."
            )
        elif value < 0:
            sentence = (
                f"**Net saving.** The cost per additional sustainable transition is **{ratio}** (95 % interval {lo} to {hi}). "
                "A negative cost means a net saving: with mentoring-to-NEC the public purse spends less in total — less "
                "social assistance and unemployment benefit — while more refugees reach a sustainable NEC job "
                f"({et} more per run; total public cost changes by {ec} per run)."
            )
            if math.isfinite(high) and high >= 0:
                sentence += " The interval reaches above zero, so a net saving is not certain."
        else:
            sentence = (
                f"Each additional sustainable transition costs **{ratio}** of extra public spending (95 % interval {lo} to "
                f"{hi}); {et} more refugees per run reached a sustainable NEC job, at an extra {ec} per run."
            )
            if math.isfinite(low) and low < 0:
                sentence += " The interval reaches below zero: a net saving cannot be ruled out."
    c.doc.add(
        Para(
            sentence
            + " Public cost counts social assistance while waiting, art. 60 subsidy and wage cost, unemployment benefit, "
            "mentoring pair-months, lab seats, employer support and apprenticeships over the simulated period; wages, "
            "taxes and contributions from NEC jobs are not counted."
        ),
        Table(
            [
                "Group",
                "Extra sustainable transitions per run",
                "Extra public cost per run",
                "Cost per extra transition",
                "95 % interval",
            ],
            rows,
            c.caption(
                f"Extra public cost per extra sustainable NEC transition ({new} − {ref}); negative = net saving. Ratio "
                "of mean paired differences; percentile bootstrap interval over replications."
            ),
        ),
    )


def wise(c: Context) -> None:
    """WISE places freed by throughflow, with its definition."""
    c.doc.add(Heading(2, "WISE places freed by throughflow"))
    found = c.headline_source
    c.doc.add(
        Para(
            "*Definition.* A WISE retains some art. 60 workers on a regular WISE contract (status WISE_JOB) when their "
            "contract ends without an NEC job offer. **WISE places freed** = regular WISE places held by former art. 60 "
            "workers at the end of the simulated period (WISE_JOB stock, last month), without minus with "
            "mentoring-to-NEC, per 100 art. 60 contracts started without it; paired by seed. The model does not "
            "reassign a freed place: it is room the WISE gains for another worker. Art. 60 contracts run to their "
            "planned end in the model whether or not a job offer is held, so throughflow does not free art. 60 places "
            "earlier; their number is set by the OCMW budget.",
            small=True,
        )
    )
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
            texts.append(
                f"Retained by the WISE at contract end: {a} % of the cohort without and {b} % with mentoring-to-NEC, "
                f"{d} percentage points ({interval(c, key, r)})."
            )
    candidates = ([found[0]] if found else []) + c.inputs.ablation
    places = None
    for source in candidates:
        if (REFERENCE in source.levels and FULL in source.levels) or source.kind == "comparison":
            ref, new = (source.levels[0], source.levels[-1]) if source.kind == "comparison" else (REFERENCE, FULL)
            places = tables.wise_places(source, ref, new)
            if places is not None:
                break
    if places is not None:
        a = c.n("wise.held_reference", places["held_reference"], "num1", places["source"])
        b = c.n("wise.held_treatment", places["held_treatment"], "num1", places["source"])
        f = c.n("wise.freed", places["mean"], "snum1", places["source"])
        texts.append(
            f"WISE places held at the end per 100 art. 60 contracts: {a} without and {b} with mentoring-to-NEC: "
            f"**{f} places freed per 100 contracts** ({interval(c, 'wise.freed', places, 'snum1')}; store `{source.name}`)"
            + ("." if places["mean"] >= 0 else ": a negative value means more places held, none freed.")
        )
    if texts:
        c.doc.add(Para(" ".join(texts)))
    if places is None:
        c.doc.add(
            Note(
                "none of the stores kept the monthly time series with both the baseline and mentoring-to-NEC, so the "
                "number of WISE places freed is left out (the ablation sweep keeps them: `outputs: {timeseries: true}`)."
            )
        )
