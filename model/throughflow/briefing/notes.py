"""Framing sections: introduction, assumptions and caveats (sensitivity), what the model leaves out."""

from __future__ import annotations

from throughflow.briefing import quality, tables
from throughflow.briefing.context import Context
from throughflow.briefing.displacement import displacement
from throughflow.briefing.document import Bullets, Heading, Para, Table
from throughflow.outcomes import BY_NAME

LEAVES_OUT = ("displacement", "costs", "final", "region", "sustainable", "mechanisms")
"""The model's omissions listed in the caveats (catalogue keys ``caveats.leaves_out.*``)."""


def intro(c: Context) -> None:
    """Title and what the brief is about."""
    c.doc.add(Heading(1, c.t("title")), Para(c.t("intro.byline", date=c.date), small=True))


def intro_text(c: Context) -> None:
    """What the brief is about (after the bottom line)."""
    c.doc.add(Para(c.t("intro.text")))


def _parameter_docs() -> dict[str, str]:
    from throughflow.scenario import parameters

    return {p.name: p.doc for p in parameters()}


def _outcome_label(c: Context, name: str) -> tuple[str, bool]:
    for indicator in sorted(BY_NAME, key=len, reverse=True):
        if indicator in name:
            group = next((g for g in ("all", "low", "medium", "high") if name.endswith(f"_{g}")), "all")
            label = c.lang.indicator(indicator)
            if name.startswith("effect"):
                label = c.t("sensitivity.effect_on", label=label if label[:2].isupper() else label[0].lower() + label[1:])
            return f"{label} ({c.lang.group(group)})", BY_NAME[indicator].unit == "share"
    return name, False


def sensitivity(c: Context) -> None:
    """The most influential uncertain parameters (or model sections) from the best sensitivity result given.

    A result on the mentoring effect (outcomes ``effect_*``) is preferred to one on costs only.
    """
    effect = [s for s in c.inputs.sensitivity if s.meta.get("effect")]
    source = quality.best(effect or c.inputs.sensitivity)
    if source is None:
        c.note("sensitivity.missing")
        return
    c.use(source)
    size = quality.size(source)
    if quality.refused(size):
        c.doc.add(Para(c.t("sensitivity.refused", name=source.name)))
        return
    top, index = tables.top_parameters(source)
    grouped = bool(source.meta.get("grouped"))
    docs = _parameter_docs()
    rows, names = [], []
    for outcome, sub in top.groupby("outcome", sort=False):
        label, share = _outcome_label(c, str(outcome))
        kind = "ppidx" if share and index == "mu_star" else "idx"
        cells = []
        for _, r in sub.iterrows():
            v = c.n(f"sensitivity.{outcome}.{r['name']}", r["value"], kind, r["source"])
            shown = c.lang.section(r["name"]) if grouped else f"`{r['name']}`"
            cells.append(f"{shown} ({v})")
            names.append(r["name"])
        rows.append([label, "; ".join(cells)])
    unit = c.t(f"sensitivity.unit.{index}")
    indices = source.tables["indices"]
    where = {"store": str(source.path), "table": "indices.csv"}
    k = c.n("sensitivity.parameters", indices["name"].nunique(), "int", {**where, "row": "all", "column": "name (distinct)"})
    o = c.n("sensitivity.outcomes", indices["outcome"].nunique(), "int", {**where, "row": "all", "column": "outcome (distinct)"})
    what = c.t(f"sensitivity.method.{source.meta.get('method', 'morris')}")
    c.doc.add(
        Para(c.t("sensitivity.grouped" if grouped else "sensitivity.text", name=source.name, method=what, k=k, o=o)),
        Table(
            [c.t("sensitivity.table.outcome"), c.t("sensitivity.table.sections" if grouped else "sensitivity.table.parameters")],
            rows,
            c.caption(c.t("sensitivity.table.caption", unit=unit)),
            numeric=False,
        ),
    )
    if not grouped:
        described = [
            f"`{n}`: {c.lang.parameter(n, docs.get(n, c.t('sensitivity.no_description')))}" for n in dict.fromkeys(names)
        ]
        c.doc.add(Para("; ".join(described) + ".", small=True))
    conv = source.tables.get("convergence")
    if conv is not None and {"flag", "fraction", "important"} <= set(conv.columns):
        final = conv[conv["fraction"] == conv["fraction"].max()]
        flagged = int(final["flag"].astype(bool).sum())
        if flagged:
            where = {"store": str(source.path), "table": "convergence.csv", "row": "largest fraction"}
            f = c.n("sensitivity.flagged", flagged, "int", {**where, "column": "flag (count true)"})
            i = c.n(
                "sensitivity.important",
                final["important"].astype(bool).sum(),
                "int",
                {**where, "column": "important (count true)"},
            )
            c.doc.add(Para(c.t("sensitivity.flagged", flagged=f, important=i), small=True))


def caveats(c: Context) -> None:
    """Most influential uncertain parameters, and what the model leaves out."""
    c.doc.add(Heading(2, c.t("caveats.heading")))
    if not displacement(c):
        c.doc.add(Para(c.t("caveats.no_displacement")))
    sensitivity(c)
    c.doc.add(Para(c.t("caveats.leaves_out_intro")), Bullets([c.t(f"caveats.leaves_out.{k}") for k in LEAVES_OUT]))
