"""More of the world's compiled kernels give exactly what the array expressions they replaced give.

The ends of WISE jobs and the exits from benefit to inactivity in the employment dynamics, the
retentions and benefit entries at the end of art. 60 contracts, and the new weak ties of the
lab activities: each compiled kernel is checked against the former numpy expressions (the
removed lines, written here) on random inputs that cover the edge cases (empty input,
repeats, ``NO`` links, months on the boundaries). Kernels that write in place are compared
by the arrays after the call.
"""

from __future__ import annotations

import numpy as np

from support import assert_all_equal, assert_same_columns, columns
from throughflow.enums import Status
from throughflow.population import MAX_TIES, NO, RefugeeTable
from throughflow.processes.contracts import _enter_benefit, _retain
from throughflow.processes.employment import _end_wise_jobs, _leave_benefit
from throughflow.processes.labs.common import _give_ties

WISE_JOB, UNEMPLOYED, INACTIVE = int(Status.WISE_JOB), int(Status.UNEMPLOYED), int(Status.INACTIVE)


def refugees(rng: np.random.Generator, n: int) -> RefugeeTable:
    """A table of ``n`` refugees with random statuses, months, WISE links and benefit months (the model's dtypes)."""
    table = RefugeeTable(n)
    table.add(n)
    table.status[:n] = rng.integers(0, 6, n)
    table.status_since[:n] = rng.integers(-5, 40, n)
    table.qualification[:n] = rng.integers(0, 3, n)
    table.wise[:n] = np.where(rng.random(n) < 0.6, rng.integers(0, 4, n), NO)
    table.benefit_entry[:n] = np.where(rng.random(n) < 0.6, rng.integers(0, 40, n), NO)
    table.benefit_exit[:n] = np.where(rng.random(n) < 0.4, rng.integers(0, 40, n), NO)
    return table


def test_wise_job_ends_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(201)
    for _ in range(100):
        n, month = 60, int(rng.integers(0, 41))
        table = refugees(rng, n)
        rows = np.sort(rng.choice(n, int(rng.choice([0, 1, 30, n])), replace=False)).astype(np.int64)
        expected = columns(table)
        months, origin, qual = _end_wise_jobs(rows, month, table.status, table.status_since, table.qualification, table.wise)
        # the former array expressions (the event's months, ``move`` and the WISE link)
        c = expected
        np.testing.assert_array_equal(months, month - c["status_since"][rows])
        np.testing.assert_array_equal(origin, c["status"][rows])
        np.testing.assert_array_equal(qual, c["qualification"][rows])
        c["status"][rows] = UNEMPLOYED
        c["status_since"][rows] = month
        c["wise"][rows] = NO
        assert_same_columns(table, expected)


def test_exits_from_benefit_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(202)
    for _ in range(100):
        n, month = 60, int(rng.integers(0, 41))
        table = refugees(rng, n)
        rows = np.sort(rng.choice(n, int(rng.choice([0, 1, 30, n])), replace=False)).astype(np.int64)
        expected = columns(table)
        origin, qual = _leave_benefit(
            rows, month, table.status, table.status_since, table.qualification, table.benefit_entry, table.benefit_exit
        )
        # the former array expressions (``move`` and the first exit from benefit)
        c = expected
        np.testing.assert_array_equal(origin, c["status"][rows])
        np.testing.assert_array_equal(qual, c["qualification"][rows])
        c["status"][rows] = INACTIVE
        c["status_since"][rows] = month
        first_exit = (c["benefit_entry"][rows] != NO) & (c["benefit_exit"][rows] == NO)
        c["benefit_exit"][rows[first_exit]] = month
        assert_same_columns(table, expected)


def test_new_ties_equal_the_table_method() -> None:
    rng = np.random.default_rng(203)
    for trial in range(200):
        n, n_emp, month = 30, int(rng.integers(1, 8)), int(rng.integers(0, 41))
        table = RefugeeTable(n)
        table.add(n)
        table.ties[:n] = np.where(rng.random((n, MAX_TIES)) < 0.6, rng.integers(0, n_emp, (n, MAX_TIES)), NO)
        table.tie_fades[:n] = rng.integers(month - 3, month + 3, (n, MAX_TIES))  # faded, fading now and held
        table.ties_until[:n] = table.tie_fades[:n].max(axis=1)
        size = int(rng.choice([1, 2, 10, 60]))
        rows = rng.integers(0, n if trial % 2 else 5, size)  # repeats, many with few refugees
        employers = rng.integers(0, n_emp, size)
        never = trial % 5 == 0  # ties that never fade: no lifetimes
        lifetimes = np.zeros(0, dtype=np.int64) if never else rng.geometric(0.3, size=size)
        expected = columns(table)
        _give_ties(rows, employers, lifetimes, month, table.ties, table.tie_fades, table.ties_until)
        # the former array expressions (``tie_fades`` and ``RefugeeTable.add_tie``)
        fades = np.full(size, np.iinfo(np.int32).max, dtype=np.int32) if never else (month - 1 + lifetimes).astype(np.int32)
        former = RefugeeTable(n)
        former.add(n)
        for name, column in expected.items():
            getattr(former, name)[:] = column
        former.add_tie(rows, employers, fades, month)
        assert_same_columns(table, columns(former))


def test_retentions_and_benefit_entries_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(204)
    for _ in range(100):
        n, month = 60, int(rng.integers(0, 41))
        table = refugees(rng, n)
        rows = np.sort(rng.choice(n, int(rng.choice([0, 1, 30, n])), replace=False)).astype(np.int64)
        by = rng.integers(0, 5, rows.size).astype(np.int32)
        expected = columns(table)
        got = _retain(rows, by, month, table.status, table.status_since, table.qualification, table.wise)
        # the former array expressions (``move`` and the WISE that retains)
        c = expected
        assert_all_equal(got, (c["status"][rows], c["qualification"][rows]))
        c["status"][rows] = WISE_JOB
        c["status_since"][rows] = month
        c["wise"][rows] = by
        assert_same_columns(table, expected)

        expected = columns(table)
        got = _enter_benefit(rows, month, table.status, table.status_since, table.qualification, table.benefit_entry)
        # the former array expressions (``move`` and the benefit entry)
        c = expected
        assert_all_equal(got, (c["status"][rows], c["qualification"][rows]))
        c["status"][rows] = UNEMPLOYED
        c["status_since"][rows] = month
        c["benefit_entry"][rows] = month
        assert_same_columns(table, expected)
