"""Job search, screening and hiring (ODD: step 7; submodel "Vacancies and hiring").

Job seekers (ART60 workers in the last months of their contract without an offer, and the
unemployed) send cold applications to random open vacancies within their commute
tolerance, in number set by their search effectiveness. Employers screen cold applications:
in non-bottleneck occupations applicants with foreign names get about half the callbacks of
natives, in bottleneck occupations there is no gap (Baert, Cockx, Gheyle & Vandamme 2013);
recent diversity training lowers bias for a few months (Derous et al. 2021). Warm
applications — through the refugee's own employer ties, a mentor's referral, or a WISE job
coach's referral — skip screening. Among screened candidates who meet the requirements
(visible skill = skill x recognition, or true skill where the employer has seen the person
at work), the employer hires the best if they beat the outside competition.
An ART60 worker who is hired holds the offer and starts at contract end.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.enums import Event, Status
from throughflow.population import NO
from throughflow.processes.transitions import start_job
from throughflow.processes.vacancies import draw_requirement
from throughflow.randomness import below

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel

COLD, OWN_TIE, MENTOR_REFERRAL, COACH_REFERRAL, APPRENTICESHIP = 0, 1, 2, 3, 4
"""Hiring channels (logged as the value of HIRE events)."""


def job_seekers(model: ThroughflowModel, month: int) -> np.ndarray:
    """Refugees searching this month (not during an apprenticeship)."""
    r = model.refugees
    status = r.column("status")
    window = r.column("contract_end") < month + model.scenario.art60.search_window_months
    seeking = (status == Status.UNEMPLOYED) | ((status == Status.ART60) & window & (r.column("offer") == NO))
    labs = model.scenario.labs
    if labs.enabled and labs.apprenticeships:  # no search during an apprenticeship
        seeking &= r.column("apprentice_until") < month
    return np.flatnonzero(seeking)


def bias_now(model: ThroughflowModel, month: int) -> np.ndarray:
    """Effective bias of every employer: baseline bias, lowered by fading diversity training."""
    e = model.employers
    labs = model.scenario.labs
    if not (labs.enabled and labs.diversity_training):
        return e.bias  # never trained
    fade = np.clip(1.0 - (month - e.trained) / labs.training_fade_months, 0.0, 1.0)
    return e.bias * (1.0 - labs.training_bias_cut * fade)


def search_and_hire(model: ThroughflowModel, month: int) -> None:
    """Applications, screening and hires of this month.

    Args:
        model: The model.
        month: The current month.

    """
    pool = model.vacancies
    seekers = job_seekers(model, month)
    rng = model.streams["hiring"]
    competition = rng.exponential(1.0, size=pool.n)
    if seekers.size == 0 or pool.n == 0:
        return
    r, s = model.refugees, model.scenario
    lm = s.labour_market
    coach = _coach_rate(model, seekers)
    effort = np.minimum(1.0, r.search[seekers] + coach)  # guidance also makes the search itself better
    n_cold = rng.poisson(lm.applications_per_month * effort)
    seeker = np.repeat(seekers, n_cold)
    vacancy = below(rng, pool.n, seeker.size)
    u_screen = rng.random(seeker.size)
    in_reach = np.flatnonzero(_in_reach(model, seeker, vacancy))
    seeker, vacancy, u_screen = seeker[in_reach], vacancy[in_reach], u_screen[in_reach]
    bottleneck = pool.bottleneck[vacancy]
    bias = bias_now(model, month)[pool.employer[vacancy]]
    p_native = lm.p_callback_native * _duration_factor(model, seeker, month)
    passed = u_screen < p_native * np.where(bottleneck, 1.0 - lm.bottleneck_bias_factor * bias, 1.0 - bias)
    model.recorder.count_screening(bottleneck, passed, r.qualification[seeker], p_native)

    warm_seeker, warm_vacancy, warm_kind = _warm(model, seekers, coach, rng, month)
    cold = np.flatnonzero(passed)
    seeker = np.concatenate([seeker[cold], warm_seeker])
    vacancy = np.concatenate([vacancy[cold], warm_vacancy])
    kind = np.concatenate([np.zeros(cold.size, dtype=np.int8), warm_kind])
    _log_applications(model, month, seekers, n_cold, warm_seeker, warm_vacancy, warm_kind)
    if seeker.size == 0:
        return
    margin = _margin(model, seeker, vacancy)
    threshold = competition[vacancy] * lm.outside_competition * np.where(pool.bottleneck[vacancy], lm.bottleneck_competition, 1.0)
    pick = np.flatnonzero(margin > threshold)
    # best candidate per vacancy, then each seeker takes their best offer, best margins first
    pick = pick[np.argsort(-margin[pick], kind="stable")]
    pick = pick[_first_of_each(vacancy[pick], pool.n)]
    pick = pick[_first_of_each(seeker[pick], r.n)]
    seeker, vacancy, kind = seeker[pick], vacancy[pick], kind[pick]
    employer = pool.employer[vacancy]
    room = np.flatnonzero(_within_room(model, employer))
    seeker, vacancy, kind = seeker[room], vacancy[room], kind[room]
    hire(model, seeker, employer[room], month, kind)
    still_open = np.ones(pool.n, dtype=bool)
    still_open[vacancy] = False
    pool.keep(still_open)


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


def _within_room(model: ThroughflowModel, employers: np.ndarray) -> np.ndarray:
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


def _in_reach(model: ThroughflowModel, seeker: np.ndarray, vacancy: np.ndarray) -> np.ndarray:
    """Whether each vacancy is within its applicant's commute tolerance."""
    r = model.refugees
    minutes = model.region.minutes
    cell = r.home[seeker] * minutes.shape[1] + model.vacancies.municipality[vacancy]  # flat index: faster than 2-D
    return minutes.ravel()[cell] <= r.commute_tolerance[seeker]


def _margin(model: ThroughflowModel, seeker: np.ndarray, vacancy: np.ndarray) -> np.ndarray:
    """How far a candidate exceeds the vacancy's requirements (negative: does not meet them)."""
    r, pool, lm = model.refugees, model.vacancies, model.scenario.labour_market
    labs = model.scenario.labs
    skill = r.skill[seeker]
    visible = skill * r.recognition[seeker]
    if labs.enabled and labs.slow_dating:  # an employer who has seen the person at work sees true skill
        visible = np.where(r.seen_by[seeker] == pool.employer[vacancy], skill, visible)
    skill_req, language_req = pool.skill_req[vacancy], pool.language_req[vacancy]
    if labs.enabled and labs.job_design:  # redesigned vacancies ask less
        keep = np.where(pool.redesigned[vacancy], 1.0 - labs.job_design_requirement_cut, 1.0)
        skill_req, language_req = skill_req * keep, language_req * keep
    skill_gap = visible - skill_req
    language_gap = r.language[seeker] - language_req
    margin = np.minimum(skill_gap, language_gap)
    experienced = (r.host_sector[seeker] == pool.sector[vacancy]) | (r.job_sector[seeker] == pool.sector[vacancy])
    return np.where(margin >= 0.0, margin + lm.sector_experience_bonus * experienced, margin)


def _warm(
    model: ThroughflowModel, seekers: np.ndarray, coach: np.ndarray, rng: np.random.Generator, month: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Warm applications: own ties, mentor referrals, WISE job-coach referrals."""
    r, pool = model.refugees, model.vacancies
    first_open = pool.first_open_by_employer(model.employers.n)
    tied = r.tied(seekers, month)
    channels = [(tied, r.held_ties(tied, month), OWN_TIE)]
    m = model.scenario.mentoring
    if m.one_on_one and m.activities.referral:
        mentees = seekers[r.mentor[seekers] != NO]
        channels.append((mentees, model.mentors.ties[r.mentor[mentees]], MENTOR_REFERRAL))
    u = rng.random(seekers.size)
    coached = seekers[u < coach]
    if coached.size and pool.n:
        picks = below(rng, pool.n, (coached.size, 4))
        channels.append((coached, pool.employer[picks], COACH_REFERRAL))
    holders, vacancies, kinds = [], [], []
    for holder, ties, channel in channels:
        vac = first_open[ties].ravel()  # an empty tie slot (NO) reads the sentinel: no vacancy
        hit = np.flatnonzero(vac >= 0)
        holders.append(holder[hit // ties.shape[1]])
        vacancies.append(vac[hit])
        kinds.append(np.full(hit.size, channel, dtype=np.int8))
    seeker, vacancy, kind = np.concatenate(holders), np.concatenate(vacancies), np.concatenate(kinds)
    ok = np.flatnonzero(_in_reach(model, seeker, vacancy))
    seeker, vacancy, kind = seeker[ok], vacancy[ok], kind[ok]
    # one application per seeker and vacancy: the first channel that reaches it (ordered by seeker, vacancy)
    key = seeker.astype(np.int64) * (pool.n + 1) + vacancy
    order = np.argsort(key, kind="stable")
    first = np.ones(order.size, dtype=bool)
    first[1:] = key[order[1:]] != key[order[:-1]]
    unique = order[first]
    return seeker[unique], vacancy[unique], kind[unique]


def _log_applications(
    model: ThroughflowModel,
    month: int,
    seekers: np.ndarray,
    n_cold: np.ndarray,
    warm_seeker: np.ndarray,
    warm_vacancy: np.ndarray,
    warm_kind: np.ndarray,
) -> None:
    model.recorder.warm_now += warm_seeker.size
    if not model.events.enabled:
        return
    r = model.refugees
    n_warm = np.bincount(np.searchsorted(seekers, warm_seeker), minlength=seekers.size)
    active = (n_cold > 0) | (n_warm > 0)
    model.events.log(month, Event.APPLY, seekers[active], n_cold[active], n_warm[active])
    m = model.scenario.mentoring
    if not (m.one_on_one and m.activities.referral):
        return
    referred = warm_kind == MENTOR_REFERRAL
    model.events.log(
        month,
        Event.REFER,
        warm_seeker[referred],
        model.vacancies.employer[warm_vacancy[referred]],
        r.mentor[warm_seeker[referred]],
    )


def hire(model: ThroughflowModel, rows: np.ndarray, employers: np.ndarray, month: int, channel: np.ndarray | int = COLD) -> None:
    """Hire refugees: the unemployed start now, ART60 workers hold the offer to contract end.

    Args:
        model: The model.
        rows: Refugee indices.
        employers: Hiring employer per refugee.
        month: The current month.
        channel: How the application came in (cold, own tie, mentor, coach, apprenticeship).

    """
    r = model.refugees
    model.events.log(month, Event.HIRE, rows, employers, channel)
    model.employers.take_on(employers)
    on_art60 = r.status[rows] == Status.ART60
    r.offer[rows[on_art60]] = employers[on_art60]
    start_job(model, rows[~on_art60], employers[~on_art60], month)


def hire_apprentices(model: ThroughflowModel, rows: np.ndarray, month: int) -> None:
    """Convert apprenticeships into jobs where the firm has a post the apprentice can fill.

    The firm has seen the apprentice work, so it judges true skill; the post's requirements
    are drawn like a vacancy's, lowered by job design when that activity runs.

    Args:
        model: The model.
        rows: Refugees whose apprenticeship ends this month.
        month: The current month.

    """
    r, lm = model.refugees, model.scenario.labour_market
    rng = model.streams["labs"]
    u = rng.random(rows.size)
    labs = model.scenario.labs
    cut = labs.job_design_requirement_cut if labs.job_design else 0.0  # apprenticeship firms take part in job design
    skill_req = draw_requirement(rng, lm.skill_requirement, rows.size) * (1.0 - cut)
    language_req = draw_requirement(rng, lm.language_requirement, rows.size) * (1.0 - cut)
    searching = (r.status[rows] == Status.UNEMPLOYED) | ((r.status[rows] == Status.ART60) & (r.offer[rows] == NO))
    converts = searching & (u < labs.p_apprentice_hire) & (r.skill[rows] >= skill_req) & (r.language[rows] >= language_req)
    converts[converts] &= _within_room(model, r.apprentice_at[rows[converts]])
    hire(model, rows[converts], r.apprentice_at[rows[converts]], month, APPRENTICESHIP)
