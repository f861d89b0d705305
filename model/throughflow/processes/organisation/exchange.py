"""Exchange between mentees, run by the organisation (pillar 2): better job search."""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.processes.enrolment import programme


class MenteeExchangePars(Section):
    """Exchange between mentees."""

    enabled: bool = par(True, unit="switch", doc="organisation runs exchange between mentees", kind=LEVER)
    search_gain: float = share(
        0.03, "monthly search-effectiveness gain from exchange between mentees", 0.01, 0.06, unit="per month"
    )


class MenteeExchange(Mechanism[MenteeExchangePars]):
    """Enrolled refugees learn job search from one another."""

    name = "mentee_exchange"
    pillar = "organisation"
    section = "organisation.mentee_exchange"
    Pars = MenteeExchangePars
    steps = {Phase.SUPPORT: "exchange"}

    def exchange(self, month: int) -> None:
        """Enrolled refugees gain search effectiveness."""
        _exchange(programme(self.model).enrolled_rows, self.model.refugees.search, self.pars.search_gain)


@njit(cache=True, nogil=True)
def _exchange(enrolled: np.ndarray, search: np.ndarray, gain: float) -> None:  # pragma: no cover - compiled
    """Each enrolled refugee's search effectiveness grows toward 1 by ``gain`` (compiled)."""
    for row in enrolled:
        search[row] += gain * (1.0 - search[row])
