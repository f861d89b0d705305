"""The mentor raises the mentee's search effectiveness (pillar 1): more and better applications."""

from __future__ import annotations

import numpy as np
from numba import njit

from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.processes.enrolment import programme


class SearchSupportPars(Section):
    """The mentor's help with job search."""

    enabled: bool = par(True, unit="switch", doc="mentor raises search effectiveness", kind=LEVER)
    rate: float = share(0.10, "monthly gain toward full search effectiveness while paired", 0.05, 0.2, unit="per month")


class SearchSupport(Mechanism[SearchSupportPars]):
    """Paired mentees' search effectiveness grows toward 1."""

    name = "search_support"
    pillar = "one_on_one"
    section = "one_on_one.search_support"
    Pars = SearchSupportPars
    steps = {Phase.SUPPORT: "support"}

    def support(self, month: int) -> None:
        """This month's gain in search effectiveness of paired mentees."""
        _grow_search(programme(self.model).paired_rows, self.pars.rate, self.model.refugees.search)


@njit(cache=True, nogil=True)
def _grow_search(rows: np.ndarray, rate: float, search: np.ndarray) -> None:  # pragma: no cover - compiled
    """A month's gain in search effectiveness of the distinct ``rows`` (compiled): ``rate`` of the way to 1."""
    for row in rows:
        search[row] += rate * (1.0 - search[row])
