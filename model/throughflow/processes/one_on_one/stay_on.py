"""The mentor stays on a few months after the mentee's hire (pillar 1): fewer early separations."""

from __future__ import annotations

import numpy as np

from throughflow.arrays import factor_at_least
from throughflow.mechanism import Mechanism
from throughflow.parameters import LEVER, Section, par, share


class StayOnPars(Section):
    """The mentor staying on after a hire."""

    enabled: bool = par(True, unit="switch", doc="mentor stays on after a hire", kind=LEVER)
    months: int = par(3, unit="months", doc="months the mentor stays on after a hire", low=2, high=6, ge=0, le=12)
    separation_reduction: float = share(
        0.3, "reduction of the separation hazard while the mentor stays on", 0.1, 0.5, unit="factor"
    )


class StayOn(Mechanism[StayOnPars]):
    """After a hire the pair goes on a few months; the new job is less likely to end."""

    name = "stay_on"
    pillar = "one_on_one"
    section = "one_on_one.stay_on"
    Pars = StayOnPars

    def stay_on_months(self) -> int:
        """Months the pair goes on after the hire."""
        return self.pars.months

    def separation_factor(self, rows: np.ndarray, month: int) -> np.ndarray:
        """Workers whose mentor stays on lose their job less often."""
        r = self.model.refugees  # enrolled, with a mentor (NO = -1: none)
        return factor_at_least(rows, r.mentor, 0, 1.0 - self.pars.separation_reduction, r.enrolled)
