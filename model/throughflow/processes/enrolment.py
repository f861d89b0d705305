"""Enrolment in the mentoring programme and the life of its pairs (pillars 1 and 2).

ODD: Process overview step 2. Each month the programme ends the pairs that finish, break
down, lose their mentor or their mentee, then enrols eligible refugees (targeting and timing
are levers) in the order of the declared priority rule (by default a waiting list: first
eligible, first served), up to the free capacity (the ``enrolment_capacity`` hook: the
organisation's; unlimited without one). With volunteers
(pillar 1) each enrolment is a pair with a mentor (``assign_mentors`` hook) and a refugee
without a free mentor is not enrolled; with the organisation alone, participants are
enrolled without a volunteer. A pair is planned for 6-12 months and ends a few months after
the mentee's hire (``stay_on_months`` hook); about 89 % of pairs complete six months (DUO
for a JOB).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np
from numba import njit
from pydantic import model_validator

from throughflow.arrays import rows_where
from throughflow.enums import PairEnd, Status
from throughflow.mechanism import Column, Counter, Mechanism, Phase
from throughflow.parameters import LEVER, Priority, ScenarioBase, Section, Targeting, Timing, par, share
from throughflow.population import NO
from throughflow.randomness import below

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel
    from throughflow.words import Words

COVERAGE, BREAKDOWN, PRIORITY = 1, 2, 3
"""Draw indices of the programme's counter-based numbers: random-share targeting (one per
refugee), pair breakdown, random priority."""


class MentoringPars(Section):
    """The programme's reach: who is enrolled, when, and how long pairs last (pillars 1 and 2)."""

    targeting: Targeting = par("all", unit="choice", doc="who is eligible: all, low, medium_high, random_share", kind=LEVER)
    coverage_share: float = share(0.5, "eligible share when targeting = random_share", 0.2, 1.0, kind=LEVER)
    timing: Timing = par(
        "waiting_list",
        unit="choice",
        doc="when refugees become eligible: waiting_list (from becoming an OCMW client, so a mentor can be "
        "at the placement talk), placement (from the start of the art. 60 contract), late_contract (its last "
        "months) or after_contract (on benefit after it)",
        kind=LEVER,
    )
    priority: Priority = par(
        "first_eligible",
        unit="choice",
        doc="who is enrolled first when places are scarce: first_eligible (a waiting list in order of "
        "eligibility), contract_end (the soonest contract end first) or random",
        kind=LEVER,
    )
    late_contract_months: int = par(
        6,
        unit="months",
        doc="months before contract end when late_contract matching starts",
        low=3,
        high=9,
        kind=LEVER,
        ge=1,
        le=24,
    )
    pair_months_min: int = par(
        6,
        unit="months",
        doc="shortest planned pair duration",
        low=6,
        high=6,
        source="DUO for a JOB: 6-month programme",
        ge=1,
        le=24,
    )
    pair_months_max: int = par(12, unit="months", doc="longest planned pair duration", low=9, high=12, ge=1, le=36)
    p_breakdown_per_month: float = share(
        0.025, "monthly pair breakdown probability without coaching", 0.015, 0.04, unit="per month"
    )

    @model_validator(mode="after")
    def _pair_months_ordered(self) -> MentoringPars:
        if self.pair_months_max < self.pair_months_min:
            raise ValueError("mentoring.pair_months_max must be >= pair_months_min")
        return self


class Enrolment(Mechanism[MentoringPars]):
    """The mentoring programme: enrolment, pairs and their ends."""

    name = "enrolment"
    section = "mentoring"
    Pars = MentoringPars
    refugee_columns = {
        "enrolled": Column(np.bool_, False, "currently enrolled in the programme"),
        "ever_enrolled": Column(np.bool_, False, "ever enrolled"),
        "enrol_month": Column(np.int32, NO, "month of the (last) enrolment"),
        "mentor": Column(np.int32, NO, "current mentor (a row of the mentor table)"),
        "ever_mentored": Column(np.bool_, False, "ever matched with a volunteer mentor"),
        "eligible_since": Column(np.int32, NO, "first month the refugee was eligible for the programme"),
    }
    events = ("match", "pair_end")
    counters = (
        Counter("enrolled", "refugees enrolled in the programme", by_qualification=False),
        Counter("waiting_mentees", "eligible refugees not yet enrolled", by_qualification=False),
        Counter("pairs_started", "pairs (enrolments) started this month", by_qualification=False),
        Counter("pairs_ended_early", "pairs ended by breakdown or the mentor leaving", by_qualification=False),
    )
    steps = {Phase.ORGANISE: "organise"}

    @classmethod
    def switched_on(cls, scenario: ScenarioBase) -> bool:
        """The programme runs with pillar 1 (volunteers) or pillar 2 (the organisation)."""
        return bool(scenario.section("one_on_one").enabled or scenario.section("organisation").enabled)

    def init(self) -> None:
        """No one is enrolled at the start."""
        self.enrolled_rows = np.zeros(0, dtype=np.int64)
        self.paired_rows = np.zeros(0, dtype=np.int64)

    def organise(self, month: int) -> None:
        """End the pairs that end this month, then enrol and match."""
        self._end_pairs(month)
        self._enrol(month)

    def _refresh(self) -> None:
        r = self.model.refugees
        self.enrolled_rows = rows_where(r.column("enrolled"))
        self.paired_rows = self.enrolled_rows[r.mentor[self.enrolled_rows] != NO]

    def _end_pairs(self, month: int) -> None:
        model = self.model
        p, r = model.pairs, model.refugees
        leaving_mentors = np.concatenate([hook(month) for hook in model.hooks["leaving_mentors"]] or [np.zeros(0, np.int64)])
        active = _active(p.column("end"))
        if active.size:
            mentee = p.mentee[active]
            mentor = p.mentor[active]
            stay = max((hook() for hook in model.hooks["stay_on_months"]), default=0)
            p_break = self.pars.p_breakdown_per_month * model.product("breakdown_factor")
            leaving = np.zeros(model.mentors.n + 1, dtype=np.bool_)  # the last slot: no mentor (NO = -1)
            leaving[leaving_mentors] = True
            reason = _reasons(
                active, mentee, mentor, month, stay, self.uniforms(month, active, BREAKDOWN) < p_break, leaving,
                p.planned_end, r.status, r.job_start,
            )  # fmt: skip
            ending = reason != NO
            if ending.any():
                rows, mentee, mentor, reason = active[ending], mentee[ending], mentor[ending], reason[ending]
                p.end[rows] = month
                p.reason[rows] = reason
                r.enrolled[mentee] = False
                r.mentor[mentee] = NO
                self.log(month, "pair_end", mentee, reason, mentor)
                for hook in model.hooks["pairs_end"]:
                    hook(rows, mentee, mentor, reason, leaving_mentors, month)
                self._refresh()
        for hook in model.hooks["mentors_leave"]:
            hook(leaving_mentors)

    def eligible(self, month: int) -> np.ndarray:
        """Refugees the programme would enrol now (targeting, timing, never enrolled before)."""
        m = self.pars
        r = self.model.refugees
        status = r.column("status")
        if m.timing == "waiting_list":
            ok = (status == Status.WAITING) | (status == Status.ART60)
        elif m.timing == "placement":
            ok = status == Status.ART60
        elif m.timing == "late_contract":
            ok = (status == Status.ART60) & (r.column("contract_end") - month < m.late_contract_months)
        else:
            ok = (status == Status.UNEMPLOYED) & (r.column("ended") != NO)
        ok &= ~r.column("ever_enrolled")
        qual = r.column("qualification")
        if m.targeting == "low":
            ok &= qual == 0
        elif m.targeting == "medium_high":
            ok &= qual > 0
        rows = rows_where(ok)
        if m.targeting == "random_share":  # one number per refugee, the same every month
            rows = self.chance(0, rows, m.coverage_share, COVERAGE)
        for allowed in self.model.hooks["enrolment_filter"]:
            rows = rows[allowed(rows, month)]
        return rows

    def _priority(self, candidates: np.ndarray, month: int) -> np.ndarray:
        """The candidates in the order the declared priority rule serves them."""
        r = self.model.refugees
        rule = self.pars.priority
        if rule == "first_eligible":  # a waiting list: first eligible first, then in order of arrival
            key = r.eligible_since[candidates]
        elif rule == "contract_end":  # the soonest contract end first; those without a contract last
            end = r.contract_end[candidates]
            key = np.where(end == NO, np.iinfo(np.int32).max, end)
        else:
            key = self.uniforms(month, candidates, PRIORITY)
        return candidates[np.argsort(key, kind="stable")]

    def _enrol(self, month: int) -> None:
        model = self.model
        r = model.refugees
        candidates = self.eligible(month)
        new = candidates[r.eligible_since[candidates] == NO]
        r.eligible_since[new] = month
        self.model.recorder.set("waiting_mentees", candidates.size)
        free = min((hook() for hook in model.hooks["enrolment_capacity"]), default=candidates.size)
        if free <= 0 or candidates.size == 0:
            return
        candidates = self._priority(candidates, month)[:free]
        mentors = np.full(candidates.size, NO, dtype=np.int32)
        for assign in model.hooks["assign_mentors"]:
            mentors = assign(candidates, month)
            candidates, mentors = candidates[mentors != NO], mentors[mentors != NO]
        self.start_pairs(candidates, mentors, month, self.planned_ends(candidates.size))

    def planned_ends(self, count: int) -> np.ndarray:
        """Planned pair durations (months) of ``count`` new pairs, drawn uniformly between the declared bounds."""
        m = self.pars
        return m.pair_months_min + below(self.stream(), m.pair_months_max - m.pair_months_min + 1, count)

    def start_pairs(self, mentees: np.ndarray, mentors: np.ndarray, month: int, months: np.ndarray) -> None:
        """Enrol ``mentees`` (with ``mentors``, or ``NO``) from ``month`` for ``months`` months each."""
        model = self.model
        r, p = model.refugees, model.pairs
        rows = p.add(mentees.size)
        p.mentee[rows] = mentees
        p.mentor[rows] = mentors
        p.start[rows] = month
        p.planned_end[rows] = month + months
        r.mentor[mentees] = mentors
        r.enrolled[mentees] = True
        r.ever_enrolled[mentees] = True
        r.ever_mentored[mentees] |= mentors != NO
        r.reached[mentees] = True
        r.enrol_month[mentees] = month
        self.log(month, "match", mentees, mentors)
        self._refresh()

    def observe(self, month: int) -> None:
        """Month-level figures of the programme."""
        p, rec = self.model.pairs, self.model.recorder
        rec.set("enrolled", self.enrolled_rows.size)
        rec.set("pairs_started", np.count_nonzero(p.column("start") == month))
        end, reason = p.column("end"), p.column("reason")
        early = (end == month) & ((reason == PairEnd.BREAKDOWN) | (reason == PairEnd.MENTOR_LEFT))
        rec.set("pairs_ended_early", np.count_nonzero(early))

    def describe(self, event: str, words: Words, ref: int, value: float) -> str:
        """Enrolments and pair ends in words."""
        if event == "pair_end":
            return f"The mentoring pair ends ({PairEnd(ref).name.replace('_', ' ').lower()})."
        if ref < 0:
            return f"{words.name} enrols with the mentoring organisation."
        advocacy = self.model.mentors.advocacy[ref]
        return f"{words.name} is matched with {words.mentor_name} (mentor #{ref}, advocacy {advocacy:.2f})."


def programme(model: ThroughflowModel) -> Enrolment:
    """The running programme (the enrolment mechanism) of a model where pillar 1 or 2 runs."""
    return cast(Enrolment, model.mechanisms["enrolment"])


def programme_or_none(model: ThroughflowModel) -> Enrolment | None:
    """The programme, or ``None`` when neither pillar 1 nor 2 runs."""
    mechanism: Any = model.mechanisms.get("enrolment")
    return cast(Enrolment | None, mechanism)


_NEC, _WISE_JOB, _INACTIVE = int(Status.NEC), int(Status.WISE_JOB), int(Status.INACTIVE)
_COMPLETED, _BREAKDOWN = int(PairEnd.COMPLETED), int(PairEnd.BREAKDOWN)
_MENTOR_LEFT, _MENTEE_LEFT = int(PairEnd.MENTOR_LEFT), int(PairEnd.MENTEE_LEFT)


@njit(cache=True, nogil=True)
def _active(end: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """Rows of the pairs that have not ended (compiled)."""
    return np.flatnonzero(end == NO)


@njit(cache=True, nogil=True)
def _reasons(
    active: np.ndarray,
    mentee: np.ndarray,
    mentor: np.ndarray,
    month: int,
    stay: int,
    breaks: np.ndarray,
    leaving: np.ndarray,
    planned_end: np.ndarray,
    status: np.ndarray,
    job_start: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled
    """Why each active pair ends this month (``NO``: it goes on), compiled.

    A hire shortens the pair (the mentor stays on ``stay`` months after the job starts:
    ``planned_end`` is updated). The last reason that applies wins: a breakdown (``breaks``),
    the mentor leaving, completion (the planned end reached, or the mentee took a WISE job),
    the mentee leaving the labour market.
    """
    reason = np.full(active.size, NO, dtype=np.int8)
    for i in range(active.size):
        row, s = active[i], status[mentee[i]]
        if s == _NEC:
            planned_end[row] = min(planned_end[row], job_start[mentee[i]] + stay)
        if breaks[i]:
            reason[i] = _BREAKDOWN
        if mentor[i] != NO and leaving[mentor[i]]:
            reason[i] = _MENTOR_LEFT
        if month >= planned_end[row] or s == _WISE_JOB:
            reason[i] = _COMPLETED
        if s == _INACTIVE:
            reason[i] = _MENTEE_LEFT
    return reason
