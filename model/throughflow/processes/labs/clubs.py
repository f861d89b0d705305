"""Conversation clubs (pillar 3): Dutch practice for people waiting, on art. 60 or on benefit."""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.enums import Lab
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par
from throughflow.processes.labs.common import pick_split, seats
from throughflow.processes.labs.ecosystem import LEARNING, ecosystem
from throughflow.processes.transitions import learn_each


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

    def init(self) -> None:
        """The club's seats and practice hours at the run's scale (fixed for the run)."""
        model = self.model
        self.n_seats = seats(model, self.pars.seats)
        self.hours = self.pars.hours_per_month * model.scenario.labour_market.practice_efficiency

    def meet(self, month: int) -> None:
        """This month's club."""
        model = self.model
        r = model.refugees
        mentees, others = _learners(LEARNING, r.column("status"), r.enrolled)
        if self.n_seats <= 0 or mentees.size + others.size == 0:
            return
        club = pick_split(mentees, others, self.n_seats, self.stream())
        learn_each(club, self.hours, r.qualification, model.hours_per_level, r.language)
        ecosystem(model).attend(month, club, Lab.CONVERSATION_CLUB)


@njit(cache=True, nogil=True)
def _learners(flags: np.ndarray, status: np.ndarray, enrolled: np.ndarray) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover
    """Refugees whose status is flagged, split into mentees and others, each in order (compiled)."""
    mentees = np.empty(status.size, dtype=np.int64)
    others = np.empty(status.size, dtype=np.int64)
    n = m = 0
    for i in range(status.size):  # without branches: statuses come in no order a branch predictor could learn
        flagged = flags[status[i]]
        mentees[n] = i
        others[m] = i
        n += flagged & enrolled[i]
        m += flagged & (not enrolled[i])
    return mentees[:n], others[:m]
