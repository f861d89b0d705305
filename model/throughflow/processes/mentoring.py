"""Pillars 1 and 2: volunteer mentors, the mentoring organisation, pairs and their effects.

ODD: Process overview steps 2 and 5. The organisation recruits mentors (while its available
mentors do not cover its free capacity; informal recruitment without it), enrols eligible
refugees (targeting and timing are levers) up to its capacity and matches them to mentors
(by distance and trade when it runs matching, at random otherwise); pairs last 6-12
months, may break down or lose their mentor, and end a few months after a hire. About
89 % of pairs complete six months and 82 % of mentors take another mentee (DUO for a JOB).
While paired, the mentor raises search effectiveness, practises Dutch, passes on employer
ties and advocates for diploma recognition; referral, placement advocacy and staying on
after a hire act in :mod:`hiring`, :mod:`placement` and :mod:`employment`. Without pillar 1
the organisation still enrols participants for exchange and holistic guidance.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.agents.mentor import Mentor
from throughflow.enums import N_QUAL, SECTORS, Event, MentorStatus, PairEnd, Status
from throughflow.population import MAX_MENTOR_TIES, NO
from throughflow.processes.transitions import learn_language, tie_fades
from throughflow.randomness import below, months_until

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


MENTOR_DEPARTURE = 10
"""Draw index of the per-mentor departure numbers (mentor ids, not refugee ids)."""


def shock_factor(model: ThroughflowModel, rows: np.ndarray) -> np.ndarray:
    """Multiplier on life-shock hazards: holistic support by mentor and organisation.

    Args:
        model: The model.
        rows: Refugee indices.

    Returns:
        One factor in (0, 1] per refugee.

    """
    m = model.scenario.mentoring
    r = model.refugees
    mentor_support = m.one_on_one and m.activities.holistic_support
    guidance = m.organisation and m.activities.holistic_guidance
    if not (mentor_support or guidance):
        return np.ones(rows.size)
    factor = np.ones(rows.size)
    enrolled = r.enrolled[rows]
    if mentor_support:
        factor *= np.where(enrolled & (r.mentor[rows] != NO), 1.0 - m.holistic_shock_reduction, 1.0)
    if guidance:
        factor *= np.where(enrolled, 1.0 - m.holistic_shock_reduction, 1.0)
    return factor


def recruit(model: ThroughflowModel, count: int, month: int) -> None:
    """Add ``count`` volunteer mentors with home, advocacy and employer ties."""
    if count <= 0:
        return
    m = model.scenario.mentoring
    rng = model.streams["mentoring"]
    rows = model.mentors.add(count)
    mt = model.mentors
    mt.status[rows] = int(MentorStatus.AVAILABLE)
    mt.home[rows] = model.home_mix.draw(rng, count)
    gain = m.coaching_advocacy_gain if (m.organisation and m.activities.coaching) else 0.0
    mean = min(0.95, m.advocacy_mean + gain)
    mt.advocacy[rows] = rng.beta(mean * 10, (1 - mean) * 10, size=count)
    n_ties = np.minimum(rng.poisson(m.mentor_ties_mean, size=count), MAX_MENTOR_TIES)
    ties = below(rng, model.employers.n, (count, MAX_MENTOR_TIES))
    ties[np.arange(MAX_MENTOR_TIES)[None, :] >= n_ties[:, None]] = NO
    ties = -np.sort(-ties, axis=1)  # descending: held ties first
    ties[:, 1:][ties[:, 1:] == ties[:, :-1]] = NO  # a tie to the same employer counts once
    mt.ties[rows] = -np.sort(-ties, axis=1)
    mt.joined[rows] = month
    # every volunteer may leave in any month from the first month of the run: the month is
    # drawn now, one number per mentor (common random numbers across scenarios)
    u = model.uniforms("mentoring", 0, rows, MENTOR_DEPARTURE)
    mt.leaves[rows] = max(month, 1) - 1 + months_until(u, m.p_mentor_leave_per_month)
    model.mentor_agents += [Mentor(model, i) for i in rows.tolist()]


def organise(model: ThroughflowModel, month: int) -> None:
    """Recruit mentors, end pairs that finish or break down, enrol and match mentees.

    Args:
        model: The model.
        month: The current month.

    """
    m = model.scenario.mentoring
    if not (m.one_on_one or m.organisation):
        return
    rng = model.streams["mentoring"]
    if m.one_on_one:
        count = int(rng.poisson(_recruitment_rate(model)))
        if m.organisation:
            # the organisation recruits while its available mentors do not cover its free capacity
            available = int((model.mentors.column("status") == MentorStatus.AVAILABLE).sum())
            active = int((model.pairs.column("end") == NO).sum())
            count = count if available < model.org.capacity - active else 0
        recruit(model, count, month)
    _end_pairs(model, month, rng)
    _enrol(model, month, rng)


def _recruitment_rate(model: ThroughflowModel) -> float:
    s = model.scenario
    rate = s.mentoring.recruitment_per_month * s.population.scale
    if not s.mentoring.organisation:
        rate *= s.mentoring.informal_recruitment_share
    if s.labs.enabled and s.labs.network_events:
        rate *= 1.0 + s.labs.community_recruitment_gain
    return rate


def _end_pairs(model: ThroughflowModel, month: int, rng: np.random.Generator) -> None:
    m = model.scenario.mentoring
    p, r, mt = model.pairs, model.refugees, model.mentors
    # every volunteer (idle or paired) may leave in a month (the month is drawn when they join);
    # a mentor who leaves ends all of their pairs
    leaving_mentors = np.flatnonzero((mt.column("leaves") <= month) & (mt.column("status") != MentorStatus.LEFT))
    active = np.flatnonzero(p.column("end") == NO)
    if active.size == 0:
        mt.status[leaving_mentors] = int(MentorStatus.LEFT)
        return
    mentee = p.mentee[active]
    mentor = p.mentor[active]
    has_mentor = mentor != NO
    # a hire shortens the pair: the mentor stays on a few months after the job starts
    hired = r.status[mentee] == Status.NEC
    stay = m.stay_on_months if (m.one_on_one and m.activities.stay_on) else 0
    p.planned_end[active[hired]] = np.minimum(p.planned_end[active[hired]], r.job_start[mentee[hired]] + stay)
    u_break = rng.random(active.size)
    p_break = m.p_breakdown_per_month * (
        1.0 - (m.coaching_breakdown_reduction if (m.organisation and m.activities.coaching) else 0.0)
    )
    reason = np.full(active.size, NO, dtype=np.int8)
    reason[u_break < p_break] = PairEnd.BREAKDOWN
    leaving = np.zeros(mt.n + 1, dtype=bool)
    leaving[leaving_mentors] = True
    reason[has_mentor & leaving[mentor]] = PairEnd.MENTOR_LEFT
    # a pair that reaches its planned end (or whose mentee took a WISE job) has completed
    reason[(month >= p.planned_end[active]) | (r.status[mentee] == Status.WISE_JOB)] = PairEnd.COMPLETED
    reason[r.status[mentee] == Status.INACTIVE] = PairEnd.MENTEE_LEFT
    ending = reason != NO
    if not ending.any():
        mt.status[leaving_mentors] = int(MentorStatus.LEFT)
        return
    rows, mentee, mentor, reason = active[ending], mentee[ending], mentor[ending], reason[ending]
    p.end[rows] = month
    p.reason[rows] = reason
    r.enrolled[mentee] = False
    r.mentor[mentee] = NO
    model.events.log(month, Event.PAIR_END, mentee, reason, mentor)
    with_mentor = mentor != NO
    mentees = mt.column("mentees")
    mentees -= np.bincount(mentor[with_mentor], minlength=mt.n).astype(mentees.dtype)
    mt.pairs_done[mentor[with_mentor]] += 1
    u_reenrol = rng.random(rows.size)
    judged = with_mentor & (reason != PairEnd.MENTOR_LEFT)
    # a mentor who leaves this month (for another of their pairs) does not take another mentee
    stays = judged & ~leaving[mentor] & (u_reenrol < m.p_reenrol) & ~mt.retiring[np.maximum(mentor, 0)]
    p.reenrolled[rows[judged]] = stays[judged]
    mt.retiring[mentor[judged & ~stays]] = True
    mt.status[leaving_mentors] = int(MentorStatus.LEFT)
    done = np.flatnonzero(np.bincount(mentor[with_mentor], minlength=mt.n))
    done = done[(mt.mentees[done] == 0) & (mt.status[done] != MentorStatus.LEFT)]
    mt.status[done] = np.where(mt.retiring[done], int(MentorStatus.LEFT), int(MentorStatus.AVAILABLE))


def eligible(model: ThroughflowModel, month: int) -> np.ndarray:
    """Refugees the programme would enrol now (targeting, timing, never enrolled before)."""
    m = model.scenario.mentoring
    r = model.refugees
    status = r.column("status")
    if m.timing == "placement":
        ok = (status == Status.WAITING) | (status == Status.ART60)
    elif m.timing == "late_contract":
        ok = (status == Status.ART60) & (r.column("contract_end") - month < m.late_contract_months)
    else:
        ok = status == Status.UNEMPLOYED
    ok &= ~r.column("ever_enrolled")
    qual = r.column("qualification")
    if m.targeting == "low":
        ok &= qual == 0
    elif m.targeting == "medium_high":
        ok &= qual > 0
    elif m.targeting == "random_share":
        ok &= r.column("coverage_draw") < m.coverage_share
    return np.flatnonzero(ok)


def _enrol(model: ThroughflowModel, month: int, rng: np.random.Generator) -> None:
    m = model.scenario.mentoring
    r, mt, p = model.refugees, model.mentors, model.pairs
    active = int((p.column("end") == NO).sum())
    # the organisation's capacity caps enrolments; informal pairs are capped by mentors only
    free = model.org.capacity - active if m.organisation else len(r.column("status"))
    candidates = eligible(model, month)
    model.recorder.pool_now["waiting_mentees"] = candidates.size
    if free <= 0 or candidates.size == 0:
        return
    candidates = candidates[np.argsort(r.status_since[candidates], kind="stable")][:free]
    mentors = np.full(candidates.size, NO, dtype=np.int32)
    if m.one_on_one:
        spare = np.flatnonzero((mt.column("status") != MentorStatus.LEFT) & ~mt.column("retiring"))
        spare = spare[mt.mentees[spare] < m.mentor_capacity]
        if spare.size == 0:
            return
        organised = m.organisation and m.activities.matching
        mentors, matched = _match(model, candidates, spare, organised, rng)
        candidates, mentors = candidates[matched], mentors[matched]
        mentees = mt.column("mentees")
        mentees += np.bincount(mentors, minlength=mt.n).astype(mentees.dtype)
        mt.status[mentors] = int(MentorStatus.PAIRED)
        r.mentor[candidates] = mentors
    rows = p.add(candidates.size)
    p.mentee[rows] = candidates
    p.mentor[rows] = mentors
    p.start[rows] = month
    p.planned_end[rows] = month + m.pair_months_min + below(rng, m.pair_months_max - m.pair_months_min + 1, candidates.size)
    r.enrolled[candidates] = True
    r.ever_enrolled[candidates] = True
    r.enrol_month[candidates] = month
    model.events.log(month, Event.MATCH, candidates, mentors)


def _match(
    model: ThroughflowModel, mentees: np.ndarray, spare: np.ndarray, organised: bool, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Assign available mentors: nearest with a tie in the trade (organised) or random.

    Returns:
        Mentor per mentee and a mask of mentees who got one.

    """
    r, mt = model.refugees, model.mentors
    radius = model.scenario.mentoring.matching_radius_km
    room = model.scenario.mentoring.mentor_capacity - mt.mentees[spare]
    slots = np.repeat(spare, room)
    out = np.full(mentees.size, NO, dtype=np.int32)
    if not organised:
        chosen = rng.permutation(slots)[: mentees.size]
        out[: chosen.size] = chosen
        return out, out != NO
    # cost of each mentee-mentor pairing: outside the radius, distance, no tie in the trade;
    # it depends on the mentee only through home and trade, so it is computed per kind of mentee
    kind = r.home[mentees].astype(np.int64) * len(SECTORS) + r.trade[mentees]
    present = np.zeros(model.region.n * len(SECTORS), dtype=bool)
    present[kind] = True
    kinds = np.flatnonzero(present)  # the kinds present, in order, and each mentee's index among them
    of_kind = (np.cumsum(present) - 1)[kind]
    km = model.region.km[(kinds // len(SECTORS))[:, None], mt.home[slots][None, :]].astype(np.float32)
    ties = mt.ties[slots]
    has_tie_in = np.zeros((slots.size, len(SECTORS)), dtype=bool)
    held = ties != NO
    has_tie_in[np.nonzero(held)[0], model.employers.sector[ties[held]]] = True
    cost = (km > radius) + km / 100.0 - 0.5 * has_tie_in[:, kinds % len(SECTORS)].T
    picks = greedy(cost, of_kind)
    matched = picks >= 0
    out[matched] = slots[picks[matched]]
    return out, out != NO


def greedy(cost: np.ndarray, kind: np.ndarray) -> np.ndarray:
    """Greedy assignment: in order, each mentee takes the cheapest free place.

    Ties go to the lowest place index, exactly as ``argmin`` over the remaining places would.
    Because a place's cost does not change when other places are taken, each kind of mentee
    can rank all places once and take the first free one in its ranking.

    Args:
        cost: Cost of each place (columns) for each kind of mentee (rows).
        kind: Kind of each mentee, in the order they choose.

    Returns:
        The place index taken by each mentee, or -1 once all places are taken.
    """
    ranking = np.argsort(cost, axis=1, kind="stable")
    places = cost.shape[1]
    taken = [False] * places
    head = [0] * len(ranking)
    out = [-1] * len(kind)
    for k, u in enumerate(kind.tolist()[:places]):
        order, i = ranking[u], head[u]
        place = int(order[i])
        while taken[place]:
            i += 1
            place = int(order[i])
        taken[place] = True
        head[u] = i + 1
        out[k] = place
    return np.array(out, dtype=np.int64)


def mentor(model: ThroughflowModel, month: int) -> None:
    """Monthly effects of active pairs and of the organisation's services on mentees.

    Args:
        model: The model.
        month: The current month.

    """
    m = model.scenario.mentoring
    if not (m.one_on_one or m.organisation):
        return
    r, mt = model.refugees, model.mentors
    enrolled = np.flatnonzero(r.column("enrolled"))
    if m.organisation:  # volunteers are unpaid: the pair-month cost is the organisation's
        model.recorder.pair_months_now += np.bincount(r.qualification[enrolled], minlength=N_QUAL)
    if m.organisation and m.activities.mentee_exchange:
        r.search[enrolled] += m.exchange_search_gain * (1.0 - r.search[enrolled])
    if not m.one_on_one:
        return
    paired = enrolled[r.mentor[enrolled] != NO]
    act = m.activities
    if act.search_support:
        r.search[paired] += m.search_support_rate * (1.0 - r.search[paired])
    if act.language_practice:
        learn_language(model, paired, m.practice_hours_per_month * m.practice_efficiency)
    if act.pass_ties:
        passing = paired[model.uniforms("mentoring_effects", month, paired, 0) < m.p_pass_tie_per_month]
        ties = mt.ties[r.mentor[passing]]
        n_ties = (ties != NO).sum(axis=1)
        has = n_ties > 0
        passing, ties, n_ties = passing[has], ties[has], n_ties[has]
        pick = ties[np.arange(passing.size), (model.uniforms("mentoring_effects", month, passing, 1) * n_ties).astype(int)]
        r.add_tie(passing, pick, tie_fades(model, month, model.streams["ties"], passing.size), month)
        model.events.log(month, Event.TIE, passing, pick, 1.0)
    if act.recognition_advocacy:
        high = paired[r.qualification[paired] == 2]
        p_success = m.p_recognition_per_month * mt.advocacy[r.mentor[high]]
        won = high[(model.uniforms("mentoring_effects", month, high, 2) < p_success) & (r.recognition[high] < 1.0)]
        r.recognition[won] = np.minimum(1.0, r.recognition[won] + m.recognition_gain)
        model.events.log(month, Event.RECOGNITION, won, 0, r.recognition[won])
