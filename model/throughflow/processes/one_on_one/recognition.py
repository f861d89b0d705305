"""The mentor advocates for the recognition of a HIGH-qualified mentee's diploma (pillar 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.enums import Qualification
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.processes.enrolment import programme

if TYPE_CHECKING:
    from throughflow.words import Words


class RecognitionAdvocacyPars(Section):
    """Advocacy for diploma recognition."""

    enabled: bool = par(True, unit="switch", doc="mentor advocates for diploma recognition", kind=LEVER)
    p_per_month: float = share(
        0.08,
        "monthly probability that advocacy for diploma recognition succeeds (x advocacy), HIGH",
        0.03,
        0.15,
        unit="per month",
    )
    gain: float = share(0.25, "recognition gained when a diploma is recognised", 0.1, 0.4, unit="index 0-1")


class RecognitionAdvocacy(Mechanism[RecognitionAdvocacyPars]):
    """Diplomas of HIGH-qualified mentees get recognised: employers see more of their skill."""

    name = "recognition_advocacy"
    pillar = "one_on_one"
    section = "one_on_one.recognition_advocacy"
    Pars = RecognitionAdvocacyPars
    events = ("recognition",)
    steps = {Phase.SUPPORT: "advocate"}

    def advocate(self, month: int) -> None:
        """This month's recognitions."""
        model = self.model
        r, mt = model.refugees, model.mentors
        paired = programme(model).paired_rows
        high = paired[r.qualification[paired] == Qualification.HIGH]
        p_success = self.pars.p_per_month * mt.advocacy[r.mentor[high]]
        won = high[(self.uniforms(month, high) < p_success) & (r.recognition[high] < 1.0)]
        r.recognition[won] = np.minimum(1.0, r.recognition[won] + self.pars.gain)
        self.log(month, "recognition", won, 0, r.recognition[won])

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """A recognition in words."""
        return f"With {words.mentor_name}'s help a diploma is recognised (recognition now {value:.2f})."
