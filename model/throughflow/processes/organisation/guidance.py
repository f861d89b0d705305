"""Holistic guidance by the organisation (pillar 2): support across life domains lowers shocks.

Housing, health, family and administration: guidance lowers the life-shock hazards of
enrolled refugees (placement dropout and leaving benefit for inactivity).
"""

from __future__ import annotations

import numpy as np

from throughflow.arrays import factor_at_least
from throughflow.mechanism import Mechanism
from throughflow.parameters import LEVER, Section, par, share


class HolisticGuidancePars(Section):
    """Holistic guidance across life domains."""

    enabled: bool = par(True, unit="switch", doc="organisation's holistic guidance lowers shocks", kind=LEVER)
    shock_reduction: float = share(
        0.4, "reduction of life-shock dropout and inactivity of enrolled refugees", 0.2, 0.6, unit="factor"
    )


class HolisticGuidance(Mechanism[HolisticGuidancePars]):
    """Holistic guidance of enrolled refugees."""

    name = "holistic_guidance"
    pillar = "organisation"
    section = "organisation.holistic_guidance"
    Pars = HolisticGuidancePars

    def shock_factor(self, rows: np.ndarray) -> np.ndarray:
        """Enrolled refugees face fewer life shocks."""
        return factor_at_least(rows, self.model.refugees.enrolled, 1, 1.0 - self.pars.shock_reduction)
