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

from throughflow.enums import PairEnd, Status
from throughflow.mechanism import Column, Counter, Mechanism, Phase
from throughflow.parameters import LEVER, Priority, ScenarioBase, Section, Targeting, Timing, par, share
from throughflow.population import NO
from throughflow.randomness import below, uniforms_compiled

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
        self._timing = _TIMINGS[self.pars.timing]
        self._targeting = _TARGETINGS[self.pars.targeting]

    def organise(self, month: int) -> None:
        """End the pairs that end this month, then enrol and match."""
        changed = self._end_pairs(month)
        if self._enrol(month) or changed:
            self._refresh()

    def _refresh(self) -> None:
        """The lists of enrolled refugees, and of those with a mentor, after enrolments changed."""
        r = self.model.refugees
        self.enrolled_rows, self.paired_rows = _enrolled(r.enrolled, r.mentor, r.n)

    def _end_pairs(self, month: int) -> bool:
        """End this month's pairs (before the mentors who leave are gone); whether any ended."""
        model = self.model
        p, r, hooks = model.pairs, model.refugees, model.hooks
        leavers = hooks["leaving_mentors"]
        if len(leavers) == 1:
            leaving_mentors = leavers[0](month)
        else:
            leaving_mentors = np.concatenate([hook(month) for hook in leavers] or [np.zeros(0, np.int64)])
        stay = 0
        for i, hook in enumerate(hooks["stay_on_months"]):
            stay = hook() if i == 0 else max(stay, hook())
        p_break = self.pars.p_breakdown_per_month * model.product("breakdown_factor")
        rows = _end(
            month, stay, p_break, self.key, leaving_mentors, model.mentors.n, p.n,
            p.end, p.reason, p.mentee, p.mentor, p.planned_end, r.status, r.job_start, r.enrolled, r.mentor,
        )  # fmt: skip
        if rows.size:
            mentee, mentor, reason = p.mentee[rows], p.mentor[rows], p.reason[rows]
            self.log(month, "pair_end", mentee, reason, mentor)
            for hook in hooks["pairs_end"]:
                hook(rows, mentee, mentor, reason, leaving_mentors, month)
        for hook in hooks["mentors_leave"]:
            hook(leaving_mentors)
        return rows.size > 0

    def eligible(self, month: int) -> np.ndarray:
        """Refugees the programme would enrol now (targeting, timing, never enrolled before)."""
        return self._candidates(month, False)

    def _candidates(self, month: int, mark: bool) -> np.ndarray:
        """:meth:`eligible`; with ``mark``, those eligible for the first time are eligible since ``month``."""
        m = self.pars
        r = self.model.refugees
        filters = self.model.hooks["enrolment_filter"]
        at_once = mark and self._targeting != _RANDOM_SHARE and not filters  # marked in the same pass
        rows = _eligible(
            self._timing, self._targeting, month, m.late_contract_months, r.n,
            r.status, r.ever_enrolled, r.qualification, r.contract_end, r.ended, r.eligible_since, at_once,
        )  # fmt: skip
        if self._targeting == _RANDOM_SHARE:  # one number per refugee, the same every month
            rows = self.chance(0, rows, m.coverage_share, COVERAGE)
        for allowed in filters:
            rows = rows[allowed(rows, month)]
        if mark and not at_once:
            _mark_eligible(rows, r.eligible_since, month)
        return rows

    def _priority(self, candidates: np.ndarray, month: int, free: int) -> np.ndarray:
        """The first ``free`` candidates in the order the declared priority rule serves them."""
        r = self.model.refugees
        rule = self.pars.priority
        if rule == "first_eligible":  # a waiting list: first eligible first, then in order of arrival
            return _first_served(candidates, r.eligible_since, free)
        if rule == "contract_end":  # the soonest contract end first; those without a contract last
            end = r.contract_end[candidates]
            key = np.where(end == NO, np.iinfo(np.int32).max, end)
        else:
            key = self.uniforms(month, candidates, PRIORITY)
        return candidates[np.argsort(key, kind="stable")][:free]

    def _enrol(self, month: int) -> bool:
        """Enrol and match the candidates the free places allow; whether the enrolments may have changed."""
        model = self.model
        candidates = self._candidates(month, True)
        model.recorder.set("waiting_mentees", candidates.size)
        free = candidates.size
        for i, hook in enumerate(model.hooks["enrolment_capacity"]):
            free = hook() if i == 0 else min(free, hook())
        if free <= 0 or candidates.size == 0:
            return False
        candidates = self._priority(candidates, month, free)
        assigners = model.hooks["assign_mentors"]
        if assigners:
            for assign in assigners:
                candidates, mentors = _with_mentor(candidates, assign(candidates, month))
        else:
            mentors = np.full(candidates.size, NO, dtype=np.int32)
        if candidates.size == 0:  # no one to enrol: no planned ends drawn (a draw of none leaves the stream as it is)
            return False
        self._start(candidates, mentors, month, self.planned_ends(candidates.size))
        return True

    def planned_ends(self, count: int) -> np.ndarray:
        """Planned pair durations (months) of ``count`` new pairs, drawn uniformly between the declared bounds."""
        m = self.pars
        return m.pair_months_min + below(self.stream(), m.pair_months_max - m.pair_months_min + 1, count)

    def start_pairs(self, mentees: np.ndarray, mentors: np.ndarray, month: int, months: np.ndarray) -> None:
        """Enrol ``mentees`` (with ``mentors``, or ``NO``) from ``month`` for ``months`` months each."""
        self._start(mentees, mentors, month, months)
        self._refresh()

    def _start(self, mentees: np.ndarray, mentors: np.ndarray, month: int, months: np.ndarray) -> None:
        """:meth:`start_pairs` without refreshing the lists of enrolled and paired refugees."""
        model = self.model
        r, p = model.refugees, model.pairs
        first = p.n
        p.add(mentees.size)
        _start_pairs(
            first, mentees, mentors, month, months, p.mentee, p.mentor, p.start, p.planned_end,
            r.mentor, r.enrolled, r.ever_enrolled, r.ever_mentored, r.reached, r.enrol_month,
        )  # fmt: skip
        self.log(month, "match", mentees, mentors)

    def observe(self, month: int) -> None:
        """Month-level figures of the programme."""
        p, rec = self.model.pairs, self.model.recorder
        rec.set("enrolled", self.enrolled_rows.size)
        started, early = _pair_figures(p.start, p.end, p.reason, p.n, month)
        rec.set("pairs_started", started)
        rec.set("pairs_ended_early", early)

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
_WAITING, _ART60, _UNEMPLOYED = int(Status.WAITING), int(Status.ART60), int(Status.UNEMPLOYED)
_WAITING_LIST, _PLACEMENT, _LATE_CONTRACT, _AFTER_CONTRACT = 0, 1, 2, 3
_TIMINGS = {
    "waiting_list": _WAITING_LIST,
    "placement": _PLACEMENT,
    "late_contract": _LATE_CONTRACT,
    "after_contract": _AFTER_CONTRACT,
}
_ALL, _LOW, _MEDIUM_HIGH, _RANDOM_SHARE = 0, 1, 2, 3
_TARGETINGS = {"all": _ALL, "low": _LOW, "medium_high": _MEDIUM_HIGH, "random_share": _RANDOM_SHARE}
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


@njit(cache=True, nogil=True)
def _end(
    month: int,
    stay: int,
    p_break: float,
    key: int,
    leaving_mentors: np.ndarray,
    n_mentors: int,
    n_pairs: int,
    end: np.ndarray,
    reason_of: np.ndarray,
    pair_mentee: np.ndarray,
    pair_mentor: np.ndarray,
    planned_end: np.ndarray,
    status: np.ndarray,
    job_start: np.ndarray,
    enrolled: np.ndarray,
    mentor_of: np.ndarray,
) -> np.ndarray:  # pragma: no cover - compiled
    """End the pairs that end this month (compiled): the rows of those that end, in order.

    The active pairs each draw their breakdown number (counter-based, draw ``BREAKDOWN``),
    :func:`_reasons` says why each ends; an ending pair gets its end month and reason, and
    its mentee is no longer enrolled nor has a mentor.
    """
    active = _active(end[:n_pairs])
    mentee, mentor = pair_mentee[active], pair_mentor[active]
    breaks = uniforms_compiled(key, month, active, BREAKDOWN) < p_break
    leaving = np.zeros(n_mentors + 1, dtype=np.bool_)  # the last slot: no mentor (NO = -1)
    for m in leaving_mentors:
        leaving[m] = True
    reason = _reasons(active, mentee, mentor, month, stay, breaks, leaving, planned_end, status, job_start)
    ending = reason != NO
    rows, mentee, reason = active[ending], mentee[ending], reason[ending]
    for i in range(rows.size):
        end[rows[i]] = month
        reason_of[rows[i]] = reason[i]
        enrolled[mentee[i]] = False
        mentor_of[mentee[i]] = NO
    return rows


@njit(cache=True, nogil=True)
def _enrolled(
    enrolled: np.ndarray,
    mentor: np.ndarray,
    n: int,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The enrolled refugees, and those of them with a mentor, in order (compiled)."""
    rows = np.flatnonzero(enrolled[:n])
    paired = np.empty(rows.size, dtype=np.int64)
    k = 0
    for row in rows:
        paired[k] = row
        k += mentor[row] != NO
    return rows, paired[:k]


@njit(cache=True, nogil=True)
def _eligible(
    timing: int,
    targeting: int,
    month: int,
    late_months: int,
    n: int,
    status: np.ndarray,
    ever_enrolled: np.ndarray,
    qualification: np.ndarray,
    contract_end: np.ndarray,
    ended: np.ndarray,
    eligible_since: np.ndarray,
    mark: bool,
) -> np.ndarray:  # pragma: no cover - compiled
    """Refugees eligible by the timing and targeting rules who were never enrolled, in order (compiled).

    With ``mark``, those eligible for the first time are eligible since ``month``.
    """
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):  # few refugees pass the timing rule: the others are skipped at once
        s = status[i]
        if timing == _WAITING_LIST:
            ok = (s == _WAITING) | (s == _ART60)
        elif timing == _PLACEMENT:
            ok = s == _ART60
        elif timing == _LATE_CONTRACT:
            ok = s == _ART60 and contract_end[i] - month < late_months
        else:
            ok = s == _UNEMPLOYED and ended[i] != NO
        if not ok or ever_enrolled[i]:
            continue
        if targeting == _LOW and qualification[i] != 0:
            continue
        if targeting == _MEDIUM_HIGH and qualification[i] <= 0:
            continue
        if mark and eligible_since[i] == NO:
            eligible_since[i] = month
        out[k] = i
        k += 1
    return out[:k]


@njit(cache=True, nogil=True)
def _mark_eligible(candidates: np.ndarray, eligible_since: np.ndarray, month: int) -> None:  # pragma: no cover - compiled
    """Candidates eligible for the first time are eligible since ``month`` (compiled)."""
    for row in candidates:
        if eligible_since[row] == NO:
            eligible_since[row] = month


@njit(cache=True, nogil=True)
def _first_served(candidates: np.ndarray, eligible_since: np.ndarray, free: int) -> np.ndarray:  # pragma: no cover - compiled
    """The first ``free`` candidates of the waiting list: first eligible first, ties in order (compiled, stable).

    The months of eligibility span a few hundred values at most, so the order is a counting
    sort (one pass to count, one to place), where a comparison sort of a 100,000-refugee
    waiting list would cost far more; keys spread wider than the list take a stable mergesort.
    """
    n = candidates.size
    take = min(max(free, 0), n)
    if n == 0:
        return candidates[:0]
    low = high = eligible_since[candidates[0]]
    for c in candidates:
        low, high = min(low, eligible_since[c]), max(high, eligible_since[c])
    span = int(high) - int(low) + 1
    if span > 4 * n + 1024:
        keys = np.empty(n, dtype=np.int64)
        for i in range(n):
            keys[i] = eligible_since[candidates[i]]
        return candidates[np.argsort(keys, kind="mergesort")[:take]]
    start = np.zeros(span + 1, dtype=np.int64)  # then: the first position of each month
    for c in candidates:
        start[eligible_since[c] - low + 1] += 1
    for k in range(span):
        start[k + 1] += start[k]
    out = np.empty(take, dtype=candidates.dtype)
    for c in candidates:
        k = eligible_since[c] - low
        if start[k] < take:
            out[start[k]] = c
        start[k] += 1
    return out


@njit(cache=True, nogil=True)
def _with_mentor(
    candidates: np.ndarray,
    mentors: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # pragma: no cover - compiled
    """The candidates who got a mentor, and their mentors (compiled)."""
    matched = mentors != NO
    return candidates[matched], mentors[matched]


@njit(cache=True, nogil=True)
def _start_pairs(
    first: int,
    mentees: np.ndarray,
    mentors: np.ndarray,
    month: int,
    months: np.ndarray,
    pair_mentee: np.ndarray,
    pair_mentor: np.ndarray,
    start: np.ndarray,
    planned_end: np.ndarray,
    mentor_of: np.ndarray,
    enrolled: np.ndarray,
    ever_enrolled: np.ndarray,
    ever_mentored: np.ndarray,
    reached: np.ndarray,
    enrol_month: np.ndarray,
) -> None:  # pragma: no cover - compiled
    """Write the new pairs from row ``first`` on and enrol their mentees (compiled)."""
    for i in range(mentees.size):
        row, mentee = first + i, mentees[i]
        pair_mentee[row] = mentee
        pair_mentor[row] = mentors[i]
        start[row] = month
        planned_end[row] = month + months[i]
        mentor_of[mentee] = mentors[i]
        enrolled[mentee] = True
        ever_enrolled[mentee] = True
        ever_mentored[mentee] |= mentors[i] != NO
        reached[mentee] = True
        enrol_month[mentee] = month


@njit(cache=True, nogil=True)
def _pair_figures(
    start: np.ndarray, end: np.ndarray, reason: np.ndarray, n: int, month: int
) -> tuple[int, int]:  # pragma: no cover - compiled
    """Pairs started this month, and pairs ended this month by breakdown or the mentor leaving (compiled)."""
    started = 0
    early = 0
    for i in range(n):
        started += start[i] == month
        if end[i] == month and (reason[i] == _BREAKDOWN or reason[i] == _MENTOR_LEFT):
            early += 1
    return started, early
