"""Support for NEC teams (pillar 3): refugees at participating employers lose their job less often."""

from __future__ import annotations

import numpy as np

from throughflow.arrays import factor_flagged
from throughflow.mechanism import Mechanism
from throughflow.parameters import LEVER, Section, par, share


class TeamSupportPars(Section):
    """Support for NEC teams."""

    enabled: bool = par(True, unit="switch", doc="support for NEC teams (lower separation)", kind=LEVER)
    separation_reduction: float = share(0.3, "reduction of separation hazard with team support", 0.1, 0.5, unit="factor")


class TeamSupport(Mechanism[TeamSupportPars]):
    """Team support at participating employers."""

    name = "team_support"
    pillar = "labs"
    section = "labs.team_support"
    Pars = TeamSupportPars
    employer_facing = True

    def separation_factor(self, rows: np.ndarray, month: int) -> np.ndarray:
        """Workers at supported employers separate less often."""
        model = self.model
        return factor_flagged(rows, model.refugees.employer, model.employers.participates, 1.0 - self.pars.separation_reduction)
