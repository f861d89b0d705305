"""Hiring's compiled kernels give exactly what the array expressions they replaced give.

Joining the cold and warm interviews, choosing the hires, holding offers, queueing new
introductions with their lags and keeping the open vacancies: each kernel is checked against
the former numpy expressions (or the former functions) on random inputs that cover the edge
cases (empty input, repeats, ``NO`` links, rooms of zero or less, months with nothing to do).
Kernels that write in place are compared by the arrays after the call.
"""

from __future__ import annotations

import numpy as np

from throughflow.agents.employer import VacancyPool
from throughflow.enums import Status
from throughflow.population import MAX_TIES, NO, RefugeeTable
from throughflow.processes.hiring import (
    LAG,
    Introductions,
    _held_and_later,
    _held_interviews,
    _hold_offers,
    _inverse_counts,
    _joined,
    _new_introductions,
    _not_busy,
    _of_channel,
    _own_tie_hits,
    _queued,
    _split_due,
    _visible,
    _warm_hits,
)
from throughflow.randomness import months_until, uniforms

KEY = 0x5DEECE66D1234567


def test_joined_interviews_equal_the_concatenations() -> None:
    rng = np.random.default_rng(1)
    for n, m in [(0, 0), (0, 3), (4, 0), (5, 6)] + [tuple(rng.integers(0, 20, 2)) for _ in range(30)]:
        cold_seeker, cold_vacancy = rng.integers(0, 50, n), rng.integers(0, 9, n)
        held = rng.integers(0, 50, (m, 4))  # the warm interviews' columns are strided views, as in the model
        got = _joined(cold_seeker, cold_vacancy, held[:, 0], held[:, 3], held[:, 2])
        want = (
            np.concatenate([cold_seeker, held[:, 0]]),
            np.concatenate([cold_vacancy, held[:, 3]]),
            np.concatenate([np.zeros(n, dtype=np.int64), held[:, 2]]),
        )
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g, w)
            assert g.dtype == np.int64


def first_new_reference(hits: np.ndarray, n_emp: int, pending_seeker: np.ndarray, pending_employer: np.ndarray) -> np.ndarray:
    """The first hit of each (seeker, employer) pair in key order, none already pending (array expressions)."""
    key = hits[:, 0] * (n_emp + 1) + hits[:, 1]
    order = np.argsort(key, kind="stable")
    first = np.ones(order.size, dtype=bool)
    first[1:] = key[order[1:]] != key[order[:-1]]
    new = order[first]
    new = new[~np.isin(key[new], pending_seeker * (n_emp + 1) + pending_employer)]
    return np.column_stack([hits[new, 0], hits[new, 1], hits[new, 2], key[new]]).astype(np.int64).reshape(-1, 4)


def test_held_offers_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(3)
    for trial in range(200):
        n_ref, n_emp = 40, int(rng.integers(1, 10))
        size = 0 if trial < 5 else int(rng.integers(0, 30))
        rows = rng.integers(0, n_ref, size)  # repeats: the last offer counts
        employers = rng.integers(0, n_emp, size).astype(np.int32)
        status = rng.integers(0, 7, n_ref).astype(np.int8)
        status[rng.random(n_ref) < 0.3] = Status.ART60
        offer = np.where(rng.random(n_ref) < 0.2, rng.integers(0, n_emp, n_ref), NO).astype(np.int32)
        staff = rng.integers(0, 5, n_emp)
        got_offer, got_staff = offer.copy(), staff.copy()
        now, at = _hold_offers(rows, employers, status, got_offer, got_staff)
        # the former array expressions
        staff += np.bincount(employers, minlength=n_emp)
        on_art60 = status[rows] == Status.ART60
        offer[rows[on_art60]] = employers[on_art60]
        np.testing.assert_array_equal(got_staff, staff)
        np.testing.assert_array_equal(got_offer, offer)
        np.testing.assert_array_equal(now, rows[~on_art60])
        np.testing.assert_array_equal(at, employers[~on_art60])
        assert now.dtype == rows.dtype and at.dtype == employers.dtype


def test_new_introductions_and_their_lags_equal_the_former_queueing() -> None:
    rng = np.random.default_rng(4)
    for trial in range(200):
        n_ref, n_emp, month = 60, int(rng.integers(1, 12)), int(rng.integers(0, 120))
        size = 0 if trial < 5 else int(rng.integers(0, 40))
        hits = np.column_stack(
            [rng.integers(0, n_ref, size), rng.integers(0, n_emp, size), rng.integers(0, 6, size), np.zeros(size, np.int64)]
        )
        pending = Introductions()
        n_pending = 0 if trial % 3 == 0 else int(rng.integers(0, 15))
        pending.rows = np.column_stack(
            [
                rng.integers(0, n_ref, n_pending),
                rng.integers(0, n_emp, n_pending),
                rng.integers(0, 6, n_pending),
                rng.integers(month, month + 5, n_pending),
            ]
        )
        if size and n_pending:
            hits[: min(size, n_pending), :2] = pending.rows[: min(size, n_pending), :2]  # pairs already pending
        former = Introductions()
        former.rows = pending.rows.copy()
        p = 1.0 / float(rng.choice([1.5, 2.0, 3.0, 12.0]))
        new, u = _new_introductions(hits, n_emp, pending, KEY, month)
        rows = _queued(pending.rows, new, np.log1p(-u), np.log1p(-p), month)
        # the former expressions
        want = first_new_reference(hits, n_emp, former.seeker, former.employer)
        want_u = uniforms(KEY, month, want[:, 3], LAG)
        want[:, 3] = month + months_until(want_u, p)
        former.add(want)
        np.testing.assert_array_equal(u, want_u)
        np.testing.assert_array_equal(new, want)
        np.testing.assert_array_equal(rows, former.rows)
        assert rows.dtype == np.int64 and rows.shape[1] == 4


def test_kept_vacancies_equal_the_masked_records() -> None:
    rng = np.random.default_rng(5)
    for trial in range(100):
        pool = VacancyPool(int(rng.integers(1, 40)))
        size = 0 if trial < 5 else int(rng.integers(0, 60))
        if size:
            employers = type("Employers", (), {})()
            employers.sector = rng.integers(0, 6, 20).astype(np.int8)
            employers.municipality = rng.integers(0, 9, 20).astype(np.int32)
            pool.add(
                employers,  # type: ignore[arg-type]
                rng.integers(0, 20, size).astype(np.int32),
                rng.random(size) < 0.3,
                rng.random(size),
                rng.random(size),
                int(rng.integers(0, 50)),
            )
        mask = rng.random(size) < float(rng.choice([0.0, 0.5, 1.0]))
        want = pool.records[mask].copy()  # the former expression
        pool.keep(mask)
        assert pool.n == len(want)
        np.testing.assert_array_equal(pool.records, want)


def test_held_interviews_and_later_introductions_equal_the_former_calls() -> None:
    rng = np.random.default_rng(6)
    for trial in range(200):
        n_ref, n_emp, month = 50, int(rng.integers(1, 10)), int(rng.integers(0, 120))
        size = 0 if trial < 5 else int(rng.integers(0, 40))
        pending = np.column_stack(
            [
                rng.integers(0, n_ref, size),
                rng.integers(0, n_emp, size),
                rng.integers(0, 6, size),
                rng.integers(month - 3, month + 4, size),  # overdue, due and later
            ]
        )
        seekers = np.flatnonzero(rng.random(n_ref) < 0.6)
        first_open = np.append(np.where(rng.random(n_emp) < 0.5, rng.integers(0, 30, n_emp), NO), NO)
        p = float(rng.choice([0.0, 0.5, 1.0]))
        *got, later = _held_and_later(pending, seekers, first_open, n_ref, n_emp, KEY, month, 1, p)
        # the former calls
        due, want_later = _split_due(pending, month)
        held = _held_interviews(due, seekers, first_open, n_ref, n_emp, KEY, month, 1, p)
        np.testing.assert_array_equal(later, want_later)
        for column, g in enumerate(got):
            np.testing.assert_array_equal(g, held[:, column])


def test_introductions_of_a_channel_equal_the_masked_rows() -> None:
    rng = np.random.default_rng(7)
    for trial in range(100):
        size = 0 if trial < 5 else int(rng.integers(0, 30))
        new = rng.integers(0, 40, (size, 4))
        new[:, 2] = rng.integers(0, 4, size)
        channel = int(rng.integers(0, 5))  # 4: no row of that channel
        seeker, employer = _of_channel(new, channel)
        mine = new[new[:, 2] == channel]  # the former expressions
        np.testing.assert_array_equal(seeker, mine[:, 0])
        np.testing.assert_array_equal(employer, mine[:, 1])


def test_inverse_counts_and_visible_skill_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(8)
    for trial in range(100):
        size = 0 if trial < 5 else int(rng.integers(0, 60))
        count = rng.poisson(float(rng.choice([0.3, 2.0, 7.0])), size)  # zeros and repeats
        np.testing.assert_array_equal(_inverse_counts(count), 1.0 / np.maximum(count, 1))
        skill, recognition = rng.random(40), rng.random(40)
        recognition[:5] = 1.0
        seeker = rng.integers(0, 40, size)
        np.testing.assert_array_equal(_visible(seeker, skill, recognition), skill[seeker] * recognition[seeker])


def test_own_tie_hits_equal_the_hits_of_the_tied_seekers() -> None:
    rng = np.random.default_rng(9)
    n, n_emp = 300, 12
    table = RefugeeTable(n)
    table.add(n)
    table.ties[:n] = np.where(rng.random((n, MAX_TIES)) < 0.6, rng.integers(0, n_emp, (n, MAX_TIES)), NO)
    table.tie_fades[:n] = rng.integers(0, 20, (n, MAX_TIES))
    table.ties_until[:n] = np.where(rng.random(n) < 0.2, NO, table.tie_fades[:n].max(axis=1))  # some never tied
    home, tolerance = rng.integers(0, 5, n).astype(np.int32), rng.uniform(15, 90, n)
    minutes, municipality = rng.uniform(5, 100, (5, 5)), rng.integers(0, 5, n_emp).astype(np.int32)
    for month in (0, 5, 12, 19, 20):  # ties fade in months 0-19
        first_open = np.append(np.where(rng.random(n_emp) < 0.5, rng.integers(0, 30, n_emp), NO), NO)
        for seekers in (np.zeros(0, dtype=np.int64), np.unique(rng.integers(0, n, 120)), np.arange(n)):
            args = (month, 2, first_open, home, tolerance, minutes, municipality)
            got = _own_tie_hits(seekers, table.ties_until, table.ties, table.tie_fades, *args)
            holding = seekers[table.ties_until[seekers] >= month]  # those who may still hold a tie
            want = _warm_hits(holding, table.held_ties(holding, month), 2, *args[2:])
            np.testing.assert_array_equal(got, want)


def test_seekers_not_busy_equal_the_masked_rows() -> None:
    rng = np.random.default_rng(10)
    for trial in range(50):
        rows = np.sort(rng.choice(500, int(rng.integers(0, 100)) if trial else 0, replace=False)).astype(np.int64)
        busy = rng.random(rows.size) < float(rng.choice([0.0, 0.3, 1.0]))
        got = _not_busy(rows, busy)
        np.testing.assert_array_equal(got, rows[~busy])
        assert got.dtype == rows.dtype
