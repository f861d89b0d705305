"""The mentoring organisation (pillar 2): capacity, recruitment and the cost of its pairs.

ODD: Process overview step 2. The organisation caps the programme's active enrolments at its
capacity, raises the recruitment of volunteers, and pays staff and training per active
pair-month (volunteers are unpaid). Its activities (matching, coaching, intervision, exchange
between mentees, holistic guidance) are mechanisms of their own in this package.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.mechanism import CostItem, Counter, Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, per_year_of_arrivals
from throughflow.processes.enrolment import programme


class OrganisationPars(Section):
    """Pillar 2: the mentoring organisation (its activities have their own sections below)."""

    enabled: bool = par(
        False,
        unit="switch",
        doc="pillar 2: mentoring organisation (matching, coaching, intervision, exchange, guidance, recruitment)",
        kind=LEVER,
    )
    capacity_per_1000: float = par(
        220.0,
        unit="pairs per 1,000 arrivals a year",
        doc="active enrolments the organisation can support, per 1,000 refugees arriving a year",
        low=110,
        high=440,
        kind=LEVER,
        le=5000,
    )
    recruitment_factor: float = par(
        2.0,
        unit="factor",
        doc="mentor recruitment with an organisation, relative to informal recruitment without one",
        low=1.33,
        high=4.0,
        ge=1.0,
        le=20,
    )
    pair_month_eur: float = par(
        140.0,
        unit="EUR/pair-month",
        doc="organisation cost per active pair-month (staff, matching, training and coaching; intervision is priced apart)",
        low=80,
        high=300,
        price=True,
        le=10_000,
    )


class Organisation(Mechanism[OrganisationPars]):
    """The mentoring organisation: capacity, recruitment, pair-month cost."""

    name = "organisation"
    pillar = "organisation"
    section = "organisation"
    Pars = OrganisationPars
    counters = (Counter("pair_months", "active enrolments paid for by the organisation (pair-months)"),)
    costs = (CostItem("mentoring", "pair_months", "organisation.pair_month_eur"),)
    steps = {Phase.SUPPORT: "count_pair_months"}

    def init(self) -> None:
        """The organisation's capacity at the run's scale."""
        self.model.org.capacity = round(per_year_of_arrivals(self.model.scenario, self.pars.capacity_per_1000))

    def enrolment_capacity(self) -> int:
        """Places free in the programme: capacity minus active enrolments."""
        pairs = self.model.pairs
        return int(self.model.org.capacity - _open_pairs(pairs.end, pairs.n))

    def recruitment_factor(self) -> float:
        """The organisation recruits volunteers."""
        return self.pars.recruitment_factor

    def count_pair_months(self, month: int) -> None:
        """Pay for this month's active enrolments."""
        self.count_people("pair_months", programme(self.model).enrolled_rows)


@njit(cache=True, nogil=True)
def _open_pairs(end: np.ndarray, n: int) -> int:  # pragma: no cover - compiled
    """Pairs (enrolments) that have not ended (compiled)."""
    count = 0
    for i in range(n):
        count += end[i] == -1
    return count
