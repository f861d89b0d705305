"""The mentor's holistic support (pillar 1): help across life domains lowers shocks."""

from __future__ import annotations

import numpy as np

from throughflow.arrays import factor_at_least
from throughflow.mechanism import Mechanism
from throughflow.parameters import LEVER, Section, par, share


class HolisticSupportPars(Section):
    """The mentor's support across life domains."""

    enabled: bool = par(True, unit="switch", doc="mentor's holistic support lowers shocks", kind=LEVER)
    shock_reduction: float = share(
        0.4, "reduction of life-shock dropout and inactivity of a mentee with a mentor", 0.2, 0.6, unit="factor"
    )


class HolisticSupport(Mechanism[HolisticSupportPars]):
    """Mentees with a mentor face fewer life shocks."""

    name = "holistic_support"
    pillar = "one_on_one"
    section = "one_on_one.holistic_support"
    Pars = HolisticSupportPars

    def shock_factor(self, rows: np.ndarray) -> np.ndarray:
        """Refugees with a mentor face fewer life shocks."""
        r = self.model.refugees
        return factor_at_least(rows, r.mentor, 0, 1.0 - self.pars.shock_reduction, r.enrolled)  # enrolled, with a mentor
