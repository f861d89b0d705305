"""A mentor's advocacy at the OCMW on placement: the Juul & Kamin mechanism (pillar 1).

ODD: submodel "Placement quality". When a client with a mentor is offered a poor place
(commute above the client's tolerance, or outside the trade), the mentor contests it: the
advocacy succeeds with probability ``advocacy x openness``, and the OCMW then picks the host
with the best commute and trade fit among free places. A failed attempt leaves the client
waiting for a new offer (up to ``attempts_max`` attempts) and makes the OCMW a little more
open (``art60.openness_growth``): OCMWs get used to mentors at the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.mechanism import Column, Mechanism
from throughflow.parameters import LEVER, Section, par
from throughflow.population import NO

if TYPE_CHECKING:
    from throughflow.words import Words


class PlacementAdvocacyPars(Section):
    """A mentor's advocacy with the OCMW on placement."""

    enabled: bool = par(True, unit="switch", doc="mentor advocates with the OCMW on placement", kind=LEVER)
    attempts_max: int = par(
        2, unit="attempts", doc="times a mentor may contest a poor placement offer", low=1, high=3, ge=1, le=6
    )


class PlacementAdvocacy(Mechanism[PlacementAdvocacyPars]):
    """A mentor contests a poor art. 60 offer at the OCMW."""

    name = "placement_advocacy"
    pillar = "one_on_one"
    section = "one_on_one.placement_advocacy"
    Pars = PlacementAdvocacyPars
    reads = ("art60.ocmw_openness", "art60.openness_growth")
    requires = ("volunteers",)
    refugee_columns = {"advocacy_attempts": Column(np.int8, 0, "times the refugee's mentor contested an offer")}
    events = ("advocacy",)

    def contest_placement(
        self, clients: np.ndarray, offers: np.ndarray, commute: np.ndarray, month: int
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Contest poor offers of clients with a mentor.

        Args:
            clients: Refugees offered a place this month.
            offers: The host offered to each.
            commute: Commute minutes of each offer.
            month: The current month.

        Returns:
            The host each client gets and whether the client starts now (a failed attempt
            with attempts left: the client waits for the next offer); ``None`` when all start now
            (no offer contested: the offers as they are).
        """
        model = self.model
        r, hosts = model.refugees, model.hosts
        attempts = r.advocacy_attempts
        advocated = _advocated(
            clients, offers, commute, r.commute_tolerance, hosts.sector, r.trade, r.mentor, attempts, self.pars.attempts_max
        )
        if advocated.size == 0:
            return offers, None
        rows = clients[advocated]
        final, placed, success, openness = _contest(
            advocated, self.uniforms(month, rows), clients, offers, r.home, r.mentor, model.mentors.advocacy,
            model.ocmw_table.openness, model.scenario.art60.openness_growth, attempts, self.pars.attempts_max,
            hosts.free, hosts.municipality, hosts.sector, r.trade, model.region.minutes,
        )  # fmt: skip
        self.log(month, "advocacy", rows, success, openness)
        if model.story_agent is not None and (rows == model.story_agent).any():
            model.story_advocacy = bool(success[rows == model.story_agent].any()) or bool(model.story_advocacy)
        return final, placed

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """The advocacy in words."""
        verdict = "the OCMW agrees to look for a better place" if ref else "the OCMW is reluctant and refuses"
        return (
            f"{words.mentor_name} goes with {words.name} to the OCMW to contest the offer; {verdict} (openness now {value:.2f})."
        )


@njit(cache=True, nogil=True)
def _advocated(
    clients: np.ndarray,
    offers: np.ndarray,
    commute: np.ndarray,
    tolerance: np.ndarray,
    host_sector: np.ndarray,
    trade: np.ndarray,
    mentor: np.ndarray,
    attempts: np.ndarray,
    attempts_max: int,
) -> np.ndarray:  # pragma: no cover - compiled
    """Which offers a mentor contests (indices into ``clients``), compiled.

    A poor offer (a commute above the client's tolerance, or a host outside the client's
    trade) of a client with a mentor who has attempts left.
    """
    out = np.empty(clients.size, dtype=np.int64)
    n = 0
    for k in range(clients.size):
        row = clients[k]
        poor = (commute[k] > tolerance[row]) | (host_sector[offers[k]] != trade[row])
        out[n] = k
        n += poor & (mentor[row] != NO) & (attempts[row] < attempts_max)
    return out[:n]


@njit(cache=True, nogil=True)
def _contest(
    advocated: np.ndarray,
    u: np.ndarray,
    clients: np.ndarray,
    offers: np.ndarray,
    home: np.ndarray,
    mentor: np.ndarray,
    advocacy: np.ndarray,
    openness: np.ndarray,
    growth: float,
    attempts: np.ndarray,
    attempts_max: int,
    free: np.ndarray,
    host_municipality: np.ndarray,
    host_sector: np.ndarray,
    trade: np.ndarray,
    minutes: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The contested offers, one client after the other (compiled; :meth:`PlacementAdvocacy.contest_placement`).

    Client ``clients[k]`` for ``k`` in ``advocated`` contests with the uniform number ``u``:
    success when it is below the mentor's advocacy times the OCMW's openness (the OCMW of the
    client's home, which grows by ``growth`` with every attempt, up to 1). A success moves
    the client to the best free host (:func:`best_host`); a failure with attempts left
    gives the place back and the client waits. Every offer reserves its place.

    Returns:
        The host each client gets, whether each client starts now, and for each advocated
        client whether it succeeded and the OCMW's openness after the attempt.
    """
    final = offers.copy()
    placed = np.ones(clients.size, dtype=np.bool_)
    success = np.zeros(advocated.size, dtype=np.int64)
    after = np.empty(advocated.size)
    taken = np.zeros(free.size, dtype=np.int64)
    for h in offers:
        taken[h] += 1
    for i in range(advocated.size):
        k = advocated[i]
        row, ocmw = clients[k], home[clients[k]]
        ok = u[i] < advocacy[mentor[row]] * openness[ocmw]
        openness[ocmw] = min(1.0, openness[ocmw] + growth)
        attempts[row] += 1
        success[i], after[i] = ok, openness[ocmw]
        if ok:
            taken[offers[k]] -= 1
            best = best_host(home[row], trade[row], free - taken, host_municipality, host_sector, minutes)
            final[k] = best if best >= 0 else offers[k]
            taken[final[k]] += 1
        elif attempts[row] < attempts_max:
            taken[offers[k]] -= 1
            placed[k] = False  # the client waits for a better offer next month
    return final, placed, success, after


@njit(cache=True, nogil=True)
def best_host(
    home: int, trade: int, free: np.ndarray, host_municipality: np.ndarray, host_sector: np.ndarray, minutes: np.ndarray
) -> int:  # pragma: no cover - compiled
    """The free host with the best commute and trade fit for a refugee living in ``home`` (-1: none), compiled.

    An hour of commute weighs as much as a trade mismatch; of equal costs, the first host.
    """
    best, best_cost = -1, 0.0
    for h in range(free.size):
        if free[h] > 0:
            cost = minutes[home, host_municipality[h]] / 60.0 + (1.0 if host_sector[h] != trade else 0.0)
            if best < 0 or cost < best_cost:
                best, best_cost = h, cost
    return best
