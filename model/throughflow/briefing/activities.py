"""Single activities of the programme in the pillar section: alone and added last, with their costs.

The ablation sweep measures co-design, community moments, growth paths and intervision two
ways (see ``scenarios/sweeps/ablation.yaml``): *alone* as ``<reference>_plus_<activity>``
against the level named before ``_plus_``, and *added last* as ``mentoring`` against
``without_<activity>``. For each reading the section shows the paired effect on NEC within
12 months and the extra public cost per run (paired difference of ``cost_eur.all``), with
95 % intervals, and the activity's price in the store's scenario.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from throughflow.briefing.context import Context, interval
from throughflow.briefing.document import Para, Table
from throughflow.briefing.estimate import paired
from throughflow.briefing.inputs import FULL, Source
from throughflow.briefing.stored import base_scenario
from throughflow.briefing.tables import _summary

ACTIVITIES = {
    "co_design": "labs.co_design.wise_month_eur",
    "community": "labs.community.cost_eur",
    "growth_paths": "labs.growth_paths.cost_eur",
    "intervision": "organisation.intervision.session_eur",
}
"""Activities measured by the ablation sweep, with the price of their unit."""


def readings(source: Source) -> list[tuple[str, str, str, str]]:
    """``(activity, kind, level, reference)`` for every reading whose levels the store holds."""
    out = []
    for activity in ACTIVITIES:
        alone = next((lv for lv in source.levels if lv.endswith(f"_plus_{activity}")), None)
        if alone is not None and alone.removesuffix(f"_plus_{activity}") in source.levels:
            out.append((activity, "alone", alone, alone.removesuffix(f"_plus_{activity}")))
        if FULL in source.levels and f"without_{activity}" in source.levels:
            out.append((activity, "added last", FULL, f"without_{activity}"))
    return out


def _cost(source: Source, level: str, reference: str) -> dict[str, Any]:
    assert source.runs is not None
    key = f"factor:{source.factor}"
    wide = source.runs.pivot_table(index="replicate", columns=key, values="cost_eur.all", aggfunc="first")
    d = (wide[level] - wide[reference]).to_numpy(dtype=float) if {level, reference} <= set(wide.columns) else np.array([])
    where = {
        "store": str(source.path),
        "table": "runs.parquet",
        "computation": "paired cost difference",
        "row": {key: f"{level} - {reference}", "paired on": "replicate"},
        "column": "cost_eur.all",
    }
    e = paired(d, where)
    return {"mean": e.mean, "ci_low": e.low, "ci_high": e.high, "source": where}


def activity_effects(source: Source, indicator: str = "throughflow_12m") -> pd.DataFrame:
    """Effect and extra cost of each activity in each reading the store holds.

    Returns:
        activity, kind, level, reference, diff, ci_low, ci_high, source, cost (a row dict).
    """
    key = f"factor:{source.factor}"
    rows = []
    for activity, kind, level, reference in readings(source):
        s = _summary(source, reference)
        sub = s[(s[key].astype(str) == level) & (s["indicator"] == indicator) & (s["group"] == "all")]
        if sub.empty:
            continue
        r = sub.iloc[0]
        rows.append(
            {
                "activity": activity,
                "kind": kind,
                "level": level,
                "reference": reference,
                "diff": float(r["diff"]),
                "ci_low": float(r["diff_ci_low"]),
                "ci_high": float(r["diff_ci_high"]),
                "source": {
                    "store": str(source.path),
                    "table": f"summarize_runs(runs.parquet, factor={source.factor!r}, reference={reference!r})",
                    "row": {key: level, "indicator": indicator, "group": "all"},
                    "columns": {"diff": "diff", "ci_low": "diff_ci_low", "ci_high": "diff_ci_high"},
                },
                "cost": _cost(source, level, reference),
            }
        )
    return pd.DataFrame(rows)


def activities(c: Context, source: Source) -> None:
    """The table of activities (alone, added last, extra cost per run, unit price) and the WISE-job caveat."""
    table = activity_effects(source)
    if table.empty:
        return
    scenario = base_scenario(source)
    rows = []
    for activity in ACTIVITIES:
        sub = table[table["activity"] == activity]
        if sub.empty:
            continue
        cells = [c.t(f"activity.{activity}")]
        for kind in ("alone", "added last"):
            part = sub[sub["kind"] == kind]
            if part.empty:
                cells += [c.lang.num(None, "pp"), c.lang.num(None, "eur")]
                continue
            r = part.iloc[0]
            key = f"activity.throughflow_12m.{activity}.{kind.replace(' ', '_')}"
            d = c.n(f"{key}.diff", r["diff"], "pp", r["source"], "diff")
            cost = r["cost"]
            ck = f"activity.cost.{activity}.{kind.replace(' ', '_')}"
            cells.append(f"{d} ({interval(c, key, r)})")
            cells.append(f"{c.n(ck, cost['mean'], 'eur', cost['source'])} ({interval(c, ck, cost, 'eur')})")
        path = ACTIVITIES[activity]
        price = None
        if scenario is not None:
            section, _, name = path.rpartition(".")
            price = float(getattr(scenario.section(section), name))
        where = {"store": str(source.path), "table": "sweep.yaml (base scenario)", "row": "base", "column": path}
        cells.append(c.t(f"activity.unit.{activity}", price=c.n(f"activity.price.{activity}", price, "eur", where)))
        rows.append(cells)
    header = [c.t(f"pillars.activities.{k}") for k in ("activity", "alone", "alone_cost", "last", "last_cost", "price")]
    c.doc.add(
        Para(c.t("pillars.activities.text")),
        Table(header, rows, c.caption(c.t("pillars.activities.caption", store=source.name))),
        Para(c.t("costs.wise_job"), small=True),
    )
