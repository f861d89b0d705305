"""Declared indicators: name, label, unit, definition, shape, cohort and how each is computed.

Indicators are computed per run, overall and per qualification group (docs/MODEL.md §5).
Most are taken on the cohort of refugees whose art. 60 contract ended (at its planned end,
or early by dropout) within the observation window, restricted for each indicator to those
with its full follow-up inside the horizon. Each :class:`Indicator` declares its shape (a
scalar or a curve), its cohort and its compute function, so the ODD table, the sweeps'
columns, plots and briefs all come from :data:`INDICATORS`; :data:`HEADLINE` is the one list
of headline indicators.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from throughflow.enums import QUAL_NAMES, PairEnd, Status
from throughflow.population import NO
from throughflow.processes.employment import BENEFIT_FOLLOW_UP, SUSTAINED_MONTHS

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel

SUSTAINABLE_WINDOW = 36
"""Months after contract start within which a 12-month NEC spell counts as sustainable."""

GROUPS = ("all", *QUAL_NAMES)

ENTRY_CURVE_MONTHS = 24
"""Months after contract end covered by ``nec_entry_after_contract``."""

COST_HORIZONS = (24, 36, 60, 120)
"""Months after arrival over which costs, employed years and transitions are totalled (2, 3, 5, 10 years)."""

PLANNING_HORIZON = 60
"""The horizon of ``cost_per_sustainable_transition``: five years after arrival."""

LONG_RUN_MONTHS = 120
"""Months since arrival covered by the long-run curves (``employment_since_arrival``, ``employed_120m``)."""

Values = dict[str, Any]
"""An indicator's values by group (``all``, ``low``, ``medium``, ``high``): a number or a list."""


class Observed:
    """What the indicators are computed from: a finished model, with the cohort columns read once.

    Args:
        model: A model that has run its horizon.
    """

    def __init__(self, model: ThroughflowModel) -> None:
        self.model = model
        r = model.refugees
        self.horizon: int = model.steps
        self.qual: np.ndarray = r.column("qualification")
        self.ended: np.ndarray = r.column("ended")
        self.start: np.ndarray = r.column("contract_start")
        self.first_nec: np.ndarray = r.column("first_nec")
        self.outcome: np.ndarray = r.column("contract_outcome")
        self.in_cohort: np.ndarray = self.ended != NO
        self.got_nec: np.ndarray = self.first_nec != NO

    def by_group(self, fn: Callable[[np.ndarray], Any], qual: np.ndarray | None = None) -> Values:
        """``fn(mask)`` for everyone and for each qualification group."""
        q = self.qual if qual is None else qual
        out = {"all": fn(np.ones(q.size, dtype=bool))}
        for k, name in enumerate(QUAL_NAMES):
            out[name] = fn(q == k)
        return out

    def share(self, mask: np.ndarray, eligible: np.ndarray, qual: np.ndarray | None = None) -> Values:
        """Share of ``mask`` among ``eligible``, by group (NaN for an empty group)."""
        return self.by_group(lambda g: _share(mask, eligible & g), qual)

    @cached_property
    def sustained(self) -> np.ndarray:
        """Reached a 12-month NEC spell within :data:`SUSTAINABLE_WINDOW` months after contract start."""
        spell = self.model.refugees.column("spell12")
        return (spell != NO) & (spell <= self.start + SUSTAINABLE_WINDOW - 1)


def _share(mask: np.ndarray, eligible: np.ndarray) -> float:
    n = int(eligible.sum())
    return float(mask[eligible].sum() / n) if n else float("nan")


@dataclass(frozen=True)
class Indicator:
    """One declared indicator.

    Attributes:
        name: Name (part of the interface: run tables, sweeps, briefs).
        label: Short label for figures and tables.
        unit: ``share``, ``months``, ``EUR`` or ``ratio``.
        definition: One-sentence definition.
        cohort: Who it is computed on, and the follow-up it needs.
        compute: Function of the observed run giving the values by group (``None``: computed
            against a paired baseline by :func:`throughflow.experiments.run.run`).
        shape: ``scalar`` or ``curve`` (a list per group, indexed as the definition says).
        use: ``outcome`` (what the model is for), ``reach`` (of the programme),
            ``calibration`` (compared with published figures), ``story`` (the traced refugee)
            or ``trial`` (an evaluation-style trial inside the run).
        in_runs: Kept in the rows of sweeps and comparisons (long curves are left out).
        min_months: The shortest horizon at which the indicator can have a value (its cohort
            needs that much follow-up): an analysis of a shorter run is refused before it runs.
        effect: The indicator is itself a difference between two groups (a trial's offered
            minus control): a share's effect lies between -1 and 1.
    """

    name: str
    label: str
    unit: str
    definition: str
    cohort: str
    compute: Callable[[Observed], Values] | None
    shape: Literal["scalar", "curve"] = "scalar"
    use: Literal["outcome", "reach", "calibration", "story", "trial"] = "outcome"
    in_runs: bool = True
    min_months: int = 1
    effect: bool = False

    @property
    def bounds(self) -> tuple[float, float] | None:
        """The values the indicator can take when it is a share: [0, 1], or [-1, 1] for an effect; else ``None``."""
        if self.unit != "share":
            return None
        return (-1.0, 1.0) if self.effect else (0.0, 1.0)

    @property
    def calibration_only(self) -> bool:
        """Whether the indicator serves calibration only."""
        return self.use == "calibration"


def _within(k: int) -> Callable[[Observed], Values]:
    def compute(o: Observed) -> Values:
        full = o.in_cohort & (o.ended + k <= o.horizon)
        return o.share(o.got_nec & (o.first_nec <= o.ended + k), full)

    return compute


def _any_job_within(k: int) -> Callable[[Observed], Values]:
    def compute(o: Observed) -> Values:
        full = o.in_cohort & (o.ended + k <= o.horizon)
        job = (o.got_nec & (o.first_nec <= o.ended + k)) | (o.outcome == Status.WISE_JOB)
        return o.share(job, full)

    return compute


def _entry_curve(o: Observed) -> Values:
    out: Values = {g: [] for g in GROUPS}
    for k in range(ENTRY_CURVE_MONTHS + 1):
        for g, value in _within(k)(o).items():
            out[g].append(round(value, 6) if np.isfinite(value) else float("nan"))
    return out


def _sustainable(o: Observed) -> Values:
    window = o.in_cohort & (o.start + SUSTAINABLE_WINDOW - 1 <= o.horizon)
    return o.share(o.sustained, window)


def _months_to_nec(o: Observed) -> Values:
    full24 = o.in_cohort & (o.ended + 24 <= o.horizon) & o.got_nec & (o.first_nec <= o.ended + 24)
    wait = (o.first_nec - o.start).astype(float)
    return o.by_group(lambda g: float(np.median(wait[full24 & g])) if (full24 & g).any() else float("nan"))


def _rate_curve(nec: np.ndarray, present: np.ndarray) -> Values:
    def rate(n: np.ndarray, p: np.ndarray) -> list[float]:
        with np.errstate(invalid="ignore", divide="ignore"):
            return [round(float(v), 6) if np.isfinite(v) else float("nan") for v in n / p]

    out = {"all": rate(nec.sum(axis=1), present.sum(axis=1))}
    for q, name in enumerate(QUAL_NAMES):
        out[name] = rate(nec[:, q], present[:, q])
    return out


def _since_arrival(employed: bool) -> Callable[[Observed], Values]:
    def compute(o: Observed) -> Values:
        rec = o.model.recorder
        counts = rec.employed_by_months_since_arrival if employed else rec.nec_by_months_since_arrival
        k = LONG_RUN_MONTHS + 1
        present = rec.present_by_months_since_arrival[:k]
        curve = np.zeros((k, counts.shape[1]))
        curve[: min(k, counts.shape[0])] = counts[:k]
        present_k = np.zeros_like(curve)
        present_k[: min(k, present.shape[0])] = present
        return _rate_curve(curve, present_k)

    return compute


def _employed_120m(o: Observed) -> Values:
    curve = _since_arrival(True)(o)
    return {g: values[LONG_RUN_MONTHS] for g, values in curve.items()}


def _ever_mentored(o: Observed) -> Values:
    return o.share(o.model.refugees.column("ever_mentored"), o.in_cohort)


def _story(fn: Callable[[Observed, int], float]) -> Callable[[Observed], Values]:
    def compute(o: Observed) -> Values:
        agent = o.model.story_agent
        value = float("nan") if agent is None else fn(o, agent)
        return {g: value if g == "all" else float("nan") for g in GROUPS}

    return compute


def _story_nec(o: Observed, agent: int) -> float:
    return float(o.model.refugees.first_nec[agent] != NO)


def _story_nec_end(o: Observed, agent: int) -> float:
    return float(o.model.refugees.column("status")[agent] == Status.NEC)


def _story_advocacy(o: Observed, agent: int) -> float:
    outcome = o.model.story_advocacy
    return float("nan") if outcome is None else float(outcome)


TRIAL_MEASURES = {"nec": (Status.NEC,), "any_job": (Status.NEC, Status.WISE_JOB)}
"""Trial outcomes: the statuses that count as success, k months after assignment."""


def _trial_effect(measure: str, k: int) -> Callable[[Observed], Values]:
    def compute(o: Observed) -> Values:
        r = o.model.refugees
        if "trial_arm" not in r._columns:
            return {g: float("nan") for g in GROUPS}
        arm = r.column("trial_arm")
        if measure == "sustainable":
            done = (arm != NO) & (r.column("trial_month") + k <= o.horizon)
            spell = r.column("spell12")
            success = (spell != NO) & (spell <= r.column("trial_month") + k)
        else:
            status = r.column(f"trial_status_{k}m")
            done = (arm != NO) & (status != NO)
            success = np.isin(status, TRIAL_MEASURES[measure])
        offered, control = o.share(success, done & (arm == 1)), o.share(success, done & (arm == 0))
        return {g: offered[g] - control[g] for g in GROUPS}

    return compute


def _trial_take_up(o: Observed) -> Values:
    r = o.model.refugees
    if "trial_arm" not in r._columns:
        return {g: float("nan") for g in GROUPS}
    return o.share(r.column("ever_enrolled"), r.column("trial_arm") == 1)


def _months_waiting(o: Observed) -> Values:
    r = o.model.refugees
    since, enrolled = r.column("eligible_since"), r.column("enrol_month")
    waited = o.in_cohort & (enrolled != NO) & (since != NO)
    wait = (enrolled - since).astype(float)
    return o.by_group(lambda g: float(wait[waited & g].mean()) if (waited & g).any() else float("nan"))


def _benefit_exit(o: Observed) -> Values:
    r = o.model.refugees
    entry, exit_ = r.column("benefit_entry"), r.column("benefit_exit")
    full12 = (entry != NO) & (entry + 12 <= o.horizon)
    return o.share((exit_ != NO) & (exit_ <= entry + 12), full12)


def _benefit_still(o: Observed) -> Values:
    r = o.model.refugees
    entry, still = r.column("benefit_entry"), r.column("on_benefit_60m")
    return o.share(still == 1, (still != NO) & (entry + BENEFIT_FOLLOW_UP <= o.horizon))


def _callback_ratio(bottleneck: int) -> Callable[[Observed], Values]:
    def compute(o: Observed) -> Values:
        screening = o.model.recorder.screening
        passed, native = screening[bottleneck, 1], screening[bottleneck, 2]
        groups = {"all": (native.sum(), passed.sum())} | {n: (native[q], passed[q]) for q, n in enumerate(QUAL_NAMES)}
        return {g: float(b / a) if a else float("nan") for g, (a, b) in groups.items()}

    return compute


def _pair_qual(o: Observed) -> np.ndarray:
    p = o.model.pairs
    return o.model.refugees.qualification[p.column("mentee")] if p.n else np.zeros(0, dtype=np.int8)


def _pair_completion(o: Observed) -> Values:
    p = o.model.pairs
    started = (p.column("mentor") != NO) & (p.column("start") + 6 <= o.horizon)
    end, reason = p.column("end"), p.column("reason")
    early = (end != NO) & (end < p.column("start") + 6) & np.isin(reason, (PairEnd.BREAKDOWN, PairEnd.MENTOR_LEFT))
    return o.share(~early, started, _pair_qual(o))


def _mentor_reenrol(o: Observed) -> Values:
    reenrol = o.model.pairs.column("reenrolled")
    return o.share(reenrol == 1, reenrol != NO, _pair_qual(o))


COHORT = "refugees whose art. 60 contract ended"

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "throughflow_6m",
        "NEC within 6 months",
        "share",
        "share of the cohort in NEC employment at any time within 6 months after the contract end",
        f"{COHORT} at least 6 months before the horizon",
        _within(6),
        min_months=7,
    ),
    Indicator(
        "throughflow_12m",
        "NEC within 12 months",
        "share",
        "share of the cohort in NEC employment at any time within 12 months after the contract end",
        f"{COHORT} at least 12 months before the horizon",
        _within(12),
        min_months=13,
    ),
    Indicator(
        "throughflow_24m",
        "NEC within 24 months",
        "share",
        "share of the cohort in NEC employment at any time within 24 months after the contract end",
        f"{COHORT} at least 24 months before the horizon",
        _within(24),
        min_months=25,
    ),
    Indicator(
        "any_job_6m",
        "Any job within 6 months",
        "share",
        "share of the cohort in NEC or WISE_JOB at any time within 6 months after the contract end",
        f"{COHORT} at least 6 months before the horizon",
        _any_job_within(6),
        min_months=7,
    ),
    Indicator(
        "any_job_12m",
        "Any job within 12 months",
        "share",
        "share of the cohort in NEC or WISE_JOB at any time within 12 months after the contract end",
        f"{COHORT} at least 12 months before the horizon",
        _any_job_within(12),
        min_months=13,
    ),
    Indicator(
        "nec_entry_after_contract",
        "NEC entry after contract end",
        "share",
        "share of the cohort in NEC employment at any time within k months after the contract end, k = 0..24 "
        "(index = k; equals throughflow_6m/12m/24m at 6/12/24)",
        f"{COHORT} at least k months before the horizon (each point on its own cohort)",
        _entry_curve,
        shape="curve",
    ),
    Indicator(
        "sustainable_nec",
        "Sustainable NEC job",
        "share",
        f"share of the cohort with an NEC spell of {SUSTAINED_MONTHS} or more consecutive months within "
        f"{SUSTAINABLE_WINDOW} months after contract start",
        f"{COHORT} whose contract started at least {SUSTAINABLE_WINDOW} months before the horizon",
        _sustainable,
        min_months=SUSTAINABLE_WINDOW,
    ),
    Indicator(
        "months_to_nec_median",
        "Months to first NEC job",
        "months",
        "median months from contract start to the first NEC job, among cohort members who got one "
        "within 24 months after the contract end",
        f"{COHORT} at least 24 months before the horizon, with an NEC job by then",
        _months_to_nec,
        min_months=25,
    ),
    Indicator(
        "employment_rate_by_month",
        "NEC share by months since arrival",
        "share",
        f"share of refugees in NEC employment k months after becoming an OCMW client, k = 0..{LONG_RUN_MONTHS} (index = k)",
        "every refugee observed k months after arrival within the horizon (each point on its own cohort)",
        _since_arrival(False),
        shape="curve",
    ),
    Indicator(
        "employment_since_arrival",
        "In work by months since arrival",
        "share",
        f"share of refugees in any job (NEC or WISE_JOB) k months after becoming an OCMW client, k = 0..{LONG_RUN_MONTHS} "
        "(index = k)",
        "every refugee observed k months after arrival within the horizon (each point on its own cohort)",
        _since_arrival(True),
        shape="curve",
    ),
    Indicator(
        "employed_120m",
        "In work 10 years after arrival",
        "share",
        f"share of refugees in any job (NEC or WISE_JOB) {LONG_RUN_MONTHS} months after becoming an OCMW client",
        f"refugees who arrived at least {LONG_RUN_MONTHS} months before the horizon (NaN without them)",
        _employed_120m,
    ),
    Indicator(
        "wise_retention",
        "Retained by the WISE",
        "share",
        "share of the cohort retained in a WISE_JOB at contract end",
        COHORT,
        lambda o: o.share(o.outcome == Status.WISE_JOB, o.in_cohort),
    ),
    Indicator(
        "dropout",
        "Placement dropout",
        "share",
        "share of the cohort whose art. 60 placement ended early by leaving to INACTIVE",
        COHORT,
        lambda o: o.share(o.outcome == Status.INACTIVE, o.in_cohort),
    ),
    Indicator(
        "ever_mentored",
        "Ever had a mentor",
        "share",
        "share of the cohort ever matched with a volunteer mentor",
        COHORT,
        _ever_mentored,
        use="reach",
    ),
    Indicator(
        "months_waiting_for_mentor",
        "Months waiting for the programme",
        "months",
        "mean months from becoming eligible to enrolment, among cohort members who were enrolled",
        f"{COHORT}, enrolled in the programme",
        _months_waiting,
        use="reach",
    ),
    Indicator(
        "story_reached_nec",
        "Story: reached an NEC job",
        "share",
        "1 if the story's refugee (scenario juul_kamin) held an NEC job by the horizon, else 0 (group all only)",
        "the story's refugee (NaN without a story)",
        _story(_story_nec),
        use="story",
    ),
    Indicator(
        "story_nec_end",
        "Story: in an NEC job at the end",
        "share",
        "1 if the story's refugee (scenario juul_kamin) is in an NEC job in the last month of the run, else 0 (group all only)",
        "the story's refugee (NaN without a story)",
        _story(_story_nec_end),
        use="story",
    ),
    Indicator(
        "story_advocacy_won",
        "Story: advocacy succeeded",
        "share",
        "1 if the mentor's advocacy at the OCMW succeeded for the story's refugee, 0 if every attempt failed "
        "(NaN without advocacy: no mentor, or an offer that was not poor)",
        "the story's refugee (NaN without a story)",
        _story(_story_advocacy),
        use="story",
    ),
    *(
        Indicator(
            f"trial_itt_{measure}_{k}m",
            f"Trial: effect on {'NEC' if measure == 'nec' else 'any job'} at {k} months",
            "share",
            f"intention-to-treat effect of the offer on being in {'NEC' if measure == 'nec' else 'NEC or WISE_JOB'} "
            f"employment {k} months after assignment: offered minus control (mentoring.trial)",
            f"refugees randomised at the trial's point at least {k} months before the horizon",
            _trial_effect(measure, k),
            use="trial",
            effect=True,
        )
        for measure in ("nec", "any_job")
        for k in (6, 12, 24)
    ),
    Indicator(
        "trial_itt_sustainable_24m",
        "Trial: effect on a sustainable NEC job by 24 months",
        "share",
        "intention-to-treat effect of the offer on having had a 12-month NEC spell within 24 months after assignment",
        "refugees randomised at the trial's point at least 24 months before the horizon",
        _trial_effect("sustainable", 24),
        use="trial",
        effect=True,
    ),
    Indicator(
        "trial_take_up",
        "Trial: take-up of the offer",
        "share",
        "share of those offered the programme in the trial who were enrolled (the effect on the treated is ITT / take-up)",
        "refugees offered the programme in the trial",
        _trial_take_up,
        use="trial",
    ),
    Indicator(
        "displacement_share",
        "Jobs taken from others per extra job",
        "ratio",
        "NEC jobs lost by other job seekers and by refugees the programme did not reach, per extra NEC job of "
        "refugees it reached, against the paired baseline (same seed, all pillars off); NaN without extra jobs",
        "every NEC hire of the run and of its paired baseline (refugees matched by row: arrivals are the same)",
        None,
    ),
    Indicator(
        "cost_per_sustainable_transition",
        "Cost per extra sustainable transition (5 years)",
        "EUR",
        f"extra public cost in the first {PLANNING_HORIZON} months after arrival, discounted to arrival "
        "(costs.discount_rate), / extra refugees with a sustainable NEC spell within those months, against the "
        "paired baseline (same seed, all pillars off); NaN when there are no extra transitions or no pillar is on",
        f"refugees who arrived at least {PLANNING_HORIZON} months before the horizon, in the run and its paired baseline",
        None,
        min_months=PLANNING_HORIZON,
    ),
    Indicator(
        "extra_cost_5y",
        "Extra cost per refugee (5 years)",
        "EUR",
        f"extra public cost in the first {PLANNING_HORIZON} months after arrival, discounted to arrival "
        "(costs.discount_rate), per refugee of the cohort, against the paired baseline (same seed, all pillars off): "
        "the numerator of cost_per_sustainable_transition; NaN when no pillar is on",
        f"refugees who arrived at least {PLANNING_HORIZON} months before the horizon, in the run and its paired baseline",
        None,
        min_months=PLANNING_HORIZON,
    ),
    Indicator(
        "extra_sustainable_5y",
        "Extra sustainable transitions (5 years)",
        "ratio",
        f"extra refugees with a sustainable NEC spell within {PLANNING_HORIZON} months after arrival, per refugee of "
        "the cohort, against the paired baseline (same seed, all pillars off): the denominator of "
        "cost_per_sustainable_transition (negative when the programme loses transitions); NaN when no pillar is on",
        f"refugees who arrived at least {PLANNING_HORIZON} months before the horizon, in the run and its paired baseline",
        None,
        min_months=PLANNING_HORIZON,
    ),
    Indicator(
        "benefit_exit_12m",
        "Benefit exit in first year",
        "share",
        "share of art. 60 leavers entering benefit who leave it (job or inactivity) within 12 months",
        "art. 60 leavers entering benefit at least 12 months before the horizon",
        _benefit_exit,
        use="calibration",
    ),
    Indicator(
        "benefit_still_60m",
        "Still on benefit after 5 years",
        "share",
        "share of art. 60 leavers entering benefit who are on benefit 60 months later",
        "art. 60 leavers entering benefit at least 60 months before the horizon",
        _benefit_still,
        use="calibration",
    ),
    Indicator(
        "callback_ratio_non_bottleneck",
        "Callback ratio, non-bottleneck",
        "ratio",
        "callbacks of refugees' cold applications to non-bottleneck vacancies / callbacks a native with the same CV would get",
        "every cold application of the run",
        _callback_ratio(0),
        use="calibration",
    ),
    Indicator(
        "callback_ratio_bottleneck",
        "Callback ratio, bottleneck",
        "ratio",
        "callbacks of refugees' cold applications to bottleneck vacancies / callbacks a native with the same CV would get",
        "every cold application of the run",
        _callback_ratio(1),
        use="calibration",
    ),
    Indicator(
        "pair_completion_6m",
        "Pairs completing 6 months",
        "share",
        "share of mentoring pairs not ended by breakdown or mentor departure within 6 months",
        "pairs with a volunteer started at least 6 months before the horizon (group: the mentee's)",
        _pair_completion,
        use="calibration",
    ),
    Indicator(
        "mentor_reenrol",
        "Mentors taking another mentee",
        "share",
        "share of mentors who take another mentee after a pair ends (pairs not ended by the mentor leaving)",
        "pairs with a volunteer that ended (group: the mentee's)",
        _mentor_reenrol,
        use="calibration",
    ),
)
"""Every indicator, declared once."""

BY_NAME = {ind.name: ind for ind in INDICATORS}

HEADLINE: tuple[str, ...] = (
    "throughflow_6m",
    "throughflow_12m",
    "throughflow_24m",
    "any_job_12m",
    "sustainable_nec",
    "wise_retention",
    "dropout",
)
"""The headline indicators (summaries, the CLI's tables)."""

PER_TRANSITION = ("cost_per_sustainable_transition", "extra_cost_5y", "extra_sustainable_5y")
"""The paired cost indicators: the ratio and its numerator and denominator (reported by the cost tables)."""

PAIRED = (*PER_TRANSITION, "displacement_share")
"""Indicators computed against the paired baseline of a run (:func:`paired_indicators`)."""

COST_OUTPUTS = (
    "cost_per_sustainable_transition",
    "extra_cost_5y",
    "cost_eur",
    *(f"cost_eur_{h}m" for h in COST_HORIZONS),
    *(f"employed_years_{h}m" for h in COST_HORIZONS),
)
"""Outputs of a run that depend on the prices (or the discount rate): the run's costs and discounted employed years."""


def horizon_note(names: Sequence[str], months: int) -> str | None:
    """A one-line note naming the indicators among ``names`` that a run of ``months`` months leaves empty.

    Returns:
        ``None`` when the horizon is long enough for all of them.
    """
    short = [BY_NAME[n] for n in names if n in BY_NAME and months < BY_NAME[n].min_months]
    if not short:
        return None
    needs = ", ".join(f"{ind.name} {ind.min_months}" for ind in short)
    return f"note: {months} months is shorter than these indicators need, so they have no value (months needed: {needs})"


def compute(model: ThroughflowModel) -> dict[str, Values]:
    """All indicators of a finished run (the paired cost indicator is NaN here).

    Args:
        model: A model that has run its horizon.

    Returns:
        ``{indicator: {"all": x, "low": x, "medium": x, "high": x}}``.
    """
    observed = Observed(model)
    return {
        ind.name: ind.compute(observed) if ind.compute is not None else {g: float("nan") for g in GROUPS} for ind in INDICATORS
    }


def sustainable_count(model: ThroughflowModel) -> np.ndarray:
    """Refugees per qualification group (and all, last) reaching a sustainable NEC spell by the horizon."""
    ok = Observed(model).sustained
    counts = np.bincount(model.refugees.column("qualification")[ok].astype(np.int64), minlength=3).astype(float)
    return np.append(counts, counts.sum())


def horizon_totals(model: ThroughflowModel) -> dict[str, dict[str, float]]:
    """Discounted cost, discounted employed years, sustainable transitions and cohort size at each horizon.

    For a horizon of ``h`` months the cohort is every refugee who arrived at least ``h``
    months before the end of the run, so each is followed for ``h`` months; costs (and
    employed months) in month ``k`` after arrival are discounted by ``(1 + costs.discount_rate)
    ** (-k / 12)``; a transition counts when the NEC spell reached 12 months within the ``h``
    months. Numerator and denominator of a cost per transition (or per employed year) are on
    the same cohort and horizon; with common arrivals, a run and its paired baseline have the
    same cohorts.

    Returns:
        ``{"cost_eur_24m": {"low": x, ..., "all": x}, "employed_years_24m": ..., "sustainable_24m": ...,
        "cohort_24m": ..., ...}`` for each horizon of :data:`COST_HORIZONS` (zero without a cohort).
    """
    rec, r = model.recorder, model.refugees
    last = model.steps
    size = rec.cohort_stocks.shape[0]
    month, arrival = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    since = month - arrival
    rate = model.scenario.costs.discount_rate
    discount = np.where(since >= 0, (1.0 + rate) ** (-np.maximum(since, 0) / 12.0), 0.0)
    cost = rec.cohort_costs()
    employed = (rec.cohort_stocks[:, :, Status.NEC] + rec.cohort_stocks[:, :, Status.WISE_JOB]).astype(float)
    qual, arrived, spell = r.column("qualification"), r.column("arrival"), r.column("spell12")
    out: dict[str, dict[str, float]] = {}
    for h in COST_HORIZONS:
        cohort = (arrival >= 1) & (arrival + h - 1 <= last)
        weight = np.where(cohort & (since >= 0) & (since < h), discount, 0.0)[:, :, None]
        members = (arrived >= 1) & (arrived + h - 1 <= last)
        sustained = members & (spell != NO) & (spell <= arrived + h - 1)
        values = {
            f"cost_eur_{h}m": (weight * cost).sum(axis=(0, 1)),
            f"employed_years_{h}m": (weight * employed).sum(axis=(0, 1)) / 12.0,
            f"sustainable_{h}m": np.bincount(qual[sustained], minlength=len(QUAL_NAMES)).astype(float),
            f"cohort_{h}m": np.bincount(qual[members], minlength=len(QUAL_NAMES)).astype(float),
        }
        for name, per_group in values.items():
            out[name] = {g: float(per_group[k]) for k, g in enumerate(QUAL_NAMES)} | {"all": float(per_group.sum())}
    return out


def cost_per_extra(totals: dict[str, dict[str, float]], base: dict[str, dict[str, float]], h: int, per: str) -> Values:
    """Extra discounted cost per extra ``per`` (``sustainable`` or ``employed_years``) at horizon ``h``, by group."""
    out = {}
    for g in GROUPS:
        extra = totals[f"{per}_{h}m"][g] - base[f"{per}_{h}m"][g]
        cost = totals[f"cost_eur_{h}m"][g] - base[f"cost_eur_{h}m"][g]
        out[g] = float(cost / extra) if extra > 0 else float("nan")
    return out


def extra_per_member(totals: dict[str, dict[str, float]], base: dict[str, dict[str, float]], h: int, per: str) -> Values:
    """Extra ``per`` (``cost_eur`` or ``sustainable``) at horizon ``h`` per member of the cohort, by group.

    NaN for a group without a cohort (the run is too short for ``h`` months of follow-up).
    """
    out = {}
    for g in GROUPS:
        size = totals[f"cohort_{h}m"][g]
        extra = totals[f"{per}_{h}m"][g] - base[f"{per}_{h}m"][g]
        out[g] = float(extra / size) if size > 0 else float("nan")
    return out


def paired_indicators(
    model: ThroughflowModel, base: ThroughflowModel, totals: dict[str, dict[str, float]] | None = None
) -> dict[str, Values]:
    """The indicators of a run against its paired baseline (:data:`PAIRED`), one definition for every caller.

    Args:
        model: The finished run (some pillar on).
        base: Its paired baseline (same scenario and seed, every pillar off), finished.
        totals: The run's :func:`horizon_totals`, when the caller has them already.
    """
    totals = totals if totals is not None else horizon_totals(model)
    base_totals = horizon_totals(base)
    h = PLANNING_HORIZON
    return {
        "cost_per_sustainable_transition": cost_per_extra(totals, base_totals, h, "sustainable"),
        "extra_cost_5y": extra_per_member(totals, base_totals, h, "cost_eur"),
        "extra_sustainable_5y": extra_per_member(totals, base_totals, h, "sustainable"),
        "displacement_share": displacement(model, base),
    }


def displacement(model: ThroughflowModel, base: ThroughflowModel) -> Values:
    """``displacement_share`` of a run against its paired baseline (refugees matched by row).

    The extra NEC jobs of the refugees the programme reached are their NEC jobs in the run
    minus the NEC jobs the same refugees held in the baseline; the jobs lost are those of the
    refugees it did not reach and of other job seekers (vacancies they filled), baseline minus
    run. Only ``all`` is defined (jobs taken by other job seekers have no qualification group).
    """
    n = min(model.refugees.n, base.refugees.n)
    reached = model.refugees.reached[:n]
    jobs, base_jobs = model.refugees.nec_jobs[:n].astype(float), base.refugees.nec_jobs[:n].astype(float)
    extra = jobs[reached].sum() - base_jobs[reached].sum()
    lost = base_jobs[~reached].sum() - jobs[~reached].sum()
    lost += float(base.recorder.channels["other_hires"].sum() - model.recorder.channels["other_hires"].sum())
    out = {g: float("nan") for g in GROUPS}
    out["all"] = float(lost / extra) if extra > 0 else float("nan")
    return out


def run_columns(indicators: dict[str, Values]) -> dict[str, Any]:
    """Indicators as the columns ``<indicator>.<group>`` of a run row (indicators kept in runs only)."""
    row: dict[str, Any] = {}
    for name, groups in indicators.items():
        if name in BY_NAME and not BY_NAME[name].in_runs:
            continue
        for group, value in groups.items():
            row[f"{name}.{group}"] = value
    return row
