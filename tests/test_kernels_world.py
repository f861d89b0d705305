"""The world's compiled kernels give exactly what the array expressions they replaced give.

Arrivals, vacancies, placement, contract ends, work experience, employment, advocacy, the
status moves and the OCMW budgets: each compiled kernel is checked against the former
numpy expressions (the removed lines, written here) on random inputs that cover the edge
cases (empty input, repeats, ``NO`` links, values on the boundaries, months with nothing to
do). Kernels that write in place are compared by the arrays after the call.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np

from support import assert_all_equal, assert_same_columns, columns
from throughflow.agents.employer import EmployerTable, VacancyPool
from throughflow.agents.ocmw import OcmwTable, take_budgets
from throughflow.enums import SECTORS, Status
from throughflow.population import MAX_TIES, NO, RefugeeTable
from throughflow.processes.advocacy import _advocated
from throughflow.processes.arrivals import _category, _new_refugees, _qualification_traits, _set_ties
from throughflow.processes.contracts import _contract_outcomes
from throughflow.processes.employment import (
    _base_separation,
    _follow_up,
    _happening,
    _per_row,
    _reaching,
    _separate,
    _separations,
)
from throughflow.processes.placement import (
    CONTRACT_MONTHS,
    _clients_and_places,
    _commutes,
    _longest_waiting_first,
    _start_contracts,
)
from throughflow.processes.transitions import end_contract, end_contract_rows, learn_language, move, move_rows
from throughflow.processes.vacancies import REQUIREMENT_CONCENTRATION, _employers_of, _new_vacancies, draw_requirement
from throughflow.processes.work_experience import _drop_out, _dropping
from throughflow.randomness import Categorical, below, uniforms

WAITING, ART60, NEC = int(Status.WAITING), int(Status.ART60), int(Status.NEC)
WISE_JOB, UNEMPLOYED, INACTIVE = int(Status.WISE_JOB), int(Status.UNEMPLOYED), int(Status.INACTIVE)
KEY = 0x5DEECE66D1234567


def refugees(rng: np.random.Generator, n: int) -> RefugeeTable:
    """A table of ``n`` refugees with random statuses, months, links and traits (the model's dtypes)."""
    table = RefugeeTable(n)
    table.add(n)
    table.status[:n] = rng.integers(0, 6, n)
    table.status_since[:n] = rng.integers(-5, 40, n)
    table.qualification[:n] = rng.integers(0, 3, n)
    table.skill[:n] = rng.random(n)
    table.commute[:n] = np.round(rng.uniform(5, 120, n), 0)  # coarse: commutes equal to the tolerance
    table.commute_tolerance[:n] = np.round(rng.uniform(15, 90, n), 0)
    table.trade[:n] = rng.integers(0, len(SECTORS), n)
    table.home[:n] = rng.integers(0, 5, n)
    table.offer[:n] = np.where(rng.random(n) < 0.3, rng.integers(0, 20, n), NO)
    return table


# --- status moves and contract ends (transitions) ---------------------------------------------


def test_status_moves_and_contract_ends_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(101)
    for _ in range(100):
        n, n_hosts, month = 50, int(rng.integers(1, 6)), int(rng.integers(0, 40))
        status, since = rng.integers(0, 6, n).astype(np.int8), rng.integers(-3, 40, n).astype(np.int32)
        qualification = rng.integers(0, 3, n).astype(np.int8)
        rows = rng.integers(0, n, int(rng.integers(0, 20)))  # repeats: read before any write
        code = int(rng.integers(0, 6))
        got_status, got_since = status.copy(), since.copy()
        origin, qual = move_rows(rows, code, month, got_status, got_since, qualification)
        # the former array expressions (``move``)
        np.testing.assert_array_equal(origin, status[rows])
        np.testing.assert_array_equal(qual, qualification[rows])
        assert origin.dtype == status.dtype and qual.dtype == qualification.dtype
        status[rows] = code
        since[rows] = month
        np.testing.assert_array_equal(got_status, status)
        np.testing.assert_array_equal(got_since, since)

        host = np.where(rng.random(n) < 0.7, rng.integers(0, n_hosts, n), NO).astype(np.int32)
        with_host = np.flatnonzero(host != NO)
        rows = rng.choice(with_host, int(rng.integers(0, with_host.size + 1)), replace=False) if with_host.size else rows[:0]
        used = rng.integers(0, 10, n_hosts).astype(np.int32)
        ended = np.where(rng.random(n) < 0.5, rng.integers(0, 40, n), NO).astype(np.int32)
        got_used, got_ended, got_host = used.copy(), ended.copy(), host.copy()
        end_contract_rows(rows, month, got_used, got_ended, got_host)
        # the former array expressions (``end_contract``)
        used -= np.bincount(host[rows], minlength=n_hosts).astype(used.dtype)
        ended[rows] = month
        host[rows] = NO
        for g, e in ((got_used, used), (got_ended, ended), (got_host, host)):
            np.testing.assert_array_equal(g, e)


def test_status_moves_and_dutch_learning_take_any_integer_rows_as_before() -> None:
    rng = np.random.default_rng(102)
    table = refugees(rng, 40)
    table.host[:40] = rng.integers(0, 4, 40)
    counted: list[tuple[int, np.ndarray, np.ndarray]] = []
    recorder = SimpleNamespace(count_moves=lambda code, origin, qual: counted.append((code, origin.copy(), qual.copy())))
    model: Any = SimpleNamespace(
        refugees=table, recorder=recorder, hosts=SimpleNamespace(used=np.full(4, 40, dtype=np.int32), n=4),
        hours_per_level=np.array([600.0, 240.0, 120.0]),
    )  # fmt: skip
    expected = columns(table)
    used = model.hosts.used.copy()
    for rows in (np.array([3, 7, 11], dtype=np.int32), [5, 1], np.array([[2, 9]]), np.zeros(0, dtype=np.int64)):
        flat = np.asarray(rows, dtype=np.int64).ravel()
        origin, qual = expected["status"][flat].copy(), expected["qualification"][flat].copy()
        move(model, rows, Status.INACTIVE, 12)
        expected["status"][flat] = INACTIVE
        expected["status_since"][flat] = 12
        if flat.size:
            code, got_origin, got_qual = counted.pop()
            assert code == INACTIVE
            np.testing.assert_array_equal(got_origin, origin)
            np.testing.assert_array_equal(got_qual, qual)
        end_contract(model, rows, 13)
        used -= np.bincount(expected["host"][flat], minlength=4).astype(used.dtype)
        expected["ended"][flat] = 13
        expected["host"][flat] = NO
        for hours in (30, 12.5, np.float64(7.0), np.array(9.0), rng.uniform(0, 50, flat.size)):
            learn_language(model, rows, hours)
            # the former array expressions (``_learn``'s, one for all or one per refugee)
            each = np.atleast_1d(np.asarray(hours, dtype=np.float64))
            per_level = model.hours_per_level[expected["qualification"][flat]]
            expected["language"][flat] = np.minimum(1.0, expected["language"][flat] + 0.2 * each / per_level)
        assert_same_columns(table, expected)
        np.testing.assert_array_equal(model.hosts.used, used)
    assert counted == []


# --- arrivals ----------------------------------------------------------------------------------


def test_categories_equal_searchsorted() -> None:
    rng = np.random.default_rng(103)
    for edges in (np.zeros(0), np.array([0.5]), np.array([0.2, 0.2, 0.7, 1.0]), np.cumsum(rng.random(9))[:-1] / 5):
        u = np.concatenate([rng.random(200), edges, [0.0, np.nextafter(1.0, 0.0)], np.nextafter(edges, 0.0)])
        expected = np.searchsorted(edges, u, side="right")
        np.testing.assert_array_equal([_category(edges, x) for x in u], expected)


def former_new_refugees(
    table: RefugeeTable,
    rng: np.random.Generator,
    count: int,
    month: int,
    qualification: int | None,
    world: dict[str, Any],
) -> np.ndarray:
    """The former ``add_refugees`` (its table writes), with the former helpers' expressions."""
    rows = table.add(count)
    qual = world["qualification_mix"].draw(rng, count)
    if qualification is not None:
        qual[:] = qualification
    table.qualification[rows] = qual
    table.status[rows] = WAITING
    table.arrival[rows] = month
    table.status_since[rows] = month
    alpha, beta = world["alpha"], world["beta"]
    traits = rng.beta(alpha[:, qual], beta[:, qual])
    table.skill[rows], table.recognition[rows], table.language[rows], table.search[rows] = traits
    table.commute_tolerance[rows] = np.maximum(15.0, rng.normal(world["tolerance"], 15.0, size=count))
    table.trade[rows] = below(rng, len(SECTORS), count)
    table.home[rows] = world["home_mix"].draw(rng, count)
    n_ties = rng.poisson(world["ties_mean"], size=count)
    ties = below(rng, world["n_employers"], (count, MAX_TIES))
    p = world["p_fade"]  # the former ``tie_fades``
    if p <= 0.0:
        fades = np.full(count * MAX_TIES, np.iinfo(np.int32).max, dtype=np.int32)
    else:
        fades = (month - 1 + rng.geometric(p, size=count * MAX_TIES)).astype(np.int32)
    _set_ties(table.ties, table.tie_fades, table.ties_until, rows, ties, n_ties, fades.reshape(count, MAX_TIES))
    return qual


def new_refugees(
    table: RefugeeTable,
    rng: np.random.Generator,
    count: int,
    month: int,
    qualification: int | None,
    world: dict[str, Any],
) -> np.ndarray:
    """The compiled ``add_refugees`` (its draws and table writes)."""
    rows = table.add(count)
    u_qualification = rng.random(count)
    fixed = NO if qualification is None else qualification
    qual, alpha, beta = _qualification_traits(
        world["qualification_mix"].edges, u_qualification, fixed, world["alpha"], world["beta"]
    )
    traits = rng.beta(alpha, beta)
    tolerance = rng.normal(world["tolerance"], 15.0, size=count)
    u_trade = rng.random(count)
    u_home = rng.random(count)
    n_ties = rng.poisson(world["ties_mean"], size=count)
    u_ties = rng.random((count, MAX_TIES))
    p_fade = world["p_fade"]
    lifetimes = rng.geometric(p_fade, size=(count, MAX_TIES)) if p_fade > 0.0 else np.empty((0, MAX_TIES), dtype=np.int64)
    t = table
    _new_refugees(
        rows, month, qual, traits, tolerance, u_trade, len(SECTORS), u_home, world["home_mix"].edges, n_ties, u_ties,
        world["n_employers"], lifetimes, t.qualification, t.status, t.arrival, t.status_since, t.skill, t.recognition,
        t.language, t.search, t.commute_tolerance, t.trade, t.home, t.ties, t.tie_fades, t.ties_until,
    )  # fmt: skip
    return qual


def test_new_refugees_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(104)
    worlds = 0
    for q_shares in ([0.3, 0.5, 0.2], [0.0, 1.0, 0.0], [0.25, 0.0, 0.75]):
        for p_fade in (0.0, 0.04, 1.0):
            for qualification in (None, 0, 2):
                weights = rng.random(6) * (rng.random(6) < 0.7)
                weights = np.append(weights, 0.1) / (weights.sum() + 0.1)  # some municipalities with no one
                world = {
                    "qualification_mix": Categorical(q_shares),
                    "alpha": rng.uniform(0.5, 9.0, (4, 3)),
                    "beta": rng.uniform(0.5, 9.0, (4, 3)),
                    "tolerance": float(rng.uniform(0, 25)),  # many draws below the minimum of 15
                    "home_mix": Categorical(weights),
                    "ties_mean": float(rng.uniform(0, 6)),
                    "n_employers": int(rng.integers(1, 30)),  # few: repeated ties
                    "p_fade": p_fade,
                }
                seed = int(rng.integers(0, 2**32))
                former_table, new_table = RefugeeTable(16), RefugeeTable(16)
                former_rng, new_rng = np.random.default_rng(seed), np.random.default_rng(seed)
                for month, count in enumerate((5, 0, 1, 40, 0, 13)):  # the tables grow; empty months
                    want = former_new_refugees(former_table, former_rng, count, month, qualification, world)
                    got = new_refugees(new_table, new_rng, count, month, qualification, world)
                    np.testing.assert_array_equal(got, want)
                    assert_same_columns(new_table, columns(former_table))
                assert former_rng.random() == new_rng.random()  # the same draws were made
                assert (former_table.ties != NO).any() and (former_table.commute_tolerance[: former_table.n] == 15.0).any()
                worlds += 1
    assert worlds == 27


# --- vacancies ---------------------------------------------------------------------------------


def test_new_vacancies_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(105)
    for skill, shift, language, p_bottleneck in (
        (0.5, 0.1, 0.4, 0.3),
        (0.95, 0.2, 0.0, 0.5),  # clipped above and below
        (0.0, -0.3, 1.2, 1.0),
        (0.3, 0.0, 0.99, 0.0),
        (0.89, 0.1, 0.01, 0.6),  # on the clip bounds
    ):
        rates = rng.uniform(0, 2, 40) * (rng.random(40) < 0.8)  # some employers with no vacancies
        cumulative, total = np.cumsum(rates)[:-1], float(rates.sum())
        for n in (0, 1, 7, 400):
            u_share, u_bottleneck = rng.random(n), rng.random(n)
            u_bottleneck[: n // 4] = p_bottleneck  # on the boundary
            got = _new_vacancies(
                np.sort(u_share), total, cumulative, u_bottleneck, p_bottleneck, skill, shift, language, REQUIREMENT_CONCENTRATION
            )
            # the former array expressions
            share = np.sort(u_share) * total
            employer = _employers_of(cumulative, share)
            np.testing.assert_array_equal(employer, np.searchsorted(cumulative, share, side="right"))
            bottleneck = u_bottleneck < p_bottleneck
            mean = np.empty((2, n))
            mean[0] = skill + shift * bottleneck
            mean[1] = language
            mean = np.clip(mean, 0.01, 0.99)  # ``draw_requirement``
            c = REQUIREMENT_CONCENTRATION
            assert_all_equal(got, (employer, bottleneck, mean * c, (1 - mean) * c))
            assert got[1].dtype == np.bool_

            # and the requirements drawn from them: those of ``draw_requirement``
            seed = int(rng.integers(0, 2**32))
            want = draw_requirement(
                np.random.default_rng(seed), np.stack([skill + shift * bottleneck, np.full(n, language)]), (2, n)
            )
            alpha, beta = got[2], got[3]
            np.testing.assert_array_equal(np.random.default_rng(seed).beta(alpha, beta, size=alpha.shape), want)


class FormerPool:
    """The former vacancy records: appended field by field, closed by a mask."""

    def __init__(self, capacity: int) -> None:
        self._buffer = np.zeros(max(16, capacity), dtype=VacancyPool.DTYPE)
        self.records = self._buffer[:0]

    def append(self, **columns: np.ndarray) -> None:
        n = len(self.records)
        end = n + len(columns["employer"])
        if end > len(self._buffer):
            grown = np.zeros(2 * end, dtype=VacancyPool.DTYPE)
            grown[:n] = self.records
            self._buffer = grown
        new = self._buffer[n:end]
        for name in VacancyPool.FIELDS:
            new[name] = columns[name]
        self.records = self._buffer[:end]

    def keep(self, mask: np.ndarray) -> None:
        kept = self.records[mask]
        self._buffer[: len(kept)] = kept
        self.records = self._buffer[: len(kept)]


def test_vacancy_pool_add_and_close_equal_the_former_record_handling() -> None:
    rng = np.random.default_rng(106)
    n_emp = 25
    employers = EmployerTable.__new__(EmployerTable)
    employers.sector = rng.integers(0, len(SECTORS), n_emp).astype(np.int8)
    employers.municipality = rng.integers(0, 9, n_emp).astype(np.int32)
    for capacity in (0, 40):
        pool, former = VacancyPool(capacity), FormerPool(capacity)
        for month in range(40):
            pool.close(month)
            former.keep(former.records["closes"] >= month)
            n = int(rng.choice([0, 1, 5, 30, 120]))  # bursts: the buffer grows
            employer = np.sort(rng.integers(0, n_emp, n)).astype(np.int32)
            bottleneck = rng.random(n) < 0.3
            skill_req, language_req = rng.random(n), rng.random(n)
            closes = month + int(rng.integers(0, 4)) - 1  # some closed by the next month, some later
            pool.add(employers, employer, bottleneck, skill_req, language_req, closes)
            former.append(
                employer=employer, sector=employers.sector[employer], municipality=employers.municipality[employer],
                bottleneck=bottleneck, skill_req=skill_req, language_req=language_req,
                closes=np.full(n, closes, dtype=np.int32),
            )  # fmt: skip
            assert pool.n == len(former.records) and pool.records.dtype == VacancyPool.DTYPE
            for name in VacancyPool.FIELDS:
                np.testing.assert_array_equal(pool.records[name], former.records[name], err_msg=name)
                np.testing.assert_array_equal(getattr(pool, name), former.records[name], err_msg=name)
        pool.close(10_000)  # all closed
        assert pool.n == 0


# --- placement ---------------------------------------------------------------------------------


def test_ocmw_budgets_equal_the_array_expressions() -> None:
    budget = np.array([0.0, 0.1, 1.0 / 3.0, 0.5, 2.5, 7.0, 0.999, 1e-9, 12.345])
    table = OcmwTable(budget, 0.2)
    carry = table.carry
    expected_carry = carry.copy()
    for _ in range(120):
        got = table.budgets()
        # the former array expressions
        available = budget + expected_carry
        whole = np.floor(available)
        expected_carry = available - whole
        np.testing.assert_array_equal(got, whole.astype(np.int64))
        assert got.dtype == np.int64
        np.testing.assert_array_equal(table.carry, expected_carry)
        assert table.carry is carry  # updated in place
    assert take_budgets(np.zeros(0), np.zeros(0)).size == 0


def test_placement_clients_and_places_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(108)
    for trial in range(200):
        n, n_hosts, n_mun = int(rng.integers(0, 120)), int(rng.integers(1, 8)), 5
        status = np.where(rng.random(n) < 0.5, WAITING, rng.integers(0, 6, n)).astype(np.int8)
        low, high = sorted(int(x) for x in rng.integers(-50, 2000 if trial % 10 == 0 else 30, 2))
        since = rng.integers(low, high + 1, n).astype(np.int32)  # before the start, far apart, all equal
        home = rng.integers(0, n_mun, n).astype(np.int32)
        slots = rng.integers(0, 4, n_hosts).astype(np.int32)
        used = np.minimum(slots, rng.integers(0, 4, n_hosts)).astype(np.int32)  # some or all full
        budget = rng.choice([0.0, 0.4, 1.0, 2.5, 30.0], n_mun)
        carry = rng.random(n_mun)
        got_carry = carry.copy()
        got = _clients_and_places(status, since, home, slots, used, budget, got_carry)
        # the former array expressions
        waiting = np.flatnonzero(status == WAITING)
        waiting = waiting[np.argsort(since[waiting], kind="stable")]
        np.testing.assert_array_equal(_longest_waiting_first(status, since), waiting)
        free = slots - used
        if waiting.size == 0 or free.sum() == 0:
            assert got[0].size == got[1].size == 0
            np.testing.assert_array_equal(got_carry, carry)  # no budget taken
            continue
        available = budget + carry
        whole = np.floor(available)
        np.testing.assert_array_equal(got_carry, available - whole)
        h = home[waiting]
        by_home = np.argsort(h, kind="stable")
        rank = np.empty(waiting.size, dtype=np.int64)
        rank[by_home] = np.arange(waiting.size) - np.searchsorted(h[by_home], h[by_home], side="left")
        clients = waiting[rank < whole.astype(np.int64)[h]]
        assert_all_equal(got, (clients, np.repeat(np.arange(n_hosts), free)))

        offers = rng.permutation(got[1])[: clients.size]
        minutes, municipality = rng.uniform(5, 100, (n_mun, n_mun)), rng.integers(0, n_mun, n_hosts).astype(np.int32)
        np.testing.assert_array_equal(
            _commutes(clients[: offers.size], offers, home, municipality, minutes),
            minutes[home[clients[: offers.size]], municipality[offers]],
        )


def test_contract_starts_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(109)
    for edges in (np.array([0.5, 0.8]), np.array([0.0, 0.6]), np.array([0.4, 0.4]), Categorical([1 / 3] * 3).edges):
        for size in (0, 1, 30):
            n, n_hosts, n_mun, month = 80, 6, 5, int(rng.integers(0, 50))
            table = refugees(rng, n)
            clients = rng.permutation(n)[:size]
            hosts = rng.integers(0, n_hosts, size)  # several clients at one host
            u_length = rng.random(size)
            u_length[: size // 3] = edges[rng.integers(0, 2, size // 3)]  # on the edges
            used = rng.integers(0, 3, n_hosts).astype(np.int32)
            sector = rng.integers(0, len(SECTORS), n_hosts).astype(np.int8)
            municipality = rng.integers(0, n_mun, n_hosts).astype(np.int32)
            minutes = rng.uniform(5, 100, (n_mun, n_mun))
            expected, expected_used = columns(table), used.copy()
            t = table
            got = _start_contracts(
                clients, hosts, month, u_length, edges, CONTRACT_MONTHS, used, sector, municipality, minutes, t.status,
                t.status_since, t.qualification, t.home, t.host, t.host_sector, t.commute, t.contract_start, t.contract_end,
            )  # fmt: skip
            # the former array expressions (``Placement._start``)
            c = expected
            expected_used += np.bincount(hosts, minlength=n_hosts).astype(expected_used.dtype)
            length = CONTRACT_MONTHS[np.searchsorted(edges, u_length, side="right")]
            origin, qual = c["status"][clients].copy(), c["qualification"][clients].copy()
            c["status"][clients] = ART60
            c["status_since"][clients] = month
            c["host"][clients] = hosts
            c["host_sector"][clients] = sector[hosts]
            c["commute"][clients] = minutes[c["home"][clients], municipality[hosts]]
            c["contract_start"][clients] = month
            c["contract_end"][clients] = month + length - 1
            assert_all_equal(got, (origin, qual, c["commute"][clients]))
            assert_same_columns(table, expected)
            np.testing.assert_array_equal(used, expected_used)


# --- contract ends -----------------------------------------------------------------------------


def test_contract_outcomes_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(110)
    for _ in range(100):
        n, n_hosts, month = 60, int(rng.integers(1, 6)), int(rng.integers(0, 50))
        table = refugees(rng, n)
        table.host[:n] = np.where(table.status[:n] == ART60, rng.integers(0, n_hosts, n), NO)
        art60 = np.flatnonzero(table.status[:n] == ART60)
        ending = np.sort(rng.choice(art60, int(rng.integers(0, art60.size + 1)), replace=False))
        is_wise = rng.random(n_hosts) < 0.6
        orientation = np.where(is_wise, rng.random(n_hosts), 0.0)
        used = rng.integers(5, 20, n_hosts).astype(np.int32)
        retention_max = float(rng.choice([0.0, 0.6, 3.0]))
        expected, expected_used = columns(table), used.copy()
        t = table
        got = _contract_outcomes(
            KEY, month, ending, retention_max, is_wise, orientation, used, t.host, t.ended, t.offer, t.skill, t.contract_outcome
        )
        # the former array expressions (``end_contracts``)
        c = expected
        host = c["host"][ending]
        expected_used -= np.bincount(host, minlength=n_hosts).astype(expected_used.dtype)
        c["ended"][ending] = month
        c["host"][ending] = NO
        hired = c["offer"][ending] != NO
        p_retain = np.where(is_wise[host], retention_max * (1.0 - orientation[host]) * c["skill"][ending], 0.0)
        retained = ~hired & (uniforms(KEY, month, ending) < p_retain)
        benefit = ~hired & ~retained
        outcome = np.where(hired, NEC, np.where(retained, WISE_JOB, UNEMPLOYED))
        c["contract_outcome"][ending] = outcome
        assert_all_equal(got, (outcome, c["skill"][ending], ending[hired], ending[retained], host[retained], ending[benefit]))
        assert_same_columns(table, expected)
        np.testing.assert_array_equal(used, expected_used)


# --- work experience ---------------------------------------------------------------------------


def test_dropout_equals_the_array_expressions() -> None:
    rng = np.random.default_rng(111)
    for _ in range(100):
        n, n_hosts, n_emp, month = 70, 5, 20, int(rng.integers(0, 50))
        table = refugees(rng, n)
        on_art60 = np.flatnonzero(table.status[:n] == ART60)
        table.host[on_art60] = rng.integers(0, n_hosts, on_art60.size)
        p_shock, p_excess = float(rng.choice([0.0, 0.02, 0.5])), float(rng.choice([0.0, 0.3, 2.0]))
        for shock in (rng.uniform(0.5, 3.0, on_art60.size), np.full(1, 1.4)):
            dropped = _dropping(KEY, month, on_art60, shock, table.commute, table.commute_tolerance, p_shock, p_excess)
            # the former array expressions
            r = table
            excess_hours = np.maximum(0.0, r.commute[on_art60] - r.commute_tolerance[on_art60]) / 60.0
            p_drop = p_shock * (shock if shock.size == on_art60.size else shock[0]) + p_excess * excess_hours
            np.testing.assert_array_equal(dropped, on_art60[uniforms(KEY, month, on_art60) < p_drop])
        used = rng.integers(5, 20, n_hosts).astype(np.int32)
        staff = rng.integers(5, 20, n_emp).astype(np.int64)
        expected, expected_used, expected_staff = columns(table), used.copy(), staff.copy()
        t = table
        got = _drop_out(
            dropped, month, t.status, t.status_since, t.qualification, used, t.ended, t.host, t.contract_outcome, t.offer,
            staff, t.commute,
        )  # fmt: skip
        # the former array expressions
        c = expected
        origin, qual = c["status"][dropped].copy(), c["qualification"][dropped].copy()
        c["status"][dropped] = INACTIVE
        c["status_since"][dropped] = month
        expected_used -= np.bincount(c["host"][dropped], minlength=n_hosts).astype(expected_used.dtype)
        c["ended"][dropped] = month
        c["host"][dropped] = NO
        c["contract_outcome"][dropped] = INACTIVE
        offers = c["offer"][dropped]
        expected_staff -= np.bincount(offers[offers != NO], minlength=n_emp)
        c["offer"][dropped] = NO
        assert_all_equal(got, (origin, qual, c["commute"][dropped]))
        assert_same_columns(table, expected)
        np.testing.assert_array_equal(used, expected_used)
        np.testing.assert_array_equal(staff, expected_staff)


# --- employment --------------------------------------------------------------------------------


def test_separations_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(112)
    for _ in range(100):
        n, month = int(rng.integers(1, 150)), int(rng.integers(0, 40))
        job_start = rng.integers(0, 41, n).astype(np.int32)
        job_sector, trade = rng.integers(0, 6, n).astype(np.int8), rng.integers(0, 6, n).astype(np.int8)
        spell12 = np.where(rng.random(n) < 0.5, rng.integers(0, 40, n), NO).astype(np.int32)
        employed = np.flatnonzero(rng.random(n) < 0.6)
        hazard = float(rng.choice([0.0, 0.05, 0.4]))
        for factor in (_per_row(1.0), _per_row(0.8), _per_row(rng.uniform(0.5, 3.0, employed.size))):
            got_spell12 = spell12.copy()
            got = _separations(KEY, month, employed, factor, job_start, job_sector, trade, got_spell12, hazard, 1.7, 1.3)
            # the former array expressions (``separation_hazard``, then the spells reached)
            base = _base_separation(employed, month, job_start, job_sector, trade, hazard, 1.7, 1.3)
            f = factor if factor.size == employed.size else float(factor[0])
            separating = uniforms(KEY, month, employed, 0) < base * f
            expected_spell12 = spell12.copy()
            expected_spell12[_reaching(employed, separating, job_start, expected_spell12, month)] = month
            np.testing.assert_array_equal(got, employed[separating])
            np.testing.assert_array_equal(got_spell12, expected_spell12)


def test_separating_workers_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(113)
    for _ in range(100):
        n, n_emp, month = 60, int(rng.integers(1, 10)), int(rng.integers(0, 50))
        table = refugees(rng, n)
        nec = np.flatnonzero(table.status[:n] == NEC)
        table.employer[nec] = rng.integers(0, n_emp, nec.size)
        table.job_start[nec] = rng.integers(0, month + 1, nec.size)
        rows = np.sort(rng.choice(nec, int(rng.integers(0, nec.size + 1)), replace=False))
        staff = rng.integers(10, 30, n_emp).astype(np.int64)
        expected, expected_staff = columns(table), staff.copy()
        t = table
        got = _separate(rows, month, t.employer, t.job_start, staff, t.status, t.status_since, t.qualification)
        # the former array expressions
        c = expected
        left, months = c["employer"][rows].copy(), month - c["job_start"][rows]
        origin, qual = c["status"][rows].copy(), c["qualification"][rows].copy()
        c["status"][rows] = UNEMPLOYED
        c["status_since"][rows] = month
        expected_staff -= np.bincount(c["employer"][rows], minlength=n_emp)
        c["employer"][rows] = NO
        assert_all_equal(got, (left, months, origin, qual))
        assert_same_columns(table, expected)
        np.testing.assert_array_equal(staff, expected_staff)


def test_monthly_chances_and_benefit_follow_up_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(114)
    for _ in range(50):
        size = int(rng.choice([0, 1, 200]))
        rows = np.sort(rng.choice(1000, size, replace=False))
        month = int(rng.integers(0, 100))
        for p in (0.0, 0.07, 1.0):
            for factor in (np.ones(1), np.full(1, 1.8), rng.uniform(0.0, 2.0, size)):
                for draw in (1, 2, 3):
                    got = _happening(KEY, month, rows, p, factor, draw)
                    # the former ``Mechanism.chance(month, rows, p x factor, draw)``
                    f = factor if factor.size == size else float(factor[0])
                    np.testing.assert_array_equal(got, rows[uniforms(KEY, month, rows, draw) < p * f])

        n = int(rng.integers(0, 100))
        status = rng.integers(0, 6, n).astype(np.int8)
        benefit_entry = np.where(rng.random(n) < 0.6, rng.integers(0, 5, n), NO).astype(np.int32)
        on_benefit = rng.integers(-1, 2, n).astype(np.int8)
        for entry_month in (NO, 0, 2, 9):
            got_on = on_benefit.copy()
            _follow_up(entry_month, benefit_entry, status, got_on)
            # the former array expressions
            expected = on_benefit.copy()
            follow_up = np.flatnonzero(benefit_entry == entry_month)
            expected[follow_up] = status[follow_up] == UNEMPLOYED
            np.testing.assert_array_equal(got_on, expected)


# --- advocacy ----------------------------------------------------------------------------------


def test_advocated_offers_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(115)
    for _ in range(200):
        n, n_hosts = 50, int(rng.integers(1, 8))
        table = refugees(rng, n)
        mentor = np.where(rng.random(n) < 0.6, rng.integers(0, 10, n), NO).astype(np.int32)
        attempts = rng.integers(0, 4, n).astype(np.int8)
        host_sector = rng.integers(0, len(SECTORS), n_hosts).astype(np.int8)
        clients = rng.permutation(n)[: int(rng.integers(0, 30))]
        offers = rng.integers(0, n_hosts, clients.size)
        commute = np.round(rng.uniform(5, 120, clients.size), 0)
        commute[::3] = table.commute_tolerance[clients[::3]]  # on the tolerance: not poor
        attempts_max = int(rng.integers(0, 4))
        got = _advocated(
            clients, offers, commute, table.commute_tolerance, host_sector, table.trade, mentor, attempts, attempts_max
        )
        # the former array expressions
        poor = (commute > table.commute_tolerance[clients]) | (host_sector[offers] != table.trade[clients])
        expected = np.flatnonzero(poor & (mentor[clients] != NO) & (attempts[clients] < attempts_max))
        np.testing.assert_array_equal(got, expected)
