"""The organisation matches mentees to mentors by distance and trade (pillar 2, with pillar 1).

Each mentee, in enrolment order, takes the free mentor place with the lowest cost: outside
the matching radius costs most, then distance, and a mentor with a tie in the mentee's trade
is preferred. Without it, mentors are assigned at random (:mod:`throughflow.processes.volunteers`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.arrays import dense_codes
from throughflow.enums import SECTORS
from throughflow.mechanism import Mechanism
from throughflow.parameters import LEVER, Section, par
from throughflow.population import NO


class MatchingPars(Section):
    """Matching of mentees to mentors by the organisation."""

    enabled: bool = par(True, unit="switch", doc="organisation matches by distance and trade (else random)", kind=LEVER)
    radius_km: float = par(
        15.0, unit="km", doc="organisation matches within this distance when it can", low=10, high=25, ge=0, le=500
    )


class Matching(Mechanism[MatchingPars]):
    """Organised matching of mentees to mentors by distance and trade."""

    name = "matching"
    pillar = "organisation"
    section = "organisation.matching"
    Pars = MatchingPars
    requires = ("volunteers",)

    def match_mentors(self, mentees: np.ndarray, places: np.ndarray) -> np.ndarray:
        """The index in ``places`` (mentor rows, one per free mentee place) each mentee takes; -1: none."""
        model = self.model
        r, mt = model.refugees, model.mentors
        # cost of each mentee-mentor pairing: outside the radius, distance, no tie in the trade;
        # it depends on the mentee only through home and trade, so it is computed per kind of mentee
        kind = r.home[mentees].astype(np.int64) * len(SECTORS) + r.trade[mentees]
        kinds, of_kind = dense_codes(kind, model.region.n * len(SECTORS))  # the kinds present; each mentee's among them
        # a place's cost depends on the place only through the mentor's home and ties: cost per type of place
        homes = mt.home[places].astype(np.int64)
        ties = mt.ties[places]
        has_tie_in = np.zeros((places.size, len(SECTORS)), dtype=bool)
        held = ties != NO
        has_tie_in[np.nonzero(held)[0], model.employers.sector[ties[held]]] = True
        code = homes << len(SECTORS) | (has_tie_in << np.arange(len(SECTORS))).sum(axis=1)
        types, place_type = dense_codes(code, model.region.n << len(SECTORS))
        first = np.empty(types.size, dtype=np.int64)
        first[place_type[::-1]] = np.arange(places.size - 1, -1, -1)  # the first place of each type
        km = model.region.km[(kinds // len(SECTORS))[:, None], homes[first][None, :]].astype(np.float32)
        cost = (km > self.pars.radius_km) + km / 100.0 - 0.5 * has_tie_in[first][:, kinds % len(SECTORS)].T
        return greedy(cost, of_kind, place_type)


def greedy(cost: np.ndarray, kind: np.ndarray, place_type: np.ndarray | None = None) -> np.ndarray:
    """Greedy assignment: in order, each mentee takes the cheapest free place.

    Ties go to the lowest place index, exactly as ``argmin`` over the remaining places would.
    All places of a type cost the same, so the cheapest free place of a type is its lowest
    free place, and the places a type has left are always the last ones of its list: each
    mentee compares one place per type (the type's next free place), which is compiled.

    Args:
        cost: Cost of each type of place (columns) for each kind of mentee (rows).
        kind: Kind of each mentee, in the order they choose.
        place_type: Type of each place (a column of ``cost``); by default each place is its own type.

    Returns:
        The place index taken by each mentee, or -1 once all places are taken.
    """
    if place_type is None:
        place_type = np.arange(cost.shape[1])
    return _greedy(np.ascontiguousarray(cost), np.asarray(kind, dtype=np.int64), np.asarray(place_type, dtype=np.int64))


@njit(cache=True, nogil=True)
def _greedy(cost: np.ndarray, kind: np.ndarray, place_type: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """:func:`greedy`, compiled."""
    types = cost.shape[1]
    start = np.zeros(types + 1, dtype=np.int64)
    for t in place_type:
        start[t + 1] += 1
    for t in range(types):
        start[t + 1] += start[t]
    head = start[:-1].copy()  # the next free place of each type, as a position in ``places``
    end = start[1:]
    places = np.empty(place_type.size, dtype=np.int64)  # places by type, in index order
    fill = head.copy()
    for p in range(place_type.size):
        places[fill[place_type[p]]] = p
        fill[place_type[p]] += 1
    out = np.full(kind.size, -1, dtype=np.int64)
    for k in range(min(kind.size, place_type.size)):
        row = kind[k]
        best, best_place, best_cost = -1, -1, 0.0
        for t in range(types):
            if head[t] < end[t]:
                c, p = cost[row, t], places[head[t]]
                if best < 0 or c < best_cost or (c == best_cost and p < best_place):
                    best, best_place, best_cost = t, p, c
        out[k] = best_place
        head[best] += 1
    return out
