"""The worked story (scenario ``juul_kamin``): one traced refugee and his mentor.

Kamin, an Iraqi mechanic with weak Dutch and no ties, becomes an OCMW client in month 1;
when the scenario runs mentoring, Juul — a retired teacher and union representative with
strong advocacy — is his mentor from the start. Nothing else is scripted: the OCMW's offer,
the advocacy, the placement and what follows come from the same mechanisms as for everyone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.enums import SECTORS, Event, MentorStatus
from throughflow.population import NO
from throughflow.processes.arrivals import add_refugees
from throughflow.processes.mentoring import recruit

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


def begin_story(model: ThroughflowModel, month: int) -> None:
    """Add the story's refugee (and, with pillar 1, his mentor and their pair).

    Args:
        model: The model.
        month: The current month (the story starts in month 1).

    """
    story = model.scenario.story
    rng = model.streams["story"]
    row = int(add_refugees(model, 1, month, rng, qualification=0)[0])
    r = model.refugees
    r.trade[row] = SECTORS.index(story.trade)
    r.home[row] = min(story.home, model.region.n - 1)
    r.language[row] = story.language
    r.skill[row] = story.skill
    r.ties[row] = NO
    model.story_agent = row
    m = model.scenario.mentoring
    if not m.one_on_one:
        return
    recruit(model, 1, month)
    mentor = model.mentors.n - 1
    mt = model.mentors
    mt.home[mentor] = r.home[row]
    mt.advocacy[mentor] = story.mentor_advocacy
    mt.status[mentor] = int(MentorStatus.PAIRED)
    mt.mentees[mentor] = 1
    model.story_mentor = mentor
    p = model.pairs
    pair = p.add(1)
    p.mentee[pair], p.mentor[pair], p.start[pair] = row, mentor, month
    p.planned_end[pair] = month + m.pair_months_max
    r.mentor[row] = mentor
    r.enrolled[row] = r.ever_enrolled[row] = True
    r.enrol_month[row] = month
    model.events.log(month, Event.MATCH, np.array([row]), mentor)
