"""An evaluation-style randomised trial inside a run: the programme offered to a random share.

At a declared point of the career — the start of the art. 60 contract (``placement``) or its
end, for those who go on benefit (``contract_end``) — every refugee who reaches the point
within the trial's window is randomly assigned: a declared share is offered the programme,
the others never are (the control group). The programme then enrols only those offered who
accept the offer (hook ``enrolment_filter``), from the same point on. Outcomes are recorded 6, 12 and 24 months
after assignment, as the randomised evaluations do (docs/MODEL.md §5; the evaluations in
``model/throughflow/data/evaluation_evidence.csv``): the intention-to-treat effect compares
everyone offered with everyone not; dividing by the take-up gives the effect on those treated.
Which parts of the programme the offer holds is set by the scenario's switches (an arm with
job-search help only, or friendship-only mentoring, is a scenario).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from throughflow.arrays import rows_where
from throughflow.enums import Status
from throughflow.mechanism import Column, Mechanism, Phase
from throughflow.parameters import SETTING, ScenarioBase, Section, par, share
from throughflow.population import NO

FOLLOW_UP = (6, 12, 24)
"""Months after assignment at which the trial's outcomes are taken."""

ASSIGN, ACCEPT = 0, 1
"""Draw indices: the assignment and the acceptance of the offer (one number per refugee each)."""


class TrialPars(Section):
    """A randomised offer of the programme inside the run (an evaluation-style trial)."""

    enabled: bool = par(False, unit="switch", doc="randomise the offer of the programme at the trial's point", kind=SETTING)
    point: Literal["placement", "contract_end"] = par(
        "contract_end",
        unit="choice",
        doc="where in the career refugees are randomised: start of the art. 60 contract, or its end (those going on benefit)",
        kind=SETTING,
    )
    offer_share: float = share(0.5, "share of those randomised who are offered the programme", 0.5, 0.5, kind=SETTING)
    acceptance: float = share(
        0.8,
        "share of those offered who accept the offer and can be enrolled",
        0.6,
        0.95,
        source="assumption; programmes evaluated in trials reach most, not all, of those offered",
    )
    first_month: int = par(12, unit="month", doc="first month of the trial's assignment window", kind=SETTING, ge=1, le=600)
    last_month: int = par(72, unit="month", doc="last month of the trial's assignment window", kind=SETTING, ge=1, le=600)


class Trial(Mechanism[TrialPars]):
    """Random assignment to the offer, and the status of the randomised at 6, 12 and 24 months."""

    name = "trial"
    section = "mentoring.trial"
    Pars = TrialPars
    requires = ("enrolment",)
    refugee_columns = {
        "trial_arm": Column(np.int8, NO, "trial assignment: 1 offered, 0 control, -1 not randomised"),
        "trial_month": Column(np.int32, NO, "month of the trial assignment"),
        **{f"trial_status_{k}m": Column(np.int8, NO, f"status {k} months after the trial assignment") for k in FOLLOW_UP},
    }
    steps = {Phase.PLACE: "assign_at_placement", Phase.CONTRACT_END: "assign_at_contract_end", Phase.DYNAMICS: "follow_up"}

    @classmethod
    def check(cls, scenario: ScenarioBase) -> None:
        """The programme must enrol from the trial's point (its capacity is the scenario's to declare)."""
        trial = scenario.section("mentoring.trial")
        if not trial.enabled:
            return
        timing = scenario.section("mentoring").timing
        wanted = {"placement": "placement", "contract_end": "after_contract"}[trial.point]
        if timing != wanted:
            raise ValueError(f"mentoring.trial.point {trial.point} needs mentoring.timing: {wanted} (got {timing})")
        if trial.last_month < trial.first_month:
            raise ValueError("mentoring.trial.last_month must be >= first_month")

    def _assign(self, rows: np.ndarray, month: int) -> None:
        if not self.pars.first_month <= month <= self.pars.last_month or rows.size == 0:
            return
        r = self.model.refugees
        rows = rows[r.trial_arm[rows] == NO]
        offered = self.uniforms(0, rows, ASSIGN) < self.pars.offer_share
        r.trial_arm[rows] = offered.astype(np.int8)
        r.trial_month[rows] = month

    def assign_at_placement(self, month: int) -> None:
        """Randomise those whose art. 60 contract starts this month."""
        if self.pars.point == "placement":
            self._assign(rows_where(self.model.refugees.column("contract_start") == month), month)

    def assign_at_contract_end(self, month: int) -> None:
        """Randomise those whose contract ended this month and who went on benefit."""
        if self.pars.point == "contract_end":
            r = self.model.refugees
            ended = rows_where(r.column("ended") == month)
            self._assign(ended[r.status[ended] == Status.UNEMPLOYED], month)

    def enrolment_filter(self, rows: np.ndarray, month: int) -> np.ndarray:
        """Only those offered in the trial who accept the offer may be enrolled."""
        offered = self.model.refugees.trial_arm[rows] == 1
        return offered & (self.uniforms(0, rows, ACCEPT) < self.pars.acceptance)

    def follow_up(self, month: int) -> None:
        """Record the status of the randomised 6, 12 and 24 months after their assignment."""
        r = self.model.refugees
        when = r.column("trial_month")
        for k in FOLLOW_UP:
            if month - k < 1:
                continue
            rows = rows_where(when == month - k)
            getattr(r, f"trial_status_{k}m")[rows] = r.status[rows]
