"""The mentor refers the mentee to open vacancies at employers the mentor knows (pillar 1).

Each month a paired mentee who searches makes a warm application to an open vacancy of each
employer among the mentor's ties (within the mentee's commute tolerance); see
:mod:`throughflow.processes.hiring` for how warm applications are screened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.arrays import rows_at_least
from throughflow.enums import Channel
from throughflow.mechanism import Mechanism
from throughflow.parameters import LEVER, Section, par

if TYPE_CHECKING:
    from throughflow.words import Words


class ReferralPars(Section):
    """Referrals by the mentor to employers the mentor knows."""

    enabled: bool = par(
        True, unit="switch", doc="mentor refers the mentee to vacancies at tied employers (warm applications)", kind=LEVER
    )


class Referral(Mechanism[ReferralPars]):
    """Warm applications through the mentor's employer ties."""

    name = "referral"
    pillar = "one_on_one"
    section = "one_on_one.referral"
    Pars = ReferralPars
    events = ("refer",)

    def warm_applications(self, seekers: np.ndarray, month: int) -> tuple[np.ndarray, np.ndarray, Channel]:
        """Each searching mentee's mentor's employer ties (an application where one is open)."""
        r = self.model.refugees
        mentees = rows_at_least(seekers, r.mentor, 0)  # those with a mentor (NO = -1: none)
        return mentees, self.model.mentors.ties[r.mentor[mentees]], Channel.MENTOR_REFERRAL

    def applied(self, seekers: np.ndarray, employers: np.ndarray, month: int) -> None:
        """Log the referrals that became applications."""
        self.log(month, "refer", seekers, employers, self.model.refugees.mentor[seekers])

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """A referral in words."""
        return f"{words.mentor_name} refers {words.name} to an open vacancy at {words.employer(ref)}."
