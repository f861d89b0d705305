"""The mentor practises Dutch with the mentee (pillar 1): 2-3 hours a week (DUO for a JOB)."""

from __future__ import annotations

from throughflow.mechanism import Mechanism, Phase
from throughflow.parameters import LEVER, Section, par
from throughflow.processes.enrolment import programme
from throughflow.processes.transitions import learn_each


class LanguagePracticePars(Section):
    """Dutch practised with the mentor."""

    enabled: bool = par(True, unit="switch", doc="mentor practises Dutch", kind=LEVER)
    hours_per_month: float = par(
        10.0,
        unit="hours/month",
        doc="Dutch practised with the mentor (2.5 h/week)",
        low=8,
        high=13,
        source="DUO for a JOB: 2-3 h/week",
        le=200,
    )


class LanguagePractice(Mechanism[LanguagePracticePars]):
    """Paired mentees learn Dutch by practice (course-hour equivalents)."""

    name = "language_practice"
    pillar = "one_on_one"
    section = "one_on_one.language_practice"
    Pars = LanguagePracticePars
    reads = ("labour_market.practice_efficiency",)
    steps = {Phase.SUPPORT: "practise"}

    def practise(self, month: int) -> None:
        """This month's practice of paired mentees."""
        model = self.model
        hours = self.pars.hours_per_month * model.scenario.labour_market.practice_efficiency
        r = model.refugees
        learn_each(programme(model).paired_rows, hours, r.qualification, model.hours_per_level, r.language)
