"""Training and coaching of mentors by the organisation (pillar 2): fewer breakdowns, better advocacy.

The organisation trains volunteers when they join and coaches them while they guide a
mentee: pairs break down less often (hook ``breakdown_factor``) and new mentors start with
more advocacy (hook ``advocacy_gain``). Intervision among mentors is a mechanism of its own
(:mod:`throughflow.processes.organisation.intervision`); with both on, the breakdown factors
multiply (0.7 x 0.7 = 0.49 at the defaults, about the 0.5 of the former joint "coaching and
intervision").
"""

from __future__ import annotations

from throughflow.mechanism import Mechanism
from throughflow.parameters import LEVER, Section, par, share


class CoachingPars(Section):
    """Training and coaching of mentors by the organisation."""

    enabled: bool = par(True, unit="switch", doc="organisation trains and coaches mentors", kind=LEVER)
    breakdown_reduction: float = share(
        0.3, "reduction of pair breakdown by the organisation's training and coaching of mentors", 0.15, 0.45, unit="factor"
    )
    advocacy_gain: float = share(
        0.10, "advocacy gained by mentors trained by the organisation when they join", 0.05, 0.2, unit="index 0-1"
    )


class Coaching(Mechanism[CoachingPars]):
    """Training and coaching of mentors: pairs break down less, new mentors advocate better."""

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
