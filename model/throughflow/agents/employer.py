"""NEC employers and their open vacancies.

ODD: Entities; submodels vacancies and hiring. Each employer has a location, sector, size,
a vacancy inflow and a bias against applicants of foreign origin (callback gap in
non-bottleneck occupations, Baert et al. 2013); some take part in employer support.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np

from throughflow.agents.view import Column
from throughflow.enums import SECTORS
from throughflow.geography import Region
from throughflow.parameters import Scenario

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


class EmployerTable:
    """State of all NEC employers as arrays.

    Attributes:
        municipality: Location.
        sector: Sector index.
        size: Employees.
        vacancy_rate: Expected new vacancies per month.
        bias: Baseline bias (callback penalty for cold applications, non-bottleneck).
        participates: Takes part in employer support when pillar 3 runs.
        trained: Month of the last diversity training (very negative: never).

    """

    def __init__(self, scenario: Scenario, region: Region, rng: np.random.Generator) -> None:
        """Draw the employers of the region.

        Args:
            scenario: The scenario.
            region: The region.
            rng: Generator of the initialisation stream.

        """
        lm = scenario.labour_market
        n = max(1, round(lm.n_employers * scenario.population.scale))
        self.municipality = rng.choice(region.n, size=n, p=region.weight).astype(np.int32)
        self.sector = rng.integers(0, len(SECTORS), size=n).astype(np.int8)
        sigma = 1.0
        self.size = np.maximum(1.0, rng.lognormal(np.log(lm.employer_size_mean) - sigma**2 / 2, sigma, size=n))
        self.vacancy_rate = self.size * lm.vacancies_per_employee_month
        spread = rng.normal(1.0, 0.2, size=n)  # employers differ; relative spread keeps bias 0 at 0
        self.bias = np.clip(lm.bias * spread, 0.0, 1.0)
        self.participates = rng.random(n) < scenario.labs.employer_participation
        self.trained = np.full(n, -10_000, dtype=np.int32)

    @property
    def n(self) -> int:
        """Number of employers."""
        return len(self.size)


class VacancyPool:
    """The open vacancies, as arrays (closed vacancies are dropped)."""

    FIELDS = ("employer", "sector", "municipality", "bottleneck", "skill_req", "language_req", "closes", "redesigned")

    def __init__(self) -> None:
        """Start with no open vacancies."""
        self.employer = np.zeros(0, dtype=np.int32)
        self.sector = np.zeros(0, dtype=np.int8)
        self.municipality = np.zeros(0, dtype=np.int32)
        self.bottleneck = np.zeros(0, dtype=bool)
        self.skill_req = np.zeros(0)
        self.language_req = np.zeros(0)
        self.closes = np.zeros(0, dtype=np.int32)
        self.redesigned = np.zeros(0, dtype=bool)

    @property
    def n(self) -> int:
        """Number of open vacancies."""
        return len(self.employer)

    def append(self, **columns: np.ndarray) -> None:
        """Add new vacancies (one array per field)."""
        for name in self.FIELDS:
            setattr(self, name, np.concatenate([getattr(self, name), columns[name]]))

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the vacancies where ``mask`` is true."""
        for name in self.FIELDS:
            setattr(self, name, getattr(self, name)[mask])

    def first_open_by_employer(self, n_employers: int) -> np.ndarray:
        """For each employer, the index of one of its open vacancies, or -1."""
        first = np.full(n_employers, -1, dtype=np.int64)
        # reversed assignment leaves the lowest index per employer
        idx = np.arange(self.n)[::-1]
        first[self.employer[::-1]] = idx
        return first


class Employer(mesa.Agent):
    """An NEC employer: a view on one row of ``model.employers``."""

    model: ThroughflowModel

    municipality = Column("employers")
    sector = Column("employers")
    size = Column("employers")
    bias = Column("employers")
    participates = Column("employers")

    def __init__(self, model: ThroughflowModel, row: int) -> None:
        """Create the view for employer row ``row``."""
        super().__init__(model)
        self.row = row
