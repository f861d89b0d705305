"""Training and coaching of mentors, and intervision (pillar 2): fewer breakdowns, better advocacy."""

from __future__ import annotations

from throughflow.mechanism import Mechanism
from throughflow.parameters import LEVER, Section, par, share


class CoachingPars(Section):
    """Training and coaching of mentors by the organisation."""

    enabled: bool = par(True, unit="switch", doc="organisation trains and coaches mentors, intervision", kind=LEVER)
    breakdown_reduction: float = share(
        0.5, "reduction of pair breakdown by organisation coaching and intervision", 0.3, 0.7, unit="factor"
    )
    advocacy_gain: float = share(
        0.15, "advocacy gained by mentors trained and coached by the organisation", 0.05, 0.25, unit="index 0-1"
    )


class Coaching(Mechanism[CoachingPars]):
    """Coaching of mentors: pairs break down less, mentors advocate better."""

    name = "coaching"
    pillar = "organisation"
    section = "organisation.coaching"
    Pars = CoachingPars

    def breakdown_factor(self) -> float:
        """Coached pairs break down less often."""
        return 1.0 - self.pars.breakdown_reduction

    def advocacy_gain(self) -> float:
        """Trained mentors advocate better (from the moment they join)."""
        return self.pars.advocacy_gain
