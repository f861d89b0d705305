"""OCMW: the public centre for social welfare of one municipality.

It pays social assistance to its WAITING clients and places them on art. 60 contracts up
to its budget. Its ``openness`` to a mentor's advocacy starts low (the OCMW in the Juul &
Kamin story was at first reluctant) and grows as it gets used to mentors at the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from numba import njit

from throughflow.agents.view import Column

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


class OcmwTable:
    """State of all OCMWs as arrays, one row per municipality.

    Attributes:
        budget_per_month: New art. 60 contracts each may start per month (may be fractional).
        openness: Probability factor that a mentor's advocacy is heard.
        carry: Unused fractional budget carried to the next month.

    """

    def __init__(self, budget_per_month: np.ndarray, openness: float) -> None:
        """Create the OCMWs with their monthly budgets and a common initial openness."""
        self.budget_per_month = np.asarray(budget_per_month, dtype=np.float64)
        self.openness = np.full(self.budget_per_month.size, float(openness))
        self.carry = np.zeros(self.budget_per_month.size)

    def budgets(self) -> np.ndarray:
        """Contracts each OCMW can start this month (the fractional remainders carry over)."""
        return take_budgets(self.budget_per_month, self.carry)


@njit(cache=True, nogil=True)
def take_budgets(budget_per_month: np.ndarray, carry: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """Whole contracts each OCMW can start this month; the fractional remainders go to ``carry`` (compiled)."""
    whole = np.empty(budget_per_month.size, dtype=np.int64)
    for m in range(budget_per_month.size):
        available = budget_per_month[m] + carry[m]
        floor = np.floor(available)
        carry[m] = available - floor
        whole[m] = np.int64(floor)
    return whole


class Ocmw(mesa.Agent):
    """The OCMW of municipality ``municipality``: a view on one row of ``model.ocmw_table``.

    Attributes:
        municipality: Index of the municipality it serves (its row).

    """

    model: ThroughflowModel

    budget_per_month = Column("ocmw_table")
    openness = Column("ocmw_table")
    carry = Column("ocmw_table")

    def __init__(self, model: ThroughflowModel, municipality: int) -> None:
        """Create the view for the OCMW of one municipality."""
        super().__init__(model)
        self.municipality = municipality
        self.row = municipality
