"""OCMW: the public centre for social welfare of one municipality.

It pays social assistance to its WAITING clients and places them on art. 60 contracts up
to its budget. Its ``openness`` to a mentor's advocacy starts low (the OCMW in the Juul &
Kamin story was at first reluctant) and grows as it gets used to mentors at the table.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


class Ocmw(mesa.Agent):
    """The OCMW of municipality ``municipality``.

    Attributes:
        municipality: Index of the municipality it serves.
        budget_per_month: New art. 60 contracts it may start per month (may be fractional).
        openness: Probability factor that a mentor's advocacy is heard.
        carry: Unused fractional budget carried to the next month.

    """

    model: ThroughflowModel

    def __init__(self, model: ThroughflowModel, municipality: int, budget_per_month: float, openness: float) -> None:
        """Create the OCMW of one municipality."""
        super().__init__(model)
        self.municipality = municipality
        self.budget_per_month = budget_per_month
        self.openness = openness
        self.carry = 0.0

    def budget(self) -> int:
        """Contracts available this month (the fractional remainder carries over)."""
        available = self.budget_per_month + self.carry
        whole = int(available)
        self.carry = available - whole
        return whole

    def hear_advocacy(self, growth: float) -> None:
        """Get a little more used to mentors at the table after an advocacy attempt."""
        self.openness = min(1.0, self.openness + growth)
