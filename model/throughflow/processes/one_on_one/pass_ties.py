"""The mentor passes on employer ties to the mentee (pillar 1).

Each month a paired mentee may get one of the mentor's employer ties; it is a weak tie of
the mentee's own from then on, and fades like any other (``population.p_tie_fades_per_month``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.population import NO
from throughflow.processes.enrolment import programme
from throughflow.processes.transitions import tie_fades

if TYPE_CHECKING:
    from throughflow.words import Words

PASS, PICK = 0, 1
"""Draw indices: whether a tie is passed on this month, and which one."""


class PassTiesPars(Section):
    """Employer ties passed on by the mentor."""

    enabled: bool = par(True, unit="switch", doc="mentor passes on employer ties", kind=LEVER)
    p_per_month: float = share(0.10, "monthly probability the mentor passes on an employer tie", 0.05, 0.2, unit="per month")


class PassTies(Mechanism[PassTiesPars]):
    """Mentors introduce their mentees to employers they know."""

    name = "pass_ties"
    pillar = "one_on_one"
    section = "one_on_one.pass_ties"
    Pars = PassTiesPars
    reads = ("population.p_tie_fades_per_month",)
    events = ("tie",)
    steps = {Phase.SUPPORT: "introduce"}

    def introduce(self, month: int) -> None:
        """This month's introductions."""
        model = self.model
        r, mt = model.refugees, model.mentors
        paired = programme(model).paired_rows
        passing = paired[self.uniforms(month, paired, PASS) < self.pars.p_per_month]
        ties = mt.ties[r.mentor[passing]]
        n_ties = (ties != NO).sum(axis=1)
        has = n_ties > 0
        passing, ties, n_ties = passing[has], ties[has], n_ties[has]
        pick = ties[np.arange(passing.size), (self.uniforms(month, passing, PICK) * n_ties).astype(int)]
        r.add_tie(passing, pick, tie_fades(model, month, self.stream(), passing.size), month)
        self.log(month, "tie", passing, pick, 1.0)

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """An introduction in words."""
        return f"{words.mentor_name} introduces {words.name} to {words.employer(ref)}."
