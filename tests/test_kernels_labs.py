"""The labs' compiled kernels give exactly what the array expressions they replace give.

Each kernel of ``throughflow.processes.labs`` is checked against the plain numpy expressions
it replaced (written here), on random inputs that cover the edge cases (empty input, repeats,
missing links ``NO``, boundary values); kernels that write into arrays are compared by the
arrays after the call. The "skip when nothing to do" changes are checked on whole runs.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from throughflow import ThroughflowModel, load_scenario
from throughflow.agents.employer import VacancyPool
from throughflow.arrays import factor_at_least
from throughflow.enums import SECTORS, MentorStatus, Status
from throughflow.population import MAX_TIES, NO
from throughflow.processes import MECHANISMS
from throughflow.processes.hiring import job_seekers
from throughflow.processes.labs.apprenticeships import Apprenticeships, _busy, _converting, _start
from throughflow.processes.labs.clubs import _learners
from throughflow.processes.labs.co_design import (
    _advance,
    _at_partners,
    _join,
    _pick_posts,
    _posts_by_sector,
    _reach,
    _referrals,
)
from throughflow.processes.labs.common import _partners, _seated, grow_skill, kept, pick_split
from throughflow.processes.labs.community import _gather, _new_ties
from throughflow.processes.labs.diversity_training import _trained_bias
from throughflow.processes.labs.ecosystem import LEARNING, Ecosystem
from throughflow.processes.labs.growth_paths import _offered, _take_up
from throughflow.processes.labs.job_design import _cut
from throughflow.processes.labs.network_events import _meet, _mentors_of
from throughflow.processes.labs.slow_dating import _seen_skill
from throughflow.processes.labs.speed_dating import _kept_contacts
from throughflow.processes.transitions import _learn, learn_each
from throughflow.randomness import uniforms

ART60, UNEMPLOYED, WISE_JOB = int(Status.ART60), int(Status.UNEMPLOYED), int(Status.WISE_JOB)
N_SECTORS = len(SECTORS)


def links(rng: np.random.Generator, n: int, high: int, p_no: float = 0.4) -> np.ndarray:
    """A column of links to ``high`` agents, ``NO`` with probability ``p_no`` (int32, as the tables keep them)."""
    return np.where(rng.random(n) < p_no, NO, rng.integers(0, high, n)).astype(np.int32)


# --- common: seats, partner employers, kept events, skill --------------------------------


def test_seats_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(101)
    for _ in range(300):
        n = int(rng.integers(0, 60))
        candidates = np.sort(rng.choice(200, n, replace=False))
        enrolled = rng.random(200) < rng.random()
        mentees, others = candidates[enrolled[candidates]], candidates[~enrolled[candidates]]
        n_seats = int(rng.integers(1, 70))
        seed = int(rng.integers(0, 2**32))
        # the former array expressions (``pick``), from the same generator state
        former = np.random.default_rng(seed)
        if mentees.size >= n_seats:
            want = np.sort(former.choice(mentees, size=n_seats, replace=False, shuffle=False))
        elif n_seats - mentees.size >= others.size:
            want = np.concatenate([mentees, others])
        else:
            rest = n_seats - mentees.size
            want = np.concatenate([mentees, np.sort(former.choice(others, size=rest, replace=False, shuffle=False))])
        new = np.random.default_rng(seed)
        got = pick_split(mentees, others, n_seats, new)
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
        assert new.random() == former.random()  # as many numbers drawn
    for size in (0, 1, 9):
        first, drawn = np.sort(rng.choice(50, 5, replace=False)), rng.permutation(50)[:size] + 50
        np.testing.assert_array_equal(_seated(first, drawn), np.concatenate([first, np.sort(drawn)]))
        np.testing.assert_array_equal(_seated(first[:0], drawn), np.sort(drawn))


def test_partner_employers_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(102)
    for _ in range(200):
        n_emp = int(rng.integers(1, 40))
        sector = rng.integers(0, N_SECTORS, n_emp).astype(np.int8)
        participates = rng.random(n_emp) < rng.random()
        part = np.flatnonzero(participates)
        if part.size == 0:
            continue  # partners() returns NO before any kernel
        by_sector = part[np.argsort(sector[part], kind="stable")]
        per_sector = np.bincount(sector[part], minlength=N_SECTORS)
        sector_start = np.cumsum(per_sector) - per_sector
        trades = rng.integers(0, N_SECTORS, int(rng.integers(0, 50))).astype(np.int8)
        for count in (1, 3):
            u = rng.random((trades.size, count))
            u[: trades.size // 5] = np.nextafter(1.0, 0.0)  # the last post of a sector
            got = _partners(trades, u, per_sector, sector_start, by_sector, part)
            # the former array expressions
            size = per_sector[trades][:, None]
            start = sector_start[trades][:, None]
            own = by_sector[np.minimum(start + (u * size).astype(np.int64), part.size - 1)]
            anyone = part[(u * part.size).astype(np.int64)]
            assert got.shape == (trades.size, count)
            np.testing.assert_array_equal(got, np.where(size > 0, own, anyone))


def test_kept_rows_and_skill_growth_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(103)
    for size in (0, 1, 50):
        rows = np.sort(rng.choice(80, size, replace=False))
        u = rng.random(size)
        u[: size // 4] = 0.3  # at p: not kept
        for p in (0.0, 0.3, 1.0):
            got = kept(rows, u, p)
            assert got.dtype == rows.dtype
            np.testing.assert_array_equal(got, rows[u < p])
        skill = rng.random(80)
        skill[:5] = (0.0, 1.0, 0.5, 1e-300, np.nextafter(1.0, 0.0))
        for gain in (0.0, 0.15, 1.0):
            got_skill, want = skill.copy(), skill.copy()
            grow_skill(rows, got_skill, gain)
            want[rows] += gain * (1.0 - want[rows])
            np.testing.assert_array_equal(got_skill, want)


# --- co-design ---------------------------------------------------------------------------


def test_co_design_round_opening_equals_the_array_expressions() -> None:
    rng = np.random.default_rng(104)
    for _ in range(300):
        n_hosts, n_ocmw, n = int(rng.integers(1, 15)), int(rng.integers(1, 6)), int(rng.integers(0, 60))
        municipality = rng.integers(0, n_ocmw, n_hosts).astype(np.int32)
        openness = rng.random(n_ocmw)
        openness[0] = 1.0
        joining = np.sort(rng.choice(n_hosts, int(rng.integers(0, n_hosts + 1)), replace=False))
        status = rng.choice([ART60, UNEMPLOYED, WISE_JOB, 0], n).astype(np.int8)
        host, wise = links(rng, n, n_hosts), links(rng, n, n_hosts)
        home = rng.integers(0, n_ocmw, n).astype(np.int32)
        gain = float(rng.choice([0.0, 0.2, 1.0]))
        got_open = openness.copy()
        at_wise, where = _join(joining, gain, municipality, got_open, status, host, wise, home, n)
        # the former array expressions (np.unique of the OCMWs, masks of the workers)
        joins = np.zeros(n_hosts + 1, dtype=bool)
        joins[joining] = True
        want_at = np.flatnonzero(((status == ART60) & joins[host]) | joins[wise])
        art60 = want_at[status[want_at] == ART60]
        ocmws = np.unique(np.concatenate([municipality[joining], home[art60]]))
        want_open = openness.copy()
        want_open[ocmws] += gain * (1.0 - want_open[ocmws])
        want_where = np.where(status[want_at] == ART60, host[want_at], wise[want_at])
        np.testing.assert_array_equal(at_wise, want_at)
        np.testing.assert_array_equal(where, want_where)
        assert where.dtype == want_where.dtype
        np.testing.assert_array_equal(got_open, want_open)


def test_co_design_monthly_orientation_and_reach_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(105)
    for _ in range(200):
        n_hosts, n, month = int(rng.integers(1, 20)), int(rng.integers(0, 80)), int(rng.integers(0, 40))
        started = np.where(rng.random(n_hosts) < 0.5, rng.integers(0, 40, n_hosts), NO).astype(np.int32)
        until = np.where(started != NO, started + rng.integers(0, 12, n_hosts), NO).astype(np.int32)
        base = rng.random(n_hosts)
        orientation = np.where(rng.random(n_hosts) < 0.3, base, np.minimum(1.0, base + rng.random(n_hosts) * 0.3))
        orientation[: n_hosts // 4] = 1.0
        gain, fade, months = 0.05, 0.1, int(rng.integers(0, 6))
        got_o, got_partner = orientation.copy(), np.ones(n_hosts + 1, dtype=bool)
        got_partner[-1] = False
        count = _advance(month, gain, fade, months, started, until, base, got_o, got_partner)
        # the former array expressions
        o, partner = orientation.copy(), np.zeros(n_hosts + 1, dtype=bool)
        in_trajectory = until >= month
        o[in_trajectory] += gain * (1.0 - o[in_trajectory])
        fading = ~in_trajectory & (o > base)
        o[fading] -= fade * (o[fading] - base[fading])
        partner[:-1] = (started != NO) & (month <= until + months)
        assert count == in_trajectory.sum()
        np.testing.assert_array_equal(got_o, o)
        np.testing.assert_array_equal(got_partner, partner)
        # reach: the workers of referring WISEs (capacity beyond n stays untouched)
        host, wise = links(rng, n + 5, n_hosts), links(rng, n + 5, n_hosts)
        reached = rng.random(n + 5) < 0.2
        got_reached = reached.copy()
        any_partner = _reach(partner, host, wise, got_reached, n)
        want = reached.copy()
        if partner.any():
            want[np.flatnonzero(partner[host[:n]] | partner[wise[:n]])] = True
        assert any_partner == partner.any()
        np.testing.assert_array_equal(got_reached, want)


def test_co_design_referrals_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(106)
    for _ in range(200):
        n_hosts, n, month, key = int(rng.integers(1, 12)), 120, int(rng.integers(0, 100)), int(rng.integers(0, 2**63 - 1))
        host, wise = links(rng, n, n_hosts, 0.5), links(rng, n, n_hosts, 0.3)
        partner = np.append(rng.random(n_hosts) < 0.5, False)
        sector = rng.integers(0, N_SECTORS, n_hosts).astype(np.int8)
        seekers = np.sort(rng.choice(n, int(rng.integers(0, n)), replace=False))
        for p in (0.0, 0.4, 1.0):
            referred, sectors = _referrals(key, month, p, seekers, host, wise, partner, sector)
            # the former array expressions (``self.chance`` on the workers at partners)
            at = _at_partners(seekers, host, wise, partner)
            np.testing.assert_array_equal(at, seekers[partner[np.where(host[seekers] != NO, host[seekers], wise[seekers])]])
            want = at[uniforms(key, month, at, 1) < p]
            np.testing.assert_array_equal(referred, want)
            np.testing.assert_array_equal(sectors, sector[np.where(host[want] != NO, host[want], wise[want])])
            assert sectors.dtype == sector.dtype


def test_partner_post_lookup_equals_the_sorted_array_expressions() -> None:
    rng = np.random.default_rng(107)
    for _ in range(300):
        n_emp, n_vac = int(rng.integers(1, 30)), int(rng.integers(0, 60))
        pool = np.zeros(n_vac, dtype=VacancyPool.DTYPE)  # strided views, as the pool's fields
        pool["employer"] = rng.integers(0, n_emp, n_vac)
        pool["sector"] = rng.integers(0, min(N_SECTORS, int(rng.integers(1, N_SECTORS + 1))), n_vac)  # empty sectors
        employer, sector = pool["employer"], pool["sector"]
        participates = rng.random(n_emp) < rng.random()
        posts, starts, counts = _posts_by_sector(participates, employer, sector, N_SECTORS)
        # the former array expressions: stable argsort, bincount, cumsum
        want = np.flatnonzero(participates[employer])
        s = sector[want]
        want = want[np.argsort(s, kind="stable")]
        want_counts = np.bincount(s, minlength=N_SECTORS)
        np.testing.assert_array_equal(posts, want)
        np.testing.assert_array_equal(counts, want_counts)
        np.testing.assert_array_equal(starts, np.cumsum(want_counts) - want_counts)
        if posts.size == 0:
            continue  # no post: NO for every referral before any draw
        sectors = rng.integers(0, N_SECTORS, int(rng.integers(0, 40))).astype(np.int8)
        u = rng.random(sectors.size)
        u[: sectors.size // 5] = np.nextafter(1.0, 0.0)
        got = _pick_posts(sectors, u, posts, starts, counts, employer)
        size = want_counts[sectors]
        pick = want[np.minimum(starts[sectors] + (u * size).astype(np.int64), want.size - 1)]
        out = np.full((sectors.size, 1), NO, dtype=np.int64)
        out[:, 0] = np.where(size > 0, employer[pick], NO)
        assert got.shape == out.shape and got.dtype == out.dtype
        np.testing.assert_array_equal(got, out)


# --- community, clubs ----------------------------------------------------------------------


def test_community_gathering_equals_the_array_expressions() -> None:
    rng = np.random.default_rng(108)
    for _ in range(50):
        n, n_emp, month = 120, 30, int(rng.integers(0, 20))
        ties = np.where(rng.random((n, MAX_TIES)) < 0.6, rng.integers(0, n_emp, (n, MAX_TIES)), NO).astype(np.int32)
        fades = rng.integers(0, 20, (n, MAX_TIES)).astype(np.int32)
        municipality = rng.integers(0, 5, n_emp)
        by_place = np.argsort(municipality, kind="stable")
        per_place = np.bincount(municipality, minlength=6)
        place_start = np.cumsum(per_place) - per_place
        home = rng.integers(0, 6, n).astype(np.int32)
        guests = rng.permutation(n)[: int(rng.integers(0, 40))]
        u = rng.random((4, guests.size))
        belongs = np.where(rng.random(n) < 0.3, rng.integers(0, 30, n), NO).astype(np.int32)
        reached = rng.random(n) < 0.3
        got_belongs, got_reached = belongs.copy(), reached.copy()
        args = (0.3, 0.5, home, ties, fades)
        rows, employers = _gather(guests, u, month, month + 6, *args, got_belongs, got_reached, per_place, place_start, by_place)
        # the former array expressions, then the ties (as before, from the untouched tie columns)
        want_rows, want_employers = _new_ties(guests, u, month, *args, per_place, place_start, by_place)
        belongs[guests] = month + 6
        reached[guests] = True
        np.testing.assert_array_equal(got_belongs, belongs)
        np.testing.assert_array_equal(got_reached, reached)
        np.testing.assert_array_equal(rows, want_rows)
        np.testing.assert_array_equal(employers, want_employers)


def test_club_learners_and_practice_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(109)
    per_level = np.array([600.0, 240.0, 120.0])
    for size in (0, 1, 7, 300):
        status = rng.integers(0, len(Status), size + 10).astype(np.int8)
        enrolled = rng.random(size + 10) < 0.4
        mentees, others = _learners(LEARNING, status[:size], enrolled)
        # the former array expressions (``rows_flagged`` then ``pick``'s split)
        learners = np.flatnonzero(LEARNING[status[:size]])
        np.testing.assert_array_equal(mentees, learners[enrolled[learners]])
        np.testing.assert_array_equal(others, learners[~enrolled[learners]])
        language = rng.random(size + 10)
        language[:3] = (1.0, 0.999, 0.0)[: min(3, size + 10)]
        qualification = rng.integers(0, 3, size + 10).astype(np.int8)
        club = np.sort(rng.choice(size + 10, min(size, 40), replace=False))
        for hours in (0.0, 12.5, 4000.0):
            got, former = language.copy(), language.copy()
            learn_each(club, hours, qualification, per_level, got)
            _learn(club, np.array([hours]), qualification, per_level, former)  # ``learn_language``
            want = language.copy()
            want[club] = np.minimum(1.0, language[club] + 0.2 * hours / per_level[qualification[club]])
            np.testing.assert_array_equal(got, former)
            np.testing.assert_array_equal(got, want)


# --- employer-side hooks: diversity training, job design, slow dating ----------------------


def test_trained_bias_equals_the_array_expressions() -> None:
    rng = np.random.default_rng(110)
    for _ in range(100):
        n, month = int(rng.integers(0, 50)), int(rng.integers(0, 200))
        trained = np.where(rng.random(n) < 0.5, rng.integers(0, month + 1, n), -10_000).astype(np.int32)  # never: -10000
        bias = rng.uniform(0.0, 0.6, n)
        for fade_months, cut in ((12.0, 0.5), (1.0, 1.0), (7.0, 0.0), (3.5, 0.3)):
            got = _trained_bias(month, bias, trained, fade_months, cut)
            fade = np.clip(1.0 - (month - trained) / fade_months, 0.0, 1.0)
            np.testing.assert_array_equal(got, bias * (1.0 - cut * fade))


def test_job_design_cut_and_seen_skill_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(111)
    for size in (0, 1, 100):
        participates = rng.random(20) < 0.5
        employers = rng.integers(-1, 20, size)  # NO reads the last employer, as numpy does
        np.testing.assert_array_equal(_cut(employers, participates, 0.8), np.where(participates[employers], 0.8, 1.0))
        seekers = rng.integers(0, 50, size)  # repeats
        seen_by = links(rng, 50, 20)
        skill, visible = rng.random(50), rng.random(size)
        applied = np.where(rng.random(size) < 0.5, seen_by[seekers], rng.integers(0, 20, size))
        got = _seen_skill(seekers, applied, visible, seen_by, skill)
        np.testing.assert_array_equal(got, np.where(seen_by[seekers] == applied, skill[seekers], visible))


# --- growth paths --------------------------------------------------------------------------


def test_growth_path_offer_and_take_up_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(112)
    left = int(MentorStatus.LEFT)
    for _ in range(100):
        n, month = int(rng.integers(0, 60)), int(rng.integers(0, 100))
        status = rng.integers(0, len(MentorStatus), n + 8).astype(np.int8)
        retiring = rng.random(n + 8) < 0.2
        growth_path = np.where(rng.random(n + 8) < 0.3, rng.integers(0, 100, n + 8), NO).astype(np.int32)
        offered = _offered(status, retiring, growth_path, n)
        want = np.flatnonzero((status[:n] != left) & ~retiring[:n] & (growth_path[:n] == NO))
        np.testing.assert_array_equal(offered, want)
        taken = want[rng.random(want.size) < 0.5]
        advocacy = rng.random(n + 8)
        got_path, got_advocacy = growth_path.copy(), advocacy.copy()
        _take_up(taken, month, 0.25, got_path, got_advocacy)
        growth_path[taken] = month
        advocacy[taken] += 0.25 * (1.0 - advocacy[taken])
        np.testing.assert_array_equal(got_path, growth_path)
        np.testing.assert_array_equal(got_advocacy, advocacy)
        # the stop factor: ``growth_path >= 0`` is ``!= NO`` for months from 0
        mentors = rng.integers(0, n + 8, 30)
        np.testing.assert_array_equal(
            factor_at_least(mentors, growth_path, 0, 0.6), np.where(growth_path[mentors] != NO, 0.6, 1.0)
        )


# --- network events, speed dating ----------------------------------------------------------


def test_network_event_mentors_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(113)
    slots = 6
    for _ in range(300):
        n_mentors, n_emp = int(rng.integers(1, 12)), int(rng.integers(1, 8))
        mentor = links(rng, 100, n_mentors, 0.5)
        guests = np.sort(rng.choice(100, int(rng.integers(0, 40)), replace=False))
        mentors = _mentors_of(guests, mentor, n_mentors)
        m = mentor[guests]
        np.testing.assert_array_equal(mentors, np.flatnonzero(np.bincount(m[m != NO], minlength=n_mentors)))
        # full, partly free and empty slot rows; employers already held; no employer (NO)
        ties = np.where(rng.random((n_mentors, slots)) < rng.random(), rng.integers(0, n_emp, (n_mentors, slots)), NO)
        ties = ties.astype(np.int32)
        employer = np.where(rng.random(mentors.size) < 0.2, NO, rng.integers(0, n_emp, mentors.size))
        got = ties.copy()
        _meet(mentors, employer, got)
        # the former array expressions
        want = ties.copy()
        held = want[mentors]
        room = (held == NO).any(axis=1) & ~(held == employer[:, None]).any(axis=1) & (employer != NO)
        rows, e, held = mentors[room], employer[room], held[room]
        want[rows, np.argmax(held == NO, axis=1)] = e
        np.testing.assert_array_equal(got, want)


def test_speed_dating_contacts_kept_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(114)
    for _ in range(100):
        n, count = int(rng.integers(0, 30)), int(rng.integers(1, 5))
        dating = np.sort(rng.choice(200, n, replace=False))
        contacts = np.where(rng.random((n, count)) < 0.2, NO, rng.integers(0, 9, (n, count)))  # NO: no employer
        u = rng.random((n, count))
        for p in (0.0, 0.4, 1.0):
            rows, employers = _kept_contacts(dating, contacts, u, p)
            keep = (contacts != NO) & (u < p)
            np.testing.assert_array_equal(rows, np.repeat(dating, count)[keep.ravel()])
            np.testing.assert_array_equal(employers, contacts[keep])
            assert rows.dtype == dating.dtype and employers.dtype == contacts.dtype


# --- apprenticeships -------------------------------------------------------------------------


def test_apprenticeship_start_conversion_and_busy_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(115)
    for _ in range(100):
        n, month = 150, int(rng.integers(0, 40))
        placed = np.sort(rng.choice(n, int(rng.integers(0, 30)), replace=False))
        firm = rng.integers(0, 20, placed.size)
        columns = (
            links(rng, n, 20, 0.7),  # apprentice_at
            np.where(rng.random(n) < 0.5, rng.integers(0, 40, n), NO).astype(np.int32),  # apprentice_until
            rng.random(n),  # skill
            rng.random(n) < 0.3,  # reached
        )
        got = tuple(c.copy() for c in columns)
        _start(placed, firm, month + 3, 0.2, *got)
        at, until, skill, reached = (c.copy() for c in columns)
        at[placed] = firm
        until[placed] = month + 3
        skill[placed] += 0.2 * (1.0 - skill[placed])
        reached[placed] = True
        for g, w in zip(got, (at, until, skill, reached), strict=True):
            np.testing.assert_array_equal(g, w)

        ending = np.sort(rng.choice(n, int(rng.integers(0, 40)), replace=False))
        status = rng.integers(0, len(Status), n).astype(np.int8)
        offer = links(rng, n, 20, 0.7)
        language = rng.random(n)
        u = rng.random(ending.size)
        skill_req, language_req = rng.random(ending.size), rng.random(ending.size)
        skill_req[: ending.size // 4] = skill[ending[: ending.size // 4]]  # at the requirement: meets it
        for p_hire in (0.0, 0.5, 1.0):
            converts = _converting(ending, u, p_hire, skill_req, language_req, status, offer, skill, language)
            s = status[ending]
            on_art60 = (s == ART60) & (offer[ending] == NO)
            searching = (s == UNEMPLOYED) | (s == WISE_JOB) | on_art60
            want = searching & (u < p_hire) & (skill[ending] >= skill_req) & (language[ending] >= language_req)
            assert converts.dtype == want.dtype
            np.testing.assert_array_equal(converts, want)

        rows = rng.integers(0, n, int(rng.integers(0, 60)))  # repeats
        np.testing.assert_array_equal(_busy(rows, until, month), until[rows] >= month)


# --- skips: nothing that the run depends on is skipped --------------------------------------


LABS = "throughflow.processes.labs."
LAB_ACTIVITIES = sorted(m.name for m in MECHANISMS if m.__module__.startswith(LABS) and m is not Ecosystem)


def always_listing_seekers(self: Ecosystem, month: int) -> None:
    """The former ``begin_month``: the job seekers listed every month."""
    if self.supports_employers:
        self.count("employer_support_months", self.model.employers.participates.sum())
    self.seekers = job_seekers(self.model, month)


def assert_same_run(a: ThroughflowModel, b: ThroughflowModel) -> None:
    assert a.refugees.n == b.refugees.n
    columns = [name for name, value in vars(a.refugees).items() if isinstance(value, np.ndarray)]
    assert "status" in columns and "seen_by" in columns
    for name in columns:
        np.testing.assert_array_equal(a.refugees.column(name), b.refugees.column(name), err_msg=name)
    np.testing.assert_array_equal(a.recorder.stocks, b.recorder.stocks)
    pd.testing.assert_frame_equal(a.events.frame(), b.events.frame())


def lab_runs() -> list[tuple[str, dict[str, Any]]]:
    """The full scenarios, and pillar 3 with one activity at a time."""
    runs: list[tuple[str, dict[str, Any]]] = [("mentoring", {}), ("pillar_labs", {})]
    for activity in LAB_ACTIVITIES:
        runs.append(("pillar_labs", {f"labs.{other}.enabled": other == activity for other in LAB_ACTIVITIES}))
    return runs


def test_every_lab_activity_is_run_alone() -> None:
    assert len(LAB_ACTIVITIES) == 12 and "workshops" in LAB_ACTIVITIES and "team_support" in LAB_ACTIVITIES
    drawing = {m.name for m in MECHANISMS if getattr(m, "draws_seekers", False)}
    assert drawing == {"workshops", "speed_dating", "slow_dating", "apprenticeships", "network_events"}


@pytest.mark.parametrize(
    ("name", "overrides"),
    lab_runs(),
    ids=["mentoring", "pillar_labs", *(f"only_{a}" for a in LAB_ACTIVITIES)],
)
def test_listing_seekers_only_when_an_activity_draws_changes_no_run(
    name: str, overrides: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = load_scenario(name, **overrides)
    skipping = ThroughflowModel(spec, seed=2, months=36).run()
    monkeypatch.setattr(Ecosystem, "begin_month", always_listing_seekers)
    listing = ThroughflowModel(spec, seed=2, months=36).run()
    assert_same_run(skipping, listing)


class EveryMonth(set[int]):
    """Last months of apprenticeships that hold every month: the former lookup in every month."""

    def __contains__(self, month: object) -> bool:
        return True


@pytest.mark.parametrize("name", ["mentoring", "pillar_labs"])
def test_looking_up_apprenticeship_ends_only_when_one_ends_changes_no_run(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = load_scenario(name, **{"labs.apprenticeships.months": 2})  # ends off the intake calendar
    skipping = ThroughflowModel(spec, seed=2, months=36).run()
    init = Apprenticeships.init

    def every_month(self: Apprenticeships) -> None:
        init(self)
        self.ends = EveryMonth()

    monkeypatch.setattr(Apprenticeships, "init", every_month)
    looking = ThroughflowModel(spec, seed=2, months=36).run()
    assert isinstance(looking.mechanisms["apprenticeships"].ends, EveryMonth)
    assert (skipping.refugees.column("apprentice_at") != NO).any()
    assert_same_run(skipping, looking)


def test_an_activity_that_reads_the_seekers_without_declaring_it_fails_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    """The job seekers are listed only for declared activities: an undeclared reader is told so, not given stale rows."""
    from throughflow.processes.labs.workshops import Workshops

    only = {f"labs.{other}.enabled": other == "workshops" for other in LAB_ACTIVITIES}
    ThroughflowModel(load_scenario("pillar_labs", **only), seed=2, months=12).run()  # declared: runs
    monkeypatch.setattr(Workshops, "draws_seekers", False)
    with pytest.raises(RuntimeError, match="draws_seekers = True"):
        ThroughflowModel(load_scenario("pillar_labs", **only), seed=2, months=12).run()
