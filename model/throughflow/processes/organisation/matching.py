"""The organisation matches mentees to mentors by distance and trade (pillar 2, with pillar 1).

Each mentee, in enrolment order, takes the free mentor place with the lowest cost: outside
the matching radius costs most, then distance, and a mentor with a tie in the mentee's trade
is preferred. Without it, mentors are assigned at random (:mod:`throughflow.processes.volunteers`).
"""

from __future__ import annotations

import numpy as np
from numba import njit

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
        return _match_rows(
            mentees,
            places,
            r.home,
            r.trade,
            mt.home,
            mt.ties,
            model.employers.sector,
            model.region.km,
            self.pars.radius_km,
            _SECTORS,
        )


_SECTORS = len(SECTORS)


@njit(cache=True, nogil=True)
def _match_rows(
    mentees: np.ndarray,
    places: np.ndarray,
    home: np.ndarray,
    trade: np.ndarray,
    mentor_home: np.ndarray,
    mentor_ties: np.ndarray,
    employer_sector: np.ndarray,
    km: np.ndarray,
    radius: float,
    sectors: int,
) -> np.ndarray:  # pragma: no cover - compiled
    """:func:`_match` of the refugees ``mentees`` and the mentor ``places``, read from their columns (compiled)."""
    return _match(
        home[mentees].astype(np.int64),
        trade[mentees].astype(np.int64),
        mentor_home[places].astype(np.int64),
        mentor_ties[places],
        employer_sector,
        km,
        radius,
        sectors,
    )


@njit(cache=True, nogil=True)
def _match(
    home: np.ndarray,
    trade: np.ndarray,
    place_home: np.ndarray,
    place_ties: np.ndarray,
    employer_sector: np.ndarray,
    km: np.ndarray,
    radius: float,
    sectors: int,
) -> np.ndarray:  # pragma: no cover - compiled
    """:meth:`Matching.match_mentors`, compiled.

    The cost of a pairing is 1 outside the matching radius, plus the distance in hundreds of
    km, less a half when the mentor has a tie in the mentee's trade. It depends on the mentee
    only through home and trade (the mentee's kind) and on the place only through the
    mentor's home and the sectors of the mentor's ties (the place's type), so it is computed
    per kind and type, in single precision as the distances are, and the greedy runs on types.
    """
    n_kinds = km.shape[0] * sectors
    kind_of = np.full(n_kinds, -1, dtype=np.int64)  # kinds present, numbered in order of their code
    for code in home * sectors + trade:
        kind_of[code] = 0
    kinds = np.flatnonzero(kind_of == 0)
    kind_of[kinds] = np.arange(kinds.size)
    mentee_kind = kind_of[home * sectors + trade]
    has_tie = np.zeros((place_home.size, sectors), dtype=np.bool_)
    code = np.empty(place_home.size, dtype=np.int64)
    for p in range(place_home.size):
        mask = 0
        for k in range(place_ties.shape[1]):
            if place_ties[p, k] != NO:
                has_tie[p, employer_sector[place_ties[p, k]]] = True
        for sector in range(sectors):
            if has_tie[p, sector]:
                mask |= 1 << sector
        code[p] = (place_home[p] << sectors) | mask
    types = np.unique(code)  # types present, numbered in order of their code
    place_type = np.searchsorted(types, code)
    first = np.empty(types.size, dtype=np.int64)  # the first place of each type
    for p in range(place_home.size - 1, -1, -1):
        first[place_type[p]] = p
    limit = np.float32(radius)
    part = np.empty(km.shape)  # the distance part of the cost, per pair of homes
    for a in range(km.shape[0]):
        for b in range(km.shape[1]):
            d = np.float32(km[a, b])
            outside = np.float32(1.0) if d > limit else np.float32(0.0)
            part[a, b] = np.float64(outside + d / np.float32(100.0))
    type_home = place_home[first]
    type_tie = np.empty((sectors, types.size))  # the tie part, per sector and type
    for t in range(types.size):
        for sector in range(sectors):
            type_tie[sector, t] = 0.5 if has_tie[first[t], sector] else 0.0
    cost = np.empty((kinds.size, types.size))
    for i in range(kinds.size):
        distance, tie = part[kinds[i] // sectors], type_tie[kinds[i] % sectors]
        for t in range(types.size):
            cost[i, t] = distance[type_home[t]] - tie[t]
    return _greedy(cost, mentee_kind, place_type)


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
