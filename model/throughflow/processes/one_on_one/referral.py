"""The mentor refers the mentee to open vacancies at employers the mentor knows (pillar 1).

Each month a paired mentee who searches makes a warm application to an open vacancy of each
employer among the mentor's ties (within the mentee's commute tolerance); see
:mod:`throughflow.processes.hiring` for how warm applications are screened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

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
        mentees, ties = _mentors_ties(seekers, self.model.refugees.mentor, self.model.mentors.ties)
        return mentees, ties, Channel.MENTOR_REFERRAL

    def applied(self, seekers: np.ndarray, employers: np.ndarray, month: int) -> None:
        """Log the referrals that became applications."""
        if len(seekers):
            self.log(month, "refer", seekers, employers, self.model.refugees.mentor[seekers])

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """A referral in words."""
        return f"{words.mentor_name} refers {words.name} to an open vacancy at {words.employer(ref)}."


@njit(cache=True, nogil=True)
def _mentors_ties(
    seekers: np.ndarray, mentor: np.ndarray, mentor_ties: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The seekers with a mentor, in order, and their mentor's employer ties (compiled; ``NO`` = -1: no mentor)."""
    mentees = np.empty(seekers.size, dtype=np.int64)
    ties = np.empty((seekers.size, mentor_ties.shape[1]), dtype=mentor_ties.dtype)
    n = 0
    for row in seekers:
        m = mentor[row]
        if m >= 0:
            mentees[n] = row
            ties[n] = mentor_ties[m]
            n += 1
    return mentees[:n], ties[:n]
