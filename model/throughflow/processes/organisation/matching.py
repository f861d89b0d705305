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
    km (in single precision, as the distances are), less a half when the mentor has a tie in
    the mentee's trade. For a mentee of a given trade it depends on the place only through
    the mentor's home and whether the mentor has a tie in that trade (the place's class), so
    all places of a class cost the same and the cheapest free place of a class is its lowest
    free place. Per trade, the places are listed by class, each class in index order; each
    mentee, in order, takes the cheapest next free place of a class, the lowest place index
    among equal costs (as the greedy over all places): the classes are visited from the
    cheapest for the mentee's home (sorted once per home) until they cost more than the best.
    """
    n_places, homes = place_home.size, km.shape[0]
    classes = 2 * homes  # home x (no tie, tie)
    limit = np.float32(radius)
    part = np.empty(km.shape)  # the distance part of the cost, per pair of homes
    for a in range(km.shape[0]):
        for b in range(km.shape[1]):
            d = np.float32(km[a, b])
            outside = np.float32(1.0) if d > limit else np.float32(0.0)
            part[a, b] = np.float64(outside + d / np.float32(100.0))
    has_tie = np.zeros((sectors, n_places), dtype=np.bool_)
    for p in range(n_places):
        for k in range(place_ties.shape[1]):
            if place_ties[p, k] != NO:
                has_tie[employer_sector[place_ties[p, k]], p] = True
    wanted = np.zeros(sectors, dtype=np.bool_)
    for t in trade:
        wanted[t] = True
    order = np.empty((sectors, n_places), dtype=np.int64)  # per trade: the places by class, in index order
    head = np.zeros((sectors, classes + 1), dtype=np.int64)  # per trade: the next place of each class in ``order``
    end = np.zeros((sectors, classes), dtype=np.int64)
    for s in range(sectors):
        if not wanted[s]:
            continue
        start = head[s]
        for p in range(n_places):
            start[2 * place_home[p] + has_tie[s, p] + 1] += 1
        for c in range(classes):
            start[c + 1] += start[c]
        fill = start[:classes].copy()
        for c in range(classes):
            end[s, c] = start[c + 1]
        for p in range(n_places):
            c = 2 * place_home[p] + has_tie[s, p]
            order[s, fill[c]] = p
            fill[c] += 1
    by_cost = np.full((homes, classes), -1, dtype=np.int64)  # per mentee's home: the classes by cost (when needed)
    cost_of = np.empty((homes, classes))  # and their costs, in that order
    taken = np.zeros(n_places, dtype=np.bool_)
    out = np.full(home.size, -1, dtype=np.int64)
    for i in range(min(home.size, n_places)):
        s, h = trade[i], home[i]
        if by_cost[h, 0] < 0:
            for c in range(classes):
                cost_of[h, c] = part[h, c // 2] - (0.5 if c % 2 else 0.0)
            by_cost[h] = np.argsort(cost_of[h], kind="mergesort")
            cost_of[h] = cost_of[h][by_cost[h]]
        best_place, best_cost = -1, 0.0
        for j in range(classes):
            cost = cost_of[h, j]
            if best_place >= 0 and cost > best_cost:  # the classes left cost more
                break
            c = by_cost[h, j]
            k = head[s, c]
            while k < end[s, c] and taken[order[s, k]]:
                k += 1
            head[s, c] = k
            if k == end[s, c]:  # no free place left in the class
                continue
            p = order[s, k]
            if best_place < 0 or cost < best_cost or (cost == best_cost and p < best_place):
                best_place, best_cost = p, cost
        out[i] = best_place
        taken[best_place] = True
    return out


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
