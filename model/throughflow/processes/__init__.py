"""The mechanisms of the model, one per module, and their registration (the schedule).

Each mechanism (:class:`~throughflow.mechanism.Mechanism`) declares its parameter section,
state columns, events, counters, random streams and when it is active, and owns its monthly
step. :data:`MECHANISMS` registers them; within a phase of the month they run in this order.
A pillar of the mentoring-to-NEC model is the set of mechanisms that name it as ``pillar``.
Per-agent decisions draw counter-based numbers fixed by (mechanism, month, agent), and other
draws come from the mechanism's own named streams, so switching one mechanism on or off
leaves the random numbers of the others unchanged (common random numbers across scenarios).
"""

from __future__ import annotations

from typing import Any

from throughflow.mechanism import Mechanism
from throughflow.processes.advocacy import PlacementAdvocacy
from throughflow.processes.arrivals import Arrivals
from throughflow.processes.contracts import Contracts
from throughflow.processes.employment import Employment
from throughflow.processes.enrolment import Enrolment
from throughflow.processes.hiring import Hiring
from throughflow.processes.labs.apprenticeships import Apprenticeships
from throughflow.processes.labs.clubs import ConversationClubs
from throughflow.processes.labs.co_design import CoDesign
from throughflow.processes.labs.community import Community
from throughflow.processes.labs.diversity_training import DiversityTraining
from throughflow.processes.labs.ecosystem import Ecosystem
from throughflow.processes.labs.growth_paths import GrowthPaths
from throughflow.processes.labs.job_design import JobDesign
from throughflow.processes.labs.network_events import NetworkEvents
from throughflow.processes.labs.slow_dating import SlowDating
from throughflow.processes.labs.speed_dating import SpeedDating
from throughflow.processes.labs.team_support import TeamSupport
from throughflow.processes.labs.workshops import Workshops
from throughflow.processes.one_on_one.holistic_support import HolisticSupport
from throughflow.processes.one_on_one.language_practice import LanguagePractice
from throughflow.processes.one_on_one.pass_ties import PassTies
from throughflow.processes.one_on_one.recognition import RecognitionAdvocacy
from throughflow.processes.one_on_one.referral import Referral
from throughflow.processes.one_on_one.search_support import SearchSupport
from throughflow.processes.one_on_one.stay_on import StayOn
from throughflow.processes.organisation.coaching import Coaching
from throughflow.processes.organisation.exchange import MenteeExchange
from throughflow.processes.organisation.guidance import HolisticGuidance
from throughflow.processes.organisation.intervision import Intervision
from throughflow.processes.organisation.matching import Matching
from throughflow.processes.organisation.organisation import Organisation
from throughflow.processes.placement import Placement
from throughflow.processes.story import Story
from throughflow.processes.trial import Trial
from throughflow.processes.vacancies import Vacancies
from throughflow.processes.volunteers import Volunteers
from throughflow.processes.work_experience import WorkExperience

MECHANISMS: tuple[type[Mechanism[Any]], ...] = (
    # the world
    Story,
    Arrivals,
    Placement,
    WorkExperience,
    Vacancies,
    Hiring,
    Contracts,
    Employment,
    # pillars 1 and 2: the programme, its volunteers and organisation
    Volunteers,
    Enrolment,
    Trial,
    Organisation,
    Matching,
    Coaching,
    Intervision,
    MenteeExchange,
    HolisticGuidance,
    SearchSupport,
    LanguagePractice,
    PassTies,
    RecognitionAdvocacy,
    Referral,
    PlacementAdvocacy,
    HolisticSupport,
    StayOn,
    # pillar 3: the ecosystem of learning labs, community and employer support
    Ecosystem,
    ConversationClubs,
    Workshops,
    SpeedDating,
    SlowDating,
    Apprenticeships,
    NetworkEvents,
    Community,
    GrowthPaths,
    CoDesign,
    JobDesign,
    DiversityTraining,
    TeamSupport,
)
"""Every mechanism of the model, in schedule order within each phase of the month."""

PILLARS = ("one_on_one", "organisation", "labs")
"""The pillars of the mentoring-to-NEC model (each the section of its switch, ``<pillar>.enabled``)."""
