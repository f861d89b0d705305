"""Arrivals: new refugees become OCMW clients (WAITING), drawn from the qualification mix.

ODD: Process overview step 1; Initialization. Initial attributes by qualification are
assumptions (declared in ``population``); the mix defaults to 2/3 LOW and 1/3 MEDIUM or
HIGH (art. 60 workers are 63 % low-educated in Flanders, 2021).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.agents.refugee import Refugee
from throughflow.agents.view import add_views
from throughflow.enums import SECTORS, Qualification, Status
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import Population, Section
from throughflow.population import MAX_TIES, NO

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel
    from throughflow.words import Words


TRAIT_CONCENTRATION = np.array([12.0, 20.0, 12.0, 12.0])
"""Beta concentration of the initial skill, recognition, language and search draws."""


def trait_beta(p: Population) -> tuple[np.ndarray, np.ndarray]:
    """Beta parameters of the initial skill, recognition, language and search (rows) per qualification (columns)."""
    mean = np.array(
        [
            [p.skill_low, p.skill_medium, p.skill_high],
            [p.recognition_low, p.recognition_medium, p.recognition_high],
            [p.language_initial] * 3,
            [p.search_initial] * 3,
        ]
    )
    mean = np.clip(mean, 0.01, 0.99)
    concentration = TRAIT_CONCENTRATION[:, None]
    return mean * concentration, (1.0 - mean) * concentration


class Arrivals(Mechanism[Section]):
    """Arrivals: new refugees become OCMW clients (WAITING), drawn from the qualification mix."""

    name = "arrivals"
    reads = ("population",)
    events = ("arrive",)
    steps = {Phase.ARRIVE: "arrive"}

    def arrive(self, month: int) -> None:
        """Draw this month's new OCMW clients and create their agents."""
        p = self.model.scenario.population
        rng = self.stream()
        mean = p.arrivals_per_month * p.scale if month <= p.arrival_months else 0.0
        add_refugees(self.model, int(rng.poisson(mean)), month, rng)

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """The arrival in words."""
        return (
            f"{words.name} ({Qualification(ref).name} qualified, trade {words.trade}) becomes a client of the OCMW of "
            f"{words.place(int(self.model.refugees.home[words.agent]))}."
        )


def add_refugees(
    model: ThroughflowModel, count: int, month: int, rng: np.random.Generator, qualification: int | None = None
) -> np.ndarray:
    """Create ``count`` refugees with attributes drawn from ``rng``.

    Args:
        model: The model.
        count: How many.
        month: Arrival month.
        rng: The generator to draw from (arrivals stream, or the story's).
        qualification: Fixed qualification group for all of them (default: drawn from the mix).

    Returns:
        The new rows.

    """
    p = model.scenario.population
    r = model.refugees
    rows = r.add(count)
    if count == 0 and model.refugee_agents:  # zero-size draws draw nothing: nothing to do
        return rows
    # the same draws, in the same order, as ``Categorical.draw`` and ``below`` make them
    u_qualification = rng.random(count)
    qual, alpha, beta = _qualification_traits(
        model.qualification_mix.edges, u_qualification, NO if qualification is None else qualification, *model.trait_beta
    )
    # skill, recognition, language and search: beta draws around the means of each group
    traits = rng.beta(alpha, beta)
    tolerance = rng.normal(p.commute_tolerance_minutes, 15.0, size=count)
    u_trade = rng.random(count)
    u_home = rng.random(count)
    n_ties = rng.poisson(p.ties_mean, size=count)
    u_ties = rng.random((count, MAX_TIES))
    p_fade = p.p_tie_fades_per_month  # the lifetimes of :func:`~throughflow.processes.transitions.tie_fades`
    lifetimes = rng.geometric(p_fade, size=(count, MAX_TIES)) if p_fade > 0.0 else np.empty((0, MAX_TIES), dtype=np.int64)
    _new_refugees(
        rows, month, qual, traits, tolerance, u_trade, len(SECTORS), u_home, model.home_mix.edges, n_ties, u_ties,
        model.employers.n, lifetimes, r.qualification, r.status, r.arrival, r.status_since, r.skill, r.recognition,
        r.language, r.search, r.commute_tolerance, r.trade, r.home, r.ties, r.tie_fades, r.ties_until,
    )  # fmt: skip
    model.refugee_agents += add_views(model, Refugee, rows.tolist())
    model.events.log(month, model.event_code["arrive"], rows, qual)
    model.recorder.add_people("arrivals", rows, r)
    return rows


_WAITING = int(Status.WAITING)
_NEVER = int(np.iinfo(np.int32).max)
"""Fading month of a tie that never fades (:func:`~throughflow.processes.transitions.tie_fades`)."""


@njit(cache=True, nogil=True)
def _category(edges: np.ndarray, u: float) -> int:  # pragma: no cover - compiled
    """``searchsorted(edges, u, side="right")``: the category of uniform number ``u`` (compiled)."""
    lo, hi = 0, edges.size
    while lo < hi:
        mid = (lo + hi) // 2
        if edges[mid] <= u:
            lo = mid + 1
        else:
            hi = mid
    return lo


@njit(cache=True, nogil=True)
def _qualification_traits(
    edges: np.ndarray, u: np.ndarray, fixed: int, alpha: np.ndarray, beta: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The new refugees' qualification groups and the beta parameters of their traits (compiled).

    The group of each is the category of its uniform number in the qualification mix
    (cumulative shares ``edges``), or ``fixed`` for all unless it is ``NO``; the parameters
    are the columns of ``alpha`` and ``beta`` (traits x groups) for the groups.
    """
    qual = np.empty(u.size, dtype=np.int64)
    a = np.empty((alpha.shape[0], u.size))
    b = np.empty((beta.shape[0], u.size))
    for i in range(u.size):
        q = _category(edges, u[i]) if fixed == NO else fixed
        qual[i] = q
        for t in range(alpha.shape[0]):
            a[t, i] = alpha[t, q]
            b[t, i] = beta[t, q]
    return qual, a, b


@njit(cache=True, nogil=True)
def _new_refugees(
    rows: np.ndarray,
    month: int,
    qual: np.ndarray,
    traits: np.ndarray,
    tolerance: np.ndarray,
    u_trade: np.ndarray,
    n_sectors: int,
    u_home: np.ndarray,
    home_edges: np.ndarray,
    n_ties: np.ndarray,
    u_ties: np.ndarray,
    n_employers: int,
    lifetimes: np.ndarray,
    qualification: np.ndarray,
    status: np.ndarray,
    arrival: np.ndarray,
    since: np.ndarray,
    skill: np.ndarray,
    recognition: np.ndarray,
    language: np.ndarray,
    search: np.ndarray,
    commute_tolerance: np.ndarray,
    trade: np.ndarray,
    home: np.ndarray,
    table_ties: np.ndarray,
    table_fades: np.ndarray,
    until: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """The new refugees' columns from this month's draws (compiled; :func:`add_refugees`).

    WAITING since their arrival month, the drawn traits (rows of ``traits``), a commute
    tolerance of at least 15 minutes, a trade and an employer per tie slot of
    ``floor(u x number)`` (:func:`~throughflow.randomness.below`), a home from the home mix
    (cumulative shares ``home_edges``) and the initial ties (:func:`_set_ties`), each tie
    fading after its drawn lifetime in months (never without ``lifetimes``).
    """
    ties = np.empty(u_ties.shape, dtype=np.int64)
    fades = np.full(u_ties.shape, _NEVER, dtype=np.int32)
    for i in range(rows.size):
        row = rows[i]
        qualification[row] = qual[i]
        status[row] = _WAITING
        arrival[row] = month
        since[row] = month
        skill[row], recognition[row], language[row], search[row] = traits[0, i], traits[1, i], traits[2, i], traits[3, i]
        commute_tolerance[row] = tolerance[i] if tolerance[i] > 15.0 else 15.0
        trade[row] = np.int64(u_trade[i] * n_sectors)
        home[row] = _category(home_edges, u_home[i])
        for k in range(u_ties.shape[1]):
            ties[i, k] = np.int64(u_ties[i, k] * n_employers)
            if lifetimes.shape[0]:
                fades[i, k] = month - 1 + lifetimes[i, k]
    _set_ties(table_ties, table_fades, until, rows, ties, n_ties, fades)


@njit(cache=True, nogil=True)
def _set_ties(
    table_ties: np.ndarray,
    table_fades: np.ndarray,
    until: np.ndarray,
    rows: np.ndarray,
    ties: np.ndarray,
    n_ties: np.ndarray,
    fades: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """The initial ties of new refugees (compiled).

    Refugee ``i`` keeps the first ``n_ties[i]`` of the drawn employers ``ties[i]`` (at most
    ``MAX_TIES``); the slots are sorted, a tie to the same employer counts once (the
    repeats become empty slots), and each slot keeps its drawn fading month.
    """
    slots = ties.shape[1]
    drawn = np.empty(slots, dtype=ties.dtype)
    for i in range(rows.size):
        row = rows[i]
        for k in range(slots):  # the kept draws, in ascending order (an insertion sort of a few slots)
            employer = ties[i, k] if k < n_ties[i] else NO
            j = k
            while j > 0 and drawn[j - 1] > employer:
                drawn[j] = drawn[j - 1]
                j -= 1
            drawn[j] = employer
        latest = NO
        for k in range(slots):
            employer = NO if k > 0 and drawn[k] == drawn[k - 1] else drawn[k]
            table_ties[row, k] = employer
            table_fades[row, k] = fades[i, k]
            if employer != NO:
                latest = max(latest, fades[i, k])
        until[row] = latest
