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

from throughflow.arrays import rows_where
from throughflow.mechanism import Column, Mechanism
from throughflow.parameters import LEVER, Section, par
from throughflow.population import NO

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel
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
    ) -> tuple[np.ndarray, np.ndarray]:
        """Contest poor offers of clients with a mentor.

        Args:
            clients: Refugees offered a place this month.
            offers: The host offered to each.
            commute: Commute minutes of each offer.
            month: The current month.

        Returns:
            The host each client gets and whether the client starts now (a failed attempt
            with attempts left: the client waits for the next offer).
        """
        model = self.model
        r, hosts = model.refugees, model.hosts
        poor = (commute > r.commute_tolerance[clients]) | (hosts.sector[offers] != r.trade[clients])
        attempts = r.advocacy_attempts
        advocated = rows_where(poor & (r.mentor[clients] != NO) & (attempts[clients] < self.pars.attempts_max))
        final = offers.copy()
        placed = np.ones(clients.size, dtype=bool)
        if advocated.size == 0:
            return final, placed
        u = self.uniforms(month, clients[advocated])
        taken = np.bincount(offers, minlength=hosts.n)  # every offer reserves its place
        growth = model.scenario.art60.openness_growth
        for k, u_k in zip(advocated.tolist(), u.tolist(), strict=True):
            row = int(clients[k])
            ocmw = model.ocmws[int(r.home[row])]
            success = u_k < model.mentors.advocacy[r.mentor[row]] * ocmw.openness
            ocmw.hear_advocacy(growth)
            attempts[row] += 1
            self.log(month, "advocacy", np.array([row]), int(success), ocmw.openness)
            if row == model.story_agent:
                model.story_advocacy = bool(success) or bool(model.story_advocacy)
            if success:
                taken[offers[k]] -= 1
                best = _best_host(model, row, hosts.free - taken)
                final[k] = best if best >= 0 else offers[k]
                taken[final[k]] += 1
            elif attempts[row] < self.pars.attempts_max:
                taken[offers[k]] -= 1
                placed[k] = False  # the client waits for a better offer next month
        return final, placed

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """The advocacy in words."""
        verdict = "the OCMW agrees to look for a better place" if ref else "the OCMW is reluctant and refuses"
        return (
            f"{words.mentor_name} goes with {words.name} to the OCMW to contest the offer; {verdict} (openness now {value:.2f})."
        )


def _best_host(model: ThroughflowModel, row: int, free: np.ndarray) -> int:
    """The free host with the best commute and trade fit for refugee ``row`` (-1: none)."""
    r = model.refugees
    hosts = model.hosts
    candidates = rows_where(free > 0)
    if candidates.size == 0:
        return -1
    commute_hours = model.region.minutes[r.home[row], hosts.municipality[candidates]] / 60.0
    misfit = hosts.sector[candidates] != r.trade[row]
    cost = commute_hours + misfit * 1.0  # an hour of commute weighs as much as a trade mismatch
    return int(candidates[np.argmin(cost)])
