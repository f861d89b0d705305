"""Costs by horizon after arrival: cohorts with full follow-up, discounting, paired ratios."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from support import cached_run
from throughflow import ThroughflowModel, load_scenario, run
from throughflow.analysis.summary import cost_by_horizon
from throughflow.experiments.run import baseline_of
from throughflow.outcomes import COST_HORIZONS, PLANNING_HORIZON, cost_per_extra, horizon_totals

SIZE = {"population.scale": 0.5, "months": 96}


def model(name: str = "mentoring", **overrides: object) -> ThroughflowModel:
    return ThroughflowModel(load_scenario(name, **{**SIZE, **overrides}), seed=3).run()


def test_cohort_costs_add_up_to_the_run_cost() -> None:
    m = model()
    by_cohort = m.recorder.cohort_costs().sum()
    assert by_cohort == pytest.approx(m.recorder.total_cost().sum(), rel=1e-9)


def test_each_horizon_follows_the_refugees_arrived_long_enough_before_the_end() -> None:
    m = model()
    totals = horizon_totals(m)
    arrival = m.refugees.column("arrival")
    for h in COST_HORIZONS:
        expected = int(((arrival >= 1) & (arrival + h - 1 <= m.steps)).sum())
        assert totals[f"cohort_{h}m"]["all"] == expected
    assert totals["cohort_24m"]["all"] > totals["cohort_60m"]["all"] > 0
    assert totals["cohort_120m"]["all"] == 0  # 96 months: nobody is followed for ten years


def test_discounting_lowers_costs_and_employed_years_and_not_transitions() -> None:
    plain, discounted = (
        horizon_totals(model(**{"costs.discount_rate": 0.0})),
        horizon_totals(model(**{"costs.discount_rate": 0.05})),
    )
    for h in (36, 60):
        assert discounted[f"cost_eur_{h}m"]["all"] < plain[f"cost_eur_{h}m"]["all"]
        assert discounted[f"employed_years_{h}m"]["all"] < plain[f"employed_years_{h}m"]["all"]
        assert discounted[f"sustainable_{h}m"] == plain[f"sustainable_{h}m"]


def test_undiscounted_employed_years_count_months_in_work() -> None:
    m = model(**{"costs.discount_rate": 0.0})
    totals = horizon_totals(m)
    rec = m.recorder
    arrival = np.arange(rec.cohort_stocks.shape[1])
    months = np.arange(rec.cohort_stocks.shape[0])[:, None]
    h = 24
    window = (
        (arrival[None, :] >= 1)
        & (arrival[None, :] + h - 1 <= m.steps)
        & (months - arrival[None, :] >= 0)
        & (months - arrival[None, :] < h)
    )
    work = rec.cohort_stocks[:, :, 2] + rec.cohort_stocks[:, :, 3]  # NEC, WISE_JOB
    assert totals[f"employed_years_{h}m"]["all"] == pytest.approx((work.sum(axis=2) * window).sum() / 12)


def test_the_paired_cost_indicator_is_the_ratio_at_the_planning_horizon() -> None:
    spec = load_scenario("mentoring", **SIZE)
    result = run(spec, seed=3)
    b = run(baseline_of(spec), seed=3, paired_baseline=False)
    expected = cost_per_extra(result.totals, b.totals, PLANNING_HORIZON, "sustainable")
    assert result.indicators["cost_per_sustainable_transition"]["all"] == pytest.approx(expected["all"])


def test_cost_by_horizon_from_stored_runs() -> None:
    rows = []
    for replicate, seed in enumerate((1, 2)):
        for level, name in (("a", "baseline"), ("b", "mentoring")):
            res = cached_run(name, seed, size=SIZE)
            row = {"status": "ok", "point": int(level == "b"), "replicate": replicate, "factor:scenario": level}
            row.update({f"{k}.{g}": v for k, groups in res.totals.items() for g, v in groups.items()})
            rows.append(row)
    table = cost_by_horizon(pd.DataFrame(rows), "scenario", "a")
    assert set(table["horizon_months"]) == {24, 36, 60}  # no ten-year cohort in 96 months
    five = table[(table["horizon_months"] == 60) & (table["group"] == "all")].iloc[0]
    assert five["cost_per_transition"] == pytest.approx(five["extra_cost_eur"] / five["extra_transitions"])
    assert five["extra_employed_years"] > 0
