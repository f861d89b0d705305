"""Pillar 3: the ecosystem of learning labs and employer support (ODD: step 5).

Each activity has a calendar, a number of seats and an effect, and can be switched off on
its own: conversation clubs (language), workshops (skill), speed dating (several employer
contacts, some become ties), slow dating (job shadowing: the employer sees true skill and a
warm tie forms), apprenticeships (a period in an NEC firm that converts into a job when the
apprentice meets the post's requirements), network events (ties for mentees and mentors;
community building raises mentor recruitment, see :mod:`mentoring`), job-design
partnerships (see :mod:`vacancies`), diversity training (lower bias that fades within about
three months, Derous, Nguyen & Ryan 2021; see :mod:`hiring`) and team support (see
:mod:`employment`). Seats go to mentees first, then to other job seekers at random.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.enums import N_QUAL, SECTORS, Event, Lab, Status
from throughflow.population import NO
from throughflow.processes.hiring import hire_apprentices, job_seekers
from throughflow.processes.transitions import learn_language, tie_fades
from throughflow.randomness import below

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


LEARNING = np.isin(np.arange(len(Status)), [Status.WAITING, Status.ART60, Status.UNEMPLOYED])
"""Statuses whose refugees can join conversation clubs (indexed by status)."""


def _seats(model: ThroughflowModel, seats: float) -> int:
    return round(seats * model.scenario.population.scale)


def _pick(model: ThroughflowModel, candidates: np.ndarray, seats: int, rng: np.random.Generator) -> np.ndarray:
    """Mentees first, then others, at random, up to ``seats``."""
    if candidates.size == 0 or seats <= 0:
        return candidates[:0]
    enrolled = model.refugees.enrolled[candidates]
    mentees, others = candidates[enrolled], candidates[~enrolled]
    if mentees.size >= seats:
        return np.sort(rng.choice(mentees, size=seats, replace=False, shuffle=False))
    rest = seats - mentees.size
    if rest >= others.size:
        return np.concatenate([mentees, others])
    return np.concatenate([mentees, np.sort(rng.choice(others, size=rest, replace=False, shuffle=False))])


def _partners(model: ThroughflowModel, trades: np.ndarray, rng: np.random.Generator, count: int = 1) -> np.ndarray:
    """``count`` participating employers per participant, in the participant's trade when possible.

    Returns:
        Employer indices, shape ``(len(trades), count)``; -1 where no employer takes part.
    """
    e = model.employers
    part = e.participants
    if part.size == 0 or trades.size == 0:
        return np.full((trades.size, count), NO, dtype=np.int64)
    u = rng.random((trades.size, count))
    size = e.participants_per_sector[trades][:, None]
    start = e.participants_sector_start[trades][:, None]
    own = e.participants_by_sector[np.minimum(start + (u * size).astype(np.int64), part.size - 1)]
    anyone = part[(u * part.size).astype(np.int64)]
    return np.where(size > 0, own, anyone)


def run_labs(model: ThroughflowModel, month: int) -> None:
    """Run this month's lab activities and employer-support rounds.

    Args:
        model: The model.
        month: The current month.

    """
    labs = model.scenario.labs
    if not labs.enabled:
        return
    rng = model.streams["labs"]
    r, e = model.refugees, model.employers
    rec = model.recorder
    status = r.column("status")
    employer_facing = (labs.job_design, labs.diversity_training, labs.team_support, labs.speed_dating, labs.slow_dating)
    if any(employer_facing) or labs.apprenticeships or labs.network_events:
        rec.cost_now["employer_support"] += e.participates.sum() * model.scenario.costs.employer_support_eur_month

    def attend(rows: np.ndarray, lab: Lab) -> None:
        model.events.log(month, Event.LAB, rows, int(lab))
        rec.lab_seats_now += np.bincount(r.qualification[rows], minlength=N_QUAL)

    if labs.conversation_clubs:
        learners = np.flatnonzero(LEARNING[status])
        club = _pick(model, learners, _seats(model, labs.club_seats), rng)
        learn_language(model, club, labs.club_hours_per_month * model.scenario.mentoring.practice_efficiency)
        attend(club, Lab.CONVERSATION_CLUB)

    seekers = job_seekers(model, month)
    if labs.workshops and month % labs.workshop_every_months == 0:
        shop = _pick(model, seekers, _seats(model, labs.workshop_seats), rng)
        r.skill[shop] += labs.workshop_skill_gain * (1.0 - r.skill[shop])
        attend(shop, Lab.WORKSHOP)

    if labs.speed_dating and month % labs.speed_dating_every_months == 0:
        dating = _pick(model, seekers, _seats(model, labs.speed_dating_seats), rng)
        contacts = _partners(model, r.trade[dating], rng, labs.contacts_per_speed_date)
        kept = (contacts != NO) & (rng.random(contacts.shape) < labs.p_contact_tie)
        _give_ties(model, month, np.repeat(dating, labs.contacts_per_speed_date)[kept.ravel()], contacts[kept])
        attend(dating, Lab.SPEED_DATING)

    if labs.slow_dating and month % labs.slow_dating_every_months == 0:
        shadow = _pick(model, seekers, _seats(model, labs.slow_dating_seats), rng)
        host = _partners(model, r.trade[shadow], rng)[:, 0]
        shadow, host = shadow[host != NO], host[host != NO]
        _give_ties(model, month, shadow, host)
        r.seen_by[shadow] = host
        attend(shadow, Lab.SLOW_DATING)

    _apprenticeships(model, month, seekers, rng)

    if labs.network_events and month % labs.network_every_months == 0:
        guests = _pick(model, seekers, _seats(model, labs.network_seats), rng)
        met = guests[rng.random(guests.size) < labs.p_network_tie]
        employer = _partners(model, r.trade[met], rng)[:, 0]
        _give_ties(model, month, met[employer != NO], employer[employer != NO])
        _mentor_ties(model, guests, rng)
        attend(guests, Lab.NETWORK_EVENT)

    if labs.diversity_training and month % labs.training_every_months == 0:
        e.trained[e.participates] = month


def _mentor_ties(model: ThroughflowModel, guests: np.ndarray, rng: np.random.Generator) -> None:
    """Mentors who come along with their mentees meet employers too (a tie in a free slot)."""
    r, mt = model.refugees, model.mentors
    mentor = r.mentor[guests]
    mentors = np.flatnonzero(np.bincount(mentor[mentor != NO], minlength=model.mentors.n))
    mentors = mentors[rng.random(mentors.size) < model.scenario.labs.p_network_tie]
    employer = _partners(model, below(rng, len(SECTORS), mentors.size), rng)[:, 0]
    held = mt.ties[mentors]
    room = (held == NO).any(axis=1) & ~(held == employer[:, None]).any(axis=1) & (employer != NO)
    mentors, employer, held = mentors[room], employer[room], held[room]
    mt.ties[mentors, np.argmax(held == NO, axis=1)] = employer


def _apprenticeships(model: ThroughflowModel, month: int, seekers: np.ndarray, rng: np.random.Generator) -> None:
    labs = model.scenario.labs
    r = model.refugees
    ending = np.flatnonzero(r.column("apprentice_until") == month)
    if ending.size:
        hire_apprentices(model, ending, month)
        r.apprentice_until[ending] = NO
        r.apprentice_at[ending] = NO
    if not (labs.apprenticeships and month % labs.apprentice_every_months == 0):
        return
    apprentices = _pick(model, seekers, _seats(model, labs.apprentice_seats), rng)
    firm = _partners(model, r.trade[apprentices], rng)[:, 0]
    placed, firm = apprentices[firm != NO], firm[firm != NO]
    r.apprentice_at[placed] = firm
    r.apprentice_until[placed] = month + labs.apprentice_months
    r.skill[placed] += labs.apprentice_skill_gain * (1.0 - r.skill[placed])
    _give_ties(model, month, placed, firm)
    model.events.log(month, Event.LAB, placed, int(Lab.APPRENTICESHIP), firm)
    model.recorder.cost_now["apprenticeships"] += placed.size * model.scenario.costs.apprentice_eur


def _give_ties(model: ThroughflowModel, month: int, rows: np.ndarray, employers: np.ndarray) -> None:
    """New weak ties of refugees ``rows`` to ``employers``, formed this month."""
    model.refugees.add_tie(rows, employers, tie_fades(model, month, model.streams["ties"], len(rows)), month)
