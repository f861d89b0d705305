"""Diversity and leadership training for recruiters (pillar 3): lower bias that fades.

A recruiter-training effect was gone after three months (Derous, Nguyen & Ryan 2021): the
cut in bias right after a training falls linearly to zero over ``fade_months``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share


class DiversityTrainingPars(Section):
    """Diversity and leadership training for recruiters."""

    enabled: bool = par(True, unit="switch", doc="diversity and leadership training for recruiters", kind=LEVER)
    every_months: int = par(6, unit="months", doc="diversity-training calendar", low=3, high=12, kind=LEVER, ge=1, le=24)
    bias_cut: float = share(0.6, "relative cut in bias right after training", 0.3, 0.9, unit="factor")
    fade_months: float = par(
        3.0,
        unit="months",
        doc="months after which the training effect is gone",
        low=2,
        high=6,
        source="Derous, Nguyen, Ryan (2021): effect gone after 3 months",
        ge=0.5,
        le=120,
    )


class DiversityTraining(Mechanism[DiversityTrainingPars]):
    """Participating employers' recruiters are trained on the calendar."""

    name = "diversity_training"
    pillar = "labs"
    section = "labs.diversity_training"
    Pars = DiversityTrainingPars
    steps = {Phase.SUPPORT: "train"}
    employer_facing = True

    def train(self, month: int) -> None:
        """A training round, when the calendar says so."""
        if month % self.pars.every_months == 0:
            e = self.model.employers
            e.trained[e.participates] = month

    def bias(self, month: int, bias: np.ndarray) -> np.ndarray:
        """Bias lowered by recent training."""
        return _trained_bias(month, bias, self.model.employers.trained, self.pars.fade_months, self.pars.bias_cut)


@njit(cache=True, nogil=True)
def _trained_bias(
    month: int, bias: np.ndarray, trained: np.ndarray, fade_months: float, cut: float
) -> np.ndarray:  # pragma: no cover - compiled
    """Each employer's bias lowered by ``cut`` right after training, the cut fading linearly over ``fade_months`` (compiled)."""
    out = np.empty(bias.size)
    for i in range(bias.size):
        fade = min(max(1.0 - (month - trained[i]) / fade_months, 0.0), 1.0)
        out[i] = bias[i] * (1.0 - cut * fade)
    return out
