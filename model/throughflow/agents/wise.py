"""Art. 60 hosts: WISEs (work integration social enterprises) and other hosts.

ODD: Entities. A WISE has coaching intensity, language support and a throughflow
orientation; other hosts (municipal services, non-profits) coach less and give no
language support.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from throughflow.agents.view import Column
from throughflow.enums import SECTORS
from throughflow.geography import Region
from throughflow.parameters import ScenarioBase

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


class HostTable:
    """State of all art. 60 hosts as arrays, one row per host.

    Attributes:
        municipality: Location (municipality index).
        sector: Sector index of the work.
        slots: Art. 60 places.
        used: Places currently taken by ART60 workers.
        is_wise: Whether the host is a WISE.
        coaching: Monthly skill-growth rate under this host's coaching.
        language_hours: Language-support hours per month.
        orientation: Throughflow orientation (0 for other hosts).

    """

    def __init__(self, scenario: ScenarioBase, region: Region, rng: np.random.Generator) -> None:
        """Draw the hosts of the region.

        Args:
            scenario: The scenario.
            region: The region (host locations follow resident weights).
            rng: Generator of the initialisation stream.

        """
        a = scenario.art60
        scale = scenario.population.scale
        n_wise = max(1, round(a.n_wise * scale))
        n_other = round(a.n_other_hosts * scale)
        total_slots = (a.n_wise + a.n_other_hosts) * a.slots_per_host * scale
        wise_slots = _split(total_slots * a.wise_slot_share, n_wise, rng)
        other_slots = _split(total_slots * (1 - a.wise_slot_share), n_other, rng)
        n = n_wise + n_other
        self.municipality = rng.choice(region.n, size=n, p=region.weight).astype(np.int32)
        self.sector = rng.integers(0, len(SECTORS), size=n).astype(np.int8)
        self.slots = np.concatenate([wise_slots, other_slots]).astype(np.int32)
        self.is_wise = np.arange(n) < n_wise
        self._art60 = a
        self._set_levels()

    def _set_levels(self) -> None:
        a = self._art60
        self.used = np.zeros(len(self.slots), dtype=np.int32)
        self.coaching = np.where(self.is_wise, a.wise_coaching, a.other_coaching)
        self.language_hours = np.where(self.is_wise, a.wise_language_hours, 0.0)
        self.orientation = np.where(self.is_wise, a.throughflow_orientation, 0.0)

    def add_wise(self, municipality: int, sector: int, slots: int) -> int:
        """Add a WISE (before any placement) and return its row."""
        if self.used.any():
            raise RuntimeError("hosts can only be added before the first placement")
        self.municipality = np.append(self.municipality, np.int32(municipality))
        self.sector = np.append(self.sector, np.int8(sector))
        self.slots = np.append(self.slots, np.int32(slots))
        self.is_wise = np.append(self.is_wise, True)
        self._set_levels()
        return self.n - 1

    @property
    def n(self) -> int:
        """Number of hosts."""
        return len(self.slots)

    @property
    def free(self) -> np.ndarray:
        """Free art. 60 places per host."""
        return self.slots - self.used


def _split(total: float, parts: int, rng: np.random.Generator) -> np.ndarray:
    """Split ``total`` places over ``parts`` hosts with some size variation (at least 1 each)."""
    if parts <= 0:
        return np.zeros(0, dtype=np.int32)
    shares = rng.dirichlet(np.full(parts, 5.0))
    return np.maximum(1, np.round(shares * total)).astype(np.int32)


class Wise(mesa.Agent):
    """A work integration social enterprise: a view on one row of ``model.hosts``."""

    model: ThroughflowModel

    municipality = Column("hosts")
    sector = Column("hosts")
    slots = Column("hosts")
    used = Column("hosts")
    coaching = Column("hosts")
    orientation = Column("hosts")

    def __init__(self, model: ThroughflowModel, row: int) -> None:
        """Create the view for host row ``row``."""
        super().__init__(model)
        self.row = row


class OtherHost(Wise):
    """Another art. 60 host (municipal service, non-profit): weaker coaching, no language support."""
