"""OCMW placement on art. 60 contracts (ODD: Process overview step 3; submodel "Placement quality").

Each OCMW offers contracts to its WAITING clients (longest waiting first) up to its budget.
The default rule offers a random free place among all partner hosts — little weight on
commute or trade. A mechanism can contest poor offers (``contest_placement`` hook: a
mentor's advocacy, :mod:`throughflow.processes.advocacy`). Contract length: 12, 18 or 24
months (opening benefit rights; TWE lasts at most 24 months).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.arrays import capped, rows_where
from throughflow.enums import Status
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import Section
from throughflow.processes.transitions import move

if TYPE_CHECKING:
    from throughflow.words import Words

CONTRACT_MONTHS = np.array([12, 18, 24])


class Placement(Mechanism[Section]):
    """OCMW placement: art. 60 offers and contract starts."""

    name = "placement"
    reads = ("art60",)
    events = ("offer", "place")
    steps = {Phase.PLACE: "place"}

    def place(self, month: int) -> None:
        """Offer and start this month's art. 60 contracts."""
        model = self.model
        r = model.refugees
        hosts = model.hosts
        rng = self.stream()
        waiting = _longest_waiting_first(r.column("status"), r.column("status_since"))
        if waiting.size == 0 or hosts.free.sum() == 0:
            return
        # each OCMW offers contracts to its longest-waiting clients, up to its budget
        clients = waiting[capped(r.home[waiting], model.ocmw_table.budgets())]
        if clients.size == 0:
            return
        # default rule: a random free place (slot-weighted), drawn for every client
        pool = np.repeat(np.arange(hosts.n), hosts.free)
        offers = rng.permutation(pool)[: clients.size]
        clients = clients[: offers.size]
        commute = model.region.minutes[r.home[clients], hosts.municipality[offers]]
        self.log(month, "offer", clients, offers, commute)
        final, placed = offers, np.ones(clients.size, dtype=bool)
        for contest in model.hooks["contest_placement"]:
            final, placed = contest(clients, offers, commute, month)
        self._start(clients[placed], final[placed], month, rng)

    def _start(self, clients: np.ndarray, hosts_idx: np.ndarray, month: int, rng: np.random.Generator) -> None:
        model = self.model
        r = model.refugees
        hosts = model.hosts
        hosts.used += np.bincount(hosts_idx, minlength=hosts.n).astype(hosts.used.dtype)
        length = CONTRACT_MONTHS[model.contract_mix.draw(rng, clients.size)]
        move(model, clients, Status.ART60, month)
        r.host[clients] = hosts_idx
        r.host_sector[clients] = hosts.sector[hosts_idx]
        r.commute[clients] = model.region.minutes[r.home[clients], hosts.municipality[hosts_idx]]
        r.contract_start[clients] = month
        r.contract_end[clients] = month + length - 1
        self.log(month, "place", clients, hosts_idx, r.commute[clients])

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """Offers and placements in words, with what the place means for the refugee's chances."""
        if event == "offer":
            return (
                f"The OCMW offers an art. 60 place at {words.host(ref)}: {value:.0f} min by public transport, {words.fit(ref)}."
            )
        model = self.model
        tolerance = float(model.refugees.commute_tolerance[words.agent])
        in_trade = model.hosts.sector[ref] == model.refugees.trade[words.agent]
        reach = (
            f"{value - tolerance:.0f} min more than {words.their} tolerance, a risk of dropping out"
            if value > tolerance
            else f"within {words.their} tolerance of {tolerance:.0f} min"
        )
        growth = (
            f"in {words.their} trade: {words.their} skill grows {1 + model.scenario.art60.fit_growth_bonus:.1f} times "
            "as fast and counts as experience with employers of the trade"
            if in_trade
            else f"outside {words.their} trade"
        )
        return f"{words.name} starts art. 60 work experience at {words.host(ref)}: {value:.0f} min from home, {reach}; {growth}."


_WAITING = int(Status.WAITING)


def _longest_waiting_first(status: np.ndarray, since: np.ndarray) -> np.ndarray:
    """The refugees waiting for a placement, longest waiting first, then by row (arrival order).

    (numpy's stable sort: numba's own sorts are several times slower.)
    """
    waiting = rows_where(status == _WAITING)
    return waiting[np.argsort(since[waiting], kind="stable")]
