"""Invariants checked after every month: statuses, capacities, links, stock-flow accounting."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from throughflow import ThroughflowModel, load_scenario
from throughflow.agents import Refugee
from throughflow.enums import N_STATUS, MentorStatus, Status
from throughflow.population import NO
from throughflow.processes.hiring import headcount

CASES: dict[str, tuple[str, dict[str, Any]]] = {
    "baseline": ("baseline", {}),
    "mentoring": ("mentoring", {}),
    "juul_kamin": ("juul_kamin", {}),
    "late_contract_low_only": ("mentoring", {"mentoring.timing": "late_contract", "mentoring.targeting": "low"}),
    "after_contract_random_share": (
        "mentoring",
        {"mentoring.timing": "after_contract", "mentoring.targeting": "random_share", "art60.throughflow_orientation": 1.0},
    ),
    "organisation_only": ("pillar_organisation", {}),
    "scarce_hosts_tight_market": (
        "mentoring",
        {"art60.slots_per_host": 15, "labour_market.employer_size_mean": 10, "labour_market.vacancies_per_employee_month": 0.015},
    ),
    "mentor_capacity_two_with_departures": (
        "mentoring",
        {"one_on_one.mentor_capacity": 2, "one_on_one.p_mentor_leave_per_month": 0.2},
    ),
}


def check_month(model: ThroughflowModel, month: int) -> None:
    r, rec, s = model.refugees, model.recorder, model.scenario
    status = r.column("status")

    # every refugee in exactly one valid status, and the recorded stocks count each once
    assert ((status >= 0) & (status < N_STATUS)).all()
    assert rec.stocks[month].sum() == r.n
    counts = np.bincount(status.astype(np.int64), minlength=N_STATUS)
    assert np.array_equal(rec.stocks[month].sum(axis=1), counts)
    assert len(model.refugee_agents) == r.n
    assert len(model.agents_by_type[Refugee]) == r.n

    # hosts: never over capacity; places used are exactly the ART60 workers placed there
    hosts = model.hosts
    art60 = status == Status.ART60
    host = r.column("host")
    assert (hosts.used >= 0).all()
    assert (hosts.used <= hosts.slots).all()
    assert (host[art60] != NO).all()
    assert (host[~art60] == NO).all()
    assert np.array_equal(np.bincount(host[art60], minlength=hosts.n), hosts.used)

    # employers: never employ more refugees than their size; NEC workers have an employer
    nec = status == Status.NEC
    employer = r.column("employer")
    assert (employer[nec] != NO).all()
    assert (employer[~nec] == NO).all()
    assert (np.bincount(employer[nec], minlength=model.employers.n) <= model.employers.size).all()
    assert (r.column("offer")[~art60] == NO).all()
    # the employers' running count of refugee staff (employed or holding an offer) is exact
    assert np.array_equal(model.employers.staff, headcount(model))

    # mentors: never over capacity; the mentee count matches the refugees' mentor links
    mt = model.mentors
    mentees = mt.column("mentees")
    mentor_link = r.column("mentor")
    assert (mentees >= 0).all()
    assert (mentees <= s.section("one_on_one").mentor_capacity).all()
    assert np.array_equal(np.bincount(mentor_link[mentor_link != NO], minlength=mt.n), mentees)

    # pairs: enrolment and mentor links mirror the active pairs; the organisation's capacity holds
    p = model.pairs
    active = p.column("end") == NO
    assert np.unique(p.column("mentee")[active]).size == active.sum()
    enrolled = np.zeros(r.n, dtype=bool)
    enrolled[p.column("mentee")[active]] = True
    assert np.array_equal(enrolled, r.column("enrolled"))
    linked = np.full(r.n, NO, dtype=np.int64)
    linked[p.column("mentee")[active]] = p.column("mentor")[active]
    assert np.array_equal(linked, mentor_link)
    # each mentor's count of pairs ended is the number of their pairs that ended (several may end in a month)
    ended = ~active & (p.column("mentor") != NO)
    assert np.array_equal(np.bincount(p.column("mentor")[ended], minlength=mt.n), mt.column("pairs_done"))
    if s.section("organisation").enabled:
        assert active.sum() <= model.org.capacity

    # flows: non-negative (so cumulative flows never decrease) and reconciled with stocks
    assert (rec.flows[month] >= 0).all()
    assert (rec.arrivals[month] >= 0).all()
    change = rec.stocks[month] - rec.stocks[month - 1]
    inflow = rec.flows[month].sum(axis=0)
    outflow = rec.flows[month].sum(axis=1)
    expected = inflow - outflow
    expected[Status.WAITING] += rec.arrivals[month]
    assert np.array_equal(change, expected)
    assert (np.diagonal(rec.flows[month], axis1=0, axis2=1) == 0).all()


@pytest.mark.parametrize("case", sorted(CASES))
def test_invariants_hold_every_month(case: str) -> None:
    name, overrides = CASES[case]
    spec = load_scenario(name, **{"population.scale": 0.3, "months": 72, **overrides})
    model = ThroughflowModel(spec, seed=11)
    for month in range(1, model.months + 1):
        model.step()
        assert model.steps == month
        check_month(model, month)
    assert not model.running


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_mentor_who_left_keeps_a_mentee(case: str) -> None:
    name, overrides = CASES[case]
    spec = load_scenario(name, **{"population.scale": 0.3, "months": 72, **overrides})
    model = ThroughflowModel(spec, seed=11)
    for _ in range(model.months):
        model.step()
        mt = model.mentors
        left = mt.column("status") == MentorStatus.LEFT
        paired = mt.column("status") == MentorStatus.PAIRED
        assert (mt.column("mentees")[left] == 0).all(), "a mentor who left still guides a mentee"
        assert np.array_equal(paired, mt.column("mentees") > 0)
        links = model.refugees.column("mentor")
        assert not left[links[links != NO]].any()


def test_cumulative_flows_in_the_time_series_never_decrease() -> None:
    model = ThroughflowModel(load_scenario("mentoring", **{"population.scale": 0.3, "months": 72}), seed=5).run()
    table = model.recorder.timeseries()
    flows = [c for c in table.columns if c.startswith("flow_")]
    assert len(flows) >= 8
    for _, group in table.groupby("qualification", observed=True):
        cumulative = group.sort_values("month")[flows].cumsum()
        assert (cumulative.diff().dropna() >= 0).all().all()
    everyone = table[table["qualification"] == "all"].set_index("month")
    by_group = table[table["qualification"] != "all"].groupby("month")[[*flows, "arrivals"]].sum()
    assert (everyone[[*flows, "arrivals"]] == by_group).all().all()
    stocks = [c for c in table.columns if c.startswith("stock_")]
    assert (everyone[stocks].sum(axis=1) == everyone["arrivals"].cumsum()).all()


def test_only_declared_transitions_happen() -> None:
    from throughflow.recorder import FLOWS

    model = ThroughflowModel(load_scenario("mentoring", **{"population.scale": 0.5, "months": 96}), seed=2).run()
    total = model.recorder.flows.sum(axis=(0, 3))
    allowed = np.zeros_like(total, dtype=bool)
    for a, b in FLOWS:
        allowed[a, b] = True
    assert (total[~allowed] == 0).all(), np.argwhere(total * ~allowed)
