"""The mentoring organisation (pillar 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


class MentoringOrganisation(mesa.Agent):
    """Initiates, facilitates and coaches the mentoring programme (pillar 2).

    Its work is vectorised in the mechanisms of pillar 2 (:mod:`throughflow.processes.organisation`
    and the modules next to it); the agent holds its capacity, which stays 0 when pillar 2
    does not run.

    Attributes:
        capacity: Active enrolments it can support.
    """

    model: ThroughflowModel

    def __init__(self, model: ThroughflowModel, capacity: int = 0) -> None:
        """Create the organisation."""
        super().__init__(model)
        self.capacity = capacity
