"""OCMW placement on art. 60 contracts, and the advocacy mechanism of the Juul & Kamin story.

ODD: Process overview step 3; submodel "Placement quality". Each OCMW offers contracts to
its WAITING clients (longest waiting first) up to its budget. The default rule offers a
random free place among all partner hosts — little weight on commute or trade. When the
client has a mentor, the mentor contests a poor offer (commute above the client's tolerance
or outside the trade): the advocacy succeeds with probability ``advocacy x openness``, and
the OCMW then picks the host with the best commute and trade fit among free places. A
failed attempt leaves the client waiting for a new offer (up to ``advocacy_attempts_max``
attempts) and makes the OCMW a little more open. Contract length: 12, 18 or 24 months
(opening benefit rights; TWE lasts at most 24 months).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.enums import Event, Status
from throughflow.population import NO
from throughflow.processes.transitions import move

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel

CONTRACT_MONTHS = np.array([12, 18, 24])


def place(model: ThroughflowModel, month: int) -> None:
    """Offer and start this month's art. 60 contracts.

    Args:
        model: The model.
        month: The current month.

    """
    r = model.refugees
    hosts = model.hosts
    rng = model.streams["placement"]
    waiting = np.flatnonzero(r.column("status") == Status.WAITING)
    if waiting.size == 0 or hosts.free.sum() == 0:
        return
    # longest waiting first, then by row (arrival order)
    waiting = waiting[np.argsort(r.status_since[waiting], kind="stable")]
    budget = model.ocmw_table.budgets()
    # each OCMW offers contracts to its longest-waiting clients, up to its budget
    home = r.home[waiting]
    by_home = np.argsort(home, kind="stable")
    rank = np.empty(waiting.size, dtype=np.int64)
    rank[by_home] = np.arange(waiting.size) - np.searchsorted(home[by_home], home[by_home], side="left")
    clients = waiting[rank < budget[home]]
    if clients.size == 0:
        return
    # default rule: a random free place (slot-weighted), drawn for every client
    pool = np.repeat(np.arange(hosts.n), hosts.free)
    offers = rng.permutation(pool)[: clients.size]
    clients = clients[: offers.size]
    u_advocacy = rng.random(clients.size)
    commute = model.region.minutes[r.home[clients], hosts.municipality[offers]]
    poor = (commute > r.commute_tolerance[clients]) | (hosts.sector[offers] != r.trade[clients])
    advocated = _advocates(model, clients) & poor
    model.events.log(month, Event.OFFER, clients, offers, commute)

    final = offers.copy()
    placed = np.ones(clients.size, dtype=bool)
    taken = np.bincount(offers, minlength=hosts.n)  # every offer reserves its place
    for k in np.flatnonzero(advocated):
        row = clients[k]
        ocmw = model.ocmws[int(r.home[row])]
        success = u_advocacy[k] < model.mentors.advocacy[r.mentor[row]] * ocmw.openness
        ocmw.hear_advocacy(model.scenario.art60.openness_growth)
        r.advocacy_attempts[row] += 1
        model.events.log(month, Event.ADVOCACY, np.array([row]), int(success), ocmw.openness)
        if success:
            taken[offers[k]] -= 1
            best = _best_host(model, row, hosts.free - taken)
            final[k] = best if best >= 0 else offers[k]
            taken[final[k]] += 1
        elif r.advocacy_attempts[row] < model.scenario.art60.advocacy_attempts_max:
            taken[offers[k]] -= 1
            placed[k] = False  # the client waits for a better offer next month
    _start_contracts(model, clients[placed], final[placed], month, rng)


def _advocates(model: ThroughflowModel, clients: np.ndarray) -> np.ndarray:
    """Which clients have a mentor who will advocate for them now."""
    r = model.refugees
    if not (model.scenario.mentoring.one_on_one and model.scenario.mentoring.activities.placement_advocacy):
        return np.zeros(clients.size, dtype=bool)
    return (r.mentor[clients] != NO) & (r.advocacy_attempts[clients] < model.scenario.art60.advocacy_attempts_max)


def _best_host(model: ThroughflowModel, row: int, free: np.ndarray) -> int:
    """The free host with the best commute and trade fit for refugee ``row`` (-1: none)."""
    r = model.refugees
    hosts = model.hosts
    candidates = np.flatnonzero(free > 0)
    if candidates.size == 0:
        return -1
    commute_hours = model.region.minutes[r.home[row], hosts.municipality[candidates]] / 60.0
    misfit = hosts.sector[candidates] != r.trade[row]
    cost = commute_hours + misfit * 1.0  # an hour of commute weighs as much as a trade mismatch
    return int(candidates[np.argmin(cost)])


def _start_contracts(
    model: ThroughflowModel, clients: np.ndarray, hosts_idx: np.ndarray, month: int, rng: np.random.Generator
) -> None:
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
    model.events.log(month, Event.PLACE, clients, hosts_idx, r.commute[clients])
