"""Informal community moments (pillar 3): socio-cultural activities and open-space gatherings.

On the calendar the ecosystem holds a gathering open to refugees who are not in an NEC job
(waiting, on art. 60, in a WISE job, on benefit or out of the labour market), with
``seats`` places drawn at random among them: an open space, where mentees have no priority
(unlike the learning labs) and people who dropped out come too. A participant

* **belongs** for a while: through the month of the gathering and the ``belonging_months``
  after it, life shocks lead less often to dropout and inactivity (hook ``shock_factor``) and
  an inactive participant returns to job search sooner (hook ``reentry_factor``): ties
  among mentees and with local residents keep people from dropping out;
* may meet a **local resident who knows an employer** (probability ``p_local_tie``): a weak
  tie to an employer in the participant's home municipality (any employer there);
* may hear of an employer from **another participant** (probability ``p_peer_tie``): each
  participant talks with one other, at random, and takes over one of the ties that person
  holds.

Ties fade like every weak tie. The programme pays per participant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.arrays import factor_at_least, rows_flagged
from throughflow.enums import Status
from throughflow.mechanism import Column, CostItem, Counter, Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.population import NO, tie_held
from throughflow.processes.labs.common import give_ties, seats

if TYPE_CHECKING:
    from throughflow.words import Words

OPEN = np.isin(np.arange(len(Status)), [Status.WAITING, Status.ART60, Status.WISE_JOB, Status.UNEMPLOYED, Status.INACTIVE])
"""Statuses whose refugees come to community moments (everyone but NEC workers), by status."""


class CommunityPars(Section):
    """Informal community moments: socio-cultural activities and open-space gatherings."""

    enabled: bool = par(
        True, unit="switch", doc="informal community moments (socio-cultural activities, open-space gatherings)", kind=LEVER
    )
    every_months: int = par(1, unit="months", doc="community-moment calendar", low=1, high=3, kind=LEVER, ge=1, le=12)
    seats: float = par(
        30.0,
        unit="participants/gathering",
        doc="participants per community moment at scale 1 (drawn at random among those it is open to)",
        low=15,
        high=60,
        kind=LEVER,
        le=100_000,
    )
    belonging_months: int = par(
        3,
        unit="months",
        doc="months after a gathering that a participant feels part of the community",
        low=1,
        high=6,
        ge=0,
        le=24,
    )
    shock_reduction: float = share(
        0.2, "reduction of life-shock dropout and inactivity while belonging to the community", 0.1, 0.4, unit="factor"
    )
    reentry_gain: float = par(
        0.5,
        unit="factor",
        doc="relative rise in the return from inactivity while belonging to the community",
        low=0.2,
        high=1.0,
        le=10,
    )
    p_local_tie: float = share(
        0.05, "probability that a participant gains a tie to a local employer through a resident", 0.02, 0.1
    )
    p_peer_tie: float = share(0.1, "probability that a participant takes over a tie of the participant they talk with", 0.05, 0.2)
    cost_eur: float = par(
        15.0,
        unit="EUR/participant",
        doc="cost of a community moment per participant (venue, activity, food)",
        low=5,
        high=30,
        price=True,
        le=10_000,
    )


class Community(Mechanism[CommunityPars]):
    """Community moments on the calendar: belonging, ties with locals and among participants."""

    name = "community"
    pillar = "labs"
    section = "labs.community"
    Pars = CommunityPars
    reads = ("population.p_tie_fades_per_month",)
    refugee_columns = {"belongs_until": Column(np.int32, NO, "last month the refugee feels part of the community")}
    events = ("community",)
    counters = (Counter("community_participants", "participants in community moments"),)
    costs = (CostItem("community", "community_participants", "labs.community.cost_eur"),)
    steps = {Phase.SUPPORT: "gather"}

    def init(self) -> None:
        """Employers grouped by municipality (they do not move): where local residents know someone."""
        e = self.model.employers
        self.by_place = np.argsort(e.municipality, kind="stable")
        self.per_place = np.bincount(e.municipality, minlength=self.model.region.n)
        self.place_start = np.cumsum(self.per_place) - self.per_place
        self.n_seats = seats(self.model, self.pars.seats)

    def gather(self, month: int) -> None:
        """A community moment, when the calendar says so."""
        p = self.pars
        if month % p.every_months:
            return
        model, rng = self.model, self.stream()
        r = model.refugees
        welcome = rows_flagged(OPEN, r.column("status"))
        guests = rng.choice(welcome, size=min(self.n_seats, welcome.size), replace=False)  # in random order
        rows, employers = self._new_ties(guests, month, rng)
        give_ties(model, month, rows, employers, rng)
        self.log(month, "community", guests)
        self.count_people("community_participants", guests)

    def _new_ties(self, guests: np.ndarray, month: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
        """The guests belong and are reached; ties they gain through a local resident and from the participant they talk with.

        Returns:
            The participants (a participant may appear twice) and the employer of each new tie.
        """
        p, r = self.pars, self.model.refugees
        return _gather(
            guests,
            rng.random((4, guests.size)),
            month,
            month + p.belonging_months,
            p.p_local_tie,
            p.p_peer_tie,
            r.home,
            r.ties,
            r.tie_fades,
            r.belongs_until,
            r.reached,
            self.per_place,
            self.place_start,
            self.by_place,
        )

    def shock_factor(self, rows: np.ndarray) -> np.ndarray:
        """Members of the community face life shocks with more support."""
        return factor_at_least(rows, self.model.refugees.belongs_until, self.model.steps, 1.0 - self.pars.shock_reduction)

    def reentry_factor(self, rows: np.ndarray) -> np.ndarray:
        """Inactive members of the community return to job search sooner."""
        return factor_at_least(rows, self.model.refugees.belongs_until, self.model.steps, 1.0 + self.pars.reentry_gain)

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """A community moment in words."""
        return f"{words.name} joins a community moment (a socio-cultural activity, an open-space gathering)."


@njit(cache=True, nogil=True)
def _new_ties(
    guests: np.ndarray,
    u: np.ndarray,
    month: int,
    p_local: float,
    p_peer: float,
    home: np.ndarray,
    ties: np.ndarray,
    fades: np.ndarray,
    per_place: np.ndarray,
    place_start: np.ndarray,
    by_place: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """:meth:`Community._new_ties` from the uniforms ``u`` (four rows, one column per guest), compiled.

    A guest meets a resident who knows an employer in the guest's home municipality (any
    employer there if none is local) with probability ``p_local``; and, with probability
    ``p_peer``, takes over one of the ties held before the gathering by the guest before
    them in the circle (held ties first, in descending order of employer).
    """
    n, employers = guests.size, by_place.size
    slots = ties.shape[1]
    rows = np.empty(2 * n, dtype=guests.dtype)
    out = np.empty(2 * n, dtype=np.int64)
    k = 0
    for i in range(n):  # ties through a local resident
        if u[0, i] < p_local:
            size = per_place[home[guests[i]]]
            if size > 0:
                local = by_place[min(place_start[home[guests[i]]] + np.int64(u[1, i] * size), employers - 1)]
            else:
                local = np.int64(u[1, i] * employers)
            rows[k], out[k] = guests[i], local
            k += 1
    held = np.empty(slots, dtype=ties.dtype)
    for i in range(n):  # a tie of the guest before them in the circle
        before = guests[i - 1] if i > 0 else guests[n - 1]
        count = 0
        for s in range(slots):
            held[s] = ties[before, s] if tie_held(ties, fades, before, s, month) else NO
            if held[s] != NO:
                count += 1
        if count > 0 and u[2, i] < p_peer:
            held = -np.sort(-held)  # held ties first
            rows[k], out[k] = guests[i], held[np.int64(u[3, i] * count)]
            k += 1
    return rows[:k], out[:k]


@njit(cache=True, nogil=True)
def _gather(
    guests: np.ndarray,
    u: np.ndarray,
    month: int,
    belongs_until: int,
    p_local: float,
    p_peer: float,
    home: np.ndarray,
    ties: np.ndarray,
    fades: np.ndarray,
    belongs: np.ndarray,
    reached: np.ndarray,
    per_place: np.ndarray,
    place_start: np.ndarray,
    by_place: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """A gathering's guests belong until ``belongs_until`` and are reached; the ties they gain (:func:`_new_ties`), compiled.

    Returns:
        The participants (a participant may appear twice) and the employer of each new tie.
    """
    for g in guests:
        belongs[g] = belongs_until
        reached[g] = True
    return _new_ties(guests, u, month, p_local, p_peer, home, ties, fades, per_place, place_start, by_place)
