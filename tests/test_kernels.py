"""The compiled kernels give exactly what the array expressions they replace give.

Each kernel is checked against a plain numpy (or plain Python) reference written here, on
random inputs that cover the edge cases (empty input, repeats, faded and full tie slots).
"""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest
from scipy.special import ndtri

import throughflow
from throughflow.agents.employer import _first_of_each
from throughflow.arrays import capped, factor_at_least, factor_flagged, split_flagged
from throughflow.enums import PairEnd, Status
from throughflow.population import MAX_TIES, NO, RefugeeTable
from throughflow.processes.advocacy import _contest
from throughflow.processes.arrivals import _set_ties
from throughflow.processes.contracts import _ending
from throughflow.processes.employment import SUSTAINED_MONTHS, _base_separation, _groups, _reaching
from throughflow.processes.enrolment import _active, _reasons
from throughflow.processes.hiring import (
    Introductions,
    _applicant_rates,
    _applications,
    _best_margins,
    _coach_picks_of,
    _held_interviews,
    _hired,
    _margins,
    _new_introductions,
    _own_tie_hits,
    _screen_cold,
    _search_rates_of,
    _searching,
    _split_due,
    _still_open,
    _warm_hits,
)
from throughflow.processes.labs.community import _new_ties
from throughflow.processes.one_on_one.pass_ties import _mentors_ties_held
from throughflow.processes.organisation.matching import _match, greedy
from throughflow.processes.placement import _longest_waiting_first
from throughflow.processes.transitions import _learn, _start_jobs
from throughflow.processes.vacancies import _employers_of
from throughflow.processes.work_experience import _grow
from throughflow.randomness import NEVER, chosen, months_until, uniforms

MASK64 = (1 << 64) - 1


def splitmix_reference(key: int, month: int, rows: np.ndarray, draw: int) -> np.ndarray:
    """The counter-based uniforms with numpy's wrapping uint64 arithmetic (the former implementation)."""

    def mix_int(x: int) -> int:
        x ^= x >> 30
        x = (x * 0xBF58476D1CE4E5B9) & MASK64
        x ^= x >> 27
        x = (x * 0x94D049BB133111EB) & MASK64
        return x ^ (x >> 31)

    salt = np.uint64(mix_int(((key ^ (month * 0x100000 + draw * 0x1000000000)) * 0x9E3779B97F4A7C15) & MASK64))
    x = np.asarray(rows).astype(np.uint64)
    x *= np.uint64(0x9E3779B97F4A7C15)
    x += salt
    x ^= x >> np.uint64(30)
    x *= np.uint64(0xBF58476D1CE4E5B9)
    x ^= x >> np.uint64(27)
    x *= np.uint64(0x94D049BB133111EB)
    x ^= x >> np.uint64(31)
    return (x >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.int16, np.uint32])
def test_uniforms_equal_the_array_reference(dtype: type) -> None:
    rng = np.random.default_rng(1)
    for _ in range(20):
        key = int(rng.integers(0, 2**63 - 1))
        month, draw = int(rng.integers(0, 400)), int(rng.integers(0, 8))
        rows = rng.integers(0, np.iinfo(dtype).max, size=int(rng.integers(0, 500))).astype(dtype)
        got = uniforms(key, month, rows, draw)
        assert got.dtype == np.float64 and got.shape == rows.shape
        np.testing.assert_array_equal(got, splitmix_reference(key, month, rows, draw))


def test_uniforms_keep_the_shape_and_repeat_for_repeated_rows() -> None:
    rows = np.array([[3, 5, 3], [0, 5, 9]])
    got = uniforms(77, 2, rows, 1)
    assert got.shape == (2, 3)
    np.testing.assert_array_equal(got.ravel(), splitmix_reference(77, 2, rows.ravel(), 1))
    assert got[0, 0] == got[0, 2] and got[0, 1] == got[1, 1]
    assert uniforms(77, 2, np.zeros(0, dtype=np.int64)).size == 0
    many = uniforms(5, 1, np.arange(200_000))
    assert many.min() >= 0.0 and many.max() < 1.0 and abs(many.mean() - 0.5) < 0.005


def random_ties(rng: np.random.Generator, n: int, employers: int = 12) -> RefugeeTable:
    table = RefugeeTable(n)
    table.add(n)
    table.ties[:n] = np.where(rng.random((n, MAX_TIES)) < 0.6, rng.integers(0, employers, (n, MAX_TIES)), NO)
    table.tie_fades[:n] = rng.integers(0, 20, (n, MAX_TIES))
    table.ties_until[:n] = table.tie_fades[:n].max(axis=1)
    return table


def add_tie_reference(
    ties: np.ndarray, fades: np.ndarray, until: np.ndarray, row: int, employer: int, fade: int, month: int
) -> None:
    """One tie, one refugee, as the model documents it (plain Python)."""
    held = [int(t) if f >= month and t != NO else NO for t, f in zip(ties[row], fades[row], strict=True)]
    if employer in held:
        return
    until[row] = max(until[row], fade)
    if NO in held:
        slot = held.index(NO)
    else:
        ties[row, :-1], fades[row, :-1] = ties[row, 1:].copy(), fades[row, 1:].copy()
        slot = MAX_TIES - 1
    ties[row, slot], fades[row, slot] = employer, fade


def test_held_ties_equal_the_array_expression() -> None:
    rng = np.random.default_rng(2)
    table = random_ties(rng, 300)
    rows = rng.integers(0, 300, 500)
    for month in (0, 7, 19, 25):
        got = table.held_ties(rows, month)
        expected = np.where(table.tie_fades[rows] >= month, table.ties[rows], NO)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
    assert table.held_ties(np.zeros(0, dtype=np.int64), 3).shape == (0, MAX_TIES)


def test_adding_ties_follows_the_slot_rules_even_with_repeated_rows() -> None:
    rng = np.random.default_rng(3)
    for _ in range(30):
        table = random_ties(rng, 40)
        ties, fades, until = table.ties[:40].copy(), table.tie_fades[:40].copy(), table.ties_until[:40].copy()
        rows = rng.integers(0, 40, int(rng.integers(1, 60)))  # repeats: handled in successive passes
        employers = rng.integers(0, 12, rows.size)
        new_fades = rng.integers(5, 40, rows.size)
        month = int(rng.integers(0, 20))
        table.add_tie(rows, employers, new_fades, month)
        for k in np.argsort(rows, kind="stable"):  # the same order: by refugee, then as given
            add_tie_reference(ties, fades, until, int(rows[k]), int(employers[k]), int(new_fades[k]), month)
        np.testing.assert_array_equal(table.ties[:40], ties)
        np.testing.assert_array_equal(table.tie_fades[:40], fades)
        np.testing.assert_array_equal(table.ties_until[:40], until)


# --- hiring: cold applications ---------------------------------------------------------------

UNEMPLOYED, WISE_JOB = int(Status.UNEMPLOYED), int(Status.WISE_JOB)


def people(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    return {
        "host": np.where(rng.random(n) < 0.4, rng.integers(0, 9, n), NO).astype(np.int32),
        "wise": np.where(rng.random(n) < 0.2, rng.integers(0, 9, n), NO).astype(np.int32),
        "status": rng.integers(0, 6, n).astype(np.int8),
        "since": rng.integers(0, 60, n).astype(np.int32),
        "qualification": rng.integers(0, 3, n).astype(np.int8),
        "home": rng.integers(0, 5, n).astype(np.int32),
        "tolerance": rng.uniform(15, 90, n),
    }


def test_coach_and_search_rates_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(4)
    p = people(rng, 400)
    orientation = rng.random(9)
    seekers = np.sort(rng.choice(400, 150, replace=False))
    search = rng.uniform(0, 1.2, 400)
    month, start, ramp = 70, 0.6, 9.0
    host, wise = p["host"][seekers], p["wise"][seekers]
    coach = np.where(host != NO, 0.02 + orientation[host] * 0.3, 0.0) + np.where(wise != NO, orientation[wise] * 0.3, 0.0)
    status, since = p["status"][seekers], p["since"][seekers]
    months = np.where(status == UNEMPLOYED, month - since, ramp)
    urgency = start + (1.0 - start) * (np.minimum(months, ramp) / ramp)
    intensity = np.where(status == WISE_JOB, 0.5, 1.0) * urgency
    for boost in (np.zeros(0), rng.uniform(0, 0.3, seekers.size)):
        effort = search[seekers] + coach
        if boost.size:
            effort = effort + boost
        got_coach, got_rates = _search_rates_of(
            seekers, search, boost, p["host"], p["wise"], orientation, 0.02, 0.3, month, p["status"], p["since"], 4.0, 0.5,
            start, ramp,
        )  # fmt: skip
        np.testing.assert_array_equal(got_coach, coach)
        np.testing.assert_array_equal(got_rates, 4.0 * np.minimum(1.0, effort) * intensity)


def test_screening_equals_the_array_expressions() -> None:
    rng = np.random.default_rng(5)
    p = people(rng, 300)
    n_vac, n_emp, month = 40, 12, 50
    minutes = rng.uniform(5, 100, (5, 5))
    municipality, employer = rng.integers(0, 5, n_vac), rng.integers(0, n_emp, n_vac)
    bottleneck, bias = rng.random(n_vac) < 0.3, rng.uniform(0, 0.6, n_emp)
    seekers = np.sort(rng.choice(300, 200, replace=False))
    counts = rng.poisson(10.0, seekers.size)
    seeker = np.repeat(seekers, counts)
    apps = seeker.size
    draws = rng.random(2 * apps)
    vacancy, u = (draws[:apps] * n_vac).astype(np.int64), draws[apps:]
    loss, loss_months, factor, p_callback = 0.4, 12.0, 0.2, 0.09
    before = rng.random((3, 6))
    totals = before.copy()
    got_seeker, got_vacancy = _screen_cold(
        seekers, counts, draws, n_vac, month, p["home"], p["tolerance"], p["status"], p["since"], p["qualification"],
        minutes, municipality, bottleneck, employer, bias, p_callback, loss, loss_months, factor, totals,
    )  # fmt: skip
    # the former array expressions
    reach = minutes[p["home"][seeker], municipality[vacancy]] <= p["tolerance"][seeker]
    s, v, uu = seeker[reach], vacancy[reach], u[reach]
    months = np.where(p["status"][s] == UNEMPLOYED, month - p["since"][s], 0)
    p_native = p_callback * (1.0 - loss * np.minimum(months, loss_months) / loss_months)
    b = bias[employer[v]]
    call = uu < p_native * np.where(bottleneck[v], 1.0 - factor * b, 1.0 - b)
    cell = bottleneck[v] * 3 + p["qualification"][s].astype(np.int64)
    np.testing.assert_array_equal(totals[0], before[0] + np.bincount(cell, minlength=6))
    np.testing.assert_array_equal(totals[1], before[1] + np.bincount(cell[call], minlength=6))
    np.testing.assert_array_equal(totals[2], before[2] + np.bincount(cell, weights=p_native, minlength=6))
    np.testing.assert_array_equal(got_seeker, s[call])
    np.testing.assert_array_equal(got_vacancy, v[call])
    assert 0 < call.sum() < reach.sum() < apps


def test_choosing_hires_equals_the_array_expressions() -> None:
    def first_of_each(keys: np.ndarray, n: int) -> np.ndarray:
        first = np.empty(n, dtype=np.int64)
        positions = np.arange(keys.size)
        first[keys[::-1]] = positions[::-1]
        return first[keys] == positions

    rng = np.random.default_rng(6)
    for _ in range(200):
        n_ref, n_vac, n_emp = 30, int(rng.integers(1, 25)), int(rng.integers(1, 8))
        size = int(rng.integers(0, 80))
        seeker, vacancy = rng.integers(0, n_ref, size), rng.integers(0, n_vac, size)
        margin = np.round(rng.normal(0.1, 0.3, size), 1)  # coarse: ties between candidates
        others = np.where(rng.random(n_vac) < 0.5, rng.normal(0.0, 0.3, n_vac), -np.inf)
        employer = rng.integers(0, n_emp, n_vac)
        room = rng.integers(-1, 3, n_emp)
        # the former array expressions
        pick = np.flatnonzero((margin >= 0.0) & (margin > others[vacancy]))
        pick = pick[np.argsort(-margin[pick], kind="stable")]
        pick = pick[first_of_each(vacancy[pick], n_vac)]
        pick = pick[first_of_each(seeker[pick], n_ref)]
        chosen_employer = employer[vacancy[pick]]
        order = np.argsort(chosen_employer, kind="stable")
        ranked = chosen_employer[order]
        rank = np.arange(ranked.size) - np.searchsorted(ranked, ranked, side="left")
        keep = np.empty(pick.size, dtype=bool)
        keep[order] = rank < room[ranked]
        kind = rng.integers(0, 6, size)
        staff = rng.integers(0, 3, n_emp)  # the room is posts less staff
        hired = _hired(margin, others, seeker, vacancy, kind, employer, room + staff, staff, n_ref)
        pick = pick[keep]
        for got, want in zip(hired, (seeker[pick], vacancy[pick], kind[pick], employer[vacancy[pick]]), strict=True):
            np.testing.assert_array_equal(got, want)
            assert got.dtype == want.dtype


def test_initial_ties_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        count = int(rng.integers(0, 40))
        n_ties = rng.poisson(2.5, count)
        drawn = rng.integers(0, 6, (count, MAX_TIES))  # few employers: repeats
        fades = rng.integers(0, 50, (count, MAX_TIES)).astype(np.int32)
        table = RefugeeTable(count)
        rows = table.add(count)
        _set_ties(table.ties, table.tie_fades, table.ties_until, rows, drawn.copy(), n_ties, fades)
        # the former array expressions
        ties = drawn.copy()
        ties[np.arange(MAX_TIES)[None, :] >= np.minimum(n_ties, MAX_TIES)[:, None]] = NO
        ties.sort(axis=1)
        ties[:, 1:][ties[:, 1:] == ties[:, :-1]] = NO
        np.testing.assert_array_equal(table.ties[rows], ties)
        np.testing.assert_array_equal(table.tie_fades[rows], fades)
        np.testing.assert_array_equal(table.ties_until[rows], np.where(ties != NO, fades, NO).max(axis=1, initial=NO))


def test_warm_introductions_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(8)
    for _ in range(100):
        p = people(rng, 200)
        n_emp = 15
        first_open = np.append(np.where(rng.random(n_emp) < 0.5, rng.integers(0, 30, n_emp), NO), NO)
        minutes, municipality = rng.uniform(5, 100, (5, 5)), rng.integers(0, 5, n_emp)
        holder = rng.integers(0, 200, int(rng.integers(0, 30)))
        ties = np.where(rng.random((holder.size, 4)) < 0.7, rng.integers(0, n_emp, (holder.size, 4)), NO).astype(np.int32)
        hits = _warm_hits(holder, ties, 3, first_open, p["home"], p["tolerance"], minutes, municipality)
        # the former array expressions
        hit = np.flatnonzero(first_open[ties].ravel() >= 0)
        seeker, employer = holder[hit // ties.shape[1]], ties.ravel()[hit].astype(np.int64)
        ok = minutes[p["home"][seeker], municipality[employer]] <= p["tolerance"][seeker]
        np.testing.assert_array_equal(hits, np.column_stack([seeker[ok], employer[ok], np.full(ok.sum(), 3), np.zeros(ok.sum())]))

        pending_seeker, pending_employer = rng.integers(0, 200, 10), rng.integers(0, n_emp, 10)
        seeker = np.concatenate([seeker, rng.integers(0, 200, 5), pending_seeker[:3]])  # repeats and pending pairs
        employer = np.concatenate([employer, rng.integers(0, n_emp, 5), pending_employer[:3]])
        key = seeker * (n_emp + 1) + employer
        order = np.argsort(key, kind="stable")
        first = np.ones(order.size, dtype=bool)
        first[1:] = key[order[1:]] != key[order[:-1]]
        new = order[first]
        pending = pending_seeker * (n_emp + 1) + pending_employer
        new = new[~np.isin(key[new], pending)]
        channel = rng.integers(0, 6, seeker.size)
        queued = Introductions()
        queued.rows = np.column_stack([pending_seeker, pending_employer, np.zeros((10, 2), dtype=np.int64)])
        got, _ = _new_introductions(np.column_stack([seeker, employer, channel, np.zeros_like(seeker)]), n_emp, queued, 5, 7)
        np.testing.assert_array_equal(got, np.column_stack([seeker[new], employer[new], channel[new], key[new]]))


def test_coach_picks_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(9)
    for _ in range(100):
        p = people(rng, 100)
        host_sector = rng.integers(0, 6, 9).astype(np.int8)
        n_vac = int(rng.integers(1, 30))
        vacancy_sector = rng.integers(0, 6, n_vac).astype(np.int8)
        vacancy_employer = rng.integers(0, 50, n_vac).astype(np.int32)
        coached = np.flatnonzero((p["host"] != NO) | (p["wise"] != NO))
        u = rng.random((coached.size, 4))
        got = _coach_picks_of(coached, p["host"], p["wise"], host_sector, vacancy_sector, vacancy_employer, u, 6)
        # the former array expressions
        host = np.where(p["host"][coached] != NO, p["host"][coached], p["wise"][coached])
        sector = host_sector[host]
        order = np.argsort(vacancy_sector, kind="stable")
        counts = np.bincount(vacancy_sector, minlength=6)
        starts = np.cumsum(counts) - counts
        size = counts[sector][:, None]
        in_sector = order[np.minimum(starts[sector][:, None] + (u * size).astype(np.int64), n_vac - 1)]
        anywhere = (u * n_vac).astype(np.int64)
        np.testing.assert_array_equal(got, vacancy_employer[np.where(size > 0, in_sector, anywhere)])


def test_a_month_of_growth_equals_the_array_expressions() -> None:
    rng = np.random.default_rng(10)
    n, hosts = 500, 9
    status = rng.integers(0, 6, n).astype(np.int8)
    host = np.where(status == int(Status.ART60), rng.integers(0, hosts, n), NO).astype(np.int32)
    trade, qualification = rng.integers(0, 6, n).astype(np.int8), rng.integers(0, 3, n).astype(np.int8)
    skill, language, search = rng.random(n), rng.random(n), rng.random(n)
    host_sector, coaching, language_hours = (
        rng.integers(0, 6, hosts).astype(np.int8),
        rng.random(hosts) / 10,
        rng.random(hosts) * 20,
    )
    per_level = np.array([600.0, 240.0, 120.0])
    got_skill, got_language, got_search = skill.copy(), language.copy(), search.copy()
    on = _grow(status, host, trade, qualification, got_skill, got_language, got_search, host_sector, coaching,
               language_hours, per_level, 0.5, 30.0, 0.01, 0.02)  # fmt: skip
    # the former array expressions
    art60 = np.flatnonzero(status == int(Status.ART60))
    h = host[art60]
    skill[art60] += coaching[h] * (1.0 + 0.5 * (host_sector[h] == trade[art60])) * (1.0 - skill[art60])
    unemployed = np.flatnonzero(status == int(Status.UNEMPLOYED))
    rows = np.concatenate([art60, np.flatnonzero(status == int(Status.WAITING)), unemployed])
    hours = np.full(rows.size, 30.0)
    hours[: art60.size] += language_hours[h]
    language[rows] = np.minimum(1.0, language[rows] + 0.2 * hours / per_level[qualification[rows]])
    skill[unemployed] *= 1.0 - 0.01
    search[unemployed] *= 1.0 - 0.02
    np.testing.assert_array_equal(on, art60)
    for got, expected in ((got_skill, skill), (got_language, language), (got_search, search)):
        np.testing.assert_array_equal(got, expected)


def test_matching_costs_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(11)
    sectors, regions = 6, 7
    xy = rng.uniform(0, 60, (regions, 2))
    km = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    employer_sector = rng.integers(0, sectors, 40).astype(np.int8)
    for radius in (15.0, 12.3, 21.7):
        for _ in range(30):
            mentees, places = int(rng.integers(1, 30)), int(rng.integers(1, 40))
            home, trade = rng.integers(0, regions, mentees), rng.integers(0, sectors, mentees)
            place_home = rng.integers(0, regions, places)
            place_ties = np.where(rng.random((places, 6)) < 0.4, rng.integers(0, 40, (places, 6)), NO).astype(np.int32)
            got = _match(home, trade, place_home, place_ties, employer_sector, km, radius, sectors)
            # the former array expressions (costs per kind of mentee and type of place), then the greedy
            kinds, of_kind = np.unique(home * sectors + trade, return_inverse=True)
            has_tie_in = np.zeros((places, sectors), dtype=bool)
            held = place_ties != NO
            has_tie_in[np.nonzero(held)[0], employer_sector[place_ties[held]]] = True
            code = place_home << sectors | (has_tie_in << np.arange(sectors)).sum(axis=1)
            types, place_type = np.unique(code, return_inverse=True)
            first = np.empty(types.size, dtype=np.int64)
            first[place_type[::-1]] = np.arange(places - 1, -1, -1)
            d = km[(kinds // sectors)[:, None], place_home[first][None, :]].astype(np.float32)
            cost = (d > radius) + d / 100.0 - 0.5 * has_tie_in[first][:, kinds % sectors].T
            np.testing.assert_array_equal(got, greedy(cost, of_kind, place_type))


def test_employment_groups_and_base_hazard_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(12)
    n, month = 600, 40
    status = rng.integers(0, 6, n).astype(np.int8)
    since = rng.integers(30, 45, n).astype(np.int32)
    got = _groups(status, since, month)
    expected = [np.flatnonzero(status == int(Status.NEC))] + [
        np.flatnonzero((status == int(s)) & (since < month)) for s in (Status.WISE_JOB, Status.INACTIVE, Status.UNEMPLOYED)
    ]
    for g, e in zip(got, expected, strict=True):
        np.testing.assert_array_equal(g, e)
    rows = expected[0]
    job_start = rng.integers(25, 41, n).astype(np.int32)
    job_sector, trade = rng.integers(0, 6, n).astype(np.int8), rng.integers(0, 6, n).astype(np.int8)
    hazard = np.full(rows.size, 0.013)
    hazard *= np.where(month - job_start[rows] < 6, 1.7, 1.0)
    hazard *= np.where(job_sector[rows] != trade[rows], 1.3, 1.0)
    np.testing.assert_array_equal(_base_separation(rows, month, job_start, job_sector, trade, 0.013, 1.7, 1.3), hazard)


def test_placement_order_and_capped_groups_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(13)
    for _ in range(50):
        n = int(rng.integers(0, 300))
        status = rng.integers(0, 6, n).astype(np.int8)
        since, home = rng.integers(0, 20, n).astype(np.int32), rng.integers(0, 5, n).astype(np.int32)
        budget = rng.integers(0, 8, 5)
        waiting = np.flatnonzero(status == int(Status.WAITING))
        waiting = waiting[np.argsort(since[waiting], kind="stable")]
        got = _longest_waiting_first(status, since)
        np.testing.assert_array_equal(got, waiting)
        h = home[waiting]
        by_home = np.argsort(h, kind="stable")
        rank = np.empty(waiting.size, dtype=np.int64)
        rank[by_home] = np.arange(waiting.size) - np.searchsorted(h[by_home], h[by_home], side="left")
        np.testing.assert_array_equal(got[capped(home[got], budget)], waiting[rank < budget[h]])


def test_job_seekers_and_contract_ends_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(14)
    n, month = 800, 30
    status = rng.integers(0, 6, n).astype(np.int8)
    contract_end = rng.integers(25, 40, n).astype(np.int32)
    offer = np.where(rng.random(n) < 0.3, rng.integers(0, 9, n), NO).astype(np.int32)
    seeking = (status == int(Status.UNEMPLOYED)) | (status == int(Status.WISE_JOB))
    seeking |= (status == int(Status.ART60)) & (contract_end < month + 3) & (offer == NO)
    np.testing.assert_array_equal(_searching(status, contract_end, offer, month + 3), np.flatnonzero(seeking))
    ending = np.flatnonzero(contract_end == month)
    np.testing.assert_array_equal(_ending(contract_end, status, month), ending[status[ending] == int(Status.ART60)])


def test_community_ties_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(15)
    for _ in range(50):
        table = random_ties(rng, 120)
        n_emp, month = 30, int(rng.integers(0, 20))
        municipality = rng.integers(0, 5, n_emp)
        by_place = np.argsort(municipality, kind="stable")
        per_place = np.bincount(municipality, minlength=6)  # municipality 5 has no employer
        place_start = np.cumsum(per_place) - per_place
        home = rng.integers(0, 6, 120).astype(np.int32)
        guests = rng.permutation(120)[: int(rng.integers(0, 40))]
        u = rng.random((4, guests.size))
        rows, employers = _new_ties(
            guests, u, month, 0.3, 0.5, home, table.ties, table.tie_fades, per_place, place_start, by_place
        )
        # the former array expressions
        met = u[0] < 0.3
        h = home[guests[met]]
        size = per_place[h]
        local = by_place[np.minimum(place_start[h] + (u[1, met] * size).astype(np.int64), by_place.size - 1)]
        local = np.where(size > 0, local, (u[1, met] * by_place.size).astype(np.int64))
        before = np.concatenate([guests[-1:], guests[:-1]])
        held = -np.sort(-table.held_ties(before, month), axis=1)
        count = (held != NO).sum(axis=1)
        takes = np.flatnonzero((count > 0) & (u[2] < 0.5))
        peer = held[takes, (u[3, takes] * count[takes]).astype(np.int64)]
        np.testing.assert_array_equal(rows, np.concatenate([guests[met], guests[takes]]))
        np.testing.assert_array_equal(employers, np.concatenate([local, peer]))


def test_pair_end_reasons_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(16)
    for _ in range(50):
        n_pairs, n_ref, n_mentors, month, stay = 60, 80, 20, 30, int(rng.integers(0, 4))
        end = np.where(rng.random(n_pairs) < 0.6, NO, rng.integers(0, 30, n_pairs)).astype(np.int32)
        active = _active(end)
        np.testing.assert_array_equal(active, np.flatnonzero(end == NO))
        mentee = rng.integers(0, n_ref, active.size)
        mentor = np.where(rng.random(active.size) < 0.8, rng.integers(0, n_mentors, active.size), NO)
        planned_end = rng.integers(25, 40, n_pairs).astype(np.int32)
        status, job_start = rng.integers(0, 6, n_ref).astype(np.int8), rng.integers(20, 31, n_ref).astype(np.int32)
        breaks = rng.random(active.size) < 0.1
        leaving = np.zeros(n_mentors + 1, dtype=bool)
        leaving[rng.integers(0, n_mentors, 3)] = True
        got_planned = planned_end.copy()
        reason = _reasons(active, mentee, mentor, month, stay, breaks, leaving, got_planned, status, job_start)
        # the former array expressions
        hired = status[mentee] == int(Status.NEC)
        planned_end[active[hired]] = np.minimum(planned_end[active[hired]], job_start[mentee[hired]] + stay)
        expected = np.full(active.size, NO, dtype=np.int8)
        expected[breaks] = PairEnd.BREAKDOWN
        expected[(mentor != NO) & leaving[mentor]] = PairEnd.MENTOR_LEFT
        expected[(month >= planned_end[active]) | (status[mentee] == int(Status.WISE_JOB))] = PairEnd.COMPLETED
        expected[status[mentee] == int(Status.INACTIVE)] = PairEnd.MENTEE_LEFT
        np.testing.assert_array_equal(reason, expected)
        np.testing.assert_array_equal(got_planned, planned_end)


def test_starting_jobs_sets_the_columns_as_the_array_expressions() -> None:
    rng = np.random.default_rng(17)
    n, n_emp, month = 200, 30, 44
    rows = rng.permutation(n)[:60]
    employers = rng.integers(0, n_emp, rows.size).astype(np.int32)
    sector, municipality = rng.integers(0, 6, n_emp).astype(np.int8), rng.integers(0, 5, n_emp)
    minutes, home = rng.uniform(5, 100, (5, 5)), rng.integers(0, 5, n).astype(np.int32)

    def columns() -> dict[str, np.ndarray]:
        gen = np.random.default_rng(18)
        return {
            "employer": np.full(n, NO, dtype=np.int32),
            "job_sector": np.full(n, NO, dtype=np.int8),
            "commute": np.zeros(n),
            "job_start": np.full(n, NO, dtype=np.int32),
            "first_nec": np.where(gen.random(n) < 0.5, gen.integers(0, 40, n), NO).astype(np.int32),
            "nec_jobs": gen.integers(0, 3, n).astype(np.int16),
            "benefit_entry": np.where(gen.random(n) < 0.5, gen.integers(0, 40, n), NO).astype(np.int32),
            "benefit_exit": np.where(gen.random(n) < 0.3, gen.integers(0, 40, n), NO).astype(np.int32),
            "offer": gen.integers(-1, n_emp, n).astype(np.int32),
            "wise": gen.integers(-1, 5, n).astype(np.int32),
        }

    got, c = columns(), columns()
    _start_jobs(rows, employers, month, sector, municipality, minutes, home, *got.values())
    # the former array expressions
    c["employer"][rows] = employers
    c["job_sector"][rows] = sector[employers]
    c["commute"][rows] = minutes[home[rows], municipality[employers]]
    c["job_start"][rows] = month
    c["first_nec"][rows] = np.where(c["first_nec"][rows] == NO, month, c["first_nec"][rows])
    c["nec_jobs"][rows] += 1
    first_exit = (c["benefit_entry"][rows] != NO) & (c["benefit_exit"][rows] == NO)
    c["benefit_exit"][rows[first_exit]] = month
    c["offer"][rows] = NO
    c["wise"][rows] = NO
    for name in c:
        np.testing.assert_array_equal(got[name], c[name], err_msg=name)


def test_mentors_ties_held_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(19)
    for _ in range(50):
        table = random_ties(rng, 100, employers=10)
        month = int(rng.integers(0, 20))
        mentor_ties = np.where(rng.random((15, 6)) < 0.5, rng.integers(0, 10, (15, 6)), NO).astype(np.int32)
        mentee = rng.permutation(100)[:30]
        mentor = np.where(rng.random(30) < 0.8, rng.integers(0, 15, 30), NO)
        rows, slots = _mentors_ties_held(mentee, mentor, month, table.ties_until, table.ties, table.tie_fades, mentor_ties)
        # the former array expressions
        keep = mentor != NO
        m_e, m_o = mentee[keep], mentor[keep]
        keep = table.ties_until[m_e] >= month
        m_e, m_o = m_e[keep], m_o[keep]
        held = table.held_ties(m_e, month)
        theirs = (held[:, :, None] == mentor_ties[m_o][:, None, :]).any(axis=2) & (held != NO)
        slot_rows, expected_slots = np.nonzero(theirs)
        np.testing.assert_array_equal(rows, m_e[slot_rows])
        np.testing.assert_array_equal(slots, expected_slots)


def test_chosen_rows_equal_the_rows_whose_uniform_is_below_p() -> None:
    rng = np.random.default_rng(4)
    for size in (0, 1, 7, 500):
        rows = np.sort(rng.choice(5000, size, replace=False))
        for p in (0.0, 0.37, 1.0, np.float64(0.37), np.array([0.37]), rng.random(size)):
            expected = rows[uniforms(99, 5, rows, 3) < p]
            np.testing.assert_array_equal(chosen(99, 5, rows, p, 3), expected)
            np.testing.assert_array_equal(chosen(99, 5, rows.astype(np.int32), p, 3), expected)
    repeated = np.array([4, 4, 9, 4])
    np.testing.assert_array_equal(chosen(3, 1, repeated, 0.5), repeated[uniforms(3, 1, repeated) < 0.5])


def test_other_applicants_best_margins_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(21)
    for size in (0, 1, 9, 300):
        bottleneck = rng.random(size) < 0.3
        applicants, competition, mean, sd = 2.5, 1.7, -0.1, 0.35
        rate = applicants * np.where(bottleneck, competition, 1.0)
        np.testing.assert_array_equal(_applicant_rates(bottleneck, applicants, competition), rate)
        count = rng.poisson(rate)
        count[: size // 3] = 0  # vacancies no one else applies to
        u = rng.random(size)
        quantile = u ** (1.0 / np.maximum(count, 1))
        best = mean + sd * ndtri(quantile)
        np.testing.assert_array_equal(_best_margins(ndtri(quantile), count, mean, sd), np.where(count > 0, best, -np.inf))


def test_geometric_durations_equal_the_array_expression() -> None:
    rng = np.random.default_rng(22)
    for size in (0, 1, 50, 5000):
        u = rng.random(size)
        u[: size // 10] = 0.0  # the shortest duration
        u[size // 10 : size // 5] = np.nextafter(1.0, 0.0)  # the longest
        for p in (1e-12, 0.01, 1.0 / 3.0, 0.5, 0.999999):
            expected = np.minimum(1 + np.floor(np.log1p(-u) / np.log1p(-p)), NEVER).astype(np.int64)
            np.testing.assert_array_equal(months_until(u, p), expected)
        np.testing.assert_array_equal(months_until(u, 0.0), np.full(size, NEVER))
        np.testing.assert_array_equal(months_until(u, 1.0), np.ones(size, dtype=np.int64))


def test_interviews_held_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(12)
    for _ in range(100):
        n_ref, n_emp, month = 60, 12, 33
        size = int(rng.integers(0, 40))
        due = np.column_stack(
            [rng.integers(0, n_ref, size), rng.integers(0, n_emp, size), rng.integers(0, 6, size), np.full(size, month)]
        )
        seekers = np.sort(rng.choice(n_ref, int(rng.integers(0, n_ref)), replace=False))
        first_open = np.append(np.where(rng.random(n_emp) < 0.6, rng.integers(0, 20, n_emp), NO), NO)
        got = _held_interviews(due, seekers, first_open, n_ref, n_emp, 77, month, 1, 0.6)
        # the former array expressions
        keep = np.isin(due[:, 0], seekers) & (first_open[due[:, 1]] >= 0)
        kept = due[keep]
        held = uniforms(77, month, kept[:, 0] * (n_emp + 1) + kept[:, 1], 1) < 0.6
        expected = np.column_stack([kept[:, :3], first_open[kept[:, 1]]])[held]
        np.testing.assert_array_equal(got, expected.reshape(-1, 4))


def test_applications_logged_and_vacancies_left_open_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(13)
    for _ in range(100):
        seekers = np.sort(rng.choice(80, int(rng.integers(0, 50)), replace=False))
        n_cold = rng.poisson(1.0, seekers.size)
        warm = rng.choice(seekers, int(rng.integers(0, 20))) if seekers.size else seekers
        n_warm = np.bincount(np.searchsorted(seekers, warm), minlength=seekers.size)[: seekers.size]
        active = n_cold > 0
        expected_log = (seekers[active], n_cold[active], n_warm[active])
        for got, expected in zip(_applications(seekers, n_cold, warm), expected_log, strict=True):
            np.testing.assert_array_equal(got, expected)

        n_vac = int(rng.integers(0, 30))
        others = np.where(rng.random(n_vac) < 0.4, rng.normal(0.0, 1.0, n_vac), -np.inf)
        hired = rng.choice(n_vac, int(rng.integers(0, n_vac + 1)), replace=False) if n_vac else np.zeros(0, np.int64)
        was_hired = np.zeros(n_vac, dtype=bool)
        was_hired[hired] = True
        taken = ~was_hired & (others >= 0.0)
        open_, count = _still_open(hired, others)
        np.testing.assert_array_equal(open_, ~(was_hired | taken))
        assert count == taken.sum()


def test_margins_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(14)
    for _ in range(50):
        n_ref, n_vac, size = 40, 15, int(rng.integers(0, 60))
        seeker, vacancy = rng.integers(0, n_ref, size), rng.integers(0, n_vac, size)
        visible, language = rng.random(size), rng.random(n_ref)
        skill_req, language_req = rng.random(n_vac), rng.random(n_vac)
        sector = rng.integers(0, 4, n_vac).astype(np.int8)
        host_sector, job_sector = (rng.integers(-1, 4, n_ref).astype(np.int8) for _ in range(2))
        trade = rng.integers(0, 4, n_ref).astype(np.int8)
        for factor in (np.ones(1), rng.uniform(0.7, 1.0, size)):
            got = _margins(
                seeker, vacancy, visible, factor, skill_req, language_req, sector, language, host_sector, job_sector, trade,
                0.05, 0.1,
            )  # fmt: skip
            # the former array expressions
            f = factor if factor.size == size else factor[0]
            margin = np.minimum(visible - skill_req[vacancy] * f, language[seeker] - language_req[vacancy] * f)
            here = sector[vacancy]
            local = (host_sector[seeker] == here) | (job_sector[seeker] == here)
            confirmed = local & (trade[seeker] == here)
            bonus = 0.05 * local + 0.1 * confirmed
            np.testing.assert_array_equal(got, np.where(margin >= 0.0, margin + bonus, margin))


def test_first_open_vacancy_of_each_employer_equals_the_array_expression() -> None:
    rng = np.random.default_rng(15)
    for size in (0, 1, 30):
        employer = rng.integers(0, 8, size).astype(np.int32)
        first = np.full(9, -1, dtype=np.int64)
        first[employer[::-1]] = np.arange(size)[::-1]  # reversed assignment leaves the lowest index
        np.testing.assert_array_equal(_first_of_each(employer, 8), first)


def test_language_learning_equals_the_array_expression() -> None:
    rng = np.random.default_rng(16)
    language, qualification = rng.random(50), rng.integers(0, 3, 50).astype(np.int8)
    per_level = np.array([600.0, 240.0, 120.0])
    rows = np.sort(rng.choice(50, 20, replace=False))
    for hours in (np.array([30.0]), rng.uniform(0, 80, rows.size)):
        got = language.copy()
        _learn(rows, hours, qualification, per_level, got)
        expected = language.copy()
        expected[rows] = np.minimum(1.0, language[rows] + 0.2 * hours / per_level[qualification[rows]])
        np.testing.assert_array_equal(got, expected)


def test_employers_of_new_vacancies_equal_searchsorted() -> None:
    rng = np.random.default_rng(17)
    for size in (0, 1, 50, 3000):
        cumulative = np.cumsum(rng.uniform(0, 2, 40) * (rng.random(40) < 0.8))
        share = np.sort(rng.random(size)) * cumulative[-1]
        share[: size // 10] = 0.0  # ties with the edges
        expected = np.searchsorted(cumulative, share, side="right").astype(np.int32)
        np.testing.assert_array_equal(_employers_of(cumulative, share), expected)


def test_mentors_bookkeeping_at_pair_ends_equals_the_array_expressions() -> None:
    from throughflow.enums import MentorStatus
    from throughflow.processes.volunteers import _pairs_ended

    rng = np.random.default_rng(18)
    left, available = int(MentorStatus.LEFT), int(MentorStatus.AVAILABLE)
    for _ in range(200):
        n_mentors, n_pairs, size = 12, 40, int(rng.integers(0, 15))
        rows = np.sort(rng.choice(n_pairs, size, replace=False))
        mentor = np.where(rng.random(size) < 0.8, rng.integers(0, n_mentors, size), NO)  # repeats: capacity above 1
        reason = rng.integers(0, 4, size).astype(np.int8)
        leaving = rng.choice(n_mentors, int(rng.integers(0, 3)), replace=False)
        u = rng.random(size)
        mentees = np.bincount(mentor[mentor != NO], minlength=n_mentors).astype(np.int16) + rng.integers(0, 2, n_mentors)
        mentees = mentees.astype(np.int16)
        pairs_done = rng.integers(0, 5, n_mentors).astype(np.int16)
        retiring = rng.random(n_mentors) < 0.2
        status = rng.integers(0, 3, n_mentors).astype(np.int8)
        reenrolled = np.full(n_pairs, -1, dtype=np.int8)
        for p_stay in (np.array([0.7]), rng.random(size)):
            state = [a.copy() for a in (mentees, pairs_done, retiring, status, reenrolled)]
            _pairs_ended(rows, mentor, reason, leaving, u, p_stay, n_mentors, *state)
            # the former array expressions
            m_, d_, r_, s_, e_ = (a.copy() for a in (mentees, pairs_done, retiring, status, reenrolled))
            with_mentor = mentor != NO
            ended = np.bincount(mentor[with_mentor], minlength=n_mentors)
            m_ -= ended.astype(m_.dtype)
            d_ += ended.astype(d_.dtype)
            judged = with_mentor & (reason != PairEnd.MENTOR_LEFT)
            leaves = np.zeros(n_mentors + 1, dtype=bool)
            leaves[leaving] = True
            p = p_stay if p_stay.size == size else p_stay[0]
            stays = judged & ~leaves[mentor] & (u < p) & ~r_[np.maximum(mentor, 0)]
            e_[rows[judged]] = stays[judged]
            r_[mentor[judged & ~stays]] = True
            done = np.flatnonzero(ended)
            done = done[(m_[done] == 0) & (s_[done] != left) & ~leaves[done]]
            s_[done] = np.where(r_[done], left, available)
            for got, expected in zip(state, (m_, d_, r_, s_, e_), strict=True):
                np.testing.assert_array_equal(got, expected)


def test_rows_at_least_and_workers_at_partners_equal_the_array_expressions() -> None:
    from throughflow.arrays import rows_at_least
    from throughflow.processes.labs.co_design import _at_partners

    rng = np.random.default_rng(19)
    for size in (0, 1, 40):
        rows = np.sort(rng.choice(60, size, replace=False))
        column = rng.integers(-1, 5, 60).astype(np.int32)
        for value in (0, 3):
            np.testing.assert_array_equal(rows_at_least(rows, column, value), rows[column[rows] >= value])
        host = np.where(rng.random(60) < 0.5, rng.integers(0, 8, 60), NO)
        wise = np.where(rng.random(60) < 0.5, rng.integers(0, 8, 60), NO)
        partner = np.append(rng.random(8) < 0.5, False)  # the last slot: no host (NO)
        at = np.where(host[rows] != NO, host[rows], wise[rows])
        np.testing.assert_array_equal(_at_partners(rows, host, wise, partner), rows[partner[at]])


def test_rows_flagged_equal_the_array_expressions() -> None:
    from throughflow.arrays import rows_flagged

    rng = np.random.default_rng(20)
    flags = np.append(rng.random(6) < 0.5, False)  # the last element: NO (-1)
    for size in (0, 1, 80):
        column = rng.integers(-1, 6, size).astype(np.int8)
        other = rng.integers(-1, 6, size).astype(np.int32)
        np.testing.assert_array_equal(rows_flagged(flags, column), np.flatnonzero(flags[column]))
        np.testing.assert_array_equal(rows_flagged(flags, column, other), np.flatnonzero(flags[column] | flags[other]))


def test_contested_placements_equal_the_former_loop() -> None:
    def former(
        advocated, u, clients, offers, home, mentor, advocacy, openness, growth, attempts, most, free, mun, sector, trade, minutes
    ):
        final, placed = offers.copy(), np.ones(clients.size, dtype=bool)
        taken = np.bincount(offers, minlength=free.size)
        success, after = [], []
        for k, u_k in zip(advocated.tolist(), u.tolist(), strict=True):
            row = int(clients[k])
            ocmw = int(home[row])
            ok = u_k < advocacy[mentor[row]] * openness[ocmw]
            openness[ocmw] = min(1.0, float(openness[ocmw]) + growth)
            attempts[row] += 1
            success.append(int(ok))
            after.append(float(openness[ocmw]))
            if ok:
                taken[offers[k]] -= 1
                left = free - taken
                candidates = np.flatnonzero(left > 0)
                best = -1
                if candidates.size:
                    cost = minutes[home[row], mun[candidates]] / 60.0 + (sector[candidates] != trade[row]) * 1.0
                    best = int(candidates[np.argmin(cost)])
                final[k] = best if best >= 0 else offers[k]
                taken[final[k]] += 1
            elif attempts[row] < most:
                taken[offers[k]] -= 1
                placed[k] = False
        return final, placed, np.array(success, dtype=np.int64), np.array(after)

    rng = np.random.default_rng(21)
    for _ in range(100):
        n_ref, n_hosts, n_mun = 60, int(rng.integers(1, 8)), 4
        free = rng.integers(0, 3, n_hosts).astype(np.int32)
        if free.sum() == 0:
            continue
        clients = rng.permutation(n_ref)[: int(rng.integers(1, 1 + min(20, free.sum())))]
        offers = rng.permutation(np.repeat(np.arange(n_hosts), free))[: clients.size]
        home = rng.integers(0, n_mun, n_ref).astype(np.int32)
        mentor = rng.integers(0, 10, n_ref).astype(np.int32)
        advocacy = rng.random(10)
        mun, sector = rng.integers(0, n_mun, n_hosts).astype(np.int32), rng.integers(0, 3, n_hosts).astype(np.int8)
        trade = rng.integers(0, 3, n_ref).astype(np.int8)
        minutes = np.round(rng.uniform(5, 120, (n_mun, n_mun)), 0)  # coarse: equal costs
        advocated = np.flatnonzero(rng.random(clients.size) < 0.7)
        u = rng.random(advocated.size)
        openness, attempts = rng.random(n_mun), rng.integers(0, 2, n_ref).astype(np.int8)
        args = (advocated, u, clients, offers, home, mentor, advocacy)
        rest = (free, mun, sector, trade, minutes)
        want_open, want_attempts = openness.copy(), attempts.copy()
        want = former(*args, want_open, 0.05, want_attempts, 2, *rest)
        got = _contest(*args, openness, 0.05, attempts, 2, *rest)
        for g, w in zip(got, want, strict=True):
            np.testing.assert_array_equal(g, w)
        np.testing.assert_array_equal(openness, want_open)
        np.testing.assert_array_equal(attempts, want_attempts)


def test_hook_factors_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(22)
    for _ in range(50):
        n = int(rng.integers(1, 200))
        mentor = np.where(rng.random(n) < 0.5, rng.integers(0, 30, n), NO).astype(np.int32)
        enrolled = rng.random(n) < 0.6
        until = rng.integers(0, 40, n).astype(np.int32)
        rows = rng.integers(0, n, int(rng.integers(0, 100)))
        np.testing.assert_array_equal(
            factor_at_least(rows, mentor, 0, 0.7, enrolled), np.where(enrolled[rows] & (mentor[rows] != NO), 0.7, 1.0)
        )
        np.testing.assert_array_equal(factor_at_least(rows, enrolled, 1, 0.6), np.where(enrolled[rows], 0.6, 1.0))
        np.testing.assert_array_equal(factor_at_least(rows, until, 20, 1.3), np.where(until[rows] >= 20, 1.3, 1.0))


def test_sustained_spells_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(23)
    for _ in range(50):
        n, month = int(rng.integers(1, 200)), int(rng.integers(0, 40))
        job_start = rng.integers(0, 40, n).astype(np.int32)
        spell12 = np.where(rng.random(n) < 0.5, rng.integers(0, 40, n), NO).astype(np.int32)
        employed = np.flatnonzero(rng.random(n) < 0.6)
        separating = rng.random(employed.size) < 0.2
        still = employed[~separating]
        want = still[(month - job_start[still] + 1 >= SUSTAINED_MONTHS) & (spell12[still] == NO)]
        np.testing.assert_array_equal(_reaching(employed, separating, job_start, spell12, month), want)


def test_due_introductions_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(24)
    for _ in range(30):
        rows = rng.integers(0, 20, (int(rng.integers(0, 50)), 4))
        month = int(rng.integers(0, 20))
        due, later = _split_due(rows, month)
        np.testing.assert_array_equal(due, rows[rows[:, 3] <= month])
        np.testing.assert_array_equal(later, rows[rows[:, 3] > month])
        assert due.shape[1] == later.shape[1] == 4


def test_flagged_factors_and_splits_equal_the_array_expressions() -> None:
    rng = np.random.default_rng(25)
    for _ in range(50):
        n, n_emp = int(rng.integers(1, 200)), int(rng.integers(1, 20))
        employer = np.where(rng.random(n) < 0.8, rng.integers(0, n_emp, n), NO).astype(np.int32)
        participates = rng.random(n_emp) < 0.4
        enrolled = rng.random(n) < 0.3
        rows = rng.integers(0, n, int(rng.integers(0, 100)))
        want = np.where(participates[employer[rows]], 0.7, 1.0)  # NO reads the last employer, as numpy does
        np.testing.assert_array_equal(factor_flagged(rows, employer, participates, 0.7), want)
        yes, no = split_flagged(rows, enrolled)
        np.testing.assert_array_equal(yes, rows[enrolled[rows]])
        np.testing.assert_array_equal(no, rows[~enrolled[rows]])


def test_own_tie_hits_equal_the_hits_of_the_held_ties() -> None:
    rng = np.random.default_rng(26)
    table = random_ties(rng, 300)
    p = people(rng, 300)
    n_emp = int(table.ties.max()) + 1
    minutes, municipality = rng.uniform(5, 100, (5, 5)), rng.integers(0, 5, n_emp)
    for month in (0, 5, 12, 19):  # ties fade in months 0-19
        first_open = np.append(np.where(rng.random(n_emp) < 0.5, rng.integers(0, 30, n_emp), NO), NO)
        tied = np.unique(rng.integers(0, 300, 120))
        args = (first_open, p["home"], p["tolerance"], minutes, municipality)
        holding = tied[table.ties_until[tied] >= month]  # those who may still hold a tie
        want = _warm_hits(holding, table.held_ties(holding, month), 1, *args)
        got = _own_tie_hits(tied, table.ties_until, table.ties, table.tie_fades, month, 1, *args)
        assert want.shape[0] > 0
        np.testing.assert_array_equal(got, want)


def compiled_functions() -> list[tuple[str, ast.FunctionDef]]:
    """Every function of the package compiled with ``njit``, with its file."""
    found = []
    for path in sorted(Path(throughflow.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and any("njit" in ast.unparse(d) for d in node.decorator_list):
                found.append((f"{path.name}:{node.name}", node))
    return found


def test_no_compiled_function_returns_a_short_circuit_expression() -> None:
    # numba compiles ``return a and b`` (or ``or``) with array arguments into code that a
    # caller's loop pays for on every call: the rule "an open vacancy within reach" cost
    # about 45 ns per tie that way, 2 ns with an early ``return False``.
    functions = compiled_functions()
    assert len(functions) > 40
    offending = [
        name
        for name, function in functions
        for node in ast.walk(function)
        if isinstance(node, ast.Return) and isinstance(node.value, ast.BoolOp)
    ]
    assert offending == []
