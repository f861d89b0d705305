"""The mentoring organisation (pillar 2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


class MentoringOrganisation(mesa.Agent):
    """Initiates, facilitates and coaches the mentoring programme (pillar 2).

    Its work is vectorised in :mod:`throughflow.processes.mentoring` and
    :mod:`throughflow.processes.learning_labs`; the agent holds its capacity.

    Attributes:
        capacity: Active enrolments it can support.
    """

    model: ThroughflowModel

    def __init__(self, model: ThroughflowModel, capacity: int) -> None:
        """Create the organisation."""
        super().__init__(model)
        self.capacity = capacity
