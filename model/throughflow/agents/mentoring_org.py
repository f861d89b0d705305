"""The mentoring organisation (pillar 2): capacity, recruitment and the lab calendar."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


class MentoringOrganisation(mesa.Agent):
    """Initiates, facilitates and coaches the mentoring programme.

    Attributes:
        capacity: Active enrolments (pairs) it can support.
        recruitment_per_month: Mean new volunteer mentors per month.
        pair_months: Active pair-months so far (for costs).

    """

    model: ThroughflowModel

    def __init__(self, model: ThroughflowModel, capacity: int, recruitment_per_month: float) -> None:
        """Create the organisation."""
        super().__init__(model)
        self.capacity = capacity
        self.recruitment_per_month = recruitment_per_month
        self.pair_months = 0

    def runs(self, every_months: int, month: int) -> bool:
        """Whether an activity on an ``every_months`` calendar runs in ``month``."""
        return month % every_months == 0
