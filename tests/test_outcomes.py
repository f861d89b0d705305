"""Indicators: the declared set, and their values recomputed independently from the event log."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from support import cached_run, events_of
from throughflow import RunResult, run
from throughflow.enums import QUAL_NAMES, Lab, Status
from throughflow.outcomes import INDICATORS, PAIRED

SPEC_INDICATORS = {
    "throughflow_6m",
    "throughflow_12m",
    "throughflow_24m",
    "any_job_6m",
    "any_job_12m",
    "sustainable_nec",
    "months_to_nec_median",
    "employment_rate_by_month",
    "wise_retention",
    "dropout",
    "cost_per_sustainable_transition",
    "employment_since_arrival",
    "employed_120m",
    "ever_mentored",
    "months_waiting_for_mentor",
    "displacement_share",
}
GROUPS = ("all", *QUAL_NAMES)
SIZE = {"population.scale": 0.5, "months": 96}


def result(name: str) -> RunResult:
    return cached_run(name, 3, size=SIZE)


def test_every_declared_indicator_is_computed_and_no_other() -> None:
    declared = [i.name for i in INDICATORS]
    assert len(declared) == len(set(declared))
    assert set(declared) >= SPEC_INDICATORS
    ind = result("mentoring").indicators
    assert set(ind) == set(declared)
    for name, values in ind.items():
        assert set(values) == set(GROUPS), name
    for i in INDICATORS:
        assert i.label and i.unit and i.definition, i.name


@pytest.mark.parametrize("name", ["baseline", "mentoring"])
def test_shares_are_shares(name: str) -> None:
    ind = result(name).indicators
    for i in INDICATORS:
        if i.unit != "share":
            continue
        for group, value in ind[i.name].items():
            values = value if isinstance(value, list) else [value]
            finite = [v for v in values if not math.isnan(v)]
            assert all(0.0 <= v <= 1.0 for v in finite), (i.name, group)
    for group in GROUPS:
        assert ind["any_job_6m"][group] >= ind["throughflow_6m"][group]
        assert ind["any_job_12m"][group] >= ind["throughflow_12m"][group]
        assert ind["wise_retention"][group] + ind["dropout"][group] <= 1.0


def _cohort(res: RunResult) -> pd.DataFrame:
    """One row per refugee whose contract ended: groups, start, end, outcome, first NEC month."""
    quals = events_of(res, "arrive").set_index("agent")["ref"].map(dict(enumerate(QUAL_NAMES)))
    start = events_of(res, "place").set_index("agent")["month"]
    ends = events_of(res, "contract_end").set_index("agent")
    drops = events_of(res, "dropout").set_index("agent")
    end = pd.concat([ends["month"], drops["month"]])
    assert end.index.is_unique
    outcome = pd.concat([ends["ref"], pd.Series(int(Status.INACTIVE), index=drops.index)])
    first_nec = events_of(res, "start_job").groupby("agent")["month"].min()
    cohort = pd.DataFrame({"end": end, "outcome": outcome})
    cohort["qualification"] = quals.reindex(cohort.index)
    cohort["start"] = start.reindex(cohort.index)
    cohort["first_nec"] = first_nec.reindex(cohort.index)
    return cohort


def _by_group(frame: pd.DataFrame, fn: Any) -> dict[str, float]:
    out = {"all": fn(frame)}
    for q in QUAL_NAMES:
        out[q] = fn(frame[frame["qualification"] == q])
    return out


def _share(mask: pd.Series) -> float:
    return float(mask.mean()) if len(mask) else float("nan")


def _spell12(res: RunResult) -> pd.Series:
    """Month in which each refugee first completed 12 consecutive months in one NEC job."""
    horizon = res.months
    starts = events_of(res, "start_job")
    seps = events_of(res, "separation")
    reached: dict[int, int] = {}
    for agent, month in zip(starts["agent"], starts["month"], strict=True):
        ended = seps[(seps["agent"] == agent) & (seps["month"] >= month)]["month"]
        last = month + 11
        if last <= horizon and (ended.empty or ended.min() > last):
            reached[agent] = min(reached.get(agent, last), last)
    return pd.Series(reached, dtype=float)


@pytest.mark.parametrize("name", ["baseline", "mentoring"])
def test_indicators_match_a_recount_from_the_event_log(name: str) -> None:
    res = result(name)
    ind = res.indicators
    horizon = res.months
    cohort = _cohort(res)
    assert len(cohort) > 100

    expected = {
        "wise_retention": _by_group(cohort, lambda f: _share(f["outcome"] == Status.WISE_JOB)),
        "dropout": _by_group(cohort, lambda f: _share(f["outcome"] == Status.INACTIVE)),
    }
    for k in (6, 12, 24):
        full = cohort[cohort["end"] + k <= horizon]
        nec = full["first_nec"] <= full["end"] + k
        expected[f"throughflow_{k}m"] = _by_group(full.assign(nec=nec), lambda f: _share(f["nec"]))
        if k < 24:
            job = nec | (full["outcome"] == Status.WISE_JOB)
            expected[f"any_job_{k}m"] = _by_group(full.assign(job=job), lambda f: _share(f["job"]))
    full24 = cohort[(cohort["end"] + 24 <= horizon) & (cohort["first_nec"] <= cohort["end"] + 24)]
    wait = full24.assign(wait=full24["first_nec"] - full24["start"])
    expected["months_to_nec_median"] = _by_group(wait, lambda f: float(f["wait"].median()) if len(f) else float("nan"))
    spell = _spell12(res).reindex(cohort.index)
    window = cohort.assign(ok=spell <= cohort["start"] + 35)[cohort["start"] + 35 <= horizon]
    expected["sustainable_nec"] = _by_group(window, lambda f: _share(f["ok"]))

    for indicator, groups in expected.items():
        for group, value in groups.items():
            got = ind[indicator][group]
            if math.isnan(value):
                assert math.isnan(got), (indicator, group)
            else:
                assert got == pytest.approx(value, abs=1e-12), (indicator, group)


def test_employment_rate_curve_counts_nec_by_months_since_arrival() -> None:
    res = result("baseline")
    model = res.model
    assert model is not None
    curve = res.indicators["employment_rate_by_month"]["all"]
    anyjob = res.indicators["employment_since_arrival"]["all"]
    assert len(curve) == len(anyjob) == 121
    assert all(a >= n for a, n in zip(anyjob, curve, strict=True) if not (math.isnan(a) or math.isnan(n)))
    assert curve[0] == 0.0  # nobody is in NEC employment in their arrival month
    assert max(v for v in curve if not math.isnan(v)) > 0.1


def test_costs_follow_stocks_and_activity() -> None:
    res = result("mentoring")
    c = res.scenario.costs
    ts = res.timeseries
    everyone = ts[ts["qualification"] == "all"].set_index("month")
    assert np.allclose(everyone["cost_leefloon_eur"], everyone["stock_waiting"] * c.leefloon_eur_month)
    assert np.allclose(
        everyone["cost_art60_eur"], everyone["stock_art60"] * (c.twe_subsidy_eur_month + c.art60_net_wage_eur_month)
    )
    assert np.allclose(everyone["cost_benefit_eur"], everyone["stock_unemployed"] * c.benefit_eur_month)
    labs = events_of(res, "lab")
    seats = labs[labs["ref"] != Lab.APPRENTICESHIP].groupby("month").size().reindex(everyone.index, fill_value=0)
    assert np.allclose(everyone["cost_labs_eur"], seats * res.scenario.section("labs").seat_eur)
    assert (everyone["cost_mentoring_eur"] > 0).any()
    assert np.allclose(everyone["cost_mentoring_eur"] % res.scenario.section("organisation").pair_month_eur, 0.0)


def test_paired_indicators_need_a_pillar() -> None:
    base = run(cached_run("baseline", 3, size=SIZE).scenario, seed=3)
    for name in PAIRED:
        assert all(math.isnan(v) for v in base.indicators[name].values()), name


def test_cost_per_sustainable_transition_compares_with_the_paired_baseline() -> None:
    """Extra discounted cost over 5 years after arrival per extra sustainable transition, same cohort."""
    from throughflow import ThroughflowModel
    from throughflow.experiments.run import baseline_of
    from throughflow.outcomes import PLANNING_HORIZON, horizon_totals

    spec = cached_run("mentoring", 3, size=SIZE).scenario
    paired = run(spec, seed=3)
    with_pillars = horizon_totals(ThroughflowModel(spec, seed=3).run())
    without = horizon_totals(ThroughflowModel(baseline_of(spec), seed=3).run())
    h = PLANNING_HORIZON
    assert with_pillars[f"cohort_{h}m"] == without[f"cohort_{h}m"]  # common arrivals: the same cohort
    extra_cost = with_pillars[f"cost_eur_{h}m"]["all"] - without[f"cost_eur_{h}m"]["all"]
    extra = with_pillars[f"sustainable_{h}m"]["all"] - without[f"sustainable_{h}m"]["all"]
    value = paired.indicators["cost_per_sustainable_transition"]["all"]
    if extra > 0:
        assert value == pytest.approx(extra_cost / extra, rel=1e-9)
    else:
        assert math.isnan(value)
    # numerator and denominator per member of the cohort: their ratio is the cost per transition
    size = with_pillars[f"cohort_{h}m"]["all"]
    assert size > 0
    assert paired.indicators["extra_cost_5y"]["all"] == pytest.approx(extra_cost / size, rel=1e-9)
    assert paired.indicators["extra_sustainable_5y"]["all"] == pytest.approx(extra / size, rel=1e-9)
    for g in GROUPS:
        numerator, denominator = paired.indicators["extra_cost_5y"][g], paired.indicators["extra_sustainable_5y"][g]
        per_transition = paired.indicators["cost_per_sustainable_transition"][g]
        if denominator > 0:
            assert per_transition == pytest.approx(numerator / denominator, rel=1e-9), g
        else:
            assert math.isnan(per_transition), g


@pytest.mark.parametrize("months", sorted({i.min_months - 1 for i in INDICATORS if i.min_months > 1}))
def test_an_indicator_has_no_value_in_runs_shorter_than_its_declared_minimum(months: int) -> None:
    result = run("mentoring", seed=3, months=months, record_events=False, timeseries=False)
    short = [i for i in INDICATORS if i.min_months > months]
    assert short
    for indicator in short:
        values = result.indicators[indicator.name]
        assert all(isinstance(v, float) and math.isnan(v) for v in values.values()), (indicator.name, values)
