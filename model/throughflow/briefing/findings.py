"""Sections on the effects: key findings, NEC-entry curves, qualification mix, pillars."""

from __future__ import annotations

from throughflow.briefing import quality, tables
from throughflow.briefing.activities import activities
from throughflow.briefing.context import Context, band, clear, has_band, interval, labelled, level_label, upper_first, widest
from throughflow.briefing.document import Bullets, Heading, Para, Table
from throughflow.briefing.inputs import FULL, REFERENCE
from throughflow.briefing.intervals import COMMAND
from throughflow.plots import brief_figures as figs


def headline(c: Context) -> None:
    """Key findings and the table of paired effects."""
    c.doc.add(Heading(2, c.t("headline.heading")))
    source = c.inputs.headline()
    if source is None:
        c.note("headline.missing")
        return
    c.use(source)
    ref, new = c.inputs.headline_levels() or (REFERENCE, FULL)
    eff = tables.effects(source, ref, new)
    bullets = []
    rows = {(r["indicator"], r["group"]): r for _, r in eff.iterrows()}
    for indicator in tables.HEADLINE:
        r = rows.get((indicator, "all"))
        if r is None:
            continue
        key = f"effect.{indicator}.all"
        bullets.append(
            c.t(
                "headline.bullet",
                label=c.lang.indicator(indicator),
                level=upper_first(level_label(c, new)),
                meaning=c.t(f"meaning.{indicator}", mean=c.n(f"{key}.mean", r["mean"], "pct", r["source"], "mean")),
                reference=c.n(f"{key}.reference_mean", r["reference_mean"], "pct", r["source"], "reference_mean"),
                reference_level=level_label(c, ref),
                diff=c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff"),
                interval=labelled(c, key, r),
                clear=clear(c, r),
            )
        )
        c.facts[f"headline.{indicator}"] = r
    parts = []
    for indicator in tables.HEADLINE:
        texts = []
        for g in ("low", "medium", "high"):
            r = rows.get((indicator, g))
            if r is None:
                continue
            key = f"effect.{indicator}.{g}"
            d = c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff")
            texts.append(c.t("headline.group_effect", group=c.lang.group(g), diff=d, interval=widest(c, key, r)))
        if texts:
            parts.append(f"{c.lang.indicator(indicator)}: {', '.join(texts)}")
    if parts:
        low = rows.get(("throughflow_12m", "low"))
        others = [rows[("throughflow_12m", g)] for g in ("medium", "high") if ("throughflow_12m", g) in rows]
        verdict = ""
        if low is not None and others:
            if all(low["ci_low"] > o["ci_high"] for o in others):
                verdict = c.t("headline.low_gains_more")
            elif all(low["ci_high"] < o["ci_low"] for o in others):
                verdict = c.t("headline.low_gains_less")
            else:
                verdict = c.t("headline.groups_overlap")
        bullets.append(c.t("headline.groups", parts="; ".join(parts), verdict=verdict))
    c.doc.add(Bullets(bullets))
    runs_r = int(eff["n"].max()) if len(eff) else 0
    rr = c.n("headline.R", runs_r, "int", {**eff.iloc[0]["source"], "columns": {"n": eff.iloc[0]["source"]["columns"]["n"]}}, "n")
    table_rows = []
    banded = any(has_band(r) for _, r in eff.iterrows())
    for _, r in eff.iterrows():
        key = f"effect.{r['indicator']}.{r['group']}"
        cells = [
            f"{c.lang.indicator(r['indicator'])}: {c.lang.group(r['group'])}",
            c.n(f"{key}.reference_mean", r["reference_mean"], "pct", r["source"], "reference_mean") + " %",
            c.n(f"{key}.mean", r["mean"], "pct", r["source"], "mean") + " %",
            c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff"),
            interval(c, key, r),
        ]
        if banded:
            cells.append(band(c, key, r) or c.lang.num(None, "pp"))
        table_rows.append(cells)
    columns = ("outcome", "without", "with", "effect", "interval") + (("band",) if banded else ())
    c.doc.add(
        Table(
            [c.t(f"headline.table.{k}") for k in columns],
            table_rows,
            c.caption(c.t("headline.table.caption", new=new, ref=ref, R=rr, store=source.name)),
        )
    )
    if banded:
        c.doc.add(Para(c.t("headline.two_intervals"), small=True))
    else:
        c.doc.add(Para(c.t("headline.seeds_only", command=COMMAND), small=True))
    c.headline_source = (source, ref, new, eff)
    c.facts["headline.R"] = runs_r
    c.figure(
        figs.group_effects_figure(eff, lang=c.lang),
        "effect_by_qualification",
        c.t("headline.figure", R=rr, store=source.name),
        source,
    )


def curves(c: Context) -> None:
    """Figure: NEC entry after the contract end, by qualification group."""
    c.doc.add(Heading(2, c.t("curves.heading")))
    found = c.headline_source
    if found is None:
        c.note("curves.missing")
        return
    source, ref, new, eff = found
    assert source.runs is not None
    labels = (level_label(c, ref), level_label(c, new))
    fig = figs.entry_curves_figure(source.runs, source.factor, (ref, new), labels, lang=c.lang)
    r = c.lang.num(int(eff["n"].max()), "int")
    c.figure(fig, "nec_entry_curves", c.t("curves.figure", without=labels[0], with_=labels[1], R=r, store=source.name), source)


def mix(c: Context) -> None:
    """Figure: throughflow across the qualification mix, mentoring off and on."""
    c.doc.add(Heading(2, c.t("mix.heading")))
    source = quality.best(c.inputs.mix)
    if source is None:
        c.note("mix.missing")
        return
    summary = tables.mix_summary(source)
    rows = tables.mix_rows(source, summary)
    rows = rows[rows["diff"].notna()]
    if rows.empty:
        c.note("mix.empty", store=source.name)
        return
    c.use(source)
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
        texts.append(c.t("mix.at_level", level=level, without=a, diff=d, interval=interval(c, key, r)))
    lo = c.n("mix.throughflow_12m.all.min_diff", lo_row["diff"], "pp", lo_row["source"], "diff")
    hi = c.n("mix.throughflow_12m.all.max_diff", hi_row["diff"], "pp", hi_row["source"], "diff")
    c.doc.add(Para(c.t("mix.text", store=source.name, first=texts[0], last=texts[1], low=lo, high=hi)))
    rr = c.n("mix.R", first["n_pairs"], "int", first["source"], "n_pairs")
    c.figure(
        figs.mix_figure(
            summary, "throughflow_12m", factor=source.factor, reference=source.reference, treatment=source.treatment, lang=c.lang
        ),
        "throughflow_12m_across_mix",
        c.t("mix.figure", R=rr, store=source.name),
        source,
    )


def pillars(c: Context) -> None:
    """Figure and text: the contribution of each pillar (ablation)."""
    c.doc.add(Heading(2, c.t("pillars.heading")))
    source = quality.best(c.inputs.ablation)
    if source is None:
        c.note("pillars.missing")
        return
    table = tables.pillar_effects(source)
    if table.empty:
        c.note("pillars.empty", store=source.name)
        return
    c.use(source)
    sub = table[table["indicator"] == "throughflow_12m"]
    texts = []
    for kind in ("alone", "added last"):
        part = []
        for _, r in sub[sub["kind"] == kind].iterrows():
            key = f"pillar.throughflow_12m.{r['pillar']}.{kind.replace(' ', '_')}"
            d = c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff")
            part.append(c.t("pillars.item", pillar=c.t(f"pillar.{r['pillar']}").lower(), diff=d, interval=interval(c, key, r)))
        if part:
            texts.append(upper_first(c.t(f"pillars.{kind.replace(' ', '_')}", items="; ".join(part))))
    text = c.t("pillars.text", store=source.name, parts=". ".join(texts))
    whole = sub[sub["kind"] == "all three"]
    if len(whole):
        r = whole.iloc[0]
        d = c.n("pillar.throughflow_12m.all_three.diff", r["diff"], "pp", r["source"], "diff")
        text += " " + c.t("pillars.all_three", diff=d, interval=interval(c, "pillar.throughflow_12m.all_three", r))
    inter = tables.interaction(source)
    if inter is not None:
        s = c.n("pillar.throughflow_12m.sum_alone", inter["sum_alone"], "pp", inter["source"])
        i = c.n("pillar.throughflow_12m.interaction", inter["mean"], "pp", inter["source"])
        word = {c.t("clear.above"): c.t("pillars.reinforce"), c.t("clear.below"): c.t("pillars.substitute")}.get(
            clear(c, inter), c.t("pillars.no_interaction")
        )
        text += " " + c.t(
            "pillars.interaction", sum=s, more=i, interval=interval(c, "pillar.throughflow_12m.interaction", inter), word=word
        )
    c.doc.add(Para(text))
    c.figure(figs.pillar_figure(table, lang=c.lang), "pillar_contributions", c.t("pillars.figure", store=source.name), source)
    activities(c, source)
