"""Job search, screening and hiring (ODD: step 7; submodel "Vacancies and hiring").

Job seekers — the unemployed, ART60 workers in the last months of their contract without an
offer, and WISE workers looking for an NEC job (on the job, less intensively) — apply in two
ways (docs/MODEL.md §4):

* **Cold applications** to random open vacancies within their commute tolerance, in number
  set by their search effectiveness. Employers screen them: in non-bottleneck occupations
  applicants with foreign names get about half the callbacks of natives, in bottleneck
  occupations there is no gap (Baert, Cockx, Gheyle & Vandamme 2013); the ``bias`` hook
  lowers bias (diversity training). A callback is an interview in the same month.
* **Warm introductions** through the refugee's own employer ties, a trajectory guide's or
  WISE job coach's referral (to employers in the host's sector), or a mechanism's channel
  (hook ``warm_applications``: a mentor's referral). An introduction is made when the
  employer has an open vacancy; the interview follows after a lag (geometric, mean
  ``labour_market.warm_lag_months``, at least a month), if the person is still searching
  and the employer still has an open vacancy, and takes place with probability
  ``labour_market.p_warm_interview``: a better, not a certain, chance than a cold callback,
  without the callback gap of foreign names.

Every interviewed candidate then competes on merit. The margin is how far visible skill
(skill x recognition, hook ``visible_skill``) and Dutch exceed the vacancy's requirements
(lowered by hook ``requirement_factor``), plus a bonus for local work experience in the
vacancy's sector, and more when that experience confirms the trade learnt abroad (an art. 60
place in the refugee's trade is the usual way to get it). **Other job seekers** compete for
the same vacancies: each month a vacancy gets a Poisson number of other applicants
(``labour_market.other_applicants``, fewer in bottleneck occupations), each with a margin
drawn from a normal distribution. The employer hires the best candidate who meets the
requirements: a refugee if one beats every other applicant, else another job seeker (the
vacancy is then filled and closes; counted as ``other_hires``).
An ART60 worker who is hired holds the offer and starts at contract end; a WISE worker moves
to the NEC job at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numba import njit
from scipy.special import ndtri

from throughflow.arrays import capped
from throughflow.enums import N_QUAL, SECTORS, Channel, Status
from throughflow.mechanism import Counter, Mechanism, Phase
from throughflow.parameters import Section
from throughflow.population import NO, tie_held
from throughflow.processes.transitions import start_job
from throughflow.randomness import months_from_logs, months_until, uniforms_compiled

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel
    from throughflow.words import Words

CHANNEL_WORDS = {
    Channel.COLD: "a cold application",
    Channel.OWN_TIE: "an own contact",
    Channel.MENTOR_REFERRAL: "a mentor referral",
    Channel.COACH_REFERRAL: "a job coach's referral",
    Channel.APPRENTICESHIP: "an apprenticeship",
    Channel.WISE_PARTNER: "a referral by the WISE to a co-design partner employer",
}

LAG, WARM_PASS, COACH = 0, 1, 2
"""Draw indices of the hiring mechanism's counter-based numbers."""

_UNEMPLOYED, _WISE_JOB, _ART60 = int(Status.UNEMPLOYED), int(Status.WISE_JOB), int(Status.ART60)

SEARCHING = (Status.UNEMPLOYED, Status.ART60, Status.WISE_JOB)
"""Statuses in which a refugee may search (ART60 only in the search window, without an offer)."""


def job_seekers(model: ThroughflowModel, month: int) -> np.ndarray:
    """Refugees searching this month (not those busy elsewhere, e.g. on an apprenticeship)."""
    r = model.refugees
    rows = _searching(
        r.column("status"), r.column("contract_end"), r.column("offer"), month + model.scenario.art60.search_window_months
    )
    for busy in model.hooks["busy"]:
        rows = _not_busy(rows, busy(rows, month))
    return rows


@njit(cache=True, nogil=True)
def _searching(status: np.ndarray, contract_end: np.ndarray, offer: np.ndarray, before: int) -> np.ndarray:  # pragma: no cover
    """Rows of the job seekers (compiled).

    The unemployed, the WISE workers, and the art. 60 workers without an offer whose contract
    ends before ``before``.
    """
    out = np.empty(status.size, dtype=np.int64)
    n = 0
    for i in range(status.size):  # without branches: statuses come in no order a branch predictor could learn
        s = status[i]
        out[n] = i
        n += (s == _UNEMPLOYED) | (s == _WISE_JOB) | ((s == _ART60) & (contract_end[i] < before) & (offer[i] == NO))
    return out[:n]


@njit(cache=True, nogil=True)
def _not_busy(rows: np.ndarray, busy: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """``rows[~busy]`` in one pass (compiled)."""
    out = np.empty(rows.size, dtype=rows.dtype)
    n = 0
    for i in range(rows.size):
        out[n] = rows[i]
        n += not busy[i]
    return out[:n]


def bias_now(model: ThroughflowModel, month: int) -> np.ndarray:
    """Effective bias of every employer: baseline bias, lowered by hooks (fading diversity training)."""
    bias = model.employers.bias
    for hook in model.hooks["bias"]:
        bias = hook(month, bias)
    return bias


class Introductions:
    """Warm introductions waiting for their interview: seeker, employer, channel, interview month (one row each)."""

    def __init__(self) -> None:
        self.rows = np.zeros((0, 4), dtype=np.int64)

    seeker = property(lambda self: self.rows[:, 0], doc="The refugee introduced.")
    employer = property(lambda self: self.rows[:, 1], doc="The employer.")
    channel = property(lambda self: self.rows[:, 2], doc="How (:class:`~throughflow.enums.Channel`).")
    due = property(lambda self: self.rows[:, 3], doc="Month of the interview.")

    def add(self, rows: np.ndarray) -> None:
        """Queue new introductions (rows of seeker, employer, channel, interview month)."""
        self.rows = np.concatenate([self.rows, rows])


@njit(cache=True, nogil=True)
def _split_due(rows: np.ndarray, month: int) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The rows due by ``month`` (fourth column) and the others, each in order (compiled)."""
    due = np.empty_like(rows)
    later = np.empty_like(rows)
    n = m = 0
    for i in range(rows.shape[0]):
        if rows[i, 3] <= month:
            due[n] = rows[i]
            n += 1
        else:
            later[m] = rows[i]
            m += 1
    return due[:n], later[:m]


class Hiring(Mechanism[Section]):
    """Applications, warm introductions and interviews, competition with other job seekers, and hires."""

    name = "hiring"
    reads = ("labour_market", "art60")
    events = ("apply", "interview", "hire", "start_job")
    counters = (
        Counter("other_hires", "vacancies filled by other job seekers (not refugees of the model)", by_qualification=False),
        Counter("warm_interviews", "interviews after a warm introduction", by_qualification=False),
    )
    streams = ("coach", "others")
    steps = {Phase.HIRE: "search_and_hire"}

    def init(self) -> None:
        """No introduction is pending at the start."""
        self.pending = Introductions()

    def search_and_hire(self, month: int) -> None:
        """Applications, interviews, competition and hires of this month."""
        model = self.model
        pool = model.vacancies
        rng = self.stream()
        seekers = job_seekers(model, month)
        others = self._other_applicants(month)
        if pool.n == 0:
            return
        r = model.refugees
        coach, rates = _search_rates(model, seekers, month)
        n_cold = rng.poisson(rates)
        # the vacancies applied to, then the screening draws (one uniform number each)
        u = rng.random(2 * int(n_cold.sum()))
        seeker, vacancy = self._screen(seekers, n_cold, u, month)

        first_open = pool.first_open_by_employer(model.employers.n)
        self._introduce(seekers, coach, first_open, month)
        warm_seeker, warm_vacancy, warm_kind = self._interviews(seekers, first_open, month)
        seeker, vacancy, kind = _joined(seeker, vacancy, warm_seeker, warm_vacancy, warm_kind)
        if model.events.enabled:
            self.log(month, "apply", *_applications(seekers, n_cold, warm_seeker))
        if seeker.size:
            e = model.employers
            seeker, vacancy, kind, employer = _hired(
                _margin(model, seeker, vacancy), others, seeker, vacancy, kind, pool.employer, e.posts, e.staff, r.n
            )
            hire(model, seeker, employer, month, kind)
        open_, other_hires = _still_open(vacancy, others)
        self.count("other_hires", other_hires)
        pool.keep(open_)

    def _screen(self, seekers: np.ndarray, counts: np.ndarray, u: np.ndarray, month: int) -> tuple[np.ndarray, np.ndarray]:
        """The cold applications within commuting reach that pass the employer's screening (and count them).

        ``seekers`` send ``counts`` applications each, in order, to a vacancy drawn uniformly
        from the open ones (the first half of ``u``). Screening: a callback with the
        probability a native with the same CV would have (lower after long unemployment),
        times one minus the employer's bias (less in bottleneck occupations), drawn against
        the second half of ``u``. The recorder's screening figures count them.

        Returns:
            The seeker and the vacancy of each application that passed.
        """
        model = self.model
        r, pool, lm = model.refugees, model.vacancies, model.scenario.labour_market
        return _screen_cold(
            seekers,
            counts,
            u,
            pool.n,
            month,
            r.home,
            r.commute_tolerance,
            r.status,
            r.status_since,
            r.qualification,
            model.region.minutes,
            pool.municipality,
            pool.bottleneck,
            pool.employer,
            bias_now(model, month),
            lm.p_callback_native,
            lm.duration_callback_loss,
            lm.duration_callback_months,
            lm.bottleneck_bias_factor,
            model.recorder.screening_totals,
        )

    def _other_applicants(self, month: int) -> np.ndarray:
        """The best margin of the other job seekers applying to each open vacancy this month (-inf: none)."""
        pool, lm = self.model.vacancies, self.model.scenario.labour_market
        rng = self.stream("others")
        count = rng.poisson(_applicant_rates(pool.bottleneck, lm.other_applicants, lm.bottleneck_competition))
        u = rng.random(pool.n)  # the best of k normal margins: the normal quantile of u ** (1 / k)
        quantile = ndtri(u ** _inverse_counts(count))  # numpy's power: numba's differs in the last bit
        return _best_margins(quantile, count, lm.other_margin_mean, lm.other_margin_sd)

    def _introduce(self, seekers: np.ndarray, coach: np.ndarray, first_open: np.ndarray, month: int) -> None:
        """New warm introductions: own ties, guide and coach referrals, and the mechanisms' channels."""
        model = self.model
        r, e = model.refugees, model.employers
        minutes, home, tolerance, municipality = model.region.minutes, r.home, r.commute_tolerance, e.municipality
        hits = [  # an employer with an open vacancy, within commuting reach: first through the refugee's own ties
            _own_tie_hits(
                seekers, r.ties_until, r.ties, r.tie_fades, month, int(Channel.OWN_TIE), first_open, home, tolerance,
                minutes, municipality,
            )
        ]  # fmt: skip
        channels: list[tuple[np.ndarray, np.ndarray, int, Any]] = []
        for hook in model.hooks["warm_applications"]:
            holders, employers, channel = hook(seekers, month)
            channels.append((holders, employers, int(channel), getattr(hook, "__self__", None)))
        coached = self.chance(month, seekers, coach, COACH)
        if coached.size:
            channels.append((coached, _coach_picks(model, coached, self.stream("coach")), int(Channel.COACH_REFERRAL), None))
        hits += [
            _warm_hits(holder, ties, channel, first_open, home, tolerance, minutes, municipality)
            for holder, ties, channel, _ in channels
            if holder.size
        ]
        # one introduction per seeker and employer at a time: the first channel that reaches them
        new, u = _new_introductions(np.concatenate(hits), e.n, self.pending, self.key, month)
        p = 1.0 / model.scenario.labour_market.warm_lag_months
        if 0.0 < p < 1.0:  # the interview month: geometric lag (:func:`~throughflow.randomness.months_until`)
            self.pending.rows = _queued(self.pending.rows, new, np.log1p(-u), np.log1p(-p), month)
        else:
            new[:, 3] = month + months_until(u, p)
            self.pending.add(new)
        model.recorder.add("warm_applications", new.shape[0])
        if model.events.enabled:
            for _, _, channel, provider in channels:
                if provider is not None and hasattr(provider, "applied"):
                    provider.applied(*_of_channel(new, channel), month)

    def _interviews(self, seekers: np.ndarray, first_open: np.ndarray, month: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Interviews of the introductions due this month: still searching, a vacancy open, and the interview held."""
        model = self.model
        seeker, employer, kind, vacancy, self.pending.rows = _held_and_later(
            self.pending.rows, seekers, first_open, model.refugees.n, model.employers.n, self.key,
            month, WARM_PASS, model.scenario.labour_market.p_warm_interview,
        )  # fmt: skip
        self.count("warm_interviews", seeker.size)
        self.log(month, "interview", seeker, employer, kind)
        return seeker, vacancy, kind

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """Applications, interviews, hires and job starts in words."""
        if event == "apply":
            return f"{words.name} sends {ref} cold application(s)."
        if event == "interview":
            channel = CHANNEL_WORDS.get(Channel(int(value)), "an introduction")
            return f"{words.name} has a job interview at {words.employer(ref)} after {channel}."
        if event == "hire":
            channel = CHANNEL_WORDS.get(Channel(int(value)), "an application")
            return f"{words.name} is hired by {words.employer(ref)} through {channel}."
        return f"{words.name} starts an NEC job at {words.employer(ref)} ({value:.0f} min commute)."


def _hired(
    margin: np.ndarray,
    others: np.ndarray,
    seeker: np.ndarray,
    vacancy: np.ndarray,
    kind: np.ndarray,
    employer: np.ndarray,
    posts: np.ndarray,
    staff: np.ndarray,
    n_refugees: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The hires among the interviews, in order of margin (best first), and who they are.

    A candidate must meet the requirements and beat every other job seeker who applied. The
    best candidate of each vacancy gets the offer; a seeker with several offers takes the
    best; an employer hires no more refugees than its room (posts less refugee staff), best
    margins first (room ``posts - staff``). (The sort is numpy's: numba's are slower.)

    Returns:
        The seeker, vacancy, channel (``kind``) and employer of each hire.
    """
    candidates, worst_first = _beating(margin, others, vacancy)
    order = np.argsort(worst_first, kind="stable")  # ties keep their order
    return _hires(candidates, order, seeker, vacancy, kind, employer, posts, staff, others.size, n_refugees)


@njit(cache=True, nogil=True)
def _hires(
    candidates: np.ndarray,
    order: np.ndarray,
    seeker: np.ndarray,
    vacancy: np.ndarray,
    kind: np.ndarray,
    employer: np.ndarray,
    posts: np.ndarray,
    staff: np.ndarray,
    n_vacancies: int,
    n_refugees: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The hires among the ``candidates`` taken in ``order`` (best first), compiled (:func:`_hired`).

    Each vacancy's first candidate whose seeker has no offer yet gets the offer
    (:func:`_first_offers`); each employer then hires, in that order, up to its room
    ``posts - staff`` (:func:`~throughflow.arrays.capped`).

    Returns:
        The seeker, vacancy, channel and employer of each hire.
    """
    offers = _first_offers(candidates[order], seeker, vacancy, n_vacancies, n_refugees)
    hired = offers[capped(employer[vacancy[offers]], posts - staff)]
    out_employer = np.empty(hired.size, dtype=employer.dtype)
    for n in range(hired.size):
        out_employer[n] = employer[vacancy[hired[n]]]
    return seeker[hired], vacancy[hired], kind[hired], out_employer


@njit(cache=True, nogil=True)
def _joined(
    cold_seeker: np.ndarray, cold_vacancy: np.ndarray, warm_seeker: np.ndarray, warm_vacancy: np.ndarray, warm_kind: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """All interviews: the cold ones (channel 0), then the warm ones; seeker, vacancy and channel (compiled)."""
    n, m = cold_seeker.size, warm_seeker.size
    seeker = np.empty(n + m, dtype=np.int64)
    vacancy = np.empty(n + m, dtype=np.int64)
    kind = np.zeros(n + m, dtype=np.int64)
    seeker[:n], vacancy[:n] = cold_seeker, cold_vacancy
    seeker[n:], vacancy[n:], kind[n:] = warm_seeker, warm_vacancy, warm_kind
    return seeker, vacancy, kind


@njit(cache=True, nogil=True)
def _beating(margin: np.ndarray, others: np.ndarray, vacancy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """The interviews whose candidate meets the requirements and beats the other applicants, and minus their margins."""
    out = np.empty(margin.size, dtype=np.int64)
    minus = np.empty(margin.size, dtype=np.float64)
    n = 0
    for i in range(margin.size):
        if margin[i] >= 0.0 and margin[i] > others[vacancy[i]]:
            out[n], minus[n] = i, -margin[i]
            n += 1
    return out[:n], minus[:n]


@njit(cache=True, nogil=True)
def _first_offers(
    candidates: np.ndarray, seeker: np.ndarray, vacancy: np.ndarray, n_vacancies: int, n_refugees: int
) -> np.ndarray:  # pragma: no cover - compiled
    """Of the ``candidates`` (best first), each vacancy's first whose seeker has no offer yet (compiled)."""
    offered = np.zeros(n_vacancies, dtype=np.bool_)
    hired = np.zeros(n_refugees, dtype=np.bool_)
    out = np.empty(candidates.size, dtype=np.int64)
    n = 0
    for i in candidates:
        v = vacancy[i]
        if offered[v]:
            continue
        offered[v] = True  # the vacancy's best candidate
        if hired[seeker[i]]:
            continue  # took a better offer
        hired[seeker[i]] = True
        out[n] = i
        n += 1
    return out[:n]


def headcount(model: ThroughflowModel) -> np.ndarray:
    """Refugees employed (or holding an offer) per employer, counted from the refugee table.

    The model keeps the same count up to date in ``model.employers.staff``; this recount is
    the reference it is checked against.
    """
    r = model.refugees
    n = model.employers.n
    working = r.column("employer")[r.column("status") == Status.NEC]
    offers = r.column("offer")
    return np.bincount(working, minlength=n) + np.bincount(offers[offers != NO], minlength=n)


def within_room(model: ThroughflowModel, employers: np.ndarray) -> np.ndarray:
    """Mask of hires (in order of preference) that keep every employer's refugee headcount within its size."""
    return capped(employers, model.employers.posts - model.employers.staff)


@njit(cache=True, nogil=True)
def _applicant_rates(bottleneck: np.ndarray, applicants: float, competition: float) -> np.ndarray:  # pragma: no cover
    """Expected other applicants per open vacancy: ``applicants``, times ``competition`` in bottleneck occupations."""
    out = np.empty(bottleneck.size, dtype=np.float64)
    for v in range(bottleneck.size):
        out[v] = applicants * (competition if bottleneck[v] else 1.0)
    return out


@njit(cache=True, nogil=True)
def _inverse_counts(count: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """``1 / max(count, 1)`` of each vacancy's number of other applicants (compiled)."""
    out = np.empty(count.size, dtype=np.float64)
    for v in range(count.size):
        out[v] = 1.0 / max(count[v], 1)
    return out


@njit(cache=True, nogil=True)
def _best_margins(quantile: np.ndarray, count: np.ndarray, mean: float, sd: float) -> np.ndarray:  # pragma: no cover
    """The best other applicant's margin from its standard normal ``quantile`` (``-inf``: nobody else applied)."""
    out = np.empty(quantile.size, dtype=np.float64)
    for v in range(quantile.size):
        out[v] = mean + sd * quantile[v] if count[v] > 0 else -np.inf
    return out


def _search_rates(model: ThroughflowModel, seekers: np.ndarray, month: int) -> tuple[np.ndarray, np.ndarray]:
    """Each seeker's chance of a coach's referral this month and expected cold applications.

    Search effectiveness is the refugee's own, plus the guidance (guidance also makes the
    search itself better), plus the ``search_effort`` hooks.
    """
    r, a, lm = model.refugees, model.scenario.art60, model.scenario.labour_market
    boost = np.zeros(0)
    for hook in model.hooks["search_effort"]:
        boost = hook(seekers) if boost.size == 0 else boost + hook(seekers)
    return _search_rates_of(
        seekers, r.search, boost, r.host, r.wise, model.hosts.orientation, a.guidance_referral_per_month,
        a.transition_support, month, r.status, r.status_since, lm.applications_per_month, a.wise_job_search,
        lm.benefit_search_start, lm.benefit_search_months,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def _search_rates_of(
    seekers: np.ndarray,
    search: np.ndarray,
    boost: np.ndarray,
    host: np.ndarray,
    wise: np.ndarray,
    orientation: np.ndarray,
    guidance: float,
    support: float,
    month: int,
    status: np.ndarray,
    since: np.ndarray,
    per_month: float,
    on_the_job: float,
    start: float,
    ramp_months: float,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Coach referral chances and cold application rates (compiled; :func:`_search_rates`).

    The coach: every art. 60 worker has trajectory guidance (``guidance``); a WISE adds
    transition support in proportion to its throughflow orientation, for its art. 60 workers
    and for the workers it kept on a regular contract (the decree's throughflow mission).

    Cold applications: applications per month x min(1, effort) x intensity. The intensity is
    lower on the job (a WISE worker looks for an NEC job less intensively) and, on benefit,
    lower while the benefit is at its first, highest level: it rises linearly from ``start``
    to full over ``ramp_months`` of the unemployment spell. ``boost`` (empty: none) is added
    to the effort.
    """
    coach = np.empty(seekers.size)
    rates = np.empty(seekers.size)
    for i in range(seekers.size):
        s = seekers[i]
        h, w = host[s], wise[s]
        rate = guidance + orientation[h] * support if h != NO else 0.0
        coach[i] = rate + (orientation[w] * support if w != NO else 0.0)
        effort = search[s] + coach[i]
        if boost.size:
            effort += boost[i]
        st = status[s]
        months = float(month - since[s]) if st == _UNEMPLOYED else ramp_months
        urgency = start + (1.0 - start) * (min(months, ramp_months) / ramp_months)
        intensity = (on_the_job if st == _WISE_JOB else 1.0) * urgency
        rates[i] = per_month * min(1.0, effort) * intensity
    return coach, rates


@njit(cache=True, nogil=True)
def _screen_cold(
    seekers: np.ndarray,
    counts: np.ndarray,
    u: np.ndarray,
    n_vacancies: int,
    month: int,
    home: np.ndarray,
    tolerance: np.ndarray,
    status: np.ndarray,
    since: np.ndarray,
    qualification: np.ndarray,
    minutes: np.ndarray,
    municipality: np.ndarray,
    bottleneck: np.ndarray,
    employer: np.ndarray,
    bias: np.ndarray,
    p_callback: float,
    loss: float,
    loss_months: float,
    bottleneck_factor: float,
    totals: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Screening of cold applications (compiled; :meth:`Hiring._screen`).

    Seeker ``i`` sends ``counts[i]`` applications; the ``k``-th application of all goes to
    vacancy ``floor(u[k] x n_vacancies)`` and is screened against ``u[sent + k]``. An
    application outside the seeker's commute tolerance is not sent. The callback probability
    of a native with the same CV falls with time on benefit (employers read long
    unemployment as a bad signal): by ``loss`` after ``loss_months`` of the spell.

    The month's applications sent within reach, callbacks, and the callbacks a native would
    expect, by [bottleneck][qualification] (flattened), are added to the rows of ``totals``.

    Returns:
        The seeker and the vacancy of each application that passed, in order.
    """
    keep = np.empty(n_vacancies)  # the share of a native's callback chance each vacancy's employer gives
    cell_of = np.empty(n_vacancies, dtype=np.int64)
    for j in range(n_vacancies):
        in_bottleneck = bottleneck[j]
        cell_of[j] = N_QUAL * in_bottleneck
        keep[j] = 1.0 - (bottleneck_factor if in_bottleneck else 1.0) * bias[employer[j]]
    sent = np.zeros(2 * N_QUAL)
    passed = np.zeros(2 * N_QUAL)
    native = np.zeros(2 * N_QUAL)
    total = u.size // 2
    out_seeker = np.empty(total, dtype=np.int64)
    out_vacancy = np.empty(total, dtype=np.int64)
    k = n = 0
    for i in range(seekers.size):
        s = seekers[i]
        months = float(month - since[s]) if status[s] == _UNEMPLOYED else 0.0
        p_native = p_callback * (1.0 - loss * min(months, loss_months) / loss_months)
        q, reach, travel = qualification[s], tolerance[s], minutes[home[s]]
        for _ in range(counts[i]):  # few branches: which application passes is not predictable
            v = np.int64(u[k] * n_vacancies)
            draw = u[total + k]
            k += 1
            sent_here = travel[municipality[v]] <= reach
            cell = q + cell_of[v]
            ok = sent_here & (draw < p_native * keep[v])
            sent[cell] += sent_here
            native[cell] += p_native if sent_here else 0.0
            passed[cell] += ok
            out_seeker[n] = s
            out_vacancy[n] = v
            n += ok
    totals[0] += sent
    totals[1] += passed
    totals[2] += native
    return out_seeker[:n], out_vacancy[:n]


def _coach_picks(model: ThroughflowModel, coached: np.ndarray, rng: np.random.Generator, picks: int = 4) -> np.ndarray:
    """Employers a guide or coach introduces each coached seeker to: open vacancies in the host's sector.

    The coach knows employers of the sector the host works in (the sector of the refugee's
    work experience); without an open vacancy in that sector, anywhere.
    """
    r, pool = model.refugees, model.vacancies
    u = rng.random((coached.size, picks))
    return _coach_picks_of(coached, r.host, r.wise, model.hosts.sector, pool.sector, pool.employer, u, len(SECTORS))


@njit(cache=True, nogil=True)
def _coach_picks_of(
    coached: np.ndarray,
    host: np.ndarray,
    wise: np.ndarray,
    host_sector: np.ndarray,
    vacancy_sector: np.ndarray,
    vacancy_employer: np.ndarray,
    u: np.ndarray,
    sectors: int,
) -> np.ndarray:  # pragma: no cover - compiled
    """:func:`_coach_picks` from the uniforms ``u`` (one row per coached seeker), compiled."""
    n = vacancy_sector.size
    counts = np.zeros(sectors, dtype=np.int64)
    for sector in vacancy_sector:
        counts[sector] += 1
    starts = np.cumsum(counts) - counts
    order = np.empty(n, dtype=np.int64)  # open vacancies by sector, in their order within a sector
    filled = starts.copy()
    for j in range(n):
        order[filled[vacancy_sector[j]]] = j
        filled[vacancy_sector[j]] += 1
    out = np.empty(u.shape, dtype=vacancy_employer.dtype)
    for i in range(coached.size):
        h = host[coached[i]]
        sector = host_sector[h if h != NO else wise[coached[i]]]
        size = counts[sector]
        for k in range(u.shape[1]):
            in_sector = order[min(starts[sector] + np.int64(u[i, k] * size), n - 1)]
            out[i, k] = vacancy_employer[in_sector if size > 0 else np.int64(u[i, k] * n)]
    return out


@njit(cache=True, nogil=True)
def _reaches(
    seeker: int,
    employer: int,
    first_open: np.ndarray,
    home: np.ndarray,
    tolerance: np.ndarray,
    minutes: np.ndarray,
    municipality: np.ndarray,
) -> bool:  # pragma: no cover - compiled
    """Whether ``employer`` has an open vacancy (``first_open``) within the seeker's commute tolerance (compiled)."""
    if first_open[employer] < 0:  # (not ``return a and b``: numba compiles that into a slow call)
        return False
    return minutes[home[seeker], municipality[employer]] <= tolerance[seeker]


@njit(cache=True, nogil=True)
def _warm_hits(
    holder: np.ndarray,
    ties: np.ndarray,
    channel: int,
    first_open: np.ndarray,
    home: np.ndarray,
    tolerance: np.ndarray,
    minutes: np.ndarray,
    municipality: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled
    """The (holder, employer) pairs of a warm channel that can lead to an introduction (compiled).

    ``ties[i]`` are the employers ``holder[i]`` can reach (``NO``: an empty slot); a pair
    counts when the employer has an open vacancy (``first_open``, whose last element reads
    "none" for ``NO``) within the holder's commute tolerance.

    Returns:
        One row per pair, holder by holder: seeker, employer, ``channel``, 0.
    """
    out = np.empty((ties.size, 4), dtype=np.int64)
    n = 0
    for i in range(ties.shape[0]):
        s = holder[i]
        for k in range(ties.shape[1]):
            employer = ties[i, k]
            if _reaches(s, employer, first_open, home, tolerance, minutes, municipality):
                out[n, 0], out[n, 1], out[n, 2], out[n, 3] = s, employer, channel, 0
                n += 1
    return out[:n]


@njit(cache=True, nogil=True)
def _own_tie_hits(
    seekers: np.ndarray,
    ties_until: np.ndarray,
    ties: np.ndarray,
    fades: np.ndarray,
    month: int,
    channel: int,
    first_open: np.ndarray,
    home: np.ndarray,
    tolerance: np.ndarray,
    minutes: np.ndarray,
    municipality: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled
    """:func:`_warm_hits` of the seekers' own employer ties held in ``month`` (compiled).

    The same rows as ``_warm_hits(tied, held_ties(tied, month), ...)`` for the seekers who
    may still hold a tie (``ties_until`` at least ``month``), read from the tie table
    directly, in one pass over the seekers.
    """
    tied = 0
    for s in seekers:
        tied += ties_until[s] >= month
    out = np.empty((tied * ties.shape[1], 4), dtype=np.int64)
    n = 0
    for s in seekers:
        if ties_until[s] < month:
            continue
        for k in range(ties.shape[1]):
            employer = ties[s, k]
            if tie_held(ties, fades, s, k, month) and _reaches(s, employer, first_open, home, tolerance, minutes, municipality):
                out[n, 0], out[n, 1], out[n, 2], out[n, 3] = s, employer, channel, 0
                n += 1
    return out[:n]


@njit(cache=True, nogil=True)
def _pair_keys(seeker: np.ndarray, employer: np.ndarray, n_employers: int) -> np.ndarray:  # pragma: no cover - compiled
    """The key of each (seeker, employer) pair: ``seeker x (n_employers + 1) + employer`` (compiled)."""
    out = np.empty(seeker.size, dtype=np.int64)
    for i in range(seeker.size):
        out[i] = seeker[i] * (n_employers + 1) + employer[i]
    return out


@njit(cache=True, nogil=True)
def _first_new_of(hits: np.ndarray, key: np.ndarray, order: np.ndarray, pending: np.ndarray) -> np.ndarray:  # pragma: no cover
    """The introductions to queue: one per seeker and employer, none already pending (compiled).

    ``hits`` are rows of seeker, employer, channel (:func:`_warm_hits`, channels in order of
    precedence). The first row of each (seeker, employer) pair is kept, in the (stable)
    ``order`` of the pairs' keys ``seeker x (n_employers + 1) + employer``, which the returned
    rows hold in their fourth column, unless the key is among the sorted ``pending`` keys.
    """
    out = np.empty((order.size, 4), dtype=np.int64)
    n = at = 0
    for j in range(order.size):  # both in key order: one walk through the pending keys
        i = order[j]
        if j > 0 and key[i] == key[order[j - 1]]:
            continue
        while at < pending.size and pending[at] < key[i]:
            at += 1
        if at < pending.size and pending[at] == key[i]:
            continue
        out[n, 0], out[n, 1], out[n, 2], out[n, 3] = hits[i, 0], hits[i, 1], hits[i, 2], key[i]
        n += 1
    return out[:n]


def _new_introductions(
    hits: np.ndarray, n_employers: int, pending: Introductions, key: int, month: int
) -> tuple[np.ndarray, np.ndarray]:
    """The new introductions among ``hits`` (:func:`_first_new_of`), and the uniforms of their lags.

    The uniforms are the hiring stream's (``key``) counter-based numbers of the new pairs'
    keys for draw ``LAG`` in ``month``. (The sorts are numpy's.)
    """
    keys, pending_keys = _both_pair_keys(hits, pending.rows, n_employers)
    pending_keys.sort()
    return _first_new_lags(hits, keys, np.argsort(keys, kind="stable"), pending_keys, key, month, LAG)


@njit(cache=True, nogil=True)
def _both_pair_keys(hits: np.ndarray, pending: np.ndarray, n_employers: int) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """The :func:`_pair_keys` of the rows of ``hits`` and of the ``pending`` rows (seeker, employer first), compiled."""
    return _pair_keys(hits[:, 0], hits[:, 1], n_employers), _pair_keys(pending[:, 0], pending[:, 1], n_employers)


@njit(cache=True, nogil=True)
def _first_new_lags(
    hits: np.ndarray, keys: np.ndarray, order: np.ndarray, pending: np.ndarray, stream: int, month: int, draw: int
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """:func:`_first_new_of`, and the counter-based uniforms of the new rows' keys (compiled)."""
    new = _first_new_of(hits, keys, order, pending)
    return new, uniforms_compiled(stream, month, new[:, 3].copy(), draw)


@njit(cache=True, nogil=True)
def _queued(
    pending: np.ndarray, new: np.ndarray, log_u: np.ndarray, log_p: float, month: int
) -> np.ndarray:  # pragma: no cover - compiled
    """The ``pending`` introductions, then the ``new`` ones with their interview month (compiled).

    The month is ``month`` plus the geometric lag of
    :func:`~throughflow.randomness.months_from_logs`; it is written into ``new`` too.
    """
    out = np.empty((pending.shape[0] + new.shape[0], 4), dtype=np.int64)
    out[: pending.shape[0]] = pending
    for i in range(new.shape[0]):
        new[i, 3] = month + months_from_logs(log_u[i], log_p)
    out[pending.shape[0] :] = new
    return out


@njit(cache=True, nogil=True)
def _held_interviews(
    due: np.ndarray,
    seekers: np.ndarray,
    first_open: np.ndarray,
    n_refugees: int,
    n_employers: int,
    key: int,
    month: int,
    draw: int,
    p_interview: float,
) -> np.ndarray:  # pragma: no cover - compiled
    """The interviews held this month (compiled; :meth:`Hiring._interviews`).

    Of the introductions ``due`` (rows of seeker, employer, channel, month), those whose
    seeker still searches and whose employer still has an open vacancy; each is held when
    its counter-based uniform number (key ``seeker x (n_employers + 1) + employer``) is
    below ``p_interview``.

    Returns:
        One row per interview: seeker, employer, channel, vacancy.
    """
    searching = np.zeros(n_refugees + 1, dtype=np.bool_)
    for s in seekers:
        searching[s] = True
    out = np.empty((due.shape[0], 4), dtype=np.int64)
    pair = np.empty(due.shape[0], dtype=np.int64)
    n = 0
    for i in range(due.shape[0]):
        vacancy = first_open[due[i, 1]]
        if searching[due[i, 0]] and vacancy >= 0:
            out[n, 0], out[n, 1], out[n, 2], out[n, 3] = due[i, 0], due[i, 1], due[i, 2], vacancy
            pair[n] = due[i, 0] * (n_employers + 1) + due[i, 1]
            n += 1
    u = uniforms_compiled(key, month, pair[:n], draw)
    held = 0
    for i in range(n):
        out[held] = out[i]
        held += u[i] < p_interview
    return out[:held]


@njit(cache=True, nogil=True)
def _held_and_later(
    pending: np.ndarray,
    seekers: np.ndarray,
    first_open: np.ndarray,
    n_refugees: int,
    n_employers: int,
    key: int,
    month: int,
    draw: int,
    p_interview: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The interviews held of the ``pending`` introductions due by ``month``, and those still to come (compiled).

    :func:`_split_due` then :func:`_held_interviews`.

    Returns:
        The interviews' seeker, employer, channel and vacancy, and the introductions not yet due.
    """
    due, later = _split_due(pending, month)
    held = _held_interviews(due, seekers, first_open, n_refugees, n_employers, key, month, draw, p_interview)
    return held[:, 0].copy(), held[:, 1].copy(), held[:, 2].copy(), held[:, 3].copy(), later


@njit(cache=True, nogil=True)
def _of_channel(new: np.ndarray, channel: int) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The seeker and employer of the ``new`` introductions (rows of seeker, employer, channel, …) through ``channel``."""
    seeker = np.empty(new.shape[0], dtype=new.dtype)
    employer = np.empty(new.shape[0], dtype=new.dtype)
    n = 0
    for i in range(new.shape[0]):
        seeker[n], employer[n] = new[i, 0], new[i, 1]
        n += new[i, 2] == channel
    return seeker[:n], employer[:n]


@njit(cache=True, nogil=True)
def _applications(
    seekers: np.ndarray, n_cold: np.ndarray, warm_seeker: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The seekers who sent cold applications, how many, and their interviews after an introduction (compiled)."""
    n_warm = np.zeros(seekers.size, dtype=np.int64)
    for s in warm_seeker:
        at = np.searchsorted(seekers, s)
        if at < seekers.size:
            n_warm[at] += 1
    out_seeker, out_cold, out_warm = np.empty_like(seekers), np.empty_like(n_cold), np.empty_like(n_warm)
    n = 0
    for i in range(seekers.size):  # those with a cold application
        out_seeker[n], out_cold[n], out_warm[n] = seekers[i], n_cold[i], n_warm[i]
        n += n_cold[i] > 0
    return out_seeker[:n], out_cold[:n], out_warm[:n]


@njit(cache=True, nogil=True)
def _still_open(hired: np.ndarray, others: np.ndarray) -> tuple[np.ndarray, int]:  # pragma: no cover - compiled
    """Which vacancies stay open (not ``hired`` by a refugee, not taken by another job seeker), and how many others took."""
    open_ = np.ones(others.size, dtype=np.bool_)
    for v in hired:
        open_[v] = False
    taken = 0
    for v in range(others.size):
        if open_[v] and others[v] >= 0.0:
            open_[v] = False
            taken += 1
    return open_, taken


_ONE = np.ones(1)
"""A requirement factor of 1 for every interview."""


def _margin(model: ThroughflowModel, seeker: np.ndarray, vacancy: np.ndarray) -> np.ndarray:
    """How far a candidate exceeds the vacancy's requirements (negative: does not meet them)."""
    r, pool, lm = model.refugees, model.vacancies, model.scenario.labour_market
    visible = _visible(seeker, r.skill, r.recognition)
    factor = _ONE
    if model.hooks["visible_skill"] or model.hooks["requirement_factor"]:
        employer = pool.employer[vacancy]
        for hook in model.hooks["visible_skill"]:
            visible = hook(seeker, employer, visible)
        factor = np.atleast_1d(np.asarray(model.product("requirement_factor", employer), dtype=np.float64))
    return _margins(
        seeker, vacancy, visible, factor, pool.skill_req, pool.language_req, pool.sector, r.language, r.host_sector,
        r.job_sector, r.trade, lm.sector_experience_bonus, lm.confirmed_trade_bonus,
    )  # fmt: skip


@njit(cache=True, nogil=True)
def _visible(seeker: np.ndarray, skill: np.ndarray, recognition: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """Each candidate's visible skill: skill times recognition (compiled)."""
    out = np.empty(seeker.size, dtype=np.float64)
    for i in range(seeker.size):
        out[i] = skill[seeker[i]] * recognition[seeker[i]]
    return out


@njit(cache=True, nogil=True)
def _margins(
    seeker: np.ndarray,
    vacancy: np.ndarray,
    visible: np.ndarray,
    factor: np.ndarray,
    skill_req: np.ndarray,
    language_req: np.ndarray,
    sector: np.ndarray,
    language: np.ndarray,
    host_sector: np.ndarray,
    job_sector: np.ndarray,
    trade: np.ndarray,
    experience_bonus: float,
    trade_bonus: float,
) -> np.ndarray:  # pragma: no cover - compiled
    """Margins of the interviews (compiled; :func:`_margin`).

    The smaller of the visible skill's and Dutch's excess over the vacancy's requirements
    (times ``factor``: one per interview, or one for all); a candidate who meets them gains
    a bonus for local work experience in the vacancy's sector (an art. 60 place or an NEC
    job), and more when that experience confirms the trade learnt abroad.
    """
    out = np.empty(seeker.size)
    for i in range(seeker.size):
        s, v = seeker[i], vacancy[i]
        f = factor[i] if factor.size == seeker.size else factor[0]
        margin = min(visible[i] - skill_req[v] * f, language[s] - language_req[v] * f)
        here = sector[v]
        local = (host_sector[s] == here) | (job_sector[s] == here)
        confirmed = local & (trade[s] == here)
        out[i] = margin + (experience_bonus * local + trade_bonus * confirmed) if margin >= 0.0 else margin
    return out


def hire(model: ThroughflowModel, rows: np.ndarray, employers: np.ndarray, month: int, channel: np.ndarray | int = 0) -> None:
    """Hire refugees: ART60 workers hold the offer to contract end, everyone else starts now.

    Args:
        model: The model.
        rows: Refugee indices.
        employers: Hiring employer per refugee.
        month: The current month.
        channel: How the application came in (:class:`~throughflow.enums.Channel`).

    """
    r = model.refugees
    model.events.log(month, model.event_code["hire"], rows, employers, channel)
    start_job(model, *_hold_offers(rows, employers, r.status, r.offer, model.employers.staff), month)


@njit(cache=True, nogil=True)
def _hold_offers(
    rows: np.ndarray, employers: np.ndarray, status: np.ndarray, offer: np.ndarray, staff: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """Count the hires in the employers' ``staff``; ART60 workers hold the offer; the others, who start now (compiled).

    Returns:
        The rows and employers of the hires who are not on an art. 60 contract, in order.
    """
    now = np.empty(rows.size, dtype=rows.dtype)
    at = np.empty(rows.size, dtype=employers.dtype)
    n = 0
    for i in range(rows.size):
        staff[employers[i]] += 1
        if status[rows[i]] == _ART60:
            offer[rows[i]] = employers[i]
        else:
            now[n], at[n] = rows[i], employers[i]
            n += 1
    return now[:n], at[:n]
