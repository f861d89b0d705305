"""The programme's, the volunteers' and the organisation's compiled kernels equal the array expressions they replaced.

As in ``test_kernels.py``: each kernel is checked against the plain numpy expressions it
replaced, written here, on random inputs that cover the edge cases (empty input, repeats,
``NO`` links, boundary values, months with nothing to do, every timing, targeting and
priority option); kernels that write in place are compared on the arrays after the call.
Tables carry more rows than they use (``n`` below their capacity, the rest left at the
columns' fill values) so that a kernel reading past ``n`` fails.
"""

from __future__ import annotations

import numpy as np

from throughflow.enums import MentorStatus, PairEnd, Status
from throughflow.population import MAX_MENTOR_TIES, NO
from throughflow.processes.enrolment import (
    _TARGETINGS,
    _TIMINGS,
    BREAKDOWN,
    _eligible,
    _end,
    _enrolled,
    _first_served,
    _mark_eligible,
    _pair_figures,
    _start_pairs,
    _with_mentor,
)
from throughflow.processes.organisation.exchange import _exchange
from throughflow.processes.organisation.intervision import _session
from throughflow.processes.organisation.matching import _match, _match_rows, greedy
from throughflow.processes.organisation.organisation import _open_pairs
from throughflow.processes.volunteers import (
    REENROL,
    _leave_months,
    _leaving,
    _new_mentors,
    _pair_mentors,
    _pairs_ended,
    _pairs_ended_drawn,
    _spare,
    _spare_count,
    _status_counts,
    _take_places,
)
from throughflow.randomness import months_until, uniforms

WAITING, ART60, NEC = int(Status.WAITING), int(Status.ART60), int(Status.NEC)
WISE_JOB, UNEMPLOYED, INACTIVE = int(Status.WISE_JOB), int(Status.UNEMPLOYED), int(Status.INACTIVE)
AVAILABLE, PAIRED, LEFT = int(MentorStatus.AVAILABLE), int(MentorStatus.PAIRED), int(MentorStatus.LEFT)


def with_tail(live: np.ndarray, extra: int, fill: int | float | bool) -> np.ndarray:
    """``live`` followed by ``extra`` rows at the column's fill value (a table's unused capacity)."""
    tail = np.full((extra, *live.shape[1:]), fill, dtype=live.dtype)
    return np.concatenate([live, tail])


# --- enrolment --------------------------------------------------------------------------------


def test_pair_ends_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(101)
    for trial in range(300):
        n_pairs, n_ref, n_mentors = int(rng.integers(0, 60)), 90, int(rng.integers(1, 20))
        month, stay, key = int(rng.integers(0, 40)), int(rng.integers(0, 4)), int(rng.integers(0, 2**63 - 1))
        p_break = (0.0, 1.0, 0.1, 0.5)[trial % 4]
        active_share = (0.0, 0.6, 1.0)[trial % 3]  # no active pair, some, all
        end = with_tail(np.where(rng.random(n_pairs) < active_share, NO, rng.integers(0, 40, n_pairs)).astype(np.int32), 7, NO)
        reason_of = with_tail(np.where(end[:n_pairs] == NO, NO, rng.integers(0, 4, n_pairs)).astype(np.int8), 7, NO)
        pair_mentee = with_tail(rng.choice(n_ref, n_pairs, replace=False).astype(np.int32), 7, NO)
        pair_mentor = with_tail(
            np.where(rng.random(n_pairs) < 0.8, rng.integers(0, n_mentors, n_pairs), NO).astype(np.int32), 7, NO
        )
        planned_end = with_tail(rng.integers(month - 3, month + 5, n_pairs).astype(np.int32), 7, NO)
        status = rng.integers(0, 6, n_ref).astype(np.int8)
        job_start = rng.integers(month - 8, month + 1, n_ref).astype(np.int32)
        enrolled = rng.random(n_ref) < 0.5
        mentor_of = np.where(rng.random(n_ref) < 0.5, rng.integers(0, n_mentors, n_ref), NO).astype(np.int32)
        leaving_mentors = rng.integers(0, n_mentors, int(rng.integers(0, 4)))  # repeats: several hooks
        state = [a.copy() for a in (end, reason_of, planned_end, enrolled, mentor_of)]
        got = _end(
            month, stay, p_break, key, leaving_mentors, n_mentors, n_pairs,
            state[0], state[1], pair_mentee, pair_mentor, state[2], status, job_start, state[3], state[4],
        )  # fmt: skip
        # the former array expressions (those of _reasons included)
        e_, r_, pe_, en_, mo_ = (a.copy() for a in (end, reason_of, planned_end, enrolled, mentor_of))
        active = np.flatnonzero(e_[:n_pairs] == NO)
        mentee, mentor = pair_mentee[active], pair_mentor[active]
        breaks = uniforms(key, month, active, BREAKDOWN) < p_break
        leaving = np.zeros(n_mentors + 1, dtype=np.bool_)
        leaving[leaving_mentors] = True
        hired = status[mentee] == NEC
        pe_[active[hired]] = np.minimum(pe_[active[hired]], job_start[mentee[hired]] + stay)
        reason = np.full(active.size, NO, dtype=np.int8)
        reason[breaks] = PairEnd.BREAKDOWN
        reason[(mentor != NO) & leaving[mentor]] = PairEnd.MENTOR_LEFT
        reason[(month >= pe_[active]) | (status[mentee] == WISE_JOB)] = PairEnd.COMPLETED
        reason[status[mentee] == INACTIVE] = PairEnd.MENTEE_LEFT
        ending = reason != NO
        rows, mentee, reason = active[ending], mentee[ending], reason[ending]
        e_[rows] = month
        r_[rows] = reason
        en_[mentee] = False
        mo_[mentee] = NO
        assert got.dtype == np.int64
        np.testing.assert_array_equal(got, rows)
        for g, w in zip(state, (e_, r_, pe_, en_, mo_), strict=True):
            np.testing.assert_array_equal(g, w)


def test_enrolled_and_paired_lists_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(102)
    for n in (0, 1, 2, 50, 400):
        for share in (0.0, 0.4, 1.0):
            enrolled = with_tail(rng.random(n) < share, 5, True)  # a tail that would count if read
            mentor = with_tail(np.where(rng.random(n) < 0.6, rng.integers(0, 30, n), NO).astype(np.int32), 5, 0)
            rows, paired = _enrolled(enrolled, mentor, n)
            want = np.flatnonzero(enrolled[:n])
            np.testing.assert_array_equal(rows, want)
            np.testing.assert_array_equal(paired, want[mentor[want] != NO])
            assert rows.dtype == paired.dtype == np.int64


def eligible_reference(
    timing: str,
    targeting: str,
    month: int,
    late_months: int,
    n: int,
    status: np.ndarray,
    ever_enrolled: np.ndarray,
    qualification: np.ndarray,
    contract_end: np.ndarray,
    ended: np.ndarray,
) -> np.ndarray:
    """The former :meth:`Enrolment.eligible` before the random share and the filters."""
    status = status[:n]
    if timing == "waiting_list":
        ok = (status == WAITING) | (status == ART60)
    elif timing == "placement":
        ok = status == ART60
    elif timing == "late_contract":
        ok = (status == ART60) & (contract_end[:n] - month < late_months)
    else:
        ok = (status == UNEMPLOYED) & (ended[:n] != NO)
    ok &= ~ever_enrolled[:n]
    qual = qualification[:n]
    if targeting == "low":
        ok &= qual == 0
    elif targeting == "medium_high":
        ok &= qual > 0
    return np.flatnonzero(ok)


def test_eligibility_for_every_timing_and_targeting_equals_the_array_expressions() -> None:
    rng = np.random.default_rng(103)
    assert set(_TIMINGS) == {"waiting_list", "placement", "late_contract", "after_contract"}
    assert set(_TARGETINGS) == {"all", "low", "medium_high", "random_share"}
    for n in (0, 1, 3, 200):
        for _ in range(8):
            month, late_months = int(rng.integers(0, 30)), int(rng.integers(0, 7))
            status = with_tail(rng.integers(0, 6, n).astype(np.int8), 4, WAITING)
            ever_enrolled = with_tail(rng.random(n) < 0.3, 4, False)
            qualification = with_tail(rng.integers(0, 3, n).astype(np.int8), 4, 0)
            # contract ends around the boundary month + late_months, and none (NO)
            contract_end = with_tail(
                np.where(rng.random(n) < 0.2, NO, month + late_months + rng.integers(-2, 3, n)).astype(np.int32), 4, NO
            )
            ended = with_tail(np.where(rng.random(n) < 0.5, NO, rng.integers(0, 30, n)).astype(np.int32), 4, 0)
            since = with_tail(np.where(rng.random(n) < 0.5, NO, rng.integers(0, 30, n)).astype(np.int32), 4, NO)
            for timing, t in _TIMINGS.items():
                for targeting, g in _TARGETINGS.items():
                    want = eligible_reference(
                        timing, targeting, month, late_months, n, status, ever_enrolled, qualification, contract_end, ended
                    )
                    columns = (status, ever_enrolled, qualification, contract_end, ended)
                    got_since = since.copy()
                    got = _eligible(t, g, month, late_months, n, *columns, got_since, False)
                    np.testing.assert_array_equal(got, want)
                    np.testing.assert_array_equal(got_since, since)  # not marked
                    got_since = since.copy()
                    got = _eligible(t, g, month, late_months, n, *columns, got_since, True)
                    np.testing.assert_array_equal(got, want)
                    # the former marking: the candidates eligible for the first time are eligible since month
                    want_since = since.copy()
                    new = want[want_since[want] == NO]
                    want_since[new] = month
                    np.testing.assert_array_equal(got_since, want_since)
                    # marked after the random share and the filters: a subset of the candidates
                    subset = want[rng.random(want.size) < 0.5]
                    got_since, want_since = since.copy(), since.copy()
                    _mark_eligible(subset, got_since, month)
                    want_since[subset[want_since[subset] == NO]] = month
                    np.testing.assert_array_equal(got_since, want_since)


def test_waiting_list_served_first_eligible_first_equals_the_stable_sort() -> None:
    rng = np.random.default_rng(104)
    for size in (0, 1, 2, 7, 64, 65, 1000, 5000):
        for distinct in (1, 2, 5, 40, 2**30):  # many equal keys (their order kept); keys spread wide
            eligible_since = rng.integers(0, distinct, size + 50).astype(np.int32)
            eligible_since[rng.random(size + 50) < 0.1] = NO
            for candidates in (np.sort(rng.choice(size + 50, size, replace=False)), rng.permutation(size + 50)[:size]):
                candidates = candidates.astype(np.int64)
                for free in (1, 2, size // 3 + 1, size, size + 10):
                    want = candidates[np.argsort(eligible_since[candidates], kind="stable")][:free]
                    np.testing.assert_array_equal(_first_served(candidates, eligible_since, free), want)


def test_candidates_with_a_mentor_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(105)
    for size in (0, 1, 30):
        for share in (0.0, 0.5, 1.0):
            candidates = rng.permutation(100)[:size].astype(np.int64)
            mentors = np.where(rng.random(size) < share, rng.integers(0, 10, size), NO).astype(np.int32)
            got_candidates, got_mentors = _with_mentor(candidates, mentors)
            np.testing.assert_array_equal(got_candidates, candidates[mentors != NO])
            np.testing.assert_array_equal(got_mentors, mentors[mentors != NO])
            assert got_mentors.dtype == np.int32


def test_starting_pairs_sets_the_columns_as_the_array_expressions() -> None:
    rng = np.random.default_rng(106)
    for _ in range(50):
        n_ref, first, capacity, month = 80, int(rng.integers(0, 30)), 70, int(rng.integers(0, 40))
        size = int(rng.integers(0, capacity - first + 1))
        mentees = rng.choice(n_ref, size, replace=False).astype(np.int64)
        mentors = np.where(rng.random(size) < 0.7, rng.integers(0, 12, size), NO).astype(np.int32)
        months = rng.integers(1, 25, size)
        pairs = [rng.integers(-1, 50, capacity).astype(np.int32) for _ in range(4)]  # mentee, mentor, start, planned end
        people = [
            rng.integers(-1, 12, n_ref).astype(np.int32),  # mentor
            rng.random(n_ref) < 0.5,  # enrolled
            rng.random(n_ref) < 0.5,  # ever enrolled
            rng.random(n_ref) < 0.5,  # ever mentored: kept when enrolled without a mentor
            rng.random(n_ref) < 0.5,  # reached
            rng.integers(-1, 40, n_ref).astype(np.int32),  # enrolment month
        ]
        got = [a.copy() for a in pairs + people]
        _start_pairs(first, mentees, mentors, month, months, *got)
        # the former array expressions
        pm, pmo, ps, ppe, rm, ren, rev, rmt, rre, rmo = (a.copy() for a in pairs + people)
        rows = np.arange(first, first + size)
        pm[rows] = mentees
        pmo[rows] = mentors
        ps[rows] = month
        ppe[rows] = month + months
        rm[mentees] = mentors
        ren[mentees] = True
        rev[mentees] = True
        rmt[mentees] |= mentors != NO
        rre[mentees] = True
        rmo[mentees] = month
        for g, w in zip(got, (pm, pmo, ps, ppe, rm, ren, rev, rmt, rre, rmo), strict=True):
            np.testing.assert_array_equal(g, w)


def test_programme_figures_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(107)
    for n in (0, 1, 40, 300):
        start = with_tail(rng.integers(0, 12, n).astype(np.int32), 6, NO)
        end = with_tail(np.where(rng.random(n) < 0.5, NO, rng.integers(0, 12, n)).astype(np.int32), 6, NO)
        reason = with_tail(np.where(end[:n] == NO, NO, rng.integers(0, 4, n)).astype(np.int8), 6, NO)
        for month in (NO, 0, 5, 11, 20):  # month 20: nothing started or ended; NO: the tail's value
            s, e, r = start[:n], end[:n], reason[:n]
            started = np.count_nonzero(s == month)
            early = np.count_nonzero((e == month) & ((r == PairEnd.BREAKDOWN) | (r == PairEnd.MENTOR_LEFT)))
            assert _pair_figures(start, end, reason, n, month) == (started, early)


# --- volunteers -------------------------------------------------------------------------------


def mentor_pool(rng: np.random.Generator, n: int, capacity: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Status, retiring and mentees of ``n`` mentors (and a tail of unused rows at the fill values)."""
    status = with_tail(rng.integers(0, 3, n).astype(np.int8), 5, AVAILABLE)
    retiring = with_tail(rng.random(n) < 0.2, 5, False)
    mentees = with_tail(rng.integers(0, capacity + 2, n).astype(np.int16), 5, 0)  # up to above capacity
    return status, retiring, mentees


def test_spare_mentors_and_places_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(108)
    for n in (0, 1, 5, 200):
        for capacity in (1, 2, 4):
            for _ in range(5):
                status, retiring, mentees = mentor_pool(rng, n, capacity)
                spare = np.flatnonzero((status[:n] != LEFT) & ~retiring[:n])
                spare = spare[mentees[spare] < capacity]
                places = np.repeat(spare, capacity - mentees[spare])
                np.testing.assert_array_equal(_spare(status, retiring, mentees, n, capacity, False), spare)
                np.testing.assert_array_equal(_spare(status, retiring, mentees, n, capacity, True), places)
                assert _spare_count(status, retiring, mentees, n, capacity, False) == spare.size
                assert _spare_count(status, retiring, mentees, n, capacity, True) == places.size


def test_assigning_mentors_equals_the_array_expressions() -> None:
    rng = np.random.default_rng(109)
    for _ in range(200):
        n, capacity = int(rng.integers(1, 30)), int(rng.integers(1, 4))
        status, retiring, mentees = mentor_pool(rng, n, capacity)
        places = _spare(status, retiring, mentees, n, capacity, True)
        size = int(rng.integers(0, 20))
        # matching: an index in places or -1 (repeated indices too: the bookkeeping counts each)
        picks = np.where(rng.random(size) < 0.6, rng.integers(0, max(places.size, 1), size), -1)
        if places.size == 0:
            picks[:] = -1
        got_mentees, got_status = mentees.copy(), status.copy()
        got = _take_places(picks, places, got_mentees, got_status)
        # the former array expressions
        want = np.full(size, NO, dtype=np.int32)
        matched = picks >= 0
        want[matched] = places[picks[matched]]
        want_mentees, want_status = mentees.copy(), status.copy()
        given = want[want != NO]
        live = want_mentees[:n]
        live += np.bincount(given, minlength=n).astype(live.dtype)
        want_status[given] = PAIRED
        assert got.dtype == np.int32
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(got_mentees, want_mentees)
        np.testing.assert_array_equal(got_status, want_status)
        # at random: the first places of a permutation, NO for those left without
        out = np.full(size, NO, dtype=np.int32)
        chosen = rng.permutation(places)[:size]
        out[: chosen.size] = chosen
        got_mentees, got_status = mentees.copy(), status.copy()
        _pair_mentors(out, got_mentees, got_status)
        want_mentees, want_status = mentees.copy(), status.copy()
        given = out[out != NO]
        live = want_mentees[:n]
        live += np.bincount(given, minlength=n).astype(live.dtype)
        want_status[given] = PAIRED
        np.testing.assert_array_equal(got_mentees, want_mentees)
        np.testing.assert_array_equal(got_status, want_status)


def test_leaving_mentors_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(110)
    for n in (0, 1, 60):
        leaves = with_tail(rng.integers(0, 20, n).astype(np.int32), 5, NO)  # the tail's NO would leave if read
        status = with_tail(rng.integers(0, 3, n).astype(np.int8), 5, AVAILABLE)
        for month in (0, 7, 19, 25):
            want = np.flatnonzero((leaves[:n] <= month) & (status[:n] != LEFT))
            np.testing.assert_array_equal(_leaving(leaves, status, n, month), want)


def test_new_mentors_columns_and_ties_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(111)
    for _ in range(200):
        count, first, n_emp = int(rng.integers(0, 30)), int(rng.integers(0, 10)), int(rng.integers(1, 8))
        month = int(rng.integers(0, 40))
        n_ties = rng.poisson(float(rng.uniform(0, 8)), count)  # none, some, more than the slots
        drawn = (rng.random((count, MAX_MENTOR_TIES)) * n_emp).astype(np.int64)  # few employers: repeats
        size = first + count + 3
        ties = rng.integers(-1, 9, (size, MAX_MENTOR_TIES)).astype(np.int32)
        status = rng.integers(0, 3, size).astype(np.int8)
        joined = rng.integers(-1, 40, size).astype(np.int32)
        got_ties, got_status, got_joined = ties.copy(), status.copy(), joined.copy()
        _new_mentors(first, n_ties, drawn.copy(), month, got_ties, got_status, got_joined)
        # the former array expressions
        rows = np.arange(first, first + count)
        want_ties, want_status, want_joined = ties.copy(), status.copy(), joined.copy()
        want_status[rows] = AVAILABLE
        held = np.minimum(n_ties, MAX_MENTOR_TIES)
        t = drawn.copy()
        t[np.arange(MAX_MENTOR_TIES)[None, :] >= held[:, None]] = NO
        t = -np.sort(-t, axis=1)
        t[:, 1:][t[:, 1:] == t[:, :-1]] = NO
        want_ties[rows] = -np.sort(-t, axis=1)
        want_joined[rows] = month
        np.testing.assert_array_equal(got_ties, want_ties)
        np.testing.assert_array_equal(got_status, want_status)
        np.testing.assert_array_equal(got_joined, want_joined)


def test_new_mentors_departure_months_equal_months_until() -> None:
    rng = np.random.default_rng(112)
    key = 12345
    edges = np.array([0.0, 1e-300, 2.0**-53, 0.5, 1.0 - 2.0**-53, 1.0 - 2.0**-30])
    for leave in (1e-15, 1e-9, 0.002, 0.006, 0.012, 0.3, 0.5, 0.999, 1.0 - 2.0**-52):
        for month in (0, 1, 2, 37):
            count, first = int(rng.integers(0, 300)), int(rng.integers(0, 20))
            rows = np.arange(first, first + count)
            u = np.concatenate([uniforms(key, 0, rows, 0), edges])
            size = first + u.size + 4
            leaves = rng.integers(-1, 50, size).astype(np.int32)
            start = max(month, 1) - 1
            got = leaves.copy()
            _leave_months(start, np.log1p(-u), np.log1p(-leave), first, got)
            want = leaves.copy()
            want[first : first + u.size] = start + months_until(u, leave)
            np.testing.assert_array_equal(got, want)
    # quotients that are whole numbers: u = 1 - (1 - p)**k
    for leave in (0.5, 0.25, 0.125):
        u = 1.0 - (1.0 - leave) ** np.arange(0, 40)
        got = np.zeros(u.size, dtype=np.int32)
        _leave_months(0, np.log1p(-u), np.log1p(-leave), 0, got)
        np.testing.assert_array_equal(got, months_until(u, leave))


def test_mentors_bookkeeping_with_drawn_numbers_equals_the_former_expressions() -> None:
    rng = np.random.default_rng(113)
    for trial in range(300):
        n_mentors, n_pairs, size = 12, 40, int(rng.integers(0, 15))
        key, month = int(rng.integers(0, 2**63 - 1)), int(rng.integers(0, 50))
        rows = np.sort(rng.choice(n_pairs, size, replace=False)).astype(np.int64)
        mentor = np.where(rng.random(size) < 0.8, rng.integers(0, n_mentors, size), NO).astype(np.int32)
        reason = rng.integers(0, 4, size).astype(np.int8)
        leaving = rng.integers(0, n_mentors, int(rng.integers(0, 3)))
        mentees = (np.bincount(mentor[mentor != NO], minlength=n_mentors) + rng.integers(0, 2, n_mentors)).astype(np.int16)
        pairs_done = rng.integers(0, 5, n_mentors).astype(np.int16)
        retiring = rng.random(n_mentors) < 0.2
        status = rng.integers(0, 3, n_mentors).astype(np.int8)
        reenrolled = np.full(n_pairs, -1, dtype=np.int8)
        p_reenrol = (0.82, 0.0, 1.0, 0.7)[trial % 4]
        factors = [np.zeros(0), rng.uniform(0.0, 1.5, size), np.array([0.6]), np.round(rng.random(size), 1)]
        for factor in factors:
            state = [a.copy() for a in (mentees, pairs_done, retiring, status, reenrolled)]
            _pairs_ended_drawn(key, month, rows, mentor, reason, leaving, p_reenrol, factor, n_mentors, *state)
            # the former expressions: p_stay in numpy, then the (tested) bookkeeping
            p_stay: float | np.ndarray = p_reenrol
            if factor.size:
                p_stay = 1.0 - (1.0 - p_stay) * factor
            want = [a.copy() for a in (mentees, pairs_done, retiring, status, reenrolled)]
            u = uniforms(key, month, rows, REENROL)
            _pairs_ended(rows, mentor, reason, leaving, u, np.atleast_1d(p_stay), n_mentors, *want)
            for g, w in zip(state, want, strict=True):
                np.testing.assert_array_equal(g, w)


def test_mentor_pool_figures_equal_the_bincount() -> None:
    rng = np.random.default_rng(114)
    for n in (0, 1, 100):
        status = with_tail(rng.integers(0, 3, n).astype(np.int8), 5, AVAILABLE)
        count = np.bincount(status[:n], minlength=len(MentorStatus))
        assert _status_counts(status, n) == (count[AVAILABLE], count[PAIRED], count[LEFT])


# --- the organisation -------------------------------------------------------------------------


def test_exchange_and_intervision_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(115)
    for n in (0, 1, 80):
        for gain in (0.0, 0.05, 0.3, 1.0):
            search = rng.random(n + 5)
            search[: n // 4] = 1.0  # already at the top
            enrolled = np.flatnonzero(rng.random(n) < 0.5)
            got = search.copy()
            _exchange(enrolled, got, gain)
            want = search.copy()
            want[enrolled] += gain * (1.0 - want[enrolled])
            np.testing.assert_array_equal(got, want)

            status = with_tail(rng.integers(0, 3, n).astype(np.int8), 5, PAIRED)  # the tail would count if read
            advocacy = rng.random(n + 5)
            got = advocacy.copy()
            present = _session(status, got, n, gain)
            want = advocacy.copy()
            rows = np.flatnonzero(status[:n] == PAIRED)
            want[rows] += gain * (1.0 - want[rows])
            np.testing.assert_array_equal(got, want)
            assert present == rows.size


def test_open_pairs_equal_the_count_of_unended_pairs() -> None:
    rng = np.random.default_rng(116)
    for n in (0, 1, 50):
        for share in (0.0, 0.5, 1.0):
            end = with_tail(np.where(rng.random(n) < share, -1, rng.integers(0, 30, n)).astype(np.int32), 5, NO)
            assert _open_pairs(end, n) == np.count_nonzero(end[:n] == -1)


def test_matching_the_refugees_and_places_equals_the_array_expressions() -> None:
    rng = np.random.default_rng(117)
    sectors = 6
    for regions in (1, 7, 40):  # 40 regions: codes far above those of 7
        xy = rng.uniform(0, 60, (regions, 2))
        km = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1))
        records = np.zeros(40, dtype=[("size", np.float64), ("sector", np.int8)])  # a strided column, as the model's
        records["sector"] = rng.integers(0, sectors, 40)
        employer_sector = records["sector"]
        n_ref, n_mentors = 200, 60
        home = rng.integers(0, regions, n_ref).astype(np.int32)
        trade = rng.integers(0, sectors, n_ref).astype(np.int8)
        mentor_home = rng.integers(0, regions, n_mentors).astype(np.int32)
        ties = np.where(rng.random((n_mentors, MAX_MENTOR_TIES)) < 0.4, rng.integers(0, 40, (n_mentors, 6)), NO)
        ties = ties.astype(np.int32)
        for radius in (0.0, 15.0, 21.7):
            for _ in range(20):
                mentees = rng.choice(n_ref, int(rng.integers(1, 30)), replace=False).astype(np.int64)
                spare = np.sort(rng.choice(n_mentors, int(rng.integers(1, 30)), replace=False))
                places = np.repeat(spare, rng.integers(1, 3, spare.size))  # one per free place: repeats
                got = _match_rows(mentees, places, home, trade, mentor_home, ties, employer_sector, km, radius, sectors)
                # the former call, with the columns gathered by numpy
                want = _match(
                    home[mentees].astype(np.int64),
                    trade[mentees].astype(np.int64),
                    mentor_home[places].astype(np.int64),
                    ties[places],
                    employer_sector,
                    km,
                    radius,
                    sectors,
                )
                np.testing.assert_array_equal(got, want)
                # and the array expressions of the costs per kind of mentee and type of place, then the greedy
                h, tr, ph, pt = home[mentees].astype(np.int64), trade[mentees].astype(np.int64), mentor_home[places], ties[places]
                kinds, of_kind = np.unique(h * sectors + tr, return_inverse=True)
                has_tie_in = np.zeros((places.size, sectors), dtype=bool)
                held = pt != NO
                has_tie_in[np.nonzero(held)[0], employer_sector[pt[held]]] = True
                code = ph.astype(np.int64) << sectors | (has_tie_in << np.arange(sectors)).sum(axis=1)
                types, place_type = np.unique(code, return_inverse=True)
                first = np.empty(types.size, dtype=np.int64)
                first[place_type[::-1]] = np.arange(places.size - 1, -1, -1)
                d = km[(kinds // sectors)[:, None], ph[first][None, :]].astype(np.float32)
                cost = (d > radius) + d / 100.0 - 0.5 * has_tie_in[first][:, kinds % sectors].T
                np.testing.assert_array_equal(got, greedy(cost, of_kind, place_type))
