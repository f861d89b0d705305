"""Declared indicators (name, label, unit, definition) and their computation (MODEL.md §5).

Indicators are computed per run for the cohort of refugees whose art. 60 contract ended
(at its planned end, or early by dropout) within the observation window, restricted for each
indicator to those with its full follow-up inside the horizon; overall and per
qualification group. Plots and briefs take labels and units from :data:`INDICATORS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from throughflow.enums import QUAL_NAMES, Status
from throughflow.population import NO
from throughflow.processes.employment import BENEFIT_FOLLOW_UP

if TYPE_CHECKING:
    from throughflow.model import ThroughflowModel

SUSTAINABLE_WINDOW = 36
"""Months after contract start within which a 12-month NEC spell counts as sustainable."""

GROUPS = ("all", *QUAL_NAMES)

ENTRY_CURVE_MONTHS = 24
"""Months after contract end covered by ``nec_entry_after_contract``."""


@dataclass(frozen=True)
class Indicator:
    """One declared indicator."""

    name: str
    label: str
    unit: str
    definition: str
    calibration_only: bool = False


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "throughflow_6m",
        "NEC within 6 months",
        "share",
        "share of the cohort in NEC employment at any time within 6 months after the contract end",
    ),
    Indicator(
        "throughflow_12m",
        "NEC within 12 months",
        "share",
        "share of the cohort in NEC employment at any time within 12 months after the contract end",
    ),
    Indicator(
        "throughflow_24m",
        "NEC within 24 months",
        "share",
        "share of the cohort in NEC employment at any time within 24 months after the contract end",
    ),
    Indicator(
        "any_job_6m",
        "Any job within 6 months",
        "share",
        "share of the cohort in NEC or WISE_JOB at any time within 6 months after the contract end",
    ),
    Indicator(
        "any_job_12m",
        "Any job within 12 months",
        "share",
        "share of the cohort in NEC or WISE_JOB at any time within 12 months after the contract end",
    ),
    Indicator(
        "nec_entry_after_contract",
        "NEC entry after contract end",
        "share",
        "share of the cohort in NEC employment at any time within k months after the contract end, k = 0..24 "
        "(a curve, index = k; each point on the cohort with k months of follow-up; equals throughflow_6m/12m/24m at 6/12/24)",
    ),
    Indicator(
        "sustainable_nec",
        "Sustainable NEC job",
        "share",
        "share of the cohort with an NEC spell of 12 or more consecutive months within 36 months after contract start",
    ),
    Indicator(
        "months_to_nec_median",
        "Months to first NEC job",
        "months",
        "median months from contract start to the first NEC job, among cohort members who got one "
        "within 24 months after the contract end",
    ),
    Indicator(
        "employment_rate_by_month",
        "NEC share by months since arrival",
        "share",
        "NEC share of refugees by months since arrival (a curve, index = months since arrival)",
    ),
    Indicator("wise_retention", "Retained by the WISE", "share", "share of the cohort retained in a WISE_JOB at contract end"),
    Indicator(
        "dropout", "Placement dropout", "share", "share of the cohort whose art. 60 placement ended early by leaving to INACTIVE"
    ),
    Indicator(
        "cost_per_sustainable_transition",
        "Cost per extra sustainable transition",
        "EUR",
        "extra public cost over the horizon / extra refugees reaching a sustainable NEC spell by the horizon, "
        "against the paired baseline (same seed, all pillars off); NaN when there are no extra transitions "
        "or no pillar is on",
    ),
    Indicator(
        "benefit_exit_12m",
        "Benefit exit in first year",
        "share",
        "share of art. 60 leavers entering benefit who leave it (job or inactivity) within 12 months",
        True,
    ),
    Indicator(
        "benefit_still_60m",
        "Still on benefit after 5 years",
        "share",
        "share of art. 60 leavers entering benefit who are on benefit 60 months later",
        True,
    ),
    Indicator(
        "callback_ratio_non_bottleneck",
        "Callback ratio, non-bottleneck",
        "ratio",
        "callbacks of refugees' cold applications to non-bottleneck vacancies / callbacks a native with the same CV would get",
        True,
    ),
    Indicator(
        "callback_ratio_bottleneck",
        "Callback ratio, bottleneck",
        "ratio",
        "callbacks of refugees' cold applications to bottleneck vacancies / callbacks a native with the same CV would get",
        True,
    ),
    Indicator(
        "pair_completion_6m",
        "Pairs completing 6 months",
        "share",
        "share of mentoring pairs (started at least 6 months before the horizon) not ended by breakdown "
        "or mentor departure within 6 months",
        True,
    ),
    Indicator(
        "mentor_reenrol",
        "Mentors taking another mentee",
        "share",
        "share of mentors who take another mentee after a pair ends (pairs not ended by the mentor leaving)",
        True,
    ),
    Indicator(
        "story_nec",
        "Story: NEC job reached",
        "share",
        "whether the story's refugee (scenario juul_kamin) was ever in an NEC job within the horizon "
        "(1 or 0; NaN in runs without the story); its mean over seeds is how often the story reaches an NEC job",
    ),
    Indicator(
        "story_nec_end",
        "Story: in an NEC job at the end",
        "share",
        "whether the story's refugee is in an NEC job in the last month of the run (1 or 0; NaN without the story)",
    ),
)
"""Every indicator, declared once."""

BY_NAME = {ind.name: ind for ind in INDICATORS}

COST_OUTPUTS = ("cost_per_sustainable_transition", "cost_eur")
"""Outputs of a run that depend on the prices (``costs.*``): an indicator and the run's total cost."""


def _share(mask: np.ndarray, eligible: np.ndarray) -> float:
    n = int(eligible.sum())
    return float(mask[eligible].sum() / n) if n else float("nan")


def _by_group(qual: np.ndarray, fn: Any) -> dict[str, Any]:
    out = {"all": fn(np.ones(qual.size, dtype=bool))}
    for q, name in enumerate(QUAL_NAMES):
        out[name] = fn(qual == q)
    return out


def compute(model: ThroughflowModel) -> dict[str, dict[str, Any]]:
    """All indicators of a finished run except the paired cost indicator.

    Args:
        model: A model that has run its horizon.

    Returns:
        ``{indicator: {"all": x, "low": x, "medium": x, "high": x}}``.

    """
    r, rec = model.refugees, model.recorder
    horizon = model.steps
    qual = r.column("qualification")
    ended = r.column("ended")
    start = r.column("contract_start")
    first_nec = r.column("first_nec")
    outcome = r.column("contract_outcome")
    in_cohort = ended != NO
    got_nec = first_nec != NO
    out: dict[str, dict[str, Any]] = {}
    for k in (6, 12, 24):
        full = in_cohort & (ended + k <= horizon)
        nec = got_nec & (first_nec <= ended + k)
        out[f"throughflow_{k}m"] = _by_group(qual, lambda g, full=full, nec=nec: _share(nec, full & g))
        if k < 24:
            job = nec | (outcome == Status.WISE_JOB)
            out[f"any_job_{k}m"] = _by_group(qual, lambda g, full=full, job=job: _share(job, full & g))
    out["nec_entry_after_contract"] = _entry_curve(qual, in_cohort, ended, first_nec, got_nec, horizon)
    spell = r.column("spell12")
    window = in_cohort & (start + SUSTAINABLE_WINDOW - 1 <= horizon)
    sustained = (spell != NO) & (spell <= start + SUSTAINABLE_WINDOW - 1)
    out["sustainable_nec"] = _by_group(qual, lambda g: _share(sustained, window & g))
    full24 = in_cohort & (ended + 24 <= horizon) & got_nec & (first_nec <= ended + 24)
    wait = (first_nec - start).astype(float)
    out["months_to_nec_median"] = _by_group(
        qual, lambda g: float(np.median(wait[full24 & g])) if (full24 & g).any() else float("nan")
    )
    out["employment_rate_by_month"] = _curve(rec.nec_by_months_since_arrival, rec.present_by_months_since_arrival)
    out["wise_retention"] = _by_group(qual, lambda g: _share(outcome == Status.WISE_JOB, in_cohort & g))
    out["dropout"] = _by_group(qual, lambda g: _share(outcome == Status.INACTIVE, in_cohort & g))
    out["cost_per_sustainable_transition"] = {g: float("nan") for g in GROUPS}
    out.update(_calibration(model, qual, horizon))
    out.update(story_outcomes(model, qual))
    return out


def _entry_curve(
    qual: np.ndarray, in_cohort: np.ndarray, ended: np.ndarray, first_nec: np.ndarray, got_nec: np.ndarray, horizon: int
) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {g: [] for g in GROUPS}
    for k in range(ENTRY_CURVE_MONTHS + 1):
        full = in_cohort & (ended + k <= horizon)
        nec = got_nec & (first_nec <= ended + k)
        for g, values in _by_group(qual, lambda g, full=full, nec=nec: _share(nec, full & g)).items():
            out[g].append(round(values, 6) if np.isfinite(values) else float("nan"))
    return out


def _curve(nec: np.ndarray, present: np.ndarray) -> dict[str, list[float]]:
    def rate(n: np.ndarray, p: np.ndarray) -> list[float]:
        with np.errstate(invalid="ignore", divide="ignore"):
            return [round(float(v), 6) if np.isfinite(v) else float("nan") for v in n / p]

    out = {"all": rate(nec.sum(axis=1), present.sum(axis=1))}
    for q, name in enumerate(QUAL_NAMES):
        out[name] = rate(nec[:, q], present[:, q])
    return out


def _calibration(model: ThroughflowModel, qual: np.ndarray, horizon: int) -> dict[str, dict[str, Any]]:
    r, rec, p = model.refugees, model.recorder, model.pairs
    entry = r.column("benefit_entry")
    exit_ = r.column("benefit_exit")
    full12 = (entry != NO) & (entry + 12 <= horizon)
    left = (exit_ != NO) & (exit_ <= entry + 12)
    still = r.column("on_benefit_60m")
    out: dict[str, dict[str, Any]] = {
        "benefit_exit_12m": _by_group(qual, lambda g: _share(left, full12 & g)),
        "benefit_still_60m": _by_group(
            qual, lambda g: _share(still == 1, (still != NO) & (entry + BENEFIT_FOLLOW_UP <= horizon) & g)
        ),
    }
    for flag, name in ((0, "callback_ratio_non_bottleneck"), (1, "callback_ratio_bottleneck")):
        passed, native = rec.screening[flag, 1], rec.screening[flag, 2]
        groups = {"all": (native.sum(), passed.sum())} | {n: (native[q], passed[q]) for q, n in enumerate(QUAL_NAMES)}
        out[name] = {g: float(b / a) if a else float("nan") for g, (a, b) in groups.items()}
    mentee_qual = r.qualification[p.column("mentee")] if p.n else np.zeros(0, dtype=np.int8)
    with_mentor = p.column("mentor") != NO
    started = with_mentor & (p.column("start") + 6 <= horizon)
    end, reason = p.column("end"), p.column("reason")
    early = (end != NO) & (end < p.column("start") + 6) & np.isin(reason, (1, 2))
    out["pair_completion_6m"] = _by_group(mentee_qual, lambda g: _share(~early, started & g))
    reenrol = p.column("reenrolled")
    out["mentor_reenrol"] = _by_group(mentee_qual, lambda g: _share(reenrol == 1, (reenrol != NO) & g))
    return out


def sustainable_count(model: ThroughflowModel) -> np.ndarray:
    """Refugees per qualification group (and all, last) reaching a sustainable NEC spell by the horizon."""
    r = model.refugees
    spell, start = r.column("spell12"), r.column("contract_start")
    ok = (spell != NO) & (spell <= start + SUSTAINABLE_WINDOW - 1)
    counts = np.bincount(r.column("qualification")[ok].astype(np.int64), minlength=3).astype(float)
    return np.append(counts, counts.sum())


def cost_per_transition(cost: np.ndarray, count: np.ndarray, base_cost: np.ndarray, base_count: np.ndarray) -> dict[str, float]:
    """Extra cost per extra sustainable transition against a paired baseline.

    Args:
        cost: Total cost per group (low, medium, high, all) of the scenario run.
        count: Sustainable transitions per group of the scenario run.
        base_cost: Same for the paired baseline run.
        base_count: Same for the paired baseline run.

    Returns:
        ``{"all": x, "low": x, ...}``; NaN where there are no extra transitions.

    """
    out = {}
    order = (*QUAL_NAMES, "all")
    for k, name in enumerate(order):
        extra = count[k] - base_count[k]
        out[name] = float((cost[k] - base_cost[k]) / extra) if extra > 0 else float("nan")
    return {g: out[g] for g in GROUPS}


def story_outcomes(model: ThroughflowModel, qual: np.ndarray) -> dict[str, dict[str, Any]]:
    """Where the story's refugee (scenario ``juul_kamin``) got to: ever in an NEC job, in one at the end.

    Each value is 1 or 0 for the story's refugee (in ``all`` and in his qualification group)
    and NaN elsewhere, and everywhere in runs without the story; the mean over seeds is how
    often the story reaches an NEC job.
    """
    story = np.zeros(qual.size, dtype=bool)
    if model.story_agent is not None:
        story[model.story_agent] = True
    reached = model.refugees.column("first_nec") != NO
    at_end = model.refugees.column("status") == Status.NEC
    return {
        "story_nec": _by_group(qual, lambda g: _share(reached, story & g)),
        "story_nec_end": _by_group(qual, lambda g: _share(at_end, story & g)),
    }
