"""Job-design partnerships (pillar 3): participating employers lower the requirements of their posts."""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.mechanism import Mechanism
from throughflow.parameters import LEVER, Section, par, share


class JobDesignPars(Section):
    """Job-design partnerships."""

    enabled: bool = par(True, unit="switch", doc="job-design partnerships: some vacancies get lower requirements", kind=LEVER)
    requirement_cut: float = share(0.3, "relative cut in requirements of redesigned vacancies", 0.15, 0.45, unit="factor")


class JobDesign(Mechanism[JobDesignPars]):
    """Participating employers redesign their vacancies."""

    name = "job_design"
    pillar = "labs"
    section = "labs.job_design"
    Pars = JobDesignPars
    employer_facing = True

    def requirement_factor(self, employers: np.ndarray) -> np.ndarray:
        """Participating employers ask less."""
        return _cut(employers, self.model.employers.participates, 1.0 - self.pars.requirement_cut)


@njit(cache=True, nogil=True)
def _cut(employers: np.ndarray, participates: np.ndarray, factor: float) -> np.ndarray:  # pragma: no cover - compiled
    """The requirement multiplier of each employer's vacancies: ``factor`` where the employer participates, else 1 (compiled)."""
    out = np.empty(employers.size)
    for i in range(employers.size):
        out[i] = factor if participates[employers[i]] else 1.0
    return out
