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
from numba import njit

from throughflow.agents.ocmw import take_budgets
from throughflow.arrays import capped
from throughflow.enums import Status
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import Section
from throughflow.processes.transitions import move_rows

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
        ocmw = model.ocmw_table
        # each OCMW offers contracts to its longest-waiting clients, up to its budget
        clients, pool = _clients_and_places(
            r.column("status"), r.column("status_since"), r.home, hosts.slots, hosts.used, ocmw.budget_per_month, ocmw.carry
        )
        if clients.size == 0:
            return
        # default rule: a random free place (slot-weighted), drawn for every client
        offers = rng.permutation(pool)[: clients.size]
        clients = clients[: offers.size]
        commute = _commutes(clients, offers, r.home, hosts.municipality, model.region.minutes)
        self.log(month, "offer", clients, offers, commute)
        final, placed = offers, None
        for contest in model.hooks["contest_placement"]:
            final, placed = contest(clients, offers, commute, month)
        if placed is not None:
            clients, final = clients[placed], final[placed]
        self._start(clients, final, month, rng)

    def _start(self, clients: np.ndarray, hosts_idx: np.ndarray, month: int, rng: np.random.Generator) -> None:
        """Start the art. 60 contracts of ``clients`` at hosts ``hosts_idx``, of a drawn length."""
        if clients.size == 0:
            return
        model = self.model
        r = model.refugees
        hosts = model.hosts
        u_length = rng.random(clients.size)  # the draw of ``model.contract_mix.draw``
        origin, qualification, commute = _start_contracts(
            clients, hosts_idx, month, u_length, model.contract_mix.edges, CONTRACT_MONTHS, hosts.used, hosts.sector,
            hosts.municipality, model.region.minutes, r.status, r.status_since, r.qualification, r.home, r.host,
            r.host_sector, r.commute, r.contract_start, r.contract_end,
        )  # fmt: skip
        model.recorder.count_moves(_ART60, origin, qualification)
        self.log(month, "place", clients, hosts_idx, commute)

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


_WAITING, _ART60 = int(Status.WAITING), int(Status.ART60)


@njit(cache=True, nogil=True)
def _longest_waiting_first(status: np.ndarray, since: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """The refugees waiting for a placement, longest waiting first, then by row (arrival order), compiled.

    A stable counting sort of the waiting rows by the month their wait began.
    """
    waiting = np.empty(status.size, dtype=np.int64)
    n = 0
    for i in range(status.size):
        if status[i] == _WAITING:
            waiting[n] = i
            n += 1
    if n == 0:
        return waiting[:0]
    first = last = since[waiting[0]]
    for i in range(n):
        first = min(first, since[waiting[i]])
        last = max(last, since[waiting[i]])
    start = np.zeros(last - first + 2, dtype=np.int64)
    for i in range(n):
        start[since[waiting[i]] - first + 1] += 1
    for k in range(1, start.size):
        start[k] += start[k - 1]
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        k = since[waiting[i]] - first
        out[start[k]] = waiting[i]
        start[k] += 1
    return out


@njit(cache=True, nogil=True)
def _clients_and_places(
    status: np.ndarray,
    since: np.ndarray,
    home: np.ndarray,
    slots: np.ndarray,
    used: np.ndarray,
    budget_per_month: np.ndarray,
    carry: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """This month's clients to place and the free places, one element per place (compiled; :meth:`Placement.place`).

    The clients are the longest-waiting clients of each OCMW up to its budget: the whole
    contracts of its monthly budget plus the fraction carried over, the new fraction being
    carried to the next month (:meth:`~throughflow.agents.ocmw.OcmwTable.budgets`). With no
    one waiting or no free place, none (and the budgets are left as they are).
    """
    none = np.empty(0, dtype=np.int64)
    waiting = _longest_waiting_first(status, since)
    free = 0
    for h in range(slots.size):
        free += slots[h] - used[h]
    if waiting.size == 0 or free == 0:
        return none, none
    clients = waiting[capped(home[waiting], take_budgets(budget_per_month, carry))]
    places = np.empty(free, dtype=np.int64)
    k = 0
    for h in range(slots.size):
        for _ in range(slots[h] - used[h]):
            places[k] = h
            k += 1
    return clients, places


@njit(cache=True, nogil=True)
def _commutes(
    clients: np.ndarray, hosts: np.ndarray, home: np.ndarray, host_municipality: np.ndarray, minutes: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    """Commute minutes from each client's home to the host offered (compiled)."""
    out = np.empty(clients.size)
    for i in range(clients.size):
        out[i] = minutes[home[clients[i]], host_municipality[hosts[i]]]
    return out


@njit(cache=True, nogil=True)
def _start_contracts(
    clients: np.ndarray,
    hosts: np.ndarray,
    month: int,
    u_length: np.ndarray,
    length_edges: np.ndarray,
    lengths: np.ndarray,
    used: np.ndarray,
    host_sector: np.ndarray,
    host_municipality: np.ndarray,
    minutes: np.ndarray,
    status: np.ndarray,
    since: np.ndarray,
    qualification: np.ndarray,
    home: np.ndarray,
    host: np.ndarray,
    last_host_sector: np.ndarray,
    commute: np.ndarray,
    contract_start: np.ndarray,
    contract_end: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Start the art. 60 contracts (compiled; :meth:`Placement._start`).

    Each host's places are taken, the clients move to ART60, and each contract gets its
    host, commute and length (the category of ``u_length`` in the contract mix, cumulative
    shares ``length_edges``).

    Returns:
        The status each client leaves and their qualification (the flows), and the commutes.
    """
    for i in range(hosts.size):
        used[hosts[i]] += 1
    origin, qual = move_rows(clients, _ART60, month, status, since, qualification)
    out = np.empty(clients.size)
    for i in range(clients.size):
        row, h = clients[i], hosts[i]
        k = 0
        while k < length_edges.size and length_edges[k] <= u_length[i]:
            k += 1
        host[row] = h
        last_host_sector[row] = host_sector[h]
        commute[row] = minutes[home[row], host_municipality[h]]
        out[i] = commute[row]
        contract_start[row] = month
        contract_end[row] = month + lengths[k] - 1
    return origin, qual, out
