"""The matching, enrolment and pair-end kernels equal the array expressions they replaced.

As in ``test_kernels_programme.py``: each kernel is checked against plain numpy expressions
written here, on random inputs that cover the edge cases (empty input, repeats, ``NO``
links, more mentees than places, boundary values).
"""

from __future__ import annotations

import numpy as np

from throughflow.enums import Status
from throughflow.population import MAX_MENTOR_TIES, NO
from throughflow.processes.enrolment import _TARGETINGS, _TIMINGS, _eligible
from throughflow.processes.labs.growth_paths import _on_path_factor
from throughflow.processes.one_on_one.pass_ties import _fade_sooner, _fade_sooner_geometric
from throughflow.processes.organisation.matching import _match
from throughflow.randomness import NEVER, months_until


def _greedy_by_argmin(cost: np.ndarray) -> np.ndarray:
    """Each mentee (row) in order takes the cheapest remaining place (argmin: the lowest index on ties)."""
    out = np.full(cost.shape[0], -1, dtype=np.int64)
    free = np.ones(cost.shape[1], dtype=bool)
    for i in range(min(cost.shape[0], cost.shape[1])):
        out[i] = np.flatnonzero(free)[np.argmin(cost[i, free])]
        free[out[i]] = False
    return out


def test_matching_by_classes_equals_the_greedy_over_every_place() -> None:
    rng = np.random.default_rng(201)
    sectors = 8
    for regions in (1, 3, 12, 40):
        xy = rng.uniform(0, 60, (regions, 2))
        km = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=-1))
        km[0, -1] = km[-1, 0] = 15.0  # a distance on the radius
        if regions > 1:  # equal costs of different homes, and a tie worth exactly 50 km: ties broken by place
            km[1::2] = rng.integers(0, 3, (km[1::2].shape)) * 50.0
        employer_sector = rng.integers(0, sectors, 30).astype(np.int8)
        for radius in (0.0, 15.0, 21.7):
            for _ in range(25):
                n_mentees, n_places = int(rng.integers(0, 40)), int(rng.integers(0, 40))
                home = rng.integers(0, regions, n_mentees).astype(np.int64)
                trade = rng.integers(0, int(rng.integers(1, sectors + 1)), n_mentees).astype(np.int64)  # repeats
                place_home = rng.integers(0, regions, n_places).astype(np.int64)
                if rng.random() < 0.5:  # mentors listed by home (the places of a class together), or not
                    place_home.sort()
                share = rng.choice([0.0, 0.3, 1.0])
                place_ties = np.where(
                    rng.random((n_places, MAX_MENTOR_TIES)) < share, rng.integers(0, 30, (n_places, MAX_MENTOR_TIES)), NO
                ).astype(np.int32)
                got = _match(home, trade, place_home, place_ties, employer_sector, km, radius, sectors)
                has_tie = np.zeros((n_places, sectors), dtype=bool)
                held = place_ties != NO
                has_tie[np.nonzero(held)[0], employer_sector[place_ties[held]]] = True
                d = km[home[:, None], place_home[None, :]].astype(np.float32)
                cost = (d > radius) + d / 100.0 - 0.5 * has_tie[:, trade].T
                np.testing.assert_array_equal(got, _greedy_by_argmin(cost))


def test_eligibility_skipping_early_equals_the_array_expressions() -> None:
    rng = np.random.default_rng(202)
    for n in (0, 1, 5, 300):
        for _ in range(6):
            month, late_months = int(rng.integers(0, 30)), int(rng.integers(1, 7))
            status = np.sort(rng.integers(0, 6, n)).astype(np.int8)  # runs of one status, as arrival order gives
            rng.shuffle(status[: n // 2])
            ever_enrolled = rng.random(n) < rng.choice([0.0, 0.3, 1.0])
            qualification = rng.integers(0, 3, n).astype(np.int8)
            contract_end = np.where(rng.random(n) < 0.2, NO, month + late_months + rng.integers(-2, 3, n)).astype(np.int32)
            ended = np.where(rng.random(n) < 0.5, NO, rng.integers(0, 30, n)).astype(np.int32)
            since = np.where(rng.random(n) < 0.5, NO, rng.integers(0, 30, n)).astype(np.int32)
            by_timing = {
                "waiting_list": (status == Status.WAITING) | (status == Status.ART60),
                "placement": status == Status.ART60,
                "late_contract": (status == Status.ART60) & (contract_end - month < late_months),
                "after_contract": (status == Status.UNEMPLOYED) & (ended != NO),
            }
            by_targeting = {"all": True, "low": qualification == 0, "medium_high": qualification > 0, "random_share": True}
            for timing, t in _TIMINGS.items():
                for targeting, g in _TARGETINGS.items():
                    want = np.flatnonzero(by_timing[timing] & ~ever_enrolled & by_targeting[targeting])
                    for mark in (False, True):
                        got_since = since.copy()
                        columns = (status, ever_enrolled, qualification, contract_end, ended, got_since)
                        got = _eligible(t, g, month, late_months, n, *columns, mark)
                        np.testing.assert_array_equal(got, want)
                        want_since = since.copy()
                        if mark:
                            want_since[want[since[want] == NO]] = month
                        np.testing.assert_array_equal(got_since, want_since)


def test_fading_sooner_by_geometric_months_equals_months_until_then_the_minimum() -> None:
    rng = np.random.default_rng(203)
    for n in (0, 1, 40):
        for p in (1e-12, 0.004, 0.25, 0.5, 0.999):
            fades = rng.integers(0, 60, (50, 4)).astype(np.int32)
            fades[:5] = NO  # faded long ago: never moved later
            fades[5:10] = NEVER  # never fade: moved to the new month
            cells = rng.choice(200, n, replace=False)
            rows, slots = (cells // 4).astype(np.int64), (cells % 4).astype(np.int64)
            u = rng.random(n)
            u[: n // 4] = 0.0  # the first month
            last_month = int(rng.integers(0, 40))
            got = fades.copy()
            _fade_sooner_geometric(got, rows, slots, last_month, np.log1p(-u), float(np.log1p(-p)))
            want = fades.copy()
            want[rows, slots] = np.minimum(want[rows, slots], last_month + months_until(u, p))
            np.testing.assert_array_equal(got, want)
            former = fades.copy()
            _fade_sooner(former, rows, slots, last_month, months_until(u, p))
            np.testing.assert_array_equal(got, former)


def test_growth_path_stop_factor_equals_the_array_expression() -> None:
    rng = np.random.default_rng(204)
    for n in (0, 1, 30):
        growth_path = np.where(rng.random(40) < 0.4, rng.integers(0, 3, 40), NO).astype(np.int32)  # month 0: a path
        mentors = rng.integers(0, 40, n).astype(np.int64)  # repeats
        for factor in (0.5, 0.7, 1.0):
            got = _on_path_factor(mentors, growth_path, factor)
            want = np.where(growth_path[mentors] >= 0, factor, 1.0)
            assert got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)
