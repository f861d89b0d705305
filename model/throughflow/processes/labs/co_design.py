"""Co-design with WISEs and OCMWs (pillar 3): generative dialogue on the transition to NEC work.

The ecosystem runs recurring co-design trajectories in which a WISE, the OCMWs that place
their clients there and the partner employers work on the transition itself (the decree asks
WISEs to succeed in throughflow). When a round opens (every ``every_months``), each WISE
not in a trajectory joins with probability ``participation``; a trajectory lasts ``months``.

* **Throughflow orientation.** While in a trajectory the WISE's orientation grows toward 1 at
  ``orientation_gain`` a month; afterwards it falls back toward its level before co-design
  at ``fade_per_month``. Orientation is what the WISE's job coaches act on: more transition
  support (coach referrals, :func:`throughflow.processes.hiring._search_rates`) and less
  retention of its best workers at contract end (:mod:`throughflow.processes.contracts`).
* **WISE → NEC referrals to partner employers.** From the start of its trajectory until
  ``partnership_months`` after its end, the WISE refers its searching workers (art. 60
  workers in their search window, and the workers it kept on a regular contract) to an
  employer taking part in the ecosystem that has an open vacancy in the WISE's sector: each
  month with probability ``p_referral`` per worker. This is a warm channel (hook ``warm_applications``), screened
  like every other: an interview after a lag, with the warm interview chance.
* **OCMW openness.** When a WISE starts a trajectory, the OCMW of its municipality and the
  OCMWs whose clients work there on art. 60 become more open to mentors at the table
  (openness grows toward 1 at ``openness_gain``), which a mentor's placement advocacy reads.

The programme pays per WISE-month in a trajectory. Workers of a WISE in a trajectory or
partnership count as reached by the programme.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.arrays import rows_where
from throughflow.enums import SECTORS, Channel, Status
from throughflow.mechanism import CostItem, Counter, Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.population import NO
from throughflow.randomness import uniforms_compiled

_ART60 = int(Status.ART60)
_NO_REFERRALS = np.zeros((0, 1), dtype=np.int64)
"""No partner employer for no referral (shared by every month without a referring WISE; never written)."""

if TYPE_CHECKING:
    from throughflow.words import Words


class CoDesignPars(Section):
    """Co-design trajectories with WISEs, their OCMWs and partner employers."""

    enabled: bool = par(True, unit="switch", doc="co-design trajectories with WISEs and OCMWs", kind=LEVER)
    every_months: int = par(
        6,
        unit="months",
        doc="a round of co-design trajectories opens every so many months",
        low=3,
        high=12,
        kind=LEVER,
        ge=1,
        le=24,
    )
    participation: float = share(0.2, "probability that a WISE not in a trajectory joins when a round opens", 0.1, 0.4)
    months: int = par(6, unit="months", doc="length of a co-design trajectory", low=3, high=12, ge=1, le=36)
    orientation_gain: float = share(
        0.05, "monthly growth of a WISE's throughflow orientation toward 1 during a trajectory", 0.02, 0.1, unit="per month"
    )
    fade_per_month: float = share(
        0.02,
        "monthly fall of the orientation gained back toward the WISE's level before co-design",
        0.0,
        0.05,
        unit="per month",
    )
    p_referral: float = share(
        0.1,
        "monthly probability that a partner WISE refers a searching worker to a partner employer",
        0.05,
        0.25,
        unit="per month",
    )
    partnership_months: int = par(
        12,
        unit="months",
        doc="months after the end of a trajectory during which the WISE keeps referring to partner employers",
        low=6,
        high=24,
        ge=0,
        le=120,
    )
    openness_gain: float = share(
        0.1, "growth of an OCMW's openness toward 1 when a WISE it places at starts a trajectory", 0.0, 0.2
    )
    wise_month_eur: float = par(
        1000.0,
        unit="EUR/WISE-month",
        doc="cost of a co-design trajectory per WISE-month (facilitation, sessions)",
        low=500,
        high=2500,
        price=True,
        le=100_000,
    )


class CoDesign(Mechanism[CoDesignPars]):
    """Co-design trajectories: WISEs' orientation, WISE referrals to partner employers, OCMW openness."""

    name = "co_design"
    pillar = "labs"
    section = "labs.co_design"
    Pars = CoDesignPars
    events = ("co_design",)
    counters = (Counter("co_design_wise_months", "WISE-months in a co-design trajectory", by_qualification=False),)
    costs = (CostItem("co_design", "co_design_wise_months", "labs.co_design.wise_month_eur"),)
    streams = ("partners",)
    steps = {Phase.SUPPORT: "run"}

    def init(self) -> None:
        """No WISE is in a trajectory at the start; remember each host's orientation before co-design."""
        hosts = self.model.hosts
        self.base = hosts.orientation.copy()
        self.trajectories = np.zeros(hosts.n, dtype=np.int32)
        self.started = np.full(hosts.n, NO, dtype=np.int32)
        self.until = np.full(hosts.n, NO, dtype=np.int32)  # last month of the current or last trajectory
        # referring partner WISEs this month; one extra row so that a missing link (NO) reads False
        self.partner = np.zeros(hosts.n + 1, dtype=bool)
        self.partnering = False  # whether any WISE refers this month

    def run(self, month: int) -> None:
        """Open a round when the calendar says so, then this month's orientation change and reach."""
        hosts, p = self.model.hosts, self.pars
        if month % p.every_months == 0:
            self._open_round(month)
        r = self.model.refugees
        in_trajectory = _advance(
            month,
            p.orientation_gain,
            p.fade_per_month,
            p.partnership_months,
            self.started,
            self.until,
            self.base,
            hosts.orientation,
            self.partner,
        )
        self.count("co_design_wise_months", in_trajectory)
        self.partnering = _reach(self.partner, r.host, r.wise, r.reached, r.n)

    def _open_round(self, month: int) -> None:
        """WISEs join a trajectory; the OCMWs that place at them become more open to mentors."""
        model, p = self.model, self.pars
        hosts, r = model.hosts, model.refugees
        free = rows_where(hosts.is_wise & (self.until < month))
        joining = self.chance(month, free, p.participation)
        if joining.size == 0:
            return
        self.started[joining] = month
        self.until[joining] = month + p.months - 1
        self.trajectories[joining] += 1
        at_wise, where = _join(
            joining, p.openness_gain, hosts.municipality, model.ocmw_table.openness, r.status, r.host, r.wise, r.home, r.n
        )
        self.log(month, "co_design", at_wise, where)

    def warm_applications(self, seekers: np.ndarray, month: int) -> tuple[np.ndarray, np.ndarray, Channel]:
        """Searching workers of partner WISEs referred to a partner employer with an open post in the WISE's sector."""
        model = self.model
        r = model.refugees
        if not self.partnering:
            return seekers[:0], _NO_REFERRALS, Channel.WISE_PARTNER
        referred, sectors = _referrals(
            self.key, month, self.pars.p_referral, seekers, r.host, r.wise, self.partner, model.hosts.sector
        )
        return referred, self._partner_posts(sectors), Channel.WISE_PARTNER

    def _partner_posts(self, sectors: np.ndarray) -> np.ndarray:
        """For each referral, a participating employer of the sector with an open vacancy (``NO``: none).

        The WISE's job coach knows the partner employers met in the trajectory and which of
        them are hiring; returns a column of employer ids (one warm channel slot per referral).
        """
        model = self.model
        pool = model.vacancies
        if sectors.size == 0:
            return np.full((0, 1), NO, dtype=np.int64)
        posts, starts, counts = _posts_by_sector(model.employers.participates, pool.employer, pool.sector, len(SECTORS))
        if posts.size == 0:
            return np.full((sectors.size, 1), NO, dtype=np.int64)
        u = self.stream("partners").random(sectors.size)
        return _pick_posts(sectors, u, posts, starts, counts, pool.employer)

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """A WISE starting a co-design trajectory, in words."""
        return (
            f"{words.host(ref)}, where {words.name} works, starts a co-design trajectory with the OCMW, "
            "the ecosystem and partner employers on the transition to regular work."
        )


@njit(cache=True, nogil=True)
def _at_partners(seekers: np.ndarray, host: np.ndarray, wise: np.ndarray, partner: np.ndarray) -> np.ndarray:  # pragma: no cover
    """The seekers whose art. 60 host, or else the WISE that employs them, is a partner (compiled)."""
    out = np.empty(seekers.size, dtype=np.int64)
    n = 0
    for s in seekers:
        out[n] = s
        n += partner[host[s] if host[s] != NO else wise[s]]
    return out[:n]


@njit(cache=True, nogil=True)
def _join(
    joining: np.ndarray,
    gain: float,
    municipality: np.ndarray,
    openness: np.ndarray,
    status: np.ndarray,
    host: np.ndarray,
    wise: np.ndarray,
    home: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The workers of the WISEs ``joining`` a trajectory, and the openness gained by their OCMWs (compiled).

    A worker is on art. 60 at a joining WISE, or kept on a regular contract by one. The
    OCMWs of the joining WISEs' municipalities and of the art. 60 workers' home
    municipalities each grow once toward 1 at ``gain``.

    Returns:
        The workers, in order, and the WISE of each (art. 60 host, else employer).
    """
    joins = np.zeros(municipality.size + 1, dtype=np.bool_)  # the last element, for NO, stays False
    opens = np.zeros(openness.size, dtype=np.bool_)
    for j in joining:
        joins[j] = True
        opens[municipality[j]] = True
    at = np.empty(n, dtype=np.int64)
    where = np.empty(n, dtype=host.dtype)
    k = 0
    for i in range(n):
        art60 = status[i] == _ART60
        if (art60 and joins[host[i]]) or joins[wise[i]]:
            at[k] = i
            if art60:
                where[k] = host[i]
                opens[home[i]] = True
            else:
                where[k] = wise[i]
            k += 1
    for o in range(openness.size):
        if opens[o]:
            openness[o] = openness[o] + gain * (1.0 - openness[o])
    return at[:k], where[:k]


@njit(cache=True, nogil=True)
def _advance(
    month: int,
    gain: float,
    fade: float,
    partnership_months: int,
    started: np.ndarray,
    until: np.ndarray,
    base: np.ndarray,
    orientation: np.ndarray,
    partner: np.ndarray,
) -> int:  # pragma: no cover - compiled
    """This month's orientation of every host and which WISEs refer (compiled).

    In a trajectory the orientation grows toward 1 at ``gain``; otherwise what was gained
    above the level before co-design falls back at ``fade``. A WISE refers from the start of
    its trajectory until ``partnership_months`` after its end (``partner``, one flag per
    host; its last element, for ``NO``, stays False).

    Returns:
        The number of hosts in a trajectory.
    """
    in_trajectory = 0
    for h in range(until.size):
        o = orientation[h]
        if until[h] >= month:
            orientation[h] = o + gain * (1.0 - o)
            in_trajectory += 1
        elif o > base[h]:
            orientation[h] = o - fade * (o - base[h])
        partner[h] = (started[h] != NO) & (month <= until[h] + partnership_months)
    return in_trajectory


@njit(cache=True, nogil=True)
def _reach(partner: np.ndarray, host: np.ndarray, wise: np.ndarray, reached: np.ndarray, n: int) -> bool:  # pragma: no cover
    """Mark the workers of referring WISEs (art. 60 host or WISE employer) as reached (compiled).

    Returns:
        Whether any WISE refers this month.
    """
    if not partner.any():
        return False
    for i in range(n):
        if partner[host[i]] or partner[wise[i]]:
            reached[i] = True
    return True


@njit(cache=True, nogil=True)
def _referrals(
    key: int,
    month: int,
    p: float,
    seekers: np.ndarray,
    host: np.ndarray,
    wise: np.ndarray,
    partner: np.ndarray,
    sector: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The seekers a referring WISE refers this month, and the WISE's sector for each (compiled).

    A seeker is at a partner WISE when their art. 60 host, or else the WISE that employs
    them, is one; each is referred when their counter-based uniform (draw 1) is below ``p``.
    """
    at = _at_partners(seekers, host, wise, partner)
    u = uniforms_compiled(key, month, at, 1)
    referred = np.empty(at.size, dtype=np.int64)
    sectors = np.empty(at.size, dtype=sector.dtype)
    k = 0
    for i in range(at.size):
        if u[i] < p:
            s = at[i]
            referred[k] = s
            sectors[k] = sector[host[s] if host[s] != NO else wise[s]]
            k += 1
    return referred[:k], sectors[:k]


@njit(cache=True, nogil=True)
def _posts_by_sector(
    participates: np.ndarray, employer: np.ndarray, sector: np.ndarray, n_sectors: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Open vacancies of participating employers, grouped by sector in pool order (compiled).

    Returns:
        The vacancies (pool rows), the first of each sector among them and their number per sector.
    """
    counts = np.zeros(n_sectors, dtype=np.int64)
    n = 0
    for v in range(employer.size):
        if participates[employer[v]]:
            counts[sector[v]] += 1
            n += 1
    starts = np.cumsum(counts) - counts
    at = starts.copy()
    posts = np.empty(n, dtype=np.int64)
    for v in range(employer.size):
        if participates[employer[v]]:
            posts[at[sector[v]]] = v
            at[sector[v]] += 1
    return posts, starts, counts


@njit(cache=True, nogil=True)
def _pick_posts(
    sectors: np.ndarray, u: np.ndarray, posts: np.ndarray, starts: np.ndarray, counts: np.ndarray, employer: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    """For each referral, the employer of the post ``floor(u x count)`` of its sector (``NO``: none), compiled."""
    out = np.empty((sectors.size, 1), dtype=np.int64)
    last = posts.size - 1
    for i in range(sectors.size):
        size = counts[sectors[i]]
        if size > 0:
            out[i, 0] = employer[posts[min(starts[sectors[i]] + np.int64(u[i] * size), last)]]
        else:
            out[i, 0] = NO
    return out
