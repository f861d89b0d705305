"""Exchange between mentees, run by the organisation (pillar 2): better job search."""

from __future__ import annotations

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
        r = self.model.refugees
        enrolled = programme(self.model).enrolled_rows
        r.search[enrolled] += self.pars.search_gain * (1.0 - r.search[enrolled])
