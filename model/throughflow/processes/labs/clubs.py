"""Conversation clubs (pillar 3): Dutch practice for people waiting, on art. 60 or on benefit."""

from __future__ import annotations

from throughflow.arrays import rows_flagged
from throughflow.enums import Lab
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par
from throughflow.processes.labs.common import pick, seats
from throughflow.processes.labs.ecosystem import LEARNING, ecosystem
from throughflow.processes.transitions import learn_language


class ConversationClubsPars(Section):
    """Conversation clubs."""

    enabled: bool = par(True, unit="switch", doc="conversation clubs (language)", kind=LEVER)
    seats: float = par(
        40.0, unit="seats/month", doc="conversation-club seats per month at scale 1", low=20, high=80, kind=LEVER, le=100_000
    )
    hours_per_month: float = par(8.0, unit="hours/month", doc="conversation hours per participant", low=4, high=12, le=200)


class ConversationClubs(Mechanism[ConversationClubsPars]):
    """Conversation clubs: Dutch practice every month."""

    name = "conversation_clubs"
    pillar = "labs"
    section = "labs.conversation_clubs"
    Pars = ConversationClubsPars
    reads = ("labour_market.practice_efficiency",)
    steps = {Phase.SUPPORT: "meet"}

    def meet(self, month: int) -> None:
        """This month's club."""
        model = self.model
        learners = rows_flagged(LEARNING, model.refugees.column("status"))
        club = pick(model, learners, seats(model, self.pars.seats), self.stream())
        learn_language(model, club, self.pars.hours_per_month * model.scenario.labour_market.practice_efficiency)
        ecosystem(model).attend(month, club, Lab.CONVERSATION_CLUB)
