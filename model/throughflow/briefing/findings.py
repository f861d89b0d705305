"""Sections on the effects: key findings, NEC-entry curves, qualification mix, pillars."""

from __future__ import annotations

from throughflow.briefing import tables
from throughflow.briefing.context import GROUP_NAMES, MEANING, Context, clear, interval, level_label, upper_first
from throughflow.briefing.document import Bullets, Heading, Note, Para, Table
from throughflow.briefing.inputs import FULL, REFERENCE
from throughflow.outcomes import BY_NAME
from throughflow.plots import brief_figures as figs


def headline(c: Context) -> None:
    """Key findings and the table of paired effects."""
    c.doc.add(Heading(2, "Key findings"))
    source = c.inputs.headline()
    if source is None:
        c.doc.add(
            Note(
                "no comparison of the baseline with mentoring-to-NEC was given, so the headline effects are left out. "
                "Run `throughflow compare baseline mentoring` (or the ablation sweep) and pass its folder."
            )
        )
        return
    ref, new = c.inputs.headline_levels() or (REFERENCE, FULL)
    eff = tables.effects(source, ref, new)
    bullets = []
    rows = {(r["indicator"], r["group"]): r for _, r in eff.iterrows()}
    for indicator in tables.HEADLINE:
        r = rows.get((indicator, "all"))
        if r is None:
            continue
        key = f"effect.{indicator}.all"
        a = c.n(f"{key}.reference_mean", r["reference_mean"], "pct", r["source"], "reference_mean")
        b = c.n(f"{key}.mean", r["mean"], "pct", r["source"], "mean")
        d = c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff")
        bullets.append(
            f"**{BY_NAME[indicator].label}.** {upper_first(level_label(new))}, {b} % of the cohort {MEANING[indicator]}, "
            f"against {a} % {level_label(ref)}: **{d} percentage points** (95 % interval {interval(c, key, r)}; "
            f"{clear(r)})."
        )
    parts = []
    for indicator in tables.HEADLINE:
        texts = []
        for g in ("low", "medium", "high"):
            r = rows.get((indicator, g))
            if r is None:
                continue
            key = f"effect.{indicator}.{g}"
            d = c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff")
            texts.append(f"{GROUP_NAMES[g]} {d} pp ({interval(c, key, r)})")
        if texts:
            parts.append(f"{BY_NAME[indicator].label}: {', '.join(texts)}")
    if parts:
        low = rows.get(("throughflow_12m", "low"))
        others = [rows[("throughflow_12m", g)] for g in ("medium", "high") if ("throughflow_12m", g) in rows]
        verdict = ""
        if low is not None and others:
            if all(low["ci_low"] > o["ci_high"] for o in others):
                verdict = " LOW-qualified refugees gain more than MEDIUM and HIGH (the intervals do not overlap)."
            elif all(low["ci_high"] < o["ci_low"] for o in others):
                verdict = " LOW-qualified refugees gain less than MEDIUM and HIGH (the intervals do not overlap)."
            else:
                verdict = " The intervals of LOW and of MEDIUM/HIGH overlap: the model does not separate the groups here."
        bullets.append(
            "**LOW vs MEDIUM/HIGH.** Paired effect by qualification (95 % intervals in brackets). "
            + "; ".join(parts)
            + "."
            + verdict
            + " (MEDIUM and HIGH are shown separately: the stores hold no pooled MEDIUM/HIGH group.)"
        )
    c.doc.add(Bullets(bullets))
    runs_r = int(eff["n"].max()) if len(eff) else 0
    rr = c.n("headline.R", runs_r, "int", {**eff.iloc[0]["source"], "columns": {"n": eff.iloc[0]["source"]["columns"]["n"]}}, "n")
    table_rows = []
    for _, r in eff.iterrows():
        key = f"effect.{r['indicator']}.{r['group']}"
        table_rows.append(
            [
                f"{BY_NAME[r['indicator']].label}: {GROUP_NAMES[r['group']]}",
                c.n(f"{key}.reference_mean", r["reference_mean"], "pct", r["source"], "reference_mean") + " %",
                c.n(f"{key}.mean", r["mean"], "pct", r["source"], "mean") + " %",
                c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff"),
                interval(c, key, r),
            ]
        )
    c.doc.add(
        Table(
            ["Outcome: group", "Without", "With", "Effect (pp)", "95 % interval (pp)"],
            table_rows,
            c.caption(
                f"Paired effect of mentoring-to-NEC ({new} − {ref}), shares of the cohort; R = {rr} paired replications; "
                f"store `{source.name}`."
            ),
        )
    )
    c.headline_source = (source, ref, new, eff)
    c.figure(
        figs.group_effects_figure(eff),
        "effect_by_qualification",
        "Paired effect of mentoring-to-NEC by qualification group (ISCED levels), in percentage points, with 95 % "
        f"intervals over {rr} replications. Store `{source.name}`.",
        source,
    )


def curves(c: Context) -> None:
    """Figure: NEC entry after the contract end, by qualification group."""
    c.doc.add(Heading(2, "NEC entry after the contract end"))
    found = c.headline_source
    if found is None:
        c.doc.add(Note("no comparison store: the NEC-entry curves are left out."))
        return
    source, ref, new, eff = found
    assert source.runs is not None
    labels = (level_label(ref), level_label(new))
    fig = figs.entry_curves_figure(source.runs, source.factor, (ref, new), labels)
    r = int(eff["n"].max())
    c.figure(
        fig,
        "nec_entry_curves",
        f"Share of the cohort that has been in an NEC job by k months after the art. 60 contract ended, {labels[0]} "
        f"(dashed) and {labels[1]} (solid); bands: 95 % intervals over {r} replications. Store `{source.name}`.",
        source,
    )


def mix(c: Context) -> None:
    """Figure: throughflow across the qualification mix, mentoring off and on."""
    c.doc.add(Heading(2, "Across the qualification mix"))
    if not c.inputs.mix:
        c.doc.add(
            Note(
                "no qualification-mix sweep was given, so this section is left out. Run "
                "`throughflow sweep scenarios/sweeps/qualification_mix.yaml` and pass its folder."
            )
        )
        return
    source = c.inputs.mix[0]
    summary = tables.mix_summary(source)
    rows = tables.mix_rows(source, summary)
    rows = rows[rows["diff"].notna()]
    if rows.empty:
        c.doc.add(Note(f"the qualification-mix store `{source.name}` has no paired effects to show."))
        return
    rows = rows.assign(ci_low=rows["diff_ci_low"], ci_high=rows["diff_ci_high"])
    first, last = rows.iloc[0], rows.iloc[-1]
    order = rows["diff"].to_numpy(dtype=float)
    lo_row, hi_row = rows.iloc[int(order.argmin())], rows.iloc[int(order.argmax())]
    texts = []
    for r in (first, last):
        level = str(r["factor:qualification_mix"])
        key = f"mix.throughflow_12m.all.{level}"
        a = c.n(f"{key}.reference_mean", r["reference_mean"], "pct", r["source"], "reference_mean")
        d = c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff")
        texts.append(f"at a share LOW of {level}, {a} % without and an effect of {d} pp ({interval(c, key, r)})")
    lo = c.n("mix.throughflow_12m.all.min_diff", lo_row["diff"], "pp", lo_row["source"], "diff")
    hi = c.n("mix.throughflow_12m.all.max_diff", hi_row["diff"], "pp", hi_row["source"], "diff")
    c.doc.add(
        Para(
            f"The sweep `{source.name}` varies the share of LOW-qualified refugees among arrivals (the rest split evenly "
            f"between MEDIUM and HIGH) with mentoring-to-NEC off and on. For NEC within 12 months (all refugees): "
            f"{texts[0]}; {texts[1]}. Across the mix the effect ranges from {lo} to {hi} percentage points."
        )
    )
    rr = c.n("mix.R", first["n_pairs"], "int", first["source"], "n_pairs")
    c.figure(
        figs.mix_figure(summary, "throughflow_12m"),
        "throughflow_12m_across_mix",
        "NEC within 12 months across the qualification mix. Left: mentoring off (dashed) and on (solid), all "
        "refugees; right: paired effect for all refugees and per qualification group where the group exists. "
        f"95 % intervals over {rr} replications. Store `{source.name}`.",
        source,
    )


def pillars(c: Context) -> None:
    """Figure and text: the contribution of each pillar (ablation)."""
    c.doc.add(Heading(2, "Contribution of each pillar"))
    if not c.inputs.ablation:
        c.doc.add(
            Note(
                "no ablation sweep was given, so the contribution of each pillar is left out. Run "
                "`throughflow sweep scenarios/sweeps/ablation.yaml` (levels baseline, pillar_*, without_*, mentoring) "
                "and pass its folder."
            )
        )
        return
    source = c.inputs.ablation[0]
    table = tables.pillar_effects(source)
    if table.empty:
        c.doc.add(Note(f"the ablation store `{source.name}` has no pillar levels paired with the baseline."))
        return
    sub = table[table["indicator"] == "throughflow_12m"]
    texts = []
    for kind, words in (("alone", "on its own"), ("added last", "added to the other two")):
        part = []
        for _, r in sub[sub["kind"] == kind].iterrows():
            key = f"pillar.throughflow_12m.{r['pillar']}.{kind.replace(' ', '_')}"
            d = c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff")
            part.append(f"{figs.PILLAR_LABELS[r['pillar']].lower()} {d} pp ({interval(c, key, r)})")
        if part:
            texts.append(f"{words}: " + "; ".join(part))
    text = (
        f"The ablation sweep `{source.name}` runs each pillar alone and each combination of two against the baseline "
        "on common seeds. Effect on NEC within 12 months (all refugees), 95 % intervals in brackets. "
        + ". ".join(t[0].upper() + t[1:] for t in texts)
        + "."
    )
    whole = sub[sub["kind"] == "all three"]
    if len(whole):
        r = whole.iloc[0]
        d = c.n("pillar.throughflow_12m.all_three.diff", r["diff"], "pp", r["source"], "diff")
        text += f" All three pillars together: {d} pp ({interval(c, 'pillar.throughflow_12m.all_three', r)})."
    inter = tables.interaction(source)
    if inter is not None:
        s = c.n("pillar.throughflow_12m.sum_alone", inter["sum_alone"], "pp", inter["source"])
        i = c.n("pillar.throughflow_12m.interaction", inter["mean"], "pp", inter["source"])
        word = {
            "clearly above zero": "the pillars reinforce each other",
            "clearly below zero": "the pillars partly substitute for each other",
        }.get(clear(inter), "no clear interaction")
        text += (
            f" The three pillars alone add up to {s} pp; together they give {i} pp more than that "
            f"({interval(c, 'pillar.throughflow_12m.interaction', inter)}): {word}."
        )
    c.doc.add(Para(text))
    c.figure(
        figs.pillar_figure(table),
        "pillar_contributions",
        "Contribution of each pillar: the pillar alone against the baseline, the pillar added to the other two "
        f"(mentoring − without the pillar), and all three against the baseline. Store `{source.name}`.",
        source,
    )
