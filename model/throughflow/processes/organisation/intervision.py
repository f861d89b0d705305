"""Intervision for mentors (pillar 2): mentors with a mentee reflect on their cases together.

On the calendar the organisation holds an intervision session for every mentor who guides a
mentee. Mentors learn from one another how institutions work: each participant's advocacy
grows toward 1 at ``advocacy_gain`` per session (so experienced mentors who stay advocate
better). Peer support carries pairs through hard moments: pairs break down less often
(hook ``breakdown_factor``, in every month, as coaching does). The organisation pays per
mentor-session (a facilitator's time); its pair-month cost no longer includes intervision.

Split from the organisation's training and coaching (:mod:`.coaching`): coaching acts when a
mentor joins (advocacy of recruits) and on breakdown; intervision acts on breakdown and, over
the sessions, on the advocacy of active mentors. The two breakdown reductions multiply.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.enums import MentorStatus
from throughflow.mechanism import CostItem, Counter, Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share


class IntervisionPars(Section):
    """Intervision for mentors."""

    enabled: bool = par(True, unit="switch", doc="organisation holds intervision sessions for mentors", kind=LEVER)
    every_months: int = par(2, unit="months", doc="intervision calendar", low=1, high=3, kind=LEVER, ge=1, le=12)
    breakdown_reduction: float = share(0.3, "reduction of pair breakdown by intervision among mentors", 0.1, 0.45, unit="factor")
    advocacy_gain: float = share(
        0.02, "advocacy gain toward 1 of a mentor per intervision session", 0.01, 0.04, unit="index 0-1 per session"
    )
    session_eur: float = par(
        20.0,
        unit="EUR/mentor-session",
        doc="cost of intervision per mentor and session (facilitator, room)",
        low=10,
        high=40,
        price=True,
        le=10_000,
    )


class Intervision(Mechanism[IntervisionPars]):
    """Intervision: mentors with a mentee meet on the calendar; fewer breakdowns, advocacy grows."""

    name = "intervision"
    pillar = "organisation"
    section = "organisation.intervision"
    Pars = IntervisionPars
    requires = ("volunteers",)
    counters = (Counter("intervision_sessions", "mentor-sessions of intervision", by_qualification=False),)
    costs = (CostItem("intervision", "intervision_sessions", "organisation.intervision.session_eur"),)
    steps = {Phase.SUPPORT: "meet"}

    def meet(self, month: int) -> None:
        """An intervision session, when the calendar says so: every mentor with a mentee takes part."""
        if month % self.pars.every_months:
            return
        mt = self.model.mentors
        self.count("intervision_sessions", _session(mt.status, mt.advocacy, mt.n, self.pars.advocacy_gain))

    def breakdown_factor(self) -> float:
        """Pairs whose mentors share their cases in intervision break down less often."""
        return 1.0 - self.pars.breakdown_reduction


_PAIRED = int(MentorStatus.PAIRED)


@njit(cache=True, nogil=True)
def _session(status: np.ndarray, advocacy: np.ndarray, n: int, gain: float) -> int:  # pragma: no cover - compiled
    """Every mentor with a mentee gains advocacy toward 1; the number of participants (compiled)."""
    present = 0
    for m in range(n):
        if status[m] == _PAIRED:
            advocacy[m] += gain * (1.0 - advocacy[m])
            present += 1
    return present
