"""An example mechanism, as a newcomer would add one: mentors help their mentees get a driving licence.

This module is everything the mechanism needs: its parameter section, its state column, its
event, its counter, its random stream (its own, by name) and its monthly step. Registering
it is one line: add ``DrivingLicence`` to the mechanisms the scenario class is composed from
(in the package, the tuple ``MECHANISMS`` in ``throughflow/processes/__init__.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from throughflow.mechanism import Column, Counter, Mechanism, Phase
from throughflow.parameters import LEVER, Section, par, share
from throughflow.processes.enrolment import programme

if TYPE_CHECKING:
    from throughflow.words import Words


class DrivingLicencePars(Section):
    """Help with a driving licence."""

    enabled: bool = par(True, unit="switch", doc="mentor helps the mentee get a driving licence", kind=LEVER)
    p_per_month: float = share(0.05, "monthly probability that a paired mentee passes the test", 0.02, 0.1, unit="per month")
    extra_minutes: float = par(
        20.0, unit="minutes", doc="commute tolerance gained with a licence (a car reaches further)", low=10, high=30, le=120
    )


class DrivingLicence(Mechanism[DrivingLicencePars]):
    """Mentors help their mentees get a driving licence: they accept longer commutes."""

    name = "driving_licence"
    pillar = "one_on_one"
    section = "one_on_one.driving_licence"
    Pars = DrivingLicencePars
    refugee_columns = {"licence": Column(np.bool_, False, "holds a Belgian driving licence")}
    events = ("licence",)
    counters = (Counter("licences", "driving licences obtained"),)
    steps = {Phase.SUPPORT: "help"}

    def help(self, month: int) -> None:
        """This month's successful driving tests of paired mentees."""
        r = self.model.refugees
        paired = programme(self.model).paired_rows
        candidates = paired[~r.licence[paired]]
        passed = candidates[self.uniforms(month, candidates) < self.pars.p_per_month]
        r.licence[passed] = True
        r.commute_tolerance[passed] += self.pars.extra_minutes
        self.log(month, "licence", passed)
        self.count("licences", np.bincount(r.qualification[passed], minlength=3))

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """A licence in words."""
        return f"With {words.mentor_name}'s help {words.name} passes the driving test."
