"""Parameters listed as inert really cannot change a run; the effective scenario and its key."""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

from throughflow.experiments.run import RunResult, run
from throughflow.inert import RULES, effective_scenario, inert_parameters, scenario_key
from throughflow.parameters import Scenario
from throughflow.scenario import flatten, load_scenario, parameters, with_values

DECLARED = {p.name: p for p in parameters()}
SMALL = {"population.scale": 0.15}
MONTHS = 48
SEED = 20261207

ALTERNATIVES: dict[str, tuple[Any, Any]] = {
    "mentoring.targeting": ("low", "random_share"),
    "mentoring.timing": ("late_contract", "after_contract"),
    "mentoring.pair_months_min": (3, 9),
    "story.name": ("Amal", "Bo"),
    "story.mentor_name": ("Els", "Wim"),
    "story.trade": ("care", "green"),
    "story.home": (3, 11),
    "story.language": (0.05, 0.9),
    "story.skill": (0.1, 0.95),
    "story.mentor_advocacy": (0.1, 0.5),
    "story.host_slots": (0, 6),
}
"""Two values for parameters whose declaration has no range to take the ends of."""

SECTIONS = ("mentoring", "art60", "labs", "costs", "story")


def extreme(name: str, end: int) -> Any:
    """A value of ``name`` at the low (``end`` 0) or high (1) end of its range, or an alternative."""
    info = DECLARED[name]
    if isinstance(info.default, bool):
        return not info.default
    if name in ALTERNATIVES:
        return ALTERNATIVES[name][end]
    assert info.low is not None and info.high is not None and info.low < info.high, f"{name}: add an alternative value"
    ends = (info.low, info.high)
    return ends[1 - end] if ends[end] == info.default else ends[end]  # an end at the default: the other one


@cache
def scenario(name: str) -> Scenario:
    return load_scenario(name, **SMALL)


@cache
def result(name: str) -> RunResult:
    return run(scenario(name), seed=SEED, months=MONTHS, paired_baseline=False)


def same_value(a: Any, b: Any) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        return bool(np.array_equal(np.asarray(a, dtype=float), np.asarray(b, dtype=float), equal_nan=True))
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return bool(a == b)


def differences(a: RunResult, b: RunResult) -> list[str]:
    """What differs between two runs: indicators, totals, time series, event log."""
    out = [
        f"{name}.{group}"
        for name, groups in a.indicators.items()
        for group, value in groups.items()
        if not same_value(value, b.indicators[name][group])
    ]
    out += [
        f"{name}.{group}"
        for name, groups in a.totals.items()
        for group, value in groups.items()
        if not same_value(value, b.totals[name][group])
    ]
    if not a.timeseries.equals(b.timeseries):
        out.append("timeseries")
    if not a.events.equals(b.events):
        out.append("events")
    return out


def assert_no_effect(name: str, names: list[str], end: int) -> None:
    base = scenario(name)
    values = {n: extreme(n, end) for n in names}
    changed = with_values(base, values)
    flat = flatten(changed)
    assert all(flat[n] == v for n, v in values.items())
    assert all(flatten(base)[n] != v for n, v in values.items())
    assert inert_parameters(changed) == inert_parameters(base)
    diff = differences(run(changed, seed=SEED, months=MONTHS, paired_baseline=False), result(name))
    assert not diff, f"{name}: setting {sorted(names)} to their {('low', 'high')[end]} ends changed {diff[:8]}"


# --------------------------------------------------------------------------- the rules


def test_every_rule_names_declared_parameters_and_gives_a_reason() -> None:
    for rule in RULES:
        assert rule.names and rule.reason.strip()
        for name in rule.names:
            assert name in DECLARED, name
            assert name not in ("name", "description", "months")


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize("end", [0, 1], ids=["low", "high"])
def test_inert_parameters_of_the_baseline_do_not_change_a_run(section: str, end: int) -> None:
    names = sorted(n for n in inert_parameters(scenario("baseline")) if n.startswith(f"{section}."))
    assert names
    assert_no_effect("baseline", names, end)


@pytest.mark.parametrize("name", ["baseline", "mentoring", "pillar_one_on_one", "pillar_organisation", "pillar_labs"])
@pytest.mark.parametrize("end", [0, 1], ids=["low", "high"])
def test_all_inert_parameters_together_do_not_change_a_run(name: str, end: int) -> None:
    names = sorted(inert_parameters(scenario(name)))
    assert names
    assert_no_effect(name, names, end)


def test_the_baseline_lists_every_mentoring_and_labs_uncertainty() -> None:
    inert = inert_parameters(scenario("baseline"))
    sampled = [
        p.name
        for p in parameters()
        if p.kind == "uncertainty" and p.low is not None and p.high is not None and p.low < p.high
        if p.name.split(".")[0] in ("mentoring", "labs")
    ]
    assert sampled
    assert set(sampled) <= inert


@pytest.mark.parametrize(
    "name",
    [
        "labour_market.bias",
        "labour_market.separation_per_month",
        "population.share_low",
        "population.skill_high",
        "art60.n_wise",
        "art60.retention_max",
        "costs.benefit_eur_month",
        "costs.leefloon_eur_month",
        "costs.art60_net_wage_eur_month",
        "mentoring.one_on_one",
        "mentoring.organisation",
        "labs.enabled",
        "story.enabled",
        "months",
    ],
)
def test_parameters_the_baseline_reads_are_not_inert_and_do_change_a_run(name: str) -> None:
    assert name not in inert_parameters(scenario("baseline"))
    if name == "months":
        return
    info = DECLARED[name]
    value = (not info.default) if isinstance(info.default, bool) else info.high if info.high != info.default else info.low
    if name == "population.share_low":
        changed = with_values(scenario("baseline"), {name: 0.3, "population.share_medium": 0.5, "population.share_high": 0.2})
    else:
        changed = with_values(scenario("baseline"), {name: value})
    assert differences(run(changed, seed=SEED, months=MONTHS, paired_baseline=False), result("baseline"))


@pytest.mark.parametrize(
    "name",
    [
        "mentoring.p_breakdown_per_month",
        "mentoring.advocacy_mean",
        "mentoring.capacity_pairs",
        "mentoring.search_support_rate",
        "mentoring.holistic_shock_reduction",
        "mentoring.practice_efficiency",
        "mentoring.activities.referral",
        "art60.ocmw_openness",
        "labs.p_network_tie",
        "labs.training_bias_cut",
        "labs.training_fade_months",
        "labs.job_design_requirement_cut",
        "costs.pair_month_eur",
        "costs.lab_seat_eur",
        "costs.apprentice_eur",
    ],
)
def test_with_every_pillar_on_the_mentoring_parameters_are_not_inert(name: str) -> None:
    assert name not in inert_parameters(scenario("mentoring"))
    assert name in inert_parameters(scenario("baseline"))


def test_inert_sets_follow_the_switches() -> None:
    one_on_one = inert_parameters(scenario("pillar_one_on_one"))
    organisation = inert_parameters(scenario("pillar_organisation"))
    assert "mentoring.capacity_pairs" in one_on_one and "mentoring.capacity_pairs" not in organisation
    assert "mentoring.advocacy_mean" not in one_on_one and "mentoring.advocacy_mean" in organisation
    assert "mentoring.informal_recruitment_share" not in one_on_one
    assert "mentoring.informal_recruitment_share" in inert_parameters(scenario("mentoring"))
    labs = scenario("pillar_labs")
    assert "mentoring.practice_efficiency" not in inert_parameters(labs)  # conversation clubs use it
    no_clubs = with_values(labs, {"labs.conversation_clubs": False})
    assert {"mentoring.practice_efficiency", "labs.club_seats"} <= inert_parameters(no_clubs)
    targeted = with_values(scenario("mentoring"), {"mentoring.targeting": "random_share"})
    assert "mentoring.coverage_share" not in inert_parameters(targeted)
    # an extreme fade would reach employers never trained: then the fade is not inert
    slow = with_values(scenario("baseline"), {"labs.training_fade_months": 50_000.0})
    assert "labs.training_fade_months" not in inert_parameters(slow)
    assert "labs.training_fade_months" in inert_parameters(scenario("baseline"))


# --------------------------------------------------------------------------- effective scenario and key


def test_effective_scenario_resets_inert_parameters_to_their_defaults() -> None:
    base = scenario("baseline")
    changed = with_values(base, {"mentoring.p_reenrol": 0.7, "labs.p_network_tie": 0.4, "labour_market.bias": 0.4})
    effective = flatten(effective_scenario(changed))
    assert effective["mentoring.p_reenrol"] == DECLARED["mentoring.p_reenrol"].default
    assert effective["labs.p_network_tie"] == DECLARED["labs.p_network_tie"].default
    assert effective["labour_market.bias"] == 0.4
    assert effective_scenario(base) is base


def test_scenarios_that_differ_only_in_inert_parameters_share_a_key() -> None:
    base = scenario("baseline")
    inert_only = with_values(base, {"mentoring.p_reenrol": 0.7, "costs.pair_month_eur": 300.0, "name": "other"})
    assert scenario_key(inert_only) == scenario_key(base) == scenario_key(effective_scenario(inert_only))
    assert scenario_key(with_values(base, {"labour_market.bias": 0.4})) != scenario_key(base)
    assert scenario_key(with_values(base, {"mentoring.one_on_one": True})) != scenario_key(base)
    # the horizon is part of the key: an override and the scenario's own months agree
    assert scenario_key(base, months=48) != scenario_key(base)
    assert scenario_key(base, months=base.months) == scenario_key(base)
    assert scenario_key(with_values(base, {"months": 48})) == scenario_key(base, months=48)
    mentoring = scenario("mentoring")
    assert scenario_key(with_values(mentoring, {"mentoring.p_reenrol": 0.7})) != scenario_key(mentoring)


def test_the_effective_scenario_runs_like_the_scenario() -> None:
    changed = with_values(scenario("baseline"), {"mentoring.p_reenrol": 0.7, "labs.p_network_tie": 0.4})
    effective = effective_scenario(changed)
    assert flatten(effective) != flatten(changed)
    a = run(changed, seed=SEED + 1, months=36, paired_baseline=False)
    b = run(effective, seed=SEED + 1, months=36, paired_baseline=False)
    assert not differences(a, b)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)


def test_prices_change_only_the_cost_outputs() -> None:
    """No process reads a price: moving every price changes the cost outputs and nothing else."""
    from throughflow.inert import PRICES
    from throughflow.outcomes import COST_OUTPUTS

    spec = load_scenario("mentoring", **{"population.scale": 0.5, "months": 48})
    declared = {p.name: p for p in parameters()}
    a = run(spec, seed=3)
    b = run(with_values(spec, {name: declared[name].high for name in PRICES}), seed=3)
    assert a.totals["cost_eur"] != b.totals["cost_eur"]  # the prices do price something
    assert a.totals["sustainable_transitions"] == b.totals["sustainable_transitions"]
    same = [name for name in a.indicators if name not in COST_OUTPUTS]
    assert json.dumps({k: a.indicators[k] for k in same}) == json.dumps({k: b.indicators[k] for k in same})
    keep = [c for c in a.timeseries.columns if not c.startswith("cost_") and not c.endswith("_eur")]
    pd.testing.assert_frame_equal(a.timeseries[keep], b.timeseries[keep])
    pd.testing.assert_frame_equal(a.events, b.events)
