"""The worked story (scenario ``juul_kamin``): one traced refugee and his mentor.

Kamin, an Iraqi mechanic, has lived in Belgium for ten years, isolated: no ties to employers
and weak Dutch. He becomes a client of the OCMW in month 1; when the scenario runs pillar 1,
Juul — a retired teacher and union representative with strong advocacy — is his mentor from
the start. A bicycle repair shop (a WISE in his trade)
has places near his home. Nothing else is scripted: the OCMW's offer, the advocacy, the
placement and what follows come from the same mechanisms as for everyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from throughflow.agents import Wise
from throughflow.enums import SECTORS, MentorStatus, Qualification
from throughflow.limits import LIMITS, Entity
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import SETTING, ScenarioBase, Section, Sector, par, share
from throughflow.processes.arrivals import add_refugees
from throughflow.processes.enrolment import programme_or_none
from throughflow.processes.volunteers import Volunteers

if TYPE_CHECKING:
    from throughflow.words import Words


class StoryPars(Section):
    """An optional traced refugee and mentor (scenario ``juul_kamin``)."""

    enabled: bool = par(False, unit="switch", doc="add the story's refugee and mentor", kind=SETTING)
    name: str = par("Kamin", unit="text", doc="name of the traced refugee", kind=SETTING)
    mentor_name: str = par("Juul", unit="text", doc="name of the story's mentor", kind=SETTING)
    trade: Sector = par("mechanics", unit="sector", doc="the refugee's trade (one of the model's sectors)", kind=SETTING)
    years_in_belgium: int = par(
        10,
        unit="years",
        doc="years the refugee has lived in Belgium before becoming an OCMW client (the story)",
        kind=SETTING,
        le=80,
    )
    home: int = par(0, unit="municipality index", doc="home municipality of refugee and mentor", kind=SETTING, ge=0, le=399)
    language: float = share(0.25, "the refugee's Dutch proficiency", 0.25, 0.25, kind=SETTING, unit="index 0-1")
    skill: float = share(0.45, "the refugee's job skill (an experienced mechanic)", 0.45, 0.45, kind=SETTING, unit="index 0-1")
    mentor_advocacy: float = share(
        0.9, "the mentor's advocacy (retired teacher, union representative)", 0.9, 0.9, kind=SETTING, unit="index 0-1"
    )
    host_slots: int = par(
        2,
        unit="places",
        doc="places at a host of the trade in the home municipality (the bicycle repair shop)",
        kind=SETTING,
        ge=0,
        le=1000,
    )


class Story(Mechanism[StoryPars]):
    """The traced refugee (and mentor) of the worked story."""

    name = "story"
    section = "story"
    Pars = StoryPars
    events = ("background",)
    steps = {Phase.START: "begin"}

    @classmethod
    def sizes(cls, scenario: ScenarioBase, months: int) -> list[Entity]:
        """The story's host adds its places."""
        slots = scenario.section("story").host_slots
        return [Entity("art. 60 places", slots, LIMITS["art. 60 places"], f"story.host_slots {slots}")]

    @classmethod
    def check(cls, scenario: ScenarioBase) -> None:
        """The story's home must be a municipality of the region."""
        story = scenario.section("story")
        n = scenario.geography.n_municipalities
        if story.enabled and not scenario.geography.municipalities_csv and story.home >= n:
            raise ValueError(
                f"story.home: municipality {story.home} does not exist (geography.n_municipalities is {n}: 0 to {n - 1})"
            )

    def init(self) -> None:
        """The story's WISE near home, in the trade."""
        model, story = self.model, self.pars
        if story.host_slots > 0:
            row = model.hosts.add_wise(story.home, SECTORS.index(story.trade), story.host_slots)
            model.host_agents.append(Wise(model, row))

    def begin(self, month: int) -> None:
        """Add the story's refugee (and, with pillar 1, his mentor and their pair) in month 1."""
        if month != 1:
            return
        model, story = self.model, self.pars
        row = int(add_refugees(model, 1, month, self.stream(), qualification=int(Qualification.LOW))[0])
        r = model.refugees
        r.trade[row] = SECTORS.index(story.trade)
        r.home[row] = story.home
        r.language[row] = story.language
        r.skill[row] = story.skill
        r.ties[row] = -1
        r.ties_until[row] = -1
        model.story_agent = row
        self.log(month, "background", np.array([row]), story.years_in_belgium, story.language)
        volunteers = model.mechanisms.get("volunteers")
        program = programme_or_none(model)
        if volunteers is None or program is None:
            return
        mentor = int(cast(Volunteers, volunteers).recruit(1, month)[0])
        mt = model.mentors
        mt.home[mentor] = r.home[row]
        mt.advocacy[mentor] = story.mentor_advocacy
        mt.status[mentor] = int(MentorStatus.PAIRED)
        mt.mentees[mentor] = 1
        model.story_mentor = mentor
        program.start_pairs(np.array([row]), np.array([mentor], dtype=np.int32), month, np.array([program.pars.pair_months_max]))

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """The story's background in words."""
        years = f"for {ref} years" if ref else "recently"
        return (
            f"{words.name} has lived in Belgium {years}, isolated: no contacts with employers, "
            f"weak Dutch (level {value:.2f}; 0.4 is A2)."
        )
