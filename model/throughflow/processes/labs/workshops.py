"""Skills workshops (pillar 3): job seekers gain job skill."""

from __future__ import annotations

from throughflow.enums import Lab
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.processes.labs.common import grow_skill, pick, seats
from throughflow.processes.labs.ecosystem import ecosystem


class WorkshopsPars(Section):
    """Skills workshops."""

    enabled: bool = par(True, unit="switch", doc="skills workshops", kind=LEVER)
    seats: float = par(
        20.0, unit="seats/session", doc="workshop seats per session at scale 1", low=10, high=40, kind=LEVER, le=100_000
    )
    every_months: int = par(2, unit="months", doc="workshop calendar", low=1, high=3, kind=LEVER, ge=1, le=12)
    skill_gain: float = share(0.05, "skill gain toward 1 per workshop", 0.02, 0.08, unit="index 0-1")


class Workshops(Mechanism[WorkshopsPars]):
    """Workshops on the calendar: skill for job seekers."""

    name = "workshops"
    pillar = "labs"
    section = "labs.workshops"
    Pars = WorkshopsPars
    steps = {Phase.SUPPORT: "hold"}
    draws_seekers = True  # from the job seekers of the month (the ecosystem lists them)

    def hold(self, month: int) -> None:
        """A workshop, when the calendar says so."""
        if month % self.pars.every_months:
            return
        model = self.model
        labs = ecosystem(model)
        shop = pick(model, labs.seekers, seats(model, self.pars.seats), self.stream())
        grow_skill(shop, model.refugees.skill, self.pars.skill_gain)
        labs.attend(month, shop, Lab.WORKSHOP)
