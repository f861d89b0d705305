"""Enumerations shared by the whole model: statuses, qualifications, sectors, events."""

from __future__ import annotations

from enum import IntEnum


class Status(IntEnum):
    """Labour-market status of a refugee (exactly one at any month)."""

    WAITING = 0
    ART60 = 1
    NEC = 2
    WISE_JOB = 3
    UNEMPLOYED = 4
    INACTIVE = 5


class Qualification(IntEnum):
    """Qualification group: LOW (ISCED 0-2), MEDIUM (ISCED 3-4), HIGH (ISCED 5+)."""

    LOW = 0
    MEDIUM = 1
    HIGH = 2


class MentorStatus(IntEnum):
    """Status of a volunteer mentor."""

    AVAILABLE = 0
    PAIRED = 1
    LEFT = 2


class Channel(IntEnum):
    """How an application reached the employer (logged as the value of ``hire`` events)."""

    COLD = 0
    OWN_TIE = 1
    MENTOR_REFERRAL = 2
    COACH_REFERRAL = 3
    APPRENTICESHIP = 4
    WISE_PARTNER = 5


class PairEnd(IntEnum):
    """Why a mentoring pair ended."""

    COMPLETED = 0
    BREAKDOWN = 1
    MENTOR_LEFT = 2
    MENTEE_LEFT = 3


class Lab(IntEnum):
    """Learning-lab activities attended by refugees (logged with ``Event.LAB``)."""

    CONVERSATION_CLUB = 0
    WORKSHOP = 1
    SPEED_DATING = 2
    SLOW_DATING = 3
    APPRENTICESHIP = 4
    NETWORK_EVENT = 5
    EXCHANGE = 6


SECTORS: tuple[str, ...] = (
    "mechanics",
    "construction",
    "cleaning",
    "hospitality",
    "logistics",
    "care",
    "retail",
    "green",
)
"""Sectors of trades, hosts and employers (uniformly distributed: a structural assumption)."""

N_QUAL = len(Qualification)
N_STATUS = len(Status)
QUAL_NAMES: tuple[str, ...] = tuple(q.name.lower() for q in Qualification)
