"""NEC employers and their open vacancies.

ODD: Entities; submodels vacancies and hiring. Each employer has a location, sector, size,
a vacancy inflow and a bias against applicants of foreign origin (callback gap in
non-bottleneck occupations, Baert et al. 2013); some take part in employer support.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa
import numpy as np
from numba import njit

from throughflow.agents.view import Column
from throughflow.enums import SECTORS
from throughflow.geography import Region
from throughflow.parameters import ScenarioBase

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel


class EmployerTable:
    """State of all NEC employers as arrays.

    Attributes:
        municipality: Location.
        sector: Sector index.
        size: Employees.
        posts: Whole posts (``floor(size)``): the most refugees an employer employs or holds offers for.
        vacancy_rate: Expected new vacancies per month.
        vacancy_cumulative: Cumulative vacancy rates (employer boundaries for splitting a total).
        vacancy_total: Expected new vacancies per month over all employers.
        bias: Baseline bias (callback penalty for cold applications, non-bottleneck).
        participates: Takes part in employer support (fixed for the run; none without pillar 3).
        participants: Indices of the participating employers; ``participants_by_sector`` the
            same grouped by sector, with ``participants_per_sector`` and
            ``participants_sector_start`` giving each sector's block.
        trained: Month of the last diversity training (very negative: never).
        staff: Refugees employed by the employer or holding its offer (kept up to date by
            hiring, separation and dropout).

    """

    def __init__(self, scenario: ScenarioBase, region: Region, rng: np.random.Generator) -> None:
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
        self.posts = np.floor(self.size).astype(np.int64)
        self.vacancy_rate = self.size * lm.vacancies_per_employee_month
        self.vacancy_cumulative = np.cumsum(self.vacancy_rate)[:-1]
        self.vacancy_total = float(self.vacancy_rate.sum())
        spread = rng.normal(1.0, 0.2, size=n)  # employers differ; relative spread keeps bias 0 at 0
        self.bias = np.clip(lm.bias * spread, 0.0, 1.0)
        self.set_participants(np.zeros(n, dtype=bool))
        self.trained = np.full(n, -10_000, dtype=np.int32)
        self.staff = np.zeros(n, dtype=np.int64)

    def set_participants(self, participates: np.ndarray) -> None:
        """Fix which employers take part in employer support for the run (and group them by sector)."""
        self.participates = participates
        self.participants = np.flatnonzero(participates)
        by_sector = np.argsort(self.sector[self.participants], kind="stable")
        self.participants_by_sector = self.participants[by_sector]
        self.participants_per_sector = np.bincount(self.sector[self.participants], minlength=len(SECTORS))
        self.participants_sector_start = np.cumsum(self.participants_per_sector) - self.participants_per_sector

    @property
    def n(self) -> int:
        """Number of employers."""
        return len(self.size)


class VacancyPool:
    """The open vacancies, one record each (closed vacancies are dropped).

    The fields are kept in one structured array, so that dropping or adding vacancies is a
    single operation; each field reads as an array view (``pool.employer``).
    """

    DTYPE = np.dtype(
        [
            ("employer", np.int32),
            ("sector", np.int8),
            ("municipality", np.int32),
            ("bottleneck", np.bool_),
            ("skill_req", np.float64),
            ("language_req", np.float64),
            ("closes", np.int32),
        ]
    )
    FIELDS: tuple[str, ...] = DTYPE.names or ()

    def __init__(self, capacity: int = 256) -> None:
        """Start with no open vacancies (room for ``capacity`` before the buffer grows)."""
        self._buffer = np.zeros(max(16, capacity), dtype=self.DTYPE)
        self.records = self._buffer[:0]

    employer = property(lambda self: self.records["employer"], doc="Employer of each open vacancy.")
    sector = property(lambda self: self.records["sector"], doc="Sector index.")
    municipality = property(lambda self: self.records["municipality"], doc="Location (the employer's).")
    bottleneck = property(lambda self: self.records["bottleneck"], doc="Hard-to-fill occupation.")
    skill_req = property(lambda self: self.records["skill_req"], doc="Skill requirement (0-1).")
    language_req = property(lambda self: self.records["language_req"], doc="Dutch requirement (0-1).")
    closes = property(lambda self: self.records["closes"], doc="Last month the vacancy is open.")

    @property
    def n(self) -> int:
        """Number of open vacancies."""
        return len(self.records)

    def add(
        self,
        employers: EmployerTable,
        employer: np.ndarray,
        bottleneck: np.ndarray,
        skill_req: np.ndarray,
        language_req: np.ndarray,
        closes: int,
    ) -> None:
        """Add new vacancies of ``employer`` (at the employers' sector and location), open until ``closes``."""
        n = len(self.records)
        end = n + employer.size
        if end > len(self._buffer):
            grown = np.zeros(2 * end, dtype=self.DTYPE)
            grown[:n] = self.records
            self._buffer = grown
        _write_vacancies(
            self._buffer, n, employer, employers.sector, employers.municipality, bottleneck, skill_req, language_req, closes
        )
        self.records = self._buffer[:end]

    def close(self, month: int) -> None:
        """Drop the vacancies whose last open month is before ``month`` (the others keep their order)."""
        self.records = self._buffer[: _keep_open(self._buffer, len(self.records), month)]

    def keep(self, mask: np.ndarray) -> None:
        """Keep only the vacancies where ``mask`` is true."""
        self.records = self._buffer[: _keep_marked(self._buffer, mask)]

    def first_open_by_employer(self, n_employers: int) -> np.ndarray:
        """For each employer, the index of one of its open vacancies, or -1.

        The array has one extra element (-1) at the end, so that indexing it with the
        missing-link sentinel -1 reads "no vacancy".
        """
        return _first_of_each(self.employer, n_employers)


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


@njit(cache=True, nogil=True)
def _first_of_each(employer: np.ndarray, n_employers: int) -> np.ndarray:  # pragma: no cover - compiled
    """The lowest index of each employer in ``employer`` (-1: none), and a last element -1 (compiled)."""
    first = np.full(n_employers + 1, -1, dtype=np.int64)
    for v in range(employer.size - 1, -1, -1):
        first[employer[v]] = v
    return first


@njit(cache=True, nogil=True)
def _write_vacancies(
    records: np.ndarray,
    start: int,
    employer: np.ndarray,
    sector: np.ndarray,
    municipality: np.ndarray,
    bottleneck: np.ndarray,
    skill_req: np.ndarray,
    language_req: np.ndarray,
    closes: int,
) -> None:  # pragma: no cover - compiled
    """Write new vacancy records from ``start`` on (compiled; :meth:`VacancyPool.add`)."""
    for i in range(employer.size):
        record = records[start + i]
        e = employer[i]
        record.employer = e
        record.sector = sector[e]
        record.municipality = municipality[e]
        record.bottleneck = bottleneck[i]
        record.skill_req = skill_req[i]
        record.language_req = language_req[i]
        record.closes = closes


@njit(cache=True, nogil=True)
def _keep_open(records: np.ndarray, n: int, month: int) -> int:  # pragma: no cover - compiled
    """Move the first ``n`` records still open in ``month`` to the front, in order; return their number (compiled)."""
    kept = 0
    for i in range(n):
        if records[i].closes >= month:
            if kept < i:
                records[kept] = records[i]
            kept += 1
    return kept


@njit(cache=True, nogil=True)
def _keep_marked(records: np.ndarray, mask: np.ndarray) -> int:  # pragma: no cover - compiled
    """Move the first ``mask.size`` records where ``mask`` is true to the front, in order; return their number (compiled)."""
    kept = 0
    for i in range(mask.size):
        if mask[i]:
            if kept < i:
                records[kept] = records[i]
            kept += 1
    return kept
