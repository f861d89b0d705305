"""Job search, screening and hiring (ODD: step 7; submodel "Vacancies and hiring").

Job seekers (ART60 workers in the last months of their contract without an offer, and the
unemployed; not those busy elsewhere, hook ``busy``) send cold applications to random open
vacancies within their commute tolerance, in number set by their search effectiveness.
Employers screen cold applications: in non-bottleneck occupations applicants with foreign
names get about half the callbacks of natives, in bottleneck occupations there is no gap
(Baert, Cockx, Gheyle & Vandamme 2013); the ``bias`` hook lowers bias (diversity training).
Warm applications — through the refugee's own employer ties, a trajectory guide's or WISE
job coach's referral, or a mechanism's channel (hook ``warm_applications``: a mentor's
referral) — skip screening. Among screened candidates who meet the requirements (visible
skill = skill x recognition, hook ``visible_skill``; requirements lowered by hook
``requirement_factor``), the employer hires the best if they beat the outside competition.
An ART60 worker who is hired holds the offer and starts at contract end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from throughflow.enums import Channel, Status
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import Section
from throughflow.population import NO
from throughflow.processes.transitions import start_job
from throughflow.randomness import below

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel
    from throughflow.words import Words

CHANNEL_WORDS = {
    Channel.COLD: "a cold application",
    Channel.OWN_TIE: "an own contact",
    Channel.MENTOR_REFERRAL: "a mentor referral",
    Channel.COACH_REFERRAL: "a WISE job coach's referral",
    Channel.APPRENTICESHIP: "an apprenticeship",
}


def job_seekers(model: ThroughflowModel, month: int) -> np.ndarray:
    """Refugees searching this month (not those busy elsewhere, e.g. on an apprenticeship)."""
    r = model.refugees
    status = r.column("status")
    window = r.column("contract_end") < month + model.scenario.art60.search_window_months
    seeking = (status == Status.UNEMPLOYED) | ((status == Status.ART60) & window & (r.column("offer") == NO))
    rows = np.flatnonzero(seeking)
    for busy in model.hooks["busy"]:
        rows = rows[~busy(rows, month)]
    return rows


def bias_now(model: ThroughflowModel, month: int) -> np.ndarray:
    """Effective bias of every employer: baseline bias, lowered by hooks (fading diversity training)."""
    bias = model.employers.bias
    for hook in model.hooks["bias"]:
        bias = hook(month, bias)
    return bias


class Hiring(Mechanism[Section]):
    """Applications, screening and hires."""

    name = "hiring"
    reads = ("labour_market", "art60")
    events = ("apply", "hire", "start_job")
    streams = ("coach",)
    steps = {Phase.HIRE: "search_and_hire"}

    def search_and_hire(self, month: int) -> None:
        """Applications, screening and hires of this month."""
        model = self.model
        pool = model.vacancies
        seekers = job_seekers(model, month)
        rng = self.stream()
        competition = rng.exponential(1.0, size=pool.n)
        if seekers.size == 0 or pool.n == 0:
            return
        r, lm = model.refugees, model.scenario.labour_market
        coach = _coach_rate(model, seekers)
        effort = r.search[seekers] + coach  # guidance also makes the search itself better
        for boost in model.hooks["search_effort"]:
            effort = effort + boost(seekers)
        n_cold = rng.poisson(lm.applications_per_month * np.minimum(1.0, effort))
        seeker = np.repeat(seekers, n_cold)
        vacancy = below(rng, pool.n, seeker.size)
        u_screen = rng.random(seeker.size)
        in_reach = np.flatnonzero(in_commute(model, seeker, vacancy))
        seeker, vacancy, u_screen = seeker[in_reach], vacancy[in_reach], u_screen[in_reach]
        bottleneck = pool.bottleneck[vacancy]
        bias = bias_now(model, month)[pool.employer[vacancy]]
        p_native = lm.p_callback_native * _duration_factor(model, seeker, month)
        passed = u_screen < p_native * np.where(bottleneck, 1.0 - lm.bottleneck_bias_factor * bias, 1.0 - bias)
        model.recorder.count_screening(bottleneck, passed, r.qualification[seeker], p_native)

        warm_seeker, warm_vacancy, warm_kind = self._warm(seekers, coach, month)
        cold = np.flatnonzero(passed)
        seeker = np.concatenate([seeker[cold], warm_seeker])
        vacancy = np.concatenate([vacancy[cold], warm_vacancy])
        kind = np.concatenate([np.zeros(cold.size, dtype=np.int8), warm_kind])
        self._log_applications(month, seekers, n_cold, warm_seeker)
        if seeker.size == 0:
            return
        margin = _margin(model, seeker, vacancy)
        threshold = (
            competition[vacancy] * lm.outside_competition * np.where(pool.bottleneck[vacancy], lm.bottleneck_competition, 1.0)
        )
        pick = np.flatnonzero(margin > threshold)
        # best candidate per vacancy, then each seeker takes their best offer, best margins first
        pick = pick[np.argsort(-margin[pick], kind="stable")]
        pick = pick[_first_of_each(vacancy[pick], pool.n)]
        pick = pick[_first_of_each(seeker[pick], r.n)]
        seeker, vacancy, kind = seeker[pick], vacancy[pick], kind[pick]
        employer = pool.employer[vacancy]
        room = np.flatnonzero(within_room(model, employer))
        seeker, vacancy, kind = seeker[room], vacancy[room], kind[room]
        hire(model, seeker, employer[room], month, kind)
        still_open = np.ones(pool.n, dtype=bool)
        still_open[vacancy] = False
        pool.keep(still_open)

    def _warm(self, seekers: np.ndarray, coach: np.ndarray, month: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Warm applications: own ties, guide and coach referrals, and the mechanisms' channels."""
        model = self.model
        r, pool = model.refugees, model.vacancies
        first_open = pool.first_open_by_employer(model.employers.n)
        tied = r.tied(seekers, month)
        channels: list[tuple[np.ndarray, np.ndarray, int, Any]] = [(tied, r.held_ties(tied, month), Channel.OWN_TIE, None)]
        for hook in model.hooks["warm_applications"]:
            holders, employers, channel = hook(seekers, month)
            channels.append((holders, employers, int(channel), getattr(hook, "__self__", None)))
        rng = self.stream("coach")
        coached = seekers[rng.random(seekers.size) < coach]
        if coached.size and pool.n:
            picks = below(rng, pool.n, (coached.size, 4))
            channels.append((coached, pool.employer[picks], Channel.COACH_REFERRAL, None))
        holders_, vacancies, kinds = [], [], []
        for holder, ties, channel, _ in channels:
            vac = first_open[ties].ravel()  # an empty tie slot (NO) reads the sentinel: no vacancy
            hit = np.flatnonzero(vac >= 0)
            holders_.append(holder[hit // ties.shape[1]])
            vacancies.append(vac[hit])
            kinds.append(np.full(hit.size, channel, dtype=np.int8))
        seeker, vacancy, kind = np.concatenate(holders_), np.concatenate(vacancies), np.concatenate(kinds)
        ok = np.flatnonzero(in_commute(model, seeker, vacancy))
        seeker, vacancy, kind = seeker[ok], vacancy[ok], kind[ok]
        # one application per seeker and vacancy: the first channel that reaches it (ordered by seeker, vacancy)
        key = seeker.astype(np.int64) * (pool.n + 1) + vacancy
        order = np.argsort(key, kind="stable")
        first = np.ones(order.size, dtype=bool)
        first[1:] = key[order[1:]] != key[order[:-1]]
        unique = order[first]
        seeker, vacancy, kind = seeker[unique], vacancy[unique], kind[unique]
        model.recorder.add("warm_applications", seeker.size)
        if model.events.enabled:
            for _, _, channel, provider in channels:
                if provider is not None and hasattr(provider, "applied"):
                    mine = kind == channel
                    provider.applied(seeker[mine], pool.employer[vacancy[mine]], month)
        return seeker, vacancy, kind

    def _log_applications(self, month: int, seekers: np.ndarray, n_cold: np.ndarray, warm_seeker: np.ndarray) -> None:
        if not self.model.events.enabled:
            return
        n_warm = np.bincount(np.searchsorted(seekers, warm_seeker), minlength=seekers.size)
        active = (n_cold > 0) | (n_warm > 0)
        self.log(month, "apply", seekers[active], n_cold[active], n_warm[active])

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """Applications, hires and job starts in words."""
        if event == "apply":
            return f"{words.name} sends {ref} cold application(s); {value:.0f} warm application(s)."
        if event == "hire":
            channel = CHANNEL_WORDS.get(Channel(int(value)), "an application")
            return f"{words.name} is hired by {words.employer(ref)} through {channel}."
        return f"{words.name} starts an NEC job at {words.employer(ref)} ({value:.0f} min commute)."


def _first_of_each(keys: np.ndarray, n: int) -> np.ndarray:
    """Mask of the first occurrence of each key (keys are integers in ``[0, n)``), order kept."""
    first = np.empty(n, dtype=np.int64)
    positions = np.arange(keys.size)
    first[keys[::-1]] = positions[::-1]  # with repeated keys the last assignment wins: the first occurrence
    return first[keys] == positions


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
    """Mask of hires that keep every employer's refugee headcount within its size."""
    room = model.employers.posts - model.employers.staff
    order = np.argsort(employers, kind="stable")
    sorted_emp = employers[order]
    rank = np.arange(sorted_emp.size) - np.searchsorted(sorted_emp, sorted_emp, side="left")
    keep = np.empty(employers.size, dtype=bool)
    keep[order] = rank < room[sorted_emp]
    return keep


def _duration_factor(model: ThroughflowModel, seeker: np.ndarray, month: int) -> np.ndarray:
    """Callback loss with time on benefit (employers read long unemployment as a bad signal)."""
    r, lm = model.refugees, model.scenario.labour_market
    unemployed = r.status[seeker] == Status.UNEMPLOYED
    months = np.where(unemployed, month - r.status_since[seeker], 0)
    return 1.0 - lm.duration_callback_loss * np.minimum(months, lm.duration_callback_months) / lm.duration_callback_months


def _coach_rate(model: ThroughflowModel, seekers: np.ndarray) -> np.ndarray:
    """Monthly probability of a warm referral by the trajectory guide or WISE job coach (ART60 only).

    Every art. 60 worker has trajectory guidance; a WISE adds transition support in
    proportion to its throughflow orientation.
    """
    a = model.scenario.art60
    host = model.refugees.host[seekers]
    rate = a.guidance_referral_per_month + model.hosts.orientation[host] * a.transition_support
    return np.where(host != NO, rate, 0.0)  # host NO picks the last host's orientation, masked here


def in_commute(model: ThroughflowModel, seeker: np.ndarray, vacancy: np.ndarray) -> np.ndarray:
    """Whether each vacancy is within its applicant's commute tolerance."""
    r = model.refugees
    minutes = model.region.minutes
    cell = r.home[seeker] * minutes.shape[1] + model.vacancies.municipality[vacancy]  # flat index: faster than 2-D
    return minutes.ravel()[cell] <= r.commute_tolerance[seeker]


def _margin(model: ThroughflowModel, seeker: np.ndarray, vacancy: np.ndarray) -> np.ndarray:
    """How far a candidate exceeds the vacancy's requirements (negative: does not meet them)."""
    r, pool, lm = model.refugees, model.vacancies, model.scenario.labour_market
    employer = pool.employer[vacancy]
    visible = r.skill[seeker] * r.recognition[seeker]
    for hook in model.hooks["visible_skill"]:
        visible = hook(seeker, employer, visible)
    factor = model.product("requirement_factor", employer)
    skill_gap = visible - pool.skill_req[vacancy] * factor
    language_gap = r.language[seeker] - pool.language_req[vacancy] * factor
    margin = np.minimum(skill_gap, language_gap)
    experienced = (r.host_sector[seeker] == pool.sector[vacancy]) | (r.job_sector[seeker] == pool.sector[vacancy])
    return np.where(margin >= 0.0, margin + lm.sector_experience_bonus * experienced, margin)


def hire(model: ThroughflowModel, rows: np.ndarray, employers: np.ndarray, month: int, channel: np.ndarray | int = 0) -> None:
    """Hire refugees: the unemployed start now, ART60 workers hold the offer to contract end.

    Args:
        model: The model.
        rows: Refugee indices.
        employers: Hiring employer per refugee.
        month: The current month.
        channel: How the application came in (:class:`~throughflow.enums.Channel`).

    """
    r = model.refugees
    model.events.log(month, model.event_code["hire"], rows, employers, channel)
    model.employers.take_on(employers)
    on_art60 = r.status[rows] == Status.ART60
    r.offer[rows[on_art60]] = employers[on_art60]
    start_job(model, rows[~on_art60], employers[~on_art60], month)
