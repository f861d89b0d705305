"""The section "Who should get a mentor?": the targeting rules at equal mentor capacity, and across the mix.

The numbers come from :mod:`throughflow.briefing.targeting_tables`; every sentence with a
verdict is chosen by the signs of the intervals (:meth:`~throughflow.briefing.estimate.Estimate.sign`),
so the wording follows the stored results. The sentences answering the founding question
are also handed to the bottom line (``c.facts["targeting.answer"]``).
"""

from __future__ import annotations

from throughflow.briefing import quality
from throughflow.briefing import targeting_tables as tt
from throughflow.briefing.context import Context, upper_first
from throughflow.briefing.document import Heading, Para, Table
from throughflow.briefing.estimate import INTERVALS, Estimate
from throughflow.briefing.inputs import Source
from throughflow.briefing.stored import default_mix_level
from throughflow.plots.targeting import targeting_figure

GROUPS = ("all", "low", "medium", "high")


def _choose(c: Context) -> tuple[Source, list[tt.Targeting], tt.Targeting] | None:
    """The best targeting store and its comparison at the default mix (a store without the mix factor counts as such)."""
    candidates = []
    for source in c.inputs.targeting:
        results = _analysed(c, source)
        mix = default_mix_level(source) if tt.MIX in source.factors() else None
        found = tt.at_mix(results, mix)
        if found is not None:
            candidates.append((source, results, found))
    if not candidates:
        return None
    plain = [x for x in candidates if tt.MIX not in x[0].factors()]
    best = quality.best([x[0] for x in (plain or candidates)])
    return next(x for x in candidates if x[0] is best)


def _analysed(c: Context, source: Source) -> list[tt.Targeting]:
    """The comparison of a store's rules at every mix (computed once per brief)."""
    cache = c.facts.setdefault("targeting.analysed", {})
    if id(source) not in cache:
        cache[id(source)] = tt.analyse(source)
    return cache[id(source)]


def name(c: Context, rule: str, text: bool = False) -> str:
    """A targeting rule as a label (tables, figures) or, with ``text``, in running text."""
    key = f"targeting.{'rule_text' if text else 'rule'}.{rule}"
    return c.t(key) if c.lang.has(key) else f"`{rule}`"


def _cell(c: Context, key: str, e: Estimate | None, kind: str, unit: str = "") -> str:
    if e is None:
        return "—"
    mean, interval = c.est(key, e, kind)
    text = f"{mean}{unit} ({interval})"
    for extra in INTERVALS[1:]:
        if extra in e.intervals:
            lo, hi = (
                c.n(f"{key}.{extra}_{b}", v, kind, e.source) for b, v in zip(("low", "high"), e.intervals[extra], strict=True)
            )
            text += f"; {c.t(f'interval.{extra}')} {c.t('word.range', low=lo, high=hi)}"
    return text


def _effect(c: Context, t: tt.Targeting, rule: str, prefix: str, unit: str = "") -> str:
    r = next(x for x in t.rules if x.rule == rule)
    return _cell(c, f"{prefix}.{rule}.{'.'.join(tt.RANKED)}", r.effects.get(tt.RANKED), "pp", unit)


def _listing(c: Context, t: tt.Targeting, rules: list[str], prefix: str) -> str:
    pp = c.t("word.pp")
    return c.lang.join([c.t("targeting.value", rule=name(c, r, text=True), value=_effect(c, t, r, prefix, pp)) for r in rules])


def ranking_sentence(c: Context, t: tt.Targeting, prefix: str) -> str:
    """Which rule gets most refugees into a sustainable NEC job at equal capacity, as the intervals allow."""
    ranking = t.ranking
    if ranking.best is None or ranking.kind == "single":
        return c.t("targeting.rank.single", rule=name(c, ranking.best or "-", text=True))
    others = [r.rule for r in t.rules if r.rule not in ranking.leaders]
    values = {"leaders": c.lang.join([name(c, r, text=True) for r in ranking.leaders]), "best": name(c, ranking.best, text=True)}
    if ranking.kind == "clear":
        value = _effect(c, t, ranking.best, prefix, c.t("word.pp"))
        text = c.t("targeting.rank.clear", **values, value=value, others=_listing(c, t, others, prefix))
    elif ranking.kind == "partial":
        text = c.t(
            "targeting.rank.partial",
            **values,
            value=_listing(c, t, ranking.leaders, prefix),
            others=_listing(c, t, others, prefix),
        )
    else:
        text = c.t("targeting.rank.tie", value=_listing(c, t, [r.rule for r in t.rules], prefix))
    same = [c.t("targeting.identical", a=name(c, a, text=True), b=name(c, b, text=True)) for a, b in sorted(ranking.identical)]
    return text + (" " + " ".join(same) if same else "")


def answer_sentence(c: Context, t: tt.Targeting, prefix: str) -> str:
    """The founding question: does a mentor month for LOW-qualified refugees pay off, and compared with MEDIUM/HIGH?"""
    low = next((r for r in t.rules if r.eligible == ("low",) and r.used and r.target is not None), None)
    if low is None:
        return c.t("targeting.answer.no_low_rule")
    assert low.target is not None
    mean, interval = c.est(f"{prefix}.{low.rule}.target", low.target, "num1")
    text = c.t(
        {1: "targeting.answer.positive", 0: "targeting.answer.unclear", -1: "targeting.answer.negative"}[low.target.sign()],
        value=mean,
        interval=interval,
    )
    other = next((r for r in t.rules if r.eligible == ("medium", "high") and r.used and r.target is not None), None)
    if other is not None and other.target is not None:
        d = tt.target_difference(t.source, t.mix, low.rule, other.rule)
        if d is not None:
            value, _ = c.est(f"{prefix}.{other.rule}.target", other.target, "num1")
            diff, diff_interval = c.est(f"{prefix}.{low.rule}-{other.rule}.target_difference", d, "snum1")
            key = {1: "targeting.answer.more", 0: "targeting.answer.same", -1: "targeting.answer.less"}[d.sign()]
            text += " " + c.t(key, value=value, diff=diff, interval=diff_interval)
    return text


def _tables(c: Context, t: tt.Targeting, prefix: str) -> None:
    rows = []
    for r in t.rules:
        for indicator in ("sustainable_nec", "throughflow_12m"):
            cells = [_cell(c, f"{prefix}.{r.rule}.{indicator}.{g}", r.effects.get((indicator, g)), "pp") for g in GROUPS]
            rows.append([f"{name(c, r.rule)}: {c.lang.indicator(indicator)}", *cells])
    r_text = c.lang.num(t.n, "int")
    c.doc.add(
        Table(
            [c.t("targeting.table.rule_outcome"), *[c.lang.group(g) for g in GROUPS]],
            rows,
            c.caption(c.t("targeting.table.effects_caption", R=r_text, store=t.source.name)),
        )
    )
    rows = []
    for r in t.rules:
        where = {**r.total.source, "column": "pair_months", "formula": tt.FORMULAS["pair_months"]}
        pm = c.n(f"{prefix}.{r.rule}.pair_months", r.pair_months, "int", where)
        rows.append(
            [
                name(c, r.rule),
                pm,
                _cell(c, f"{prefix}.{r.rule}.total", r.total, "num1"),
                _cell(c, f"{prefix}.{r.rule}.per100.all", r.per100["all"], "num1")
                if r.used
                else c.t("targeting.nobody_eligible"),
                _cell(c, f"{prefix}.{r.rule}.target", r.target, "num1") if r.used else "—",
                _cell(c, f"{prefix}.{r.rule}.cost", r.cost, "eur"),
            ]
        )
    c.doc.add(
        Table(
            [c.t(f"targeting.table.{k}") for k in ("rule", "pair_months", "total", "per100", "target", "cost")],
            rows,
            c.caption(c.t("targeting.table.capacity_caption", R=r_text)),
        )
    )


def mix_sentence(c: Context, results: list[tt.Targeting]) -> str:
    """Whether the best rule changes with the qualification mix, as far as the intervals tell."""
    clear = {str(t.mix): t.ranking.best for t in results if t.ranking.kind == "clear"}
    always = [r.rule for r in results[0].rules if all(r.rule in t.ranking.leaders for t in results)]
    levels = c.lang.join([str(t.mix) for t in results])
    if clear and len(set(clear.values())) == 1 and next(iter(clear.values())) in always:
        rule = next(iter(clear.values())) or "-"
        if len(clear) == len(results):
            return c.t("targeting.mix.same_clear", rule=name(c, rule, text=True), levels=levels)
        return c.t("targeting.mix.same_partly", rule=name(c, rule, text=True), clear=c.lang.join(list(clear)))
    if clear:
        return _changes(c, results, clear)
    if always:
        return c.t("targeting.mix.never_beaten", rules=c.lang.join([name(c, r, text=True) for r in always]), levels=levels)
    parts = [
        c.t("targeting.mix.level_lead", mix=str(t.mix), rules=c.lang.join([name(c, r, text=True) for r in t.ranking.leaders]))
        for t in results
    ]
    return c.t("targeting.mix.unclear", parts="; ".join(parts))


def _changes(c: Context, results: list[tt.Targeting], clear: dict[str, str | None]) -> str:
    """The sentence when some rule is clearly best at some mix but not everywhere.

    Each clearly best rule is named once with every mix where it is best, and with the mixes
    where it is clearly beaten (not among the leaders) and no other rule is clearly best.
    """
    parts = []
    for rule in dict.fromkeys(clear.values()):
        best_at = [m for m, r in clear.items() if r == rule]
        beaten = [str(t.mix) for t in results if str(t.mix) not in clear and rule not in t.ranking.leaders]
        part = c.t("targeting.mix.level_best", mix=c.lang.join(best_at), rule=name(c, rule or "-", text=True))
        if beaten:
            part += c.t("targeting.mix.beaten_at", mix=c.lang.join(beaten))
        parts.append(part)
    key = "targeting.mix.changes" if len(clear) < len(results) else "targeting.mix.changes_all"
    return c.t(key, parts="; ".join(parts))


def _by_mix(c: Context, results: list[tt.Targeting], source: Source) -> str:
    rows = []
    rules = [x.rule for x in results[0].rules]
    for t in results:
        prefix = f"targeting.mix.{t.mix}"
        present = {r.rule for r in t.rules}
        cells = [_effect(c, t, r, prefix) if r in present else "—" for r in rules]
        if t.ranking.kind == "clear":
            verdict = name(c, t.ranking.best or "-")
        else:
            verdict = c.t("targeting.mix.not_clear", leaders=c.lang.join([name(c, r) for r in t.ranking.leaders]))
        rows.append([str(t.mix), *cells, verdict])
    c.doc.add(
        Table(
            [c.t("targeting.mix.table.mix"), *[name(c, r) for r in rules], c.t("targeting.mix.table.best")],
            rows,
            c.caption(c.t("targeting.mix.table.caption", store=source.name, R=c.lang.num(min(t.n for t in results), "int"))),
        )
    )
    return mix_sentence(c, results)


def targeting(c: Context) -> None:
    """The section "Who should get a mentor?" (after the key findings)."""
    c.doc.add(Heading(2, c.t("targeting.heading")))
    chosen = _choose(c)
    if chosen is None:
        c.note("targeting.missing")
        return
    source, _, t = chosen
    c.use(source)
    prefix = "targeting.default"
    mix_text = c.t("targeting.at_mix", mix=t.mix) if t.mix is not None else c.t("targeting.at_default")
    c.doc.add(Para(c.t("targeting.intro", store=source.name, at=mix_text)))
    answer, ranking = answer_sentence(c, t, prefix), ranking_sentence(c, t, prefix)
    c.doc.add(Para(f"{answer} {ranking}"))
    c.facts["targeting.answer"] = (answer, ranking)
    _tables(c, t, prefix)
    c.doc.add(Para(c.t("targeting.per100_note"), small=True))
    mix_source = quality.best([s for s in c.inputs.targeting if tt.MIX in s.factors()])
    mixes = _analysed(c, mix_source) if mix_source is not None else None
    c.figure(
        targeting_figure(t, mixes, lang=c.lang, names={r.rule: name(c, r.rule) for r in t.rules}),
        "targeting_per_pair_months",
        c.t("targeting.figure", R=c.lang.num(t.n, "int"), store=source.name),
        source,
    )
    c.doc.add(Heading(3, c.t("targeting.mix.heading")))
    if mixes is None or mix_source is None:
        c.note("targeting.mix.missing")
        return
    if mix_source is not source:
        c.use(mix_source)
    c.doc.add(Para(c.t("targeting.mix.intro", store=mix_source.name)))
    sentence = _by_mix(c, mixes, mix_source)
    c.doc.add(Para(upper_first(sentence)))
    c.facts["targeting.mix"] = sentence
