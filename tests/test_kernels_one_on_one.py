"""The compiled kernels of the 1-on-1 activities, the recorder and the reporters equal the array expressions they replace.

Each kernel is checked against the plain numpy (or plain Python) expressions it replaced,
written here, on random inputs that cover the edge cases (empty input, repeats, ``NO`` = -1
links, full and empty tie slots, boundary values); a kernel that writes into arrays in place
is checked on the arrays after the call. A model pickled in mid-run goes on as if it had not
been (the recorder's arrays cached for the reporters' kernel must stay views).
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest

from throughflow.enums import N_QUAL, N_STATUS, MentorStatus, Qualification, Status
from throughflow.model import ThroughflowModel
from throughflow.population import MAX_TIES, NO, RefugeeTable, add_ties_compiled
from throughflow.processes.one_on_one.pass_ties import (
    FADE,
    PASS,
    PICK,
    _fade_sooner,
    _introductions,
    _mentors_ties_held,
    _ties_to_fade,
)
from throughflow.processes.one_on_one.recognition import _recognitions
from throughflow.processes.one_on_one.referral import _mentors_ties
from throughflow.processes.one_on_one.search_support import _grow_search
from throughflow.processes.transitions import learn_each
from throughflow.randomness import months_until, uniforms
from throughflow.recorder import _NO_COHORTS, STOCK_COSTS, _count_people, _count_stocks
from throughflow.reporters import REPORTERS, _declared_values, _month_figures, datacollector

MENTOR_TIES = 6
NEC, WISE_JOB, LEFT, HIGH = int(Status.NEC), int(Status.WISE_JOB), int(MentorStatus.LEFT), int(Qualification.HIGH)


def some_rows(rng: np.random.Generator, n: int) -> np.ndarray:
    """Distinct sorted rows (as the programme's paired rows), empty now and then."""
    return np.sort(rng.choice(n, int(rng.integers(0, n + 1)) if rng.random() < 0.9 else 0, replace=False)).astype(np.int64)


def mentors_ties(rng: np.random.Generator, n_mentors: int, employers: int = 10) -> np.ndarray:
    """Mentors' employer ties: ``NO`` scattered between ties, some mentors with none, some with every slot full."""
    ties = np.where(rng.random((n_mentors, MENTOR_TIES)) < 0.5, rng.integers(0, employers, (n_mentors, MENTOR_TIES)), NO)
    ties[: n_mentors // 5] = NO
    ties[n_mentors // 5 : n_mentors // 3] = rng.integers(0, employers, (n_mentors // 3 - n_mentors // 5, MENTOR_TIES))
    return rng.permutation(ties).astype(np.int32)


def mentor_links(rng: np.random.Generator, n: int, n_mentors: int) -> np.ndarray:
    """Each refugee's mentor, ``NO`` for some (repeats: a mentor with several mentees)."""
    return np.where(rng.random(n) < 0.8, rng.integers(0, n_mentors, n), NO).astype(np.int32)


def tie_table(rng: np.random.Generator, n: int, employers: int = 10) -> RefugeeTable:
    """Refugees' ties: empty, faded and full slots, ``ties_until`` the latest fading month (below some months)."""
    table = RefugeeTable(n)
    table.add(n)
    table.ties[:n] = np.where(rng.random((n, MAX_TIES)) < 0.6, rng.integers(0, employers, (n, MAX_TIES)), NO)
    table.ties[: n // 4] = rng.integers(0, employers, (n // 4, MAX_TIES))
    table.tie_fades[:n] = rng.integers(0, 20, (n, MAX_TIES))
    table.ties_until[:n] = table.tie_fades[:n].max(axis=1)
    return table


# --- pass_ties: introductions and the ties of ended pairs -------------------------------------


def test_introductions_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(101)
    for _ in range(150):
        n, n_mentors = 60, 15
        key, month = int(rng.integers(0, 2**63 - 1)), int(rng.integers(0, 20))
        mentor, mentor_ties = mentor_links(rng, n, n_mentors), mentors_ties(rng, n_mentors)
        paired = some_rows(rng, n)
        p = float(rng.choice([0.0, 0.3, 0.8, 1.0]))
        passing, pick = _introductions(key, month, paired, p, mentor, mentor_ties)
        # the former array expressions
        want = paired[uniforms(key, month, paired, PASS) < p]
        ties = mentor_ties[mentor[want]]
        n_ties = (ties != NO).sum(axis=1)
        has = n_ties > 0
        want, ties, n_ties = want[has], ties[has], n_ties[has]
        want_pick = ties[np.arange(want.size), (uniforms(key, month, want, PICK) * n_ties).astype(int)]
        np.testing.assert_array_equal(passing, want)
        np.testing.assert_array_equal(pick, want_pick)
        assert pick.dtype == want_pick.dtype

        # the ties added: RefugeeTable.add_tie (the former call) and its single pass on distinct mentees
        table = tie_table(rng, n)
        fades = rng.integers(month, month + 30, passing.size).astype(np.int32)
        got = [a.copy() for a in (table.ties, table.tie_fades, table.ties_until)]
        add_ties_compiled(*got, passing, pick, fades, month)
        table.add_tie(passing, pick, fades, month)
        for g, w in zip(got, (table.ties, table.tie_fades, table.ties_until), strict=True):
            np.testing.assert_array_equal(g, w)


def test_ties_fading_after_a_pair_ends_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(102)
    faded_sooner = kept = 0
    for _ in range(150):
        n, n_mentors = 50, 12
        key, month = int(rng.integers(0, 2**63 - 1)), int(rng.integers(0, 20))
        table, mentor_ties = tie_table(rng, n), mentors_ties(rng, n_mentors)
        size = int(rng.integers(0, 25))
        mentee = rng.integers(0, n, size)  # repeats: the same (mentee, slot) twice
        mentor = np.where(rng.random(size) < 0.85, rng.integers(0, n_mentors, size), NO).astype(np.int32)
        mean = float(rng.choice([1.0, 2.5, 4.0, 12.0]))  # 1: p = 1, every tie lasts one month
        tables = (table.ties_until, table.ties, table.tie_fades, mentor_ties)
        rows, slots, u = _ties_to_fade(key, month, mentee, mentor, *tables)
        # the former array expressions
        want_rows, want_slots = _mentors_ties_held(mentee, mentor, month, *tables)
        want_u = uniforms(key, month, want_rows * MAX_TIES + want_slots, FADE)
        np.testing.assert_array_equal(rows, want_rows)
        np.testing.assert_array_equal(slots, want_slots)
        np.testing.assert_array_equal(u, want_u)
        if rows.size == 0:
            continue
        got = table.tie_fades.copy()
        _fade_sooner(got, rows, slots, month - 1, months_until(u, 1.0 / mean))
        lasts = month - 1 + months_until(want_u, 1.0 / mean)
        want = table.tie_fades.copy()
        want[want_rows, want_slots] = np.minimum(want[want_rows, want_slots], lasts)
        np.testing.assert_array_equal(got, want)
        changed = got != table.tie_fades
        faded_sooner += int(changed.sum())
        kept += rows.size - int(changed[rows, slots].sum())
    assert faded_sooner > 0 and kept > 0


# --- recognition, language practice, search support, referrals ---------------------------------


def test_recognitions_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(103)
    grown = 0
    for _ in range(200):
        n, n_mentors = 60, 10
        key, month = int(rng.integers(0, 2**63 - 1)), int(rng.integers(0, 30))
        qualification = rng.integers(0, 3, n).astype(np.int8)
        mentor = mentor_links(rng, n, n_mentors)
        advocacy = np.where(rng.random(n_mentors) < 0.2, 0.0, rng.random(n_mentors))
        recognition = rng.choice([0.0, 0.3, 0.95, 1.0], n) * (rng.random(n) < 0.9) + 0.0
        paired = some_rows(rng, n)
        p, gain = float(rng.choice([0.0, 0.5, 1.0])), float(rng.choice([0.1, 0.25]))
        got = recognition.copy()
        won = _recognitions(key, month, paired, qualification, mentor, advocacy, got, p, gain)
        # the former array expressions
        want = recognition.copy()
        high = paired[qualification[paired] == Qualification.HIGH]
        p_success = p * advocacy[mentor[high]]
        want_won = high[(uniforms(key, month, high) < p_success) & (want[high] < 1.0)]
        want[want_won] = np.minimum(1.0, want[want_won] + gain)
        np.testing.assert_array_equal(won, want_won)
        np.testing.assert_array_equal(got, want)
        grown += want_won.size
    assert grown > 0


def test_language_practice_equals_the_array_expression() -> None:
    rng = np.random.default_rng(104)
    per_level = np.array([600.0, 240.0, 120.0])
    for _ in range(50):
        n = 50
        qualification = rng.integers(0, 3, n).astype(np.int8)
        language = np.where(rng.random(n) < 0.2, 1.0, rng.random(n))
        language[rng.random(n) < 0.2] = 0.99  # past 1 after a month: capped
        rows = some_rows(rng, n)
        hours = float(rng.choice([0.0, 8.0, 30.0, 200.0]))
        got = language.copy()
        learn_each(rows, hours, qualification, per_level, got)
        # the former expression (learn_language)
        want = language.copy()
        want[rows] = np.minimum(1.0, language[rows] + 0.2 * hours / per_level[qualification[rows]])
        np.testing.assert_array_equal(got, want)


def test_search_support_equals_the_array_expression() -> None:
    rng = np.random.default_rng(105)
    for _ in range(50):
        n = 50
        search = np.where(rng.random(n) < 0.2, rng.choice([0.0, 1.0], n), rng.uniform(0, 1.2, n))
        rows = some_rows(rng, n)
        rate = float(rng.choice([0.0, 0.05, 0.3, 1.0]))
        got = search.copy()
        _grow_search(rows, rate, got)
        # the former expression
        want = search.copy()
        want[rows] += rate * (1.0 - want[rows])
        np.testing.assert_array_equal(got, want)


def test_mentor_referrals_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(106)
    for _ in range(100):
        n, n_mentors = 40, 8
        mentor, mentor_ties = mentor_links(rng, n, n_mentors), mentors_ties(rng, n_mentors)
        mentor[rng.random(n) < 0.1] = NO
        seekers = rng.integers(0, n, int(rng.integers(0, 30)))  # repeats too
        mentees, ties = _mentors_ties(seekers, mentor, mentor_ties)
        # the former array expressions (rows_at_least: NO = -1 is no mentor)
        want = seekers[mentor[seekers] >= 0]
        want_ties = mentor_ties[mentor[want]]
        np.testing.assert_array_equal(mentees, want)
        np.testing.assert_array_equal(ties, want_ties)
        assert mentees.dtype == np.int64 and ties.dtype == want_ties.dtype and ties.shape == (want.size, MENTOR_TIES)


# --- recorder and reporters ----------------------------------------------------------------------


def test_counting_people_equals_the_array_expressions() -> None:
    rng = np.random.default_rng(107)
    months = 12
    size = months + 1
    for _ in range(50):
        n = 40
        qualification = rng.integers(0, N_QUAL, n).astype(np.int8)
        arrival = rng.integers(0, size, n).astype(np.int32)
        counts = rng.integers(0, 5, (size, N_QUAL)).astype(np.int64)
        cohorts = rng.integers(0, 5, (size, size, N_QUAL)).astype(np.int32)
        month = int(rng.integers(0, size))
        rows = rng.integers(0, n, int(rng.integers(0, 60)))  # repeats: counted each time
        for cohort in (cohorts, _NO_COHORTS):
            got_counts, got_cohorts = counts.copy(), cohort.copy()
            _count_people(got_counts, got_cohorts, month, rows, qualification, arrival)
            # the former kernel's counts, by qualification and by arrival month, of month ``month``
            want_counts, want_cohorts = counts.copy(), cohort.copy()
            np.add.at(want_counts[month], qualification[rows], 1)
            if cohort.shape[0]:
                np.add.at(want_cohorts[month], (arrival[rows], qualification[rows]), 1)
            np.testing.assert_array_equal(got_counts, want_counts)
            np.testing.assert_array_equal(got_cohorts, want_cohorts)


def test_month_stocks_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(108)
    months, capacity = 15, 300
    size = months + 1
    for _ in range(10):
        status = rng.integers(0, N_STATUS, capacity).astype(np.int8)
        qualification = rng.integers(0, N_QUAL, capacity).astype(np.int8)
        arrival = rng.integers(0, size, capacity).astype(np.int32)  # beyond n: rows not yet in the table
        got = [
            rng.integers(0, 9, (size, size, N_STATUS, N_QUAL)).astype(np.int32),  # leftovers: the month's rows are cleared
            rng.integers(0, 9, (size, N_STATUS, N_QUAL)).astype(np.int64),
            np.zeros((size, N_QUAL), dtype=np.int64),
            np.zeros((size, N_QUAL), dtype=np.int64),
        ]
        want = [a.copy() for a in got]
        n = 0
        for month in range(size):
            if month > 0 and rng.random() < 0.7:  # this month's arrivals (some months none)
                new = int(rng.integers(1, 30))
                arrival[n : n + new] = month
                n += new
            if month == 5:
                status[:n] = rng.choice([NEC, WISE_JOB], n)  # everyone at work
            _count_stocks(month, n, status, qualification, arrival, *got)
            # the former kernel (by refugee) and the stocks summed over the arrival months
            cohort_stocks, stocks, employed, nec = want
            a, s, q = arrival[:n], status[:n], qualification[:n]
            cohort_stocks[month] = 0
            np.add.at(cohort_stocks[month], (a, s, q), 1)
            stocks[month] = cohort_stocks[month].sum(axis=0)
            at_work = s == NEC
            np.add.at(nec, (month - a[at_work], q[at_work]), 1)
            employed_ = at_work | (s == WISE_JOB)
            np.add.at(employed, (month - a[employed_], q[employed_]), 1)
            for g, w in zip(got, want, strict=True):
                np.testing.assert_array_equal(g, w)
        assert n > 0


def former_reporters(
    stocks: np.ndarray,
    month: int,
    stock_prices: list[tuple[int, float]],
    channels: list[np.ndarray],
    item_prices: list[float],
    hires: np.ndarray,
    reached: np.ndarray,
    mentor_status: np.ndarray,
) -> list[float]:
    """The declared reporters after the seed, one by one, as they were (``reached`` and ``mentor_status``: the live rows)."""
    table = stocks[month].tolist()
    out = [float(sum(table[int(status)])) for status in Status]
    present, nec = sum(map(sum, table)), sum(table[NEC])
    out.append(float(nec) / float(present) if present else float("nan"))
    for group in Qualification:
        present, nec = sum(row[int(group)] for row in table), table[NEC][int(group)]
        out.append(float(nec) / float(present) if present else float("nan"))
    out.append(float(np.add.reduce(hires[month], axis=None)))
    out.append(float(np.count_nonzero(reached)))
    out.append(float(np.count_nonzero(mentor_status != LEFT)))
    total = 0.0
    for status, price in stock_prices:
        total += float(sum(table[status])) * price
    for channel, price in zip(channels, item_prices, strict=True):
        total += float(np.add.reduce(channel[month], axis=None)) * price
    out.append(total)
    return out


def test_month_figures_equal_the_former_reporters() -> None:
    rng = np.random.default_rng(109)
    months = 10
    size = months + 1
    for _ in range(100):
        stocks = rng.integers(0, 400, (size, N_STATUS, N_QUAL)).astype(np.int64)
        stocks[rng.random(size) < 0.2] = 0  # nobody present: shares are NaN
        stocks[:, :, int(rng.integers(0, N_QUAL))] *= rng.random() < 0.5  # a qualification group empty
        month = int(rng.integers(0, size))
        stock_prices = [(int(status), float(np.round(rng.uniform(0, 2000), 2))) for _, status, _ in STOCK_COSTS]
        n_items = int(rng.integers(0, 6))  # none: the kernel gets one unused empty channel
        channels = [rng.integers(0, 50, (size, N_QUAL) if rng.random() < 0.5 else size).astype(np.int64) for _ in range(n_items)]
        item_prices = [float(np.round(rng.uniform(0, 1500), 2)) for _ in range(n_items)]
        hires = rng.integers(0, 30, size).astype(np.int64)
        n, n_mentors = int(rng.integers(0, 100)), int(rng.integers(0, 40))
        reached = rng.random(120) < 0.4  # the table's capacity: rows beyond n are not counted
        mentor_status = rng.integers(0, 3, 50).astype(np.int8)
        got = _month_figures(
            stocks,
            month,
            np.array([s for s, _ in stock_prices], dtype=np.int64),
            np.array([p for _, p in stock_prices], dtype=np.float64),
            tuple(c.reshape(size, -1) for c in channels) or (np.zeros((0, 1), dtype=np.int64),),
            np.array(item_prices, dtype=np.float64),
            hires,
            reached,
            n,
            mentor_status,
            n_mentors,
        )
        want = former_reporters(stocks, month, stock_prices, channels, item_prices, hires, reached[:n], mentor_status[:n_mentors])
        np.testing.assert_array_equal(got, np.array(want))


@pytest.mark.parametrize("scenario", ["mentoring", "baseline", "bare_organisation"])
def test_declared_values_equal_the_reporters_one_by_one(scenario: str) -> None:
    model = ThroughflowModel(scenario, seed=4, months=12)
    plain = datacollector()
    plain.declared = False  # the reporters one by one
    plain.collect(model)
    while model.running:
        model.step()
        plain.collect(model)
        np.testing.assert_array_equal(
            np.array(_declared_values(model), dtype=float), np.array([r.report(model) for r in REPORTERS], dtype=float)
        )
    assert model.datacollector.declared
    frame = model.datacollector.get_model_vars_dataframe()
    pd.testing.assert_frame_equal(frame, plain.get_model_vars_dataframe(), check_exact=True)
    assert frame["public_cost_eur"].iloc[-1] > 0.0


def test_a_model_pickled_in_mid_run_collects_what_an_uninterrupted_run_collects() -> None:
    whole = ThroughflowModel("mentoring", seed=1, months=24).run()
    model = ThroughflowModel("mentoring", seed=1, months=24)
    for _ in range(10):
        model.step()
    model = pickle.loads(pickle.dumps(model))
    model.run()
    assert model.steps == whole.steps == 24
    pd.testing.assert_frame_equal(
        model.datacollector.get_model_vars_dataframe(), whole.datacollector.get_model_vars_dataframe(), check_exact=True
    )
