"""Refugee: the principal agent, a view on one row of the refugee table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from throughflow.agents.view import Column
from throughflow.enums import SECTORS, Qualification, Status

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


class Refugee(mesa.Agent):
    """A refugee who is (or was) an OCMW client.

    Every attribute reads and writes row ``row`` of ``model.refugees``; all monthly
    behaviour is vectorised in :mod:`throughflow.processes`, so ``step`` does nothing.

    Attributes:
        row: Index in the refugee table (also the agent id used in the event log).

    """

    model: ThroughflowModel

    status = Column("refugees", lambda v: Status(int(v)))
    qualification = Column("refugees", lambda v: Qualification(int(v)))
    skill = Column("refugees")
    recognition = Column("refugees")
    language = Column("refugees")
    search = Column("refugees")
    commute_tolerance = Column("refugees")
    home = Column("refugees")
    host = Column("refugees")
    employer = Column("refugees")
    mentor = Column("refugees")
    contract_start = Column("refugees")
    contract_end = Column("refugees")
    first_nec = Column("refugees")

    def __init__(self, model: ThroughflowModel, row: int) -> None:
        """Create the view for table row ``row``."""
        super().__init__(model)
        self.row = row

    @property
    def trade(self) -> str:
        """The refugee's prior occupation (sector name)."""
        return SECTORS[int(self.model.refugees.trade[self.row])]

    @property
    def ties(self) -> list[int]:
        """Employers the refugee has a weak tie to (after the last completed month)."""
        held = self.model.refugees.held_ties(np.array([self.row]), self.model.steps + 1)[0]
        return [int(e) for e in held if e >= 0]

    def as_dict(self) -> dict[str, Any]:
        """The refugee's current state as a plain dictionary."""
        return {
            "row": self.row,
            "status": self.status.name,
            "qualification": self.qualification.name,
            "skill": self.skill,
            "language": self.language,
            "trade": self.trade,
            "home": self.home,
            "mentor": self.mentor,
        }

    def step(self) -> None:
        """Nothing: refugees are moved by the vectorised processes."""
