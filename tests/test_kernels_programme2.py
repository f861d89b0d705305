"""The matching, enrolment and pair-end kernels equal the array expressions they replaced.

As in ``test_kernels_programme.py``: each kernel is checked against plain numpy expressions
written here, on random inputs that cover the edge cases (empty input, repeats, ``NO``
links, more mentees than places, boundary values).
"""

from __future__ import annotations

import numpy as np

from throughflow.population import MAX_MENTOR_TIES, NO
from throughflow.processes.organisation.matching import _match


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
                place_home = np.sort(rng.integers(0, regions, n_places)).astype(np.int64)
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
