"""The ecosystem of learning labs and employer support (pillar 3): partner employers, seats and costs.

ODD: Process overview step 5. A declared share of employers takes part in employer support
and dating events (fixed for the run). Each activity of the pillar is a mechanism of its own
in this package, with a calendar, seats (mentees first, then other job seekers at random)
and an effect. The pillar pays per lab seat filled and, while any employer-facing activity
runs, per participating employer-month.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import numpy as np

from throughflow.enums import Lab, Status
from throughflow.limits import LIMITS, Entity
from throughflow.mechanism import CostItem, Counter, Mechanism, Phase
from throughflow.parameters import LEVER, ScenarioBase, Section, par, share
from throughflow.population import NO
from throughflow.processes.hiring import job_seekers

if TYPE_CHECKING:
    from throughflow.words import Words


LEARNING = np.isin(np.arange(len(Status)), [Status.WAITING, Status.ART60, Status.UNEMPLOYED])
"""Statuses whose refugees can join conversation clubs (indexed by status)."""


class LabsPars(Section):
    """Pillar 3: the ecosystem of learning labs and employer support (each activity has its section below)."""

    enabled: bool = par(False, unit="switch", doc="pillar 3: learning labs and employer support", kind=LEVER)
    employer_participation: float = share(
        0.15, "share of employers taking part in employer support and dating events", 0.05, 0.3, kind=LEVER
    )
    seat_eur: float = par(
        40.0,
        unit="EUR/seat",
        doc="cost per lab seat filled (clubs, workshops, dating, events)",
        low=20,
        high=80,
        price=True,
        le=10_000,
    )
    employer_support_eur_month: float = par(
        50.0,
        unit="EUR/employer-month",
        doc="cost of employer support per participating employer-month",
        low=20,
        high=100,
        price=True,
        le=10_000,
    )


class Ecosystem(Mechanism[LabsPars]):
    """Partner employers, lab seats and the pillar's costs."""

    name = "labs"
    pillar = "labs"
    section = "labs"
    Pars = LabsPars
    events = ("lab",)
    counters = (
        Counter("lab_seats", "lab seats filled (clubs, workshops, dating, events)"),
        Counter("employer_support_months", "participating employer-months of employer support", by_qualification=False),
    )
    costs = (
        CostItem("labs", "lab_seats", "labs.seat_eur"),
        CostItem("employer_support", "employer_support_months", "labs.employer_support_eur_month"),
    )
    steps = {Phase.SUPPORT: "begin_month"}

    @classmethod
    def sizes(cls, scenario: ScenarioBase, months: int) -> list[Entity]:
        """Lab seats a month: every activity's seats (speed dating: times the contacts) at the run's scale."""
        from throughflow.schema import mechanisms_of
        from throughflow.switches import active_mechanisms

        scale = scenario.population.scale
        seats = 0.0
        for mechanism in active_mechanisms(mechanisms_of(scenario), scenario):  # only what runs is read
            activity = scenario.section(mechanism.section) if mechanism.section else None
            if activity is not None and "seats" in type(activity).model_fields:
                contacts = activity.contacts if "contacts" in type(activity).model_fields else 1
                seats += activity.seats * contacts
        return [
            Entity(
                "lab seats per month", seats * scale, LIMITS["lab seats per month"], f"labs.*.seats x population.scale {scale:g}"
            )
        ]

    def init(self) -> None:
        """Draw the participating employers (fixed for the run)."""
        e = self.model.employers
        e.set_participants(self.stream().random(e.n) < self.pars.employer_participation)
        self.supports_employers = any(getattr(m, "employer_facing", False) for m in self.model.mechanisms.values())
        self.participants = e.participates.sum()  # the participants are fixed for the run
        self._seekers = np.zeros(0, dtype=np.int64)
        self._listed = NO  # the month the job seekers were last listed
        # the calendars of the activities that draw from the job seekers
        self.calendars = [m.pars.every_months for m in self.model.mechanisms.values() if m.draws_seekers]

    def begin_month(self, month: int) -> None:
        """Employer support this month, and the job seekers the activities draw from (when one meets this month)."""
        if self.supports_employers:
            self.count("employer_support_months", self.participants)
        for every in self.calendars:
            if month % every == 0:
                self.seekers = job_seekers(self.model, month)
                return

    @property
    def seekers(self) -> np.ndarray:
        """The job seekers of this month, for the activities that draw from them.

        They are listed only in months when an activity that declares ``draws_seekers = True``
        meets (its ``every_months`` calendar).

        Raises:
            RuntimeError: When read in a month they were not listed: the activity reading
                them does not declare ``draws_seekers = True``.
        """
        if self._listed != self.model.steps:
            raise RuntimeError(
                f"the job seekers of month {self.model.steps} were not listed: "
                "a lab activity that draws from them must declare draws_seekers = True"
            )
        return self._seekers

    @seekers.setter
    def seekers(self, rows: np.ndarray) -> None:
        self._seekers, self._listed = rows, self.model.steps

    def attend(self, month: int, rows: np.ndarray, lab: Lab) -> None:
        """Log and count seats taken in an activity."""
        if rows.size == 0:
            return
        self.log(month, "lab", rows, int(lab))
        self.model.refugees.reached[rows] = True
        self.count_people("lab_seats", rows)

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """Taking part in a lab in words."""
        return f"{words.name} takes part in a learning lab: {Lab(ref).name.replace('_', ' ').lower()}."


def ecosystem(model: object) -> Ecosystem:
    """The pillar's shared part in a model where pillar 3 runs."""
    return cast(Ecosystem, model.mechanisms["labs"])  # type: ignore[attr-defined]
