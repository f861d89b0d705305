"""The break-even curve of the cost section and the discount rate it is computed at.

The figure shows the cumulative extra public cost per refugee of the cohort against the
years since arrival (zero at arrival, then each horizon the runs cover), with its 95 %
interval over replications and, with a posterior version, the band including the
uncertainty about the model's parameters. The sentence says after how many years the
programme breaks even, or that it does not within the horizons covered, from the numbers
(:func:`throughflow.briefing.horizons.break_even`).
"""

from __future__ import annotations

import math
from typing import Any

from throughflow.briefing.context import Context, widest
from throughflow.briefing.document import Para
from throughflow.briefing.horizons import break_even, per_refugee
from throughflow.briefing.inputs import Source, scenario_hashes
from throughflow.briefing.stored import point_scenario
from throughflow.plots import brief_figures as figs
from throughflow.scenario import ScenarioError, load_scenario, scenario_hash


def discount_rate(source: Source) -> tuple[float | None, dict[str, Any], bool]:
    """The discount rate of the stored scenario: ``(rate, source, exact)``.

    A comparison store records its scenarios by name and hash only: the rate is read from
    the shipped scenario of that name, ``exact`` when its hash is the recorded one. A sweep
    store's scenario is rebuilt from its stored definition (:mod:`throughflow.briefing.stored`).
    """
    if source.kind == "comparison":
        name = source.levels[0]
        try:
            shipped = load_scenario(name)
        except (ScenarioError, ValueError, OSError):
            return None, {}, False
        exact = scenario_hashes(source).get(name) == scenario_hash(shipped)
        where: dict[str, Any] = {
            "store": str(source.path),
            "table": f"scenario {name}",
            "row": "shipped",
            "column": "costs.discount_rate",
        }
        return float(shipped.costs.discount_rate), where, exact
    scenario = point_scenario(source, source.point_of(source.reference))
    if scenario is None:
        return None, {}, False
    where = {
        "store": str(source.path),
        "table": "sweep.yaml and design.parquet",
        "row": source.reference,
        "column": "costs.discount_rate",
    }
    return float(scenario.costs.discount_rate), where, True


def discount_text(c: Context, source: Source) -> str:
    """The sentence stating the discount rate (and where it was read when the store does not record it exactly)."""
    rate, where, exact = discount_rate(source)
    if rate is None:
        return c.t("costs.discount_unknown")
    text = c.t("costs.discount", rate=c.n("cost.discount_rate", rate, "pct", where))
    return text if exact else text + " " + c.t("costs.discount_shipped", name=source.levels[0])


def break_even_text(c: Context, source: Source, ref: str, new: str) -> None:
    """The break-even figure and the sentence saying when the programme breaks even."""
    points = per_refugee(source, ref, new)
    if not points:
        return
    curve = []
    for h, e in points:
        key = f"cost.per_refugee.h{h}"
        value = c.n(key, e.mean, "eur", e.source, "mean")
        row = {"ci_low": e.low, "ci_high": e.high, "source": e.source}
        if "parameters" in e.intervals:
            low, high = e.intervals["parameters"]
            band_source = {
                **e.source,
                "table": "posterior/runs.parquet",
                "column": f"{e.source['column']}: 5th and 95th percentiles",
            }
            row |= {"band_low": low, "band_high": high, "band_source": band_source}
        years = c.lang.num(h / 12, "int" if h % 12 == 0 else "num1")
        curve.append(c.t("costs.break_even.point", value=value, interval=widest(c, key, row, "eur"), years=years))
    found = break_even(points)
    last = points[-1][1]
    where = {**points[-1][1].source, "computation": "break-even"}
    kind = "int" if found["last"] % 12 == 0 else "num1"
    years_last = c.n("cost.break_even.last_years", found["last"] / 12, kind, {**where, "column": "longest horizon (years)"})
    values = {"last": years_last, "value": c.n(f"cost.per_refugee.h{found['last']}", last.mean, "eur", last.source, "mean")}
    if found["kind"] == "between":
        years = c.n("cost.break_even.years", found["years"], "num1", {**where, "column": "interpolated crossing (years)"})
        text = c.t("costs.break_even.between", years=years)
    elif found["kind"] == "within_first":
        text = c.t("costs.break_even.within_first", years=c.lang.num(found["horizon"] / 12, "int"))
    elif found["last"] >= 120:
        text = c.t("costs.break_even.not_within_ten", **values)
    else:
        text = c.t("costs.break_even.not_within_runs", **values)
    lo, hi = last.low, last.high
    sign = last.sign()
    if math.isfinite(lo) and math.isfinite(hi):
        text += " " + c.t("costs.break_even.sure" if sign != 0 else "costs.break_even.unsure", last=years_last)
    fig = figs.break_even_figure(
        [(h / 12, e.mean, e.intervals["seeds"], e.intervals.get("parameters")) for h, e in points], lang=c.lang
    )
    c.figure(fig, "break_even", c.t("costs.break_even.figure", store=source.name), source)
    c.doc.add(Para(text + " " + c.t("costs.break_even.curve", points="; ".join(curve))))
