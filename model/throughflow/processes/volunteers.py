"""Volunteer mentors: recruitment, matching, departure and re-enrolment (pillar 1).

ODD: Process overview step 2. Volunteers join each month (more with the organisation and
community building: ``recruitment_factor`` hook; with the organisation only while its
available mentors do not cover its free capacity), each with a home, an advocacy skill and
employer ties (retired professionals carry a network). Each volunteer may leave in any month
(a constant monthly hazard, the month drawn when they join); a leaving mentor ends their
pairs. After a pair ends a mentor takes another mentee with probability ``p_reenrol``
(82 % of DUO for a JOB mentors do); hook ``mentor_stop_factor`` lowers the chance to stop
(growth paths), and a mechanism may move a volunteer's departure month (``leaves``) later.
Mentees are matched to free mentors at random, or by the organisation's matching
(``match_mentors`` hook).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.agents.mentor import Mentor
from throughflow.agents.view import add_views
from throughflow.enums import MentorStatus, PairEnd
from throughflow.limits import LIMITS, Entity
from throughflow.mechanism import Counter, Mechanism, Phase
from throughflow.parameters import LEVER, ScenarioBase, Section, par, per_year_of_arrivals, share
from throughflow.population import MAX_MENTOR_TIES, NO
from throughflow.randomness import below, months_from_logs, months_until, uniforms_compiled

DEPARTURE, REENROL = 0, 1
"""Draw indices of the volunteers' counter-based numbers (departure: by mentor; re-enrolment: by pair)."""


class OneOnOnePars(Section):
    """Pillar 1: 1-on-1 volunteer mentoring (the volunteers; each mentor activity has its own section below)."""

    enabled: bool = par(False, unit="switch", doc="pillar 1: 1-on-1 volunteer mentoring", kind=LEVER)
    mentors_per_1000: float = par(
        170.0,
        unit="mentors per 1,000 arrivals a year",
        doc="volunteer mentors at the start, per 1,000 refugees arriving a year",
        low=80,
        high=330,
        kind=LEVER,
        le=5000,
    )
    recruitment_per_1000: float = par(
        2.8,
        unit="mentors/month per 1,000 arrivals a year",
        doc="new volunteers a month without a mentoring organisation, per 1,000 refugees arriving a year",
        low=1.4,
        high=5.6,
        kind=LEVER,
        le=500,
    )
    mentor_capacity: int = par(1, unit="mentees", doc="mentees one mentor guides at once", low=1, high=2, ge=1, le=4)
    p_mentor_leave_per_month: float = share(
        0.006, "monthly probability that a volunteer mentor leaves (ending their pairs)", 0.002, 0.012, unit="per month"
    )
    p_reenrol: float = share(
        0.82,
        "probability that a mentor takes another mentee after a pair ends",
        0.70,
        0.90,
        source="DUO for a JOB: 82 % of mentors take another mentee",
    )
    advocacy_mean: float = share(0.5, "mean mentor advocacy skill", 0.3, 0.7, unit="index 0-1")
    mentor_ties_mean: float = par(
        2.5,
        unit="employer ties",
        doc="mean employer ties of a mentor (retired professionals carry a network)",
        low=1.0,
        high=4.0,
        le=8,
    )


class Volunteers(Mechanism[OneOnOnePars]):
    """Volunteer mentors: recruitment, matching, departure and re-enrolment."""

    name = "volunteers"
    pillar = "one_on_one"
    section = "one_on_one"
    Pars = OneOnOnePars
    counters = (
        Counter("mentors_available", "volunteers available for a mentee", by_qualification=False),
        Counter("mentors_paired", "volunteers with a mentee", by_qualification=False),
        Counter("mentors_left", "volunteers who left", by_qualification=False),
    )
    steps = {Phase.ORGANISE: "recruit_month"}

    @classmethod
    def sizes(cls, scenario: ScenarioBase, months: int) -> list[Entity]:
        """Mentors: the initial pool and at most 20 times the informal recruitment, over the horizon."""
        p = scenario.section("one_on_one")
        mentors = (
            per_year_of_arrivals(scenario, p.mentors_per_1000)
            + per_year_of_arrivals(scenario, p.recruitment_per_1000) * months * 20
        )
        cells = scenario.geography.n_municipalities * 8 * mentors * p.mentor_capacity
        return [
            Entity(
                "mentors", mentors, LIMITS["mentors"], "one_on_one.mentors_per_1000 and recruitment_per_1000 over the horizon"
            ),
            Entity(
                "mentor-matching cells",
                cells,
                LIMITS["mentor-matching cells"],
                f"geography.n_municipalities x 8 trades x {mentors:.3g} mentors x one_on_one.mentor_capacity",
            ),
        ]

    def init(self) -> None:
        """The volunteers present at the start."""
        self._recruitment = per_year_of_arrivals(self.model.scenario, self.pars.recruitment_per_1000)
        leave = self.pars.p_mentor_leave_per_month
        self._log_stay = float(np.log1p(-leave)) if 0.0 < leave < 1.0 else 0.0  # numpy's, as months_until takes it
        self.recruit(round(per_year_of_arrivals(self.model.scenario, self.pars.mentors_per_1000)), 0)

    def recruit_month(self, month: int) -> None:
        """This month's recruits (with the organisation: only while it needs more available mentors)."""
        model = self.model
        count = int(self.stream().poisson(self._recruitment * model.product("recruitment_factor")))
        capacity = model.hooks["enrolment_capacity"]
        if capacity and self._spare_count() >= min([hook() for hook in capacity]):
            return
        if count > 0:
            self.recruit(count, month)

    def available(self) -> np.ndarray:
        """Mentors who can take another mentee now."""
        return self._spare_places(False)

    def _spare_places(self, places: bool) -> np.ndarray:
        """Mentors who can take another mentee now, each once or (``places``) once per free place."""
        mt = self.model.mentors
        return _spare(mt.status, mt.retiring, mt.mentees, mt.n, self.pars.mentor_capacity, places)

    def _spare_count(self) -> int:
        """How many mentors can take another mentee now."""
        mt = self.model.mentors
        return int(_spare_count(mt.status, mt.retiring, mt.mentees, mt.n, self.pars.mentor_capacity, False))

    def recruit(self, count: int, month: int) -> np.ndarray:
        """Add ``count`` volunteer mentors with home, advocacy and employer ties; return their rows."""
        if count <= 0:
            return np.zeros(0, dtype=np.int64)
        model, p = self.model, self.pars
        rng = self.stream()
        mt = model.mentors
        rows = mt.add(count)
        new = slice(rows[0], rows[0] + count)  # the rows added are consecutive
        mt.home[new] = model.home_mix.draw(rng, count)
        gain = 0.0
        for hook in model.hooks["advocacy_gain"]:
            gain += hook()
        mean = min(0.95, p.advocacy_mean + gain)
        mt.advocacy[new] = rng.beta(mean * 10, (1 - mean) * 10, size=count)
        n_ties = rng.poisson(p.mentor_ties_mean, size=count)
        _new_mentors(
            rows[0], n_ties, below(rng, model.employers.n, (count, MAX_MENTOR_TIES)), month, mt.ties, mt.status, mt.joined
        )
        # every volunteer may leave in any month from the first month of the run: the month is
        # drawn now, one number per mentor (common random numbers across scenarios)
        u, leave, start = self.uniforms(0, rows, DEPARTURE), p.p_mentor_leave_per_month, max(month, 1) - 1
        if self._log_stay < 0.0:  # months_until, its logarithms in numpy and the rest compiled
            _leave_months(start, np.log1p(-u), self._log_stay, rows[0], mt.leaves)
        else:
            mt.leaves[rows] = start + months_until(u, leave)
        model.mentor_agents += add_views(model, Mentor, rows.tolist())
        return rows

    def assign_mentors(self, mentees: np.ndarray, month: int) -> np.ndarray:
        """A free mentor for each of ``mentees`` in order (``NO`` once none is left)."""
        mt = self.model.mentors
        places = self._spare_places(True)
        if places.size == 0:
            return np.full(mentees.size, NO, dtype=np.int32)
        matchers = self.model.hooks["match_mentors"]
        if matchers:
            return _take_places(matchers[0](mentees, places), places, mt.mentees, mt.status)
        out = np.full(mentees.size, NO, dtype=np.int32)
        chosen = self.stream().permutation(places)[: mentees.size]
        out[: chosen.size] = chosen
        _pair_mentors(out, mt.mentees, mt.status)
        return out

    def leaving_mentors(self, month: int) -> np.ndarray:
        """Volunteers who leave this month (idle or paired)."""
        mt = self.model.mentors
        return _leaving(mt.leaves, mt.status, mt.n, month)

    def pairs_end(
        self, rows: np.ndarray, mentee: np.ndarray, mentor: np.ndarray, reason: np.ndarray, leaving: np.ndarray, month: int
    ) -> None:
        """Mentors' bookkeeping when pairs end: mentees, re-enrolment, availability.

        Each mentor of a pair that ended (not by their leaving) takes another mentee with
        probability ``p_reenrol`` (less often stopping with hook ``mentor_stop_factor``),
        unless they leave this month or already decided to stop; a mentor who stops retires
        when their last pair ends. A mentor left without a mentee is available again, or gone.
        """
        mt, p_reenrol = self.model.mentors, self.pars.p_reenrol
        state = (mt.mentees, mt.pairs_done, mt.retiring, mt.status, self.model.pairs.reenrolled)
        factor = _NO_FACTOR
        if self.model.hooks["mentor_stop_factor"]:  # e.g. growth paths: fewer volunteers stop after a pair
            factor = self.model.product("mentor_stop_factor", np.maximum(mentor, 0))
            if type(factor) is not np.ndarray or factor.dtype != np.float64 or factor.ndim != 1:  # as numpy computes it
                p_stay = np.atleast_1d(1.0 - (1.0 - p_reenrol) * factor)
                _pairs_ended(rows, mentor, reason, leaving, self.uniforms(month, rows, REENROL), p_stay, mt.n, *state)
                return
        if rows.dtype != np.int64:
            rows = rows.astype(np.int64)
        _pairs_ended_drawn(self.key, month, rows, mentor, reason, leaving, p_reenrol, factor, mt.n, *state)

    def mentors_leave(self, leaving: np.ndarray) -> None:
        """Volunteers who leave this month are gone."""
        if leaving.size:
            self.model.mentors.status[leaving] = int(MentorStatus.LEFT)

    def observe(self, month: int) -> None:
        """Month-level figures of the mentor pool."""
        mt = self.model.mentors
        available, paired, left = _status_counts(mt.status, mt.n)
        rec = self.model.recorder
        rec.set("mentors_available", available)
        rec.set("mentors_paired", paired)
        rec.set("mentors_left", left)


_LEFT, _AVAILABLE, _MENTOR_LEFT = int(MentorStatus.LEFT), int(MentorStatus.AVAILABLE), int(PairEnd.MENTOR_LEFT)
_PAIRED = int(MentorStatus.PAIRED)
_NO_FACTOR = np.zeros(0)


@njit(cache=True, nogil=True)
def _pairs_ended(
    rows: np.ndarray,
    mentor: np.ndarray,
    reason: np.ndarray,
    leaving: np.ndarray,
    u: np.ndarray,
    p_stay: np.ndarray,
    n_mentors: int,
    mentees: np.ndarray,
    pairs_done: np.ndarray,
    retiring: np.ndarray,
    status: np.ndarray,
    reenrolled: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """:meth:`Volunteers.pairs_end` on the mentor table (compiled).

    ``rows`` are the pairs that ended, with their ``mentor`` (``NO``: none) and ``reason``;
    ``u`` their uniform numbers and ``p_stay`` the chance to take another mentee (one per
    pair, or one for all). Every decision reads the mentors' state from before these ends.
    """
    leaves = np.zeros(n_mentors + 1, dtype=np.bool_)  # the last slot: no mentor (NO = -1)
    for m in leaving:
        leaves[m] = True
    ended = np.zeros(n_mentors, dtype=np.int64)  # pairs ending per mentor (a mentor may have several)
    for m in mentor:
        if m != NO:
            ended[m] += 1
    judged = (mentor != NO) & (reason != _MENTOR_LEFT)
    stays = np.zeros(rows.size, dtype=np.bool_)
    for i in range(rows.size):
        if judged[i]:
            p = p_stay[i] if p_stay.size == rows.size else p_stay[0]
            stays[i] = not leaves[mentor[i]] and u[i] < p and not retiring[mentor[i]]
    for i in range(rows.size):
        if judged[i]:
            reenrolled[rows[i]] = stays[i]
            if not stays[i]:
                retiring[mentor[i]] = True
    for m in range(n_mentors):
        if ended[m]:
            mentees[m] -= ended[m]
            pairs_done[m] += ended[m]
            if mentees[m] == 0 and status[m] != _LEFT and not leaves[m]:
                status[m] = _LEFT if retiring[m] else _AVAILABLE


@njit(cache=True, nogil=True)
def _spare(
    status: np.ndarray, retiring: np.ndarray, mentees: np.ndarray, n: int, capacity: int, places: bool
) -> np.ndarray:  # pragma: no cover - compiled
    """Mentors who have not left, not decided to stop and have room, in order (compiled).

    With ``places`` each such mentor comes once per free place (``capacity`` less their mentees).
    """
    out = np.empty(_spare_count(status, retiring, mentees, n, capacity, places), dtype=np.int64)
    k = 0
    for m in range(n):
        if status[m] != _LEFT and not retiring[m] and mentees[m] < capacity:
            for _ in range(capacity - mentees[m] if places else 1):
                out[k] = m
                k += 1
    return out


@njit(cache=True, nogil=True)
def _pair_mentors(mentor_of: np.ndarray, mentees: np.ndarray, status: np.ndarray) -> None:  # pragma: no cover - compiled
    """Each mentor given to a mentee (``mentor_of``, ``NO``: none) has one more mentee and is paired (compiled)."""
    for m in mentor_of:
        if m != NO:
            mentees[m] += 1
            status[m] = _PAIRED


@njit(cache=True, nogil=True)
def _take_places(
    picks: np.ndarray, places: np.ndarray, mentees: np.ndarray, status: np.ndarray
) -> np.ndarray:  # pragma: no cover - compiled
    """The mentor of each mentee from the place index it took (``picks``, -1: none; ``NO``), paired (compiled)."""
    out = np.full(picks.size, NO, dtype=np.int32)
    for i in range(picks.size):
        if picks[i] >= 0:
            out[i] = places[picks[i]]
    _pair_mentors(out, mentees, status)
    return out


@njit(cache=True, nogil=True)
def _leaving(leaves: np.ndarray, status: np.ndarray, n: int, month: int) -> np.ndarray:  # pragma: no cover - compiled
    """Volunteers whose departure month has come and who have not left yet, in order (compiled)."""
    out = np.empty(n, dtype=np.int64)
    k = 0
    for m in range(n):
        out[k] = m
        k += leaves[m] <= month and status[m] != _LEFT
    return out[:k]


@njit(cache=True, nogil=True)
def _spare_count(
    status: np.ndarray, retiring: np.ndarray, mentees: np.ndarray, n: int, capacity: int, places: bool
) -> int:  # pragma: no cover - compiled
    """How many mentors (or, with ``places``, free places) :func:`_spare` lists (compiled)."""
    count = 0
    for m in range(n):
        if status[m] != _LEFT and not retiring[m] and mentees[m] < capacity:
            count += capacity - mentees[m] if places else 1
    return count


@njit(cache=True, nogil=True)
def _new_mentors(
    first: int, n_ties: np.ndarray, drawn: np.ndarray, month: int, ties: np.ndarray, status: np.ndarray, joined: np.ndarray
) -> None:  # pragma: no cover - compiled
    """The new mentors from row ``first`` on: available, joined this month, with their employer ties (compiled).

    Mentor ``i`` holds the first ``n_ties[i]`` (at most ``MAX_MENTOR_TIES``) of its ``drawn``
    employers, each employer once, held ties first in descending order and ``NO`` after them.
    """
    for i in range(drawn.shape[0]):
        row = first + i
        status[row] = _AVAILABLE
        joined[row] = month
        held = drawn[i].copy()
        held[min(n_ties[i], MAX_MENTOR_TIES) :] = NO
        held = np.sort(held)[::-1]  # descending: held ties first
        once = held.copy()
        for k in range(1, held.size):
            if held[k] == held[k - 1]:  # a tie to the same employer counts once
                once[k] = NO
        ties[row, :] = np.sort(once)[::-1]


@njit(cache=True, nogil=True)
def _pairs_ended_drawn(
    key: int,
    month: int,
    rows: np.ndarray,
    mentor: np.ndarray,
    reason: np.ndarray,
    leaving: np.ndarray,
    p_reenrol: float,
    factor: np.ndarray,
    n_mentors: int,
    mentees: np.ndarray,
    pairs_done: np.ndarray,
    retiring: np.ndarray,
    status: np.ndarray,
    reenrolled: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """:func:`_pairs_ended` with the pairs' re-enrolment numbers drawn (counter-based, draw ``REENROL``), compiled.

    The chance to take another mentee is ``p_reenrol``, or with a stop ``factor`` (one per
    pair, or one for all) ``1 - (1 - p_reenrol) x factor``.
    """
    u = uniforms_compiled(key, month, rows, REENROL)
    if factor.size == 0:
        p_stay = np.full(1, p_reenrol)
    else:
        p_stay = np.empty(factor.size)
        p_stop = 1.0 - p_reenrol
        for i in range(factor.size):
            p_stay[i] = 1.0 - p_stop * factor[i]
    _pairs_ended(rows, mentor, reason, leaving, u, p_stay, n_mentors, mentees, pairs_done, retiring, status, reenrolled)


@njit(cache=True, nogil=True)
def _leave_months(
    start: int,
    log_u: np.ndarray,
    log_p: float,
    first: int,
    leaves: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Departure months of the new mentors from row ``first`` on (compiled).

    ``start`` plus :func:`~throughflow.randomness.months_until` of their uniforms, given the
    logarithms ``log1p(-u)`` and ``log1p(-p)`` computed by numpy: the same operations in the same order.
    """
    for i in range(log_u.size):
        leaves[first + i] = start + months_from_logs(log_u[i], log_p)


@njit(cache=True, nogil=True)
def _status_counts(status: np.ndarray, n: int) -> tuple[int, int, int]:  # pragma: no cover - compiled
    """Volunteers available, paired and gone (compiled)."""
    available = 0
    paired = 0
    left = 0
    for m in range(n):
        available += status[m] == _AVAILABLE
        paired += status[m] == _PAIRED
        left += status[m] == _LEFT
    return available, paired, left
