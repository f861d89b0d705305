"""Mentor: a volunteer, a view on one row of the mentor table."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from throughflow.agents.view import Column
from throughflow.enums import MentorStatus

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


class Mentor(mesa.Agent):
    """A volunteer mentor with local experience, advocacy skill and employer ties.

    Attributes:
        row: Index in ``model.mentors``.

    """

    model: ThroughflowModel

    status = Column("mentors", lambda v: MentorStatus(int(v)))
    home = Column("mentors")
    advocacy = Column("mentors")
    mentees = Column("mentors")

    def __init__(self, model: ThroughflowModel, row: int) -> None:
        """Create the view for table row ``row``."""
        super().__init__(model)
        self.row = row

    @property
    def ties(self) -> list[int]:
        """Employers the mentor has a tie to."""
        return [int(e) for e in self.model.mentors.ties[self.row] if e >= 0]

    def step(self) -> None:
        """Nothing: mentoring is vectorised in :mod:`throughflow.processes.mentoring`."""
