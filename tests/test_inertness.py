"""Inert parameters follow from the active mechanisms: the model never reads them and they cannot change a run."""

from __future__ import annotations

import json
import math
from functools import cache
from typing import Any

import numpy as np
import pandas as pd
import pytest

from throughflow.experiments.run import RunResult, run
from throughflow.inertness import effective_scenario, inert_parameters, price_parameters, readable, reading, scenario_key
from throughflow.parameters import ScenarioBase as Scenario
from throughflow.scenario import flatten, load_scenario, parameters, with_values
from throughflow.schema import Scenario as SCHEMA

DECLARED = {p.name: p for p in parameters()}
SMALL = {"population.scale": 0.15}
MONTHS = 48
SEED = 20261207

ALTERNATIVES: dict[str, tuple[Any, Any]] = {
    "mentoring.targeting": ("low", "random_share"),
    "mentoring.timing": ("late_contract", "after_contract"),
    "mentoring.priority": ("contract_end", "random"),
    "story.years_in_belgium": (0, 30),
    "mentoring.pair_months_min": (3, 9),
    "mentoring.trial.first_month": (1, 48),
    "mentoring.trial.offer_share": (0.3, 0.7),
    "mentoring.trial.point": ("placement", "placement"),
    "mentoring.trial.last_month": (24, 60),
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

SECTIONS = ("mentoring", "one_on_one", "organisation", "labs", "story")
SHIPPED = (
    "baseline",
    "mentoring",
    "pillar_one_on_one",
    "pillar_organisation",
    "pillar_labs",
    "without_labs",
    "without_one_on_one",
    "without_organisation",
    "without_co_design",
    "without_community",
    "without_growth_paths",
    "without_intervision",
    "baseline_plus_co_design",
    "baseline_plus_community",
    "pillar_one_on_one_plus_growth_paths",
    "bare_organisation",
    "bare_organisation_plus_intervision",
    "juul_kamin",
)


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


# --------------------------------------------------------------------------- derived, and checked by reading


def reads_of(spec: Scenario, months: int = MONTHS) -> set[str]:
    """The parameters a run of ``spec`` reads, from building the model to computing its outputs."""
    with reading(spec) as reads:
        run(spec, seed=SEED, months=months, paired_baseline=False)
    return reads


@pytest.mark.parametrize("name", SHIPPED)
def test_a_run_never_reads_a_parameter_called_inert(name: str) -> None:
    spec = scenario(name) if name != "juul_kamin" else load_scenario(name)
    reads = reads_of(spec)
    assert reads, "read tracking recorded nothing"
    assert not reads & inert_parameters(spec), sorted(reads & inert_parameters(spec))
    assert {"population.scale", "labour_market.bias"} <= reads


@pytest.mark.parametrize(
    "switch",
    [
        "one_on_one.referral.enabled",
        "one_on_one.placement_advocacy.enabled",
        "organisation.matching.enabled",
        "organisation.coaching.enabled",
        "labs.conversation_clubs.enabled",
        "labs.job_design.enabled",
        "labs.apprenticeships.enabled",
        "labs.diversity_training.enabled",
        "labs.co_design.enabled",
        "labs.community.enabled",
        "labs.growth_paths.enabled",
        "organisation.intervision.enabled",
    ],
)
def test_with_one_activity_off_its_parameters_are_inert_and_unread(switch: str) -> None:
    spec = with_values(scenario("mentoring"), {switch: False})
    section = switch.rpartition(".")[0]
    inert = inert_parameters(spec)
    assert {p for p in DECLARED if p.startswith(f"{section}.") and p != switch} <= inert
    assert switch not in inert  # switching it back on changes what runs
    assert not reads_of(spec, 36) & inert


def test_a_switch_is_inert_only_when_its_pillar_is_off() -> None:
    assert "one_on_one.referral.enabled" in inert_parameters(scenario("baseline"))
    assert "one_on_one.referral.enabled" not in inert_parameters(scenario("pillar_one_on_one"))
    # matching needs volunteers: with the organisation alone its switch changes nothing
    assert "organisation.matching.enabled" in inert_parameters(scenario("pillar_organisation"))
    assert "organisation.matching.enabled" not in inert_parameters(scenario("mentoring"))
    for pillar in ("one_on_one.enabled", "organisation.enabled", "labs.enabled", "story.enabled"):
        assert pillar not in inert_parameters(scenario("baseline"))


def test_readable_and_inert_partition_the_declared_parameters() -> None:
    for name in ("baseline", "mentoring", "pillar_labs"):
        spec = scenario(name)
        assert readable(spec) | inert_parameters(spec) | {"name", "description"} == set(DECLARED)
        assert not readable(spec) & inert_parameters(spec)


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
        if p.name.split(".")[0] in ("mentoring", "one_on_one", "organisation", "labs") and not p.price
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
        "one_on_one.enabled",
        "organisation.enabled",
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
    if isinstance(info.default, bool):
        value = not info.default
    else:  # the end of the range farther from the default
        value = info.high if abs(info.high - info.default) >= abs(info.default - info.low) else info.low
    if name == "population.share_low":
        changed = with_values(scenario("baseline"), {name: 0.3, "population.share_medium": 0.5, "population.share_high": 0.2})
    else:
        changed = with_values(scenario("baseline"), {name: value})
    assert differences(run(changed, seed=SEED, months=MONTHS, paired_baseline=False), result("baseline"))


@pytest.mark.parametrize(
    "name",
    [
        "mentoring.p_breakdown_per_month",
        "one_on_one.advocacy_mean",
        "organisation.capacity_per_1000",
        "one_on_one.search_support.rate",
        "one_on_one.holistic_support.shock_reduction",
        "one_on_one.referral.enabled",
        "labs.network_events.p_tie",
        "labs.diversity_training.bias_cut",
        "labs.diversity_training.fade_months",
        "labs.job_design.requirement_cut",
        "organisation.pair_month_eur",
        "labs.seat_eur",
        "labs.apprenticeships.cost_eur",
        "labs.co_design.orientation_gain",
        "labs.co_design.wise_month_eur",
        "labs.community.shock_reduction",
        "labs.growth_paths.departure_reduction",
        "organisation.intervision.breakdown_reduction",
        "organisation.intervision.session_eur",
    ],
)
def test_with_every_pillar_on_the_mentoring_parameters_are_not_inert(name: str) -> None:
    assert name not in inert_parameters(scenario("mentoring"))
    assert name in inert_parameters(scenario("baseline"))


def test_inert_sets_follow_the_switches() -> None:
    one_on_one = inert_parameters(scenario("pillar_one_on_one"))
    organisation = inert_parameters(scenario("pillar_organisation"))
    assert "organisation.capacity_per_1000" in one_on_one and "organisation.capacity_per_1000" not in organisation
    assert "one_on_one.advocacy_mean" not in one_on_one and "one_on_one.advocacy_mean" in organisation
    assert "organisation.recruitment_factor" in one_on_one
    assert "organisation.recruitment_factor" not in inert_parameters(scenario("mentoring"))
    labs = scenario("pillar_labs")
    assert "labs.conversation_clubs.seats" not in inert_parameters(labs)
    no_clubs = with_values(labs, {"labs.conversation_clubs.enabled": False})
    assert "labs.conversation_clubs.seats" in inert_parameters(no_clubs)
    assert "mentoring.coverage_share" not in inert_parameters(scenario("pillar_organisation"))
    assert "labs.diversity_training.fade_months" in inert_parameters(scenario("baseline"))
    # growth paths and intervision act on volunteers: without pillar 1 they do not run
    assert "labs.growth_paths.departure_reduction" in inert_parameters(labs)
    assert "labs.co_design.orientation_gain" not in inert_parameters(labs)
    assert "organisation.intervision.breakdown_reduction" in inert_parameters(scenario("pillar_organisation"))
    assert "organisation.intervision.breakdown_reduction" not in inert_parameters(scenario("bare_organisation_plus_intervision"))
    assert "organisation.coaching.breakdown_reduction" in inert_parameters(scenario("bare_organisation_plus_intervision"))


# --------------------------------------------------------------------------- effective scenario and key


def test_effective_scenario_resets_inert_parameters_to_their_defaults() -> None:
    base = scenario("baseline")
    changed = with_values(base, {"one_on_one.p_reenrol": 0.7, "labs.network_events.p_tie": 0.4, "labour_market.bias": 0.4})
    effective = flatten(effective_scenario(changed))
    assert effective["one_on_one.p_reenrol"] == DECLARED["one_on_one.p_reenrol"].default
    assert effective["labs.network_events.p_tie"] == DECLARED["labs.network_events.p_tie"].default
    assert effective["labour_market.bias"] == 0.4
    once = effective_scenario(base)  # the calibrated baseline sets some inert parameters (the mentors' re-enrolment)
    assert effective_scenario(once) is once  # nothing left to reset


def test_scenarios_that_differ_only_in_inert_parameters_share_a_key() -> None:
    base = scenario("baseline")
    inert_only = with_values(base, {"one_on_one.p_reenrol": 0.7, "organisation.pair_month_eur": 300.0, "name": "other"})
    assert scenario_key(inert_only) == scenario_key(base) == scenario_key(effective_scenario(inert_only))
    assert scenario_key(with_values(base, {"labour_market.bias": 0.4})) != scenario_key(base)
    assert scenario_key(with_values(base, {"one_on_one.enabled": True})) != scenario_key(base)
    # the horizon is part of the key: an override and the scenario's own months agree
    assert scenario_key(base, months=48) != scenario_key(base)
    assert scenario_key(base, months=base.months) == scenario_key(base)
    assert scenario_key(with_values(base, {"months": 48})) == scenario_key(base, months=48)
    mentoring = scenario("mentoring")
    assert scenario_key(with_values(mentoring, {"one_on_one.p_reenrol": 0.7})) != scenario_key(mentoring)


def test_the_effective_scenario_runs_like_the_scenario() -> None:
    changed = with_values(scenario("baseline"), {"one_on_one.p_reenrol": 0.7, "labs.network_events.p_tie": 0.4})
    effective = effective_scenario(changed)
    assert flatten(effective) != flatten(changed)
    a = run(changed, seed=SEED + 1, months=36, paired_baseline=False)
    b = run(effective, seed=SEED + 1, months=36, paired_baseline=False)
    assert not differences(a, b)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)


def test_prices_change_only_the_cost_outputs() -> None:
    """No process reads a price: moving every price changes the cost outputs and nothing else."""
    from throughflow.outcomes import COST_OUTPUTS

    spec = load_scenario("mentoring", **{"population.scale": 0.5, "months": 48})
    declared = {p.name: p for p in parameters()}
    a = run(spec, seed=3)
    prices = price_parameters(SCHEMA)
    assert {"costs.benefit_eur_month", "organisation.pair_month_eur", "labs.seat_eur"} <= prices
    b = run(with_values(spec, {name: declared[name].high for name in prices}), seed=3)
    assert a.totals["cost_eur"] != b.totals["cost_eur"]  # the prices do price something
    assert a.totals["sustainable_transitions"] == b.totals["sustainable_transitions"]
    same = [name for name in a.indicators if name not in COST_OUTPUTS]
    assert json.dumps({k: a.indicators[k] for k in same}) == json.dumps({k: b.indicators[k] for k in same})
    keep = [c for c in a.timeseries.columns if not c.startswith("cost_") and not c.endswith("_eur")]
    pd.testing.assert_frame_equal(a.timeseries[keep], b.timeseries[keep])
    pd.testing.assert_frame_equal(a.events, b.events)
