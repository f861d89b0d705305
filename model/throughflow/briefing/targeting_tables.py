"""Who should get a mentor? The targeting rules compared at equal mentor capacity, from a targeting store.

For each targeting rule (a level of the factor ``targeting`` other than ``nobody``) and,
in a store crossed with the qualification mix, at each mix:

* the paired effect on each headline indicator and group against ``nobody`` (no
  mentoring-to-NEC), from :func:`~throughflow.analysis.summary.summarize_runs`;
* the mentor pair-months the rule used (per run, :func:`~throughflow.briefing.stored.pair_months`);
* the extra sustainable transitions per 100 pair-months, per group: for replicate *k*,
  ``100 × (sustainable_transitions_g(rule, k) − sustainable_transitions_g(nobody, k)) /
  pair_months(rule, k)``, mean and 95 % t interval over replicates (groups add up to all);
* the yield in the rule's own target groups: the extra sustainable transitions among the
  groups the rule makes eligible, per 100 pair-months (so a LOW-only rule and a
  MEDIUM/HIGH-only rule can be compared on what a mentor month does for its mentees' group);
* the cost per extra sustainable transition (all), from
  :func:`~throughflow.analysis.summary.cost_effectiveness`;
* the extra sustainable transitions per run (all);
* between every two rules, the paired difference of their effect on the share of the
  cohort with a sustainable NEC job (all): at equal mentor capacity this decides which rule
  gets most refugees into a sustainable NEC job (:func:`rank`).

The per-100 values divide every extra transition by the pair-months, including those that
come from the organisation's services and the learning labs, which also reach refugees
without a mentor: they measure what the mentor capacity yields, not the pairs alone.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd

from throughflow.analysis.summary import cost_effectiveness, summarize_runs
from throughflow.briefing.estimate import Estimate, paired
from throughflow.briefing.inputs import Source
from throughflow.briefing.stored import design_values, pair_months
from throughflow.briefing.tables import GROUP_ORDER, HEADLINE

MIX = "qualification_mix"

RANKED = ("sustainable_nec", "all")
"""The effect the rules are ranked on: the share of the cohort with a sustainable NEC job."""

ELIGIBLE = {"all": ("low", "medium", "high"), "low": ("low",), "medium_high": ("medium", "high")}
"""Groups each value of ``mentoring.targeting`` makes eligible (``processes/mentoring.eligible``)."""


@dataclass
class Rule:
    """One targeting rule against nobody, at one qualification mix.

    Attributes:
        rule: The level of ``targeting``.
        pair_months: Mean mentor pair-months per run (0: nobody was eligible).
        extra: Mean extra sustainable transitions per run, by group.
        per100: Extra sustainable transitions per 100 pair-months, by group.
        effects: Paired effect on ``(indicator, group)`` (share of the cohort).
        cost: Cost per extra sustainable transition (all), bootstrap interval; ``None`` if not stored.
        total: Extra sustainable transitions per run (all), paired interval.
        target: Extra sustainable transitions in the groups the rule makes eligible, per 100
            pair-months (``None`` if the eligible groups are not known).
        eligible: Those groups.
    """

    rule: str
    pair_months: float
    extra: dict[str, float]
    per100: dict[str, Estimate]
    effects: dict[tuple[str, str], Estimate]
    cost: Estimate | None
    total: Estimate
    target: Estimate | None = None
    eligible: tuple[str, ...] = ()

    @property
    def used(self) -> bool:
        """Whether the rule enrolled anyone (used mentor pair-months)."""
        return self.pair_months > 0


@dataclass
class Ranking:
    """The rules ranked by their effect on the sustainable NEC share (all) at equal mentor capacity.

    Attributes:
        best: The rule with the highest mean (``None`` if no rule enrolled anyone).
        kind: ``clear`` (the best is clearly above every other rule), ``tie`` (no two rules
            differ clearly), ``partial`` (some differ, but not the best from every other) or
            ``single`` (only one rule enrolled anyone).
        leaders: The best and the rules not clearly below it, best first.
        differences: ``(a, b)`` -> paired difference a − b of the sustainable NEC share (all).
        identical: Pairs of rules whose runs are identical at this mix (every difference zero).
    """

    best: str | None
    kind: str
    leaders: list[str]
    differences: dict[tuple[str, str], Estimate] = field(default_factory=dict)
    identical: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Targeting:
    """The comparison of the rules at one mix (``mix`` is ``None`` in a store without the mix factor)."""

    source: Source
    mix: str | None
    rules: list[Rule]
    ranking: Ranking
    n: int


FORMULAS = {
    "per100": "per replicate 100 * (sustainable_transitions.<group>(rule) - sustainable_transitions.<group>(nobody)) "
    "/ pair_months(rule); mean and 95 % t interval over replicates",
    "target": "per replicate 100 * sum over the rule's eligible groups of (sustainable_transitions.<group>(rule) - "
    "sustainable_transitions.<group>(nobody)) / pair_months(rule); mean and 95 % t interval over replicates",
    "total": "per replicate sustainable_transitions.all(rule) - sustainable_transitions.all(nobody); mean and 95 % t "
    "interval over replicates",
    "difference": "per replicate sustainable_nec.all(a) - sustainable_nec.all(b); mean and 95 % t interval over replicates",
    "target_difference": "per replicate target yield(a) - target yield(b); mean and 95 % t interval over replicates",
    "pair_months": "mean over replicates of the mentor pair-months of the run",
}


def _where(source: Source, what: str, **row: Any) -> dict[str, Any]:
    return {
        "store": str(source.path),
        "table": "targeting(runs.parquet, timeseries: pair-months)",
        "row": row,
        "column": what,
        "formula": FORMULAS[what],
    }


def rank(rules: list[Rule], differences: dict[tuple[str, str], Estimate]) -> Ranking:
    """Rank the rules on their effect on the sustainable NEC share (all), at equal mentor capacity."""
    used = [r for r in rules if RANKED in r.effects and math.isfinite(r.effects[RANKED].mean)]
    identical = {k for k, d in differences.items() if d.n and d.mean == 0 and d.low == 0 and d.high == 0}
    if not used:
        return Ranking(None, "single", [], differences, identical)
    best = max(used, key=lambda r: r.effects[RANKED].mean)
    if len(used) == 1:
        return Ranking(best.rule, "single", [best.rule], differences, identical)

    def diff(a: str, b: str) -> int:
        if (a, b) in differences:
            return differences[(a, b)].sign()
        return -differences[(b, a)].sign()

    leaders = [best.rule] + [r.rule for r in used if r is not best and diff(best.rule, r.rule) != 1]
    if len(leaders) == 1:
        kind = "clear"
    elif all(diff(a.rule, b.rule) == 0 for a, b in combinations(used, 2)):
        kind = "tie"
    else:
        kind = "partial"
    return Ranking(best.rule, kind, leaders, differences, identical)


def _cost(source: Source, costs: pd.DataFrame, labels: dict[str, str], n: int) -> Estimate | None:
    sel = costs
    for key, value in labels.items():
        sel = sel[sel[key].astype(str) == value]
    sel = sel[sel["group"] == "all"]
    if sel.empty:
        return None
    r = sel.iloc[0]
    where = {
        "store": str(source.path),
        "table": f"cost_effectiveness(runs.parquet, factor={source.factor!r}, reference={source.reference!r})",
        "row": {**labels, "group": "all"},
        "columns": {"mean": "cost_per_transition", "ci_low": "ci_low", "ci_high": "ci_high"},
    }
    return Estimate(float(r["cost_per_transition"]), {"seeds": (float(r["ci_low"]), float(r["ci_high"]))}, n, where)


def analyse(source: Source) -> list[Targeting]:
    """The rules compared at every qualification mix of a targeting store (one entry without the mix factor)."""
    assert source.runs is not None
    runs = source.runs.assign(_pm=pair_months(source).to_numpy())
    key = f"factor:{source.factor}"
    mixes = list(dict.fromkeys(runs[f"factor:{MIX}"].astype(str))) if f"factor:{MIX}" in runs.columns else [None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # groups absent at some mixes
        summary = summarize_runs(runs, source.factor, source.reference)
        costs = cost_effectiveness(runs, source.factor, source.reference) if "cost_eur.all" in runs.columns else None
    table = f"summarize_runs(runs.parquet, factor={source.factor!r}, reference={source.reference!r})"
    targeting_of = {level: values.get("mentoring.targeting", "all") for level, values in _level_values(source).items()}
    out = []
    for mix in mixes:
        sub = runs if mix is None else runs[runs[f"factor:{MIX}"].astype(str) == mix]
        ref = sub[sub[key].astype(str) == source.reference].set_index("replicate")
        rules = []
        for level in [lv for lv in source.levels if lv != source.reference]:
            arm = sub[sub[key].astype(str) == level].set_index("replicate")
            common = arm.index.intersection(ref.index)
            if common.empty:
                continue
            labels = {key: level} | ({f"factor:{MIX}": mix} if mix is not None else {})
            pm = arm.loc[common, "_pm"].to_numpy(dtype=float)
            deltas = {}
            extra, per100 = {}, {}
            for g in GROUP_ORDER:
                col = f"sustainable_transitions.{g}"
                deltas[g] = arm.loc[common, col].to_numpy(dtype=float) - ref.loc[common, col].to_numpy(dtype=float)
                extra[g] = float(deltas[g].mean())
                per100[g] = paired(_per100(deltas[g], pm), _where(source, "per100", **labels, group=g))
            eligible = ELIGIBLE.get(str(targeting_of.get(level, "")), ())
            target = None
            if eligible:
                ratio = _per100(sum((deltas[g] for g in eligible), np.zeros(len(common))), pm)
                target = paired(ratio, _where(source, "target", **labels, groups="+".join(eligible)))
            total = paired(deltas["all"], _where(source, "total", **labels, group="all"))
            effects = {}
            rows = summary
            for k, v in labels.items():
                rows = rows[rows[k].astype(str) == v]
            for _, r in rows[rows["indicator"].isin(HEADLINE)].iterrows():
                where = {
                    "store": str(source.path),
                    "table": table,
                    "row": {**labels, "indicator": r["indicator"], "group": r["group"]},
                    "columns": {"mean": "diff", "ci_low": "diff_ci_low", "ci_high": "diff_ci_high"},
                }
                effects[(r["indicator"], r["group"])] = Estimate(
                    float(r["diff"]), {"seeds": (float(r["diff_ci_low"]), float(r["diff_ci_high"]))}, int(r["n_pairs"]), where
                )
            cost = _cost(source, costs, labels, len(common)) if costs is not None else None
            used = float(np.nanmean(pm)) if np.isfinite(pm).any() else math.nan
            rules.append(Rule(level, used, extra, per100, effects, cost, total, target, eligible))
        differences = _differences(source, sub, rules, mix)
        n = min((r.total.n for r in rules), default=0)
        out.append(Targeting(source, mix, rules, rank(rules, differences), n))
    return out


def _per100(delta: np.ndarray, pm: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pm > 0, 100.0 * delta / pm, np.nan)


def _level_values(source: Source) -> dict[str, dict[str, Any]]:
    """The parameter values of each targeting level (of its first design point)."""
    assert source.runs is not None
    values = design_values(source)
    first = source.runs.drop_duplicates(f"factor:{source.factor}")
    return {str(lv): values.get(int(p), {}) for lv, p in zip(first[f"factor:{source.factor}"], first["point"], strict=True)}


def _differences(source: Source, runs: pd.DataFrame, rules: list[Rule], mix: str | None) -> dict[tuple[str, str], Estimate]:
    """Paired differences of the effect on the sustainable NEC share (all) between every two rules."""
    key = f"factor:{source.factor}"
    column = ".".join(RANKED)
    values = {r.rule: runs[runs[key].astype(str) == r.rule].set_index("replicate")[column] for r in rules}
    out = {}
    for a, b in combinations(list(values), 2):
        d = (values[a] - values[b]).dropna().to_numpy(dtype=float)
        labels = {key: f"{a} - {b}"} | ({f"factor:{MIX}": mix} if mix is not None else {})
        out[(a, b)] = paired(d, _where(source, "difference", **labels, group="all"))
    return out


def target_difference(source: Source, mix: str | None, a: str, b: str) -> Estimate | None:
    """Paired difference of the target-group yield per 100 pair-months between rules ``a`` and ``b``."""
    assert source.runs is not None
    runs = source.runs.assign(_pm=pair_months(source).to_numpy())
    if mix is not None:
        runs = runs[runs[f"factor:{MIX}"].astype(str) == mix]
    key = f"factor:{source.factor}"
    targeting_of = {level: values.get("mentoring.targeting", "all") for level, values in _level_values(source).items()}
    ref = runs[runs[key].astype(str) == source.reference].set_index("replicate")
    yields = []
    for rule in (a, b):
        groups = ELIGIBLE.get(str(targeting_of.get(rule, "")), ())
        arm = runs[runs[key].astype(str) == rule].set_index("replicate")
        if not groups or arm.empty:
            return None
        delta = sum(arm[f"sustainable_transitions.{g}"] - ref[f"sustainable_transitions.{g}"] for g in groups)
        yields.append(100.0 * delta / arm["_pm"].where(arm["_pm"] > 0))
    d = (yields[0] - yields[1]).dropna().to_numpy(dtype=float)
    labels = {key: f"{a} - {b}"} | ({f"factor:{MIX}": mix} if mix is not None else {})
    return paired(d, _where(source, "target_difference", **labels))


def at_mix(results: list[Targeting], mix: str | None) -> Targeting | None:
    """The comparison at one mix level (``None``: the store without the mix factor)."""
    return next((t for t in results if t.mix == mix), None)
