"""Sections on resources: costs by horizon after arrival (led by the 5-year planning horizon), WISE places freed."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from throughflow.briefing import quality, tables
from throughflow.briefing.break_even import break_even_text, discount_text
from throughflow.briefing.context import Context, band, has_band, interval, widest
from throughflow.briefing.document import Heading, Para, Table
from throughflow.briefing.horizons import PLANNING, horizon_table
from throughflow.briefing.inputs import FULL, REFERENCE, SAMPLE_OUTPUTS, Source


def _years(c: Context, h: int) -> str:
    return c.lang.num(h / 12, "int") if h % 12 == 0 else c.lang.num(h / 12, "num1")


def _lead(c: Context, r: pd.Series, new: str) -> str:
    """The sentence on the planning horizon (or the longest one the runs cover)."""
    key = f"cost.h{int(r['horizon_months'])}"
    src = r["source"]
    values = {
        "years": _years(c, int(r["horizon_months"])),
        "et": c.n(f"{key}.extra_transitions", r["extra_transitions"], "num1", src, "extra_transitions"),
        "ec": c.n(f"{key}.extra_cost_eur", r["extra_cost_eur"], "eur", src, "extra_cost_eur"),
        "ratio": c.n(f"{key}.cost_per_transition", r["cost_per_transition"], "eur", src, "cost_per_transition"),
        "interval": widest(c, key, r, "eur"),
    }
    planning = int(r["horizon_months"]) == PLANNING
    text = c.t("costs.planning" if planning else "costs.planning_short", **values)
    value = r["cost_per_transition"]
    if not math.isfinite(value):
        return text + " " + c.t("costs.none", **values)
    sign = _sign(r)
    if value < 0:
        return text + " " + c.t("costs.saving" if sign < 0 else "costs.saving_uncertain", **values)
    return text + " " + c.t("costs.cost" if sign > 0 else "costs.saving_possible", **values)


def _sign(r: pd.Series) -> int:
    bounds = [(r["ci_low"], r["ci_high"])] + ([(r["band_low"], r["band_high"])] if has_band(r) else [])
    if not all(math.isfinite(lo) and math.isfinite(hi) for lo, hi in bounds):
        return 0
    return 1 if all(lo > 0 for lo, _ in bounds) else -1 if all(hi < 0 for _, hi in bounds) else 0


def _horizon_rows(c: Context, table: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    banded = bool(table.apply(has_band, axis=1).any()) if len(table) else False
    rows = []
    for _, r in table.iterrows():
        key, src = f"cost.h{int(r['horizon_months'])}", r["source"]
        ratio = c.n(f"{key}.cost_per_transition", r["cost_per_transition"], "eur", src, "cost_per_transition")
        per_year = c.n(f"{key}.cost_per_employed_year", r["cost_per_employed_year"], "eur", src, "cost_per_employed_year")
        year_row = {"ci_low": r["ci_low_year"], "ci_high": r["ci_high_year"], "source": src}
        cells = [
            _years(c, int(r["horizon_months"])),
            c.n(f"{key}.extra_cost_eur", r["extra_cost_eur"], "eur", src, "extra_cost_eur"),
            c.n(f"{key}.extra_transitions", r["extra_transitions"], "num1", src, "extra_transitions"),
            f"{ratio} ({interval(c, key, r, 'eur')})",
        ]
        if banded:
            cells.append(band(c, key, r, "eur") or c.lang.num(None, "eur"))
        cells.append(f"{per_year} ({_year_interval(c, f'{key}.year', year_row)})")
        if banded:
            year_band = {"band_low": r["band_low_year"], "band_high": r["band_high_year"], "band_source": r["band_source"]}
            cells.append(_year_band(c, f"{key}.year", year_band))
        rows.append(cells)
    names = (
        ["years", "cost", "extra", "ratio"] + (["ratio_band"] if banded else []) + ["year"] + (["year_band"] if banded else [])
    )
    return [c.t(f"costs.horizons.{k}") for k in names], rows


def _year_interval(c: Context, key: str, row: dict) -> str:
    src = {**row["source"], "columns": {"ci_low": "ci_low_year", "ci_high": "ci_high_year"}}
    return interval(c, key, {**row, "source": src}, "eur")


def _year_band(c: Context, key: str, row: dict) -> str:
    src = {**row["band_source"], "columns": {"band_low": "band_low_year", "band_high": "band_high_year"}}
    return band(c, key, {**row, "band_source": src}, "eur") or c.lang.num(None, "eur")


def costs(c: Context) -> None:
    """Costs by horizon after arrival, led by the 5-year planning horizon; the break-even curve; costs by group."""
    c.doc.add(Heading(2, c.t("costs.heading")))
    found = c.headline_source
    if found is None:
        c.note("costs.missing")
        return
    source, ref, new, _ = found
    horizons = horizon_table(source, ref, new)
    if len(horizons):
        at = horizons[horizons["horizon_months"] == PLANNING]
        lead = at.iloc[0] if len(at) else horizons.iloc[-1]
        c.facts["cost.planning"] = lead
        c.doc.add(Para(_lead(c, lead, new) + " " + discount_text(c, source)))
        header, rows = _horizon_rows(c, horizons)
        c.doc.add(Table(header, rows, c.caption(c.t("costs.horizons.caption", new=new, ref=ref, store=source.name))))
        break_even_text(c, source, ref, new)
    else:
        c.note("costs.no_horizons", store=source.name)
    across_uncertainty(c)
    _by_group(c, source, ref, new)
    c.doc.add(Para(c.t("costs.counted") + " " + c.t("costs.wise_job")))


COST, GAIN = SAMPLE_OUTPUTS
"""The paired 5-year outputs of a cost screening: extra cost and extra sustainable transitions per refugee."""


def across_uncertainty(c: Context) -> None:
    """How the 5-year cost varies over the declared uncertainty ranges, from a cost screening's parameter sets.

    The comparison's intervals hold seed noise (and, with a posterior, the calibrated
    parameters' uncertainty); a sensitivity result whose runs store the paired 5-year cost
    outputs (``scenarios/sensitivity/mentoring_cost.yaml``) covers every declared uncertain
    assumption and price. Per sampled parameter set (mean over its runs): the share where
    mentoring-to-NEC saves public money over 5 years, the 5th and 95th percentiles of the extra
    cost per refugee of the cohort, and the share with extra sustainable transitions. The
    sentence also goes into the bottom line.
    """
    screenings = [s for s in c.inputs.sensitivity if s.meta.get("cost")]
    found = [s for s in screenings if "sample" in s.tables and COST in s.tables["sample"].columns]
    source = quality.best(found)
    if source is None:
        for unread in screenings:
            why, detail = unread.meta.get("sample_problem", ("no_cost", ""))
            c.note(f"costs.context.{why}", store=unread.name, detail=detail)
        return
    full_size = c.use(source)
    sample = source.tables["sample"]
    cost = sample[COST].to_numpy(dtype=float)
    cost = cost[np.isfinite(cost)]
    where = {"store": str(source.path), "table": "runs.parquet (mean per design point)"}
    if cost.size == 0:
        c.doc.add(Para(c.t("costs.context.no_values", store=source.name)))
        return

    def number(name: str, value: float, kind: str, column: str = COST) -> str:
        return c.n(f"cost.context.{name}", value, kind, {**where, "row": {"statistic": name}, "column": column})

    values = {
        "store": source.name,
        "sets": number("sets", cost.size, "int"),
        "share": number("saving_share", float(np.mean(cost < 0)), "pct"),
        "low": number("q05", float(np.quantile(cost, 0.05)), "eur"),
        "high": number("q95", float(np.quantile(cost, 0.95)), "eur"),
    }
    text = c.t("costs.context.text", **values)
    if GAIN in sample.columns:
        gain = sample[GAIN].to_numpy(dtype=float)
        gain = gain[np.isfinite(gain)]
        if gain.size:
            text += " " + c.t("costs.context.gain", share=number("gain_share", float(np.mean(gain > 0)), "pct", GAIN))
    c.doc.add(Para(text))
    mark = "" if full_size else " " + c.t("bottom.cost_context_reduced")
    c.facts["cost.context"] = c.t("bottom.cost_context", share=values["share"], mark=mark)


def _by_group(c: Context, source: Source, ref: str, new: str) -> None:
    """Extra cost per extra sustainable transition over the whole simulated period, by qualification group."""
    table = tables.costs(source, ref, new)
    if table.empty:
        c.note("costs.no_table", store=source.name)
        return
    rows = []
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
        if g == "all":
            c.facts["cost.all"] = r
    c.doc.add(
        Para(c.t("costs.whole_run")),
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
            texts.append(c.t("wise.retained", without=a, with_=b, diff=d, interval=widest(c, key, r)))
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
