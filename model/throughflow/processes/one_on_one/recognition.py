"""The mentor advocates for the recognition of a HIGH-qualified mentee's diploma (pillar 1)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from numba import njit

from throughflow.enums import Qualification
from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.processes.enrolment import programme
from throughflow.randomness import uniforms_compiled

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
        r, pars = model.refugees, self.pars
        won = _recognitions(
            self.key, month, programme(model).paired_rows, r.qualification, r.mentor, model.mentors.advocacy,
            r.recognition, pars.p_per_month, pars.gain,
        )  # fmt: skip
        if won.size:
            self.log(month, "recognition", won, 0, r.recognition[won])

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """A recognition in words."""
        return f"With {words.mentor_name}'s help a diploma is recognised (recognition now {value:.2f})."


_HIGH = int(Qualification.HIGH)


@njit(cache=True, nogil=True)
def _recognitions(
    key: int,
    month: int,
    paired: np.ndarray,
    qualification: np.ndarray,
    mentor: np.ndarray,
    advocacy: np.ndarray,
    recognition: np.ndarray,
    p: float,
    gain: float,
) -> np.ndarray:  # pragma: no cover - compiled
    """This month's recognised diplomas (compiled): the HIGH-qualified paired mentees whose recognition grows, in order.

    A mentee's diploma is recognised with probability ``p`` times the mentor's advocacy (the
    mentee's uniform among the HIGH-qualified paired mentees) unless recognition is full; it
    gains ``gain``, up to 1.
    """
    high = np.empty(paired.size, dtype=np.int64)
    n = 0
    for row in paired:
        high[n] = row
        n += qualification[row] == _HIGH
    high = high[:n]
    u = uniforms_compiled(key, month, high, 0)
    won = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        row = high[i]
        if u[i] < p * advocacy[mentor[row]] and recognition[row] < 1.0:
            won[k] = row
            k += 1
    for row in won[:k]:
        recognition[row] = np.minimum(1.0, recognition[row] + gain)
    return won[:k]
