"""Parameter declarations: every model parameter, declared exactly once.

Each parameter is a pydantic field built by :func:`par`, carrying its unit, its plausible
range (for sweeps and sensitivity analysis), its source (or ``"assumption"``) and its kind:

* ``lever`` — a policy choice (mentoring pillars, targeting, capacity, WISE orientation);
  sweeps vary levers.
* ``uncertainty`` — uncertain context (bias, growth rates, hazards); the sensitivity
  analysis varies uncertainties.
* ``setting`` — structural size or horizon of the run (scale, number of municipalities).

Validation (types, hard bounds ``ge``/``le``, unknown keys), the scenario-file schema, the
ODD parameter table and the SALib problem are all derived from these declarations.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

LEVER = "lever"
UNCERTAINTY = "uncertainty"
SETTING = "setting"


def par(
    default: Any,
    *,
    unit: str,
    doc: str,
    low: float | None = None,
    high: float | None = None,
    source: str = "assumption",
    kind: str = UNCERTAINTY,
    ge: float | None = 0.0,
    le: float | None = None,
    price: bool = False,
) -> Any:
    """Declare one parameter.

    Args:
        default: Default value.
        unit: Unit of the value (``"share"``, ``"per month"``, ``"EUR/month"`` …).
        doc: One-line meaning.
        low: Lower end of the plausible range (sensitivity analysis, sweeps).
        high: Upper end of the plausible range.
        source: Citation, or ``"assumption"``.
        kind: ``lever``, ``uncertainty`` or ``setting``.
        ge: Hard lower validity bound (``None``: none).
        le: Hard upper validity bound (``None``: none; every numeric parameter needs one).
        price: Whether the parameter is a price: it only turns counts into costs, and no
            decision of any agent reads it.

    Returns:
        A pydantic ``Field`` with the metadata in ``json_schema_extra``.

    """
    extra: dict[str, Any] = {"unit": unit, "low": low, "high": high, "source": source, "kind": kind, "price": price}
    if isinstance(default, bool | str):
        ge = le = None
    if isinstance(default, float):  # a number must be finite, whatever its bounds
        return Field(default, description=doc, ge=ge, le=le, allow_inf_nan=False, json_schema_extra=extra)
    return Field(default, description=doc, ge=ge, le=le, json_schema_extra=extra)


def share(default: float, doc: str, low: float, high: float, **kw: Any) -> Any:
    """Declare a probability or share in [0, 1]."""
    return par(default, unit=kw.pop("unit", "share"), doc=doc, low=low, high=high, ge=0.0, le=1.0, **kw)


COMPOSITIONS: tuple[tuple[str, ...], ...] = (
    ("population.share_low", "population.share_medium", "population.share_high"),
    ("art60.share_12m", "art60.share_18m", "art60.share_24m"),
)
"""Groups of shares that must sum to 1 (validated; rescaled when sampled independently)."""


class Section(BaseModel):
    """Base for parameter sections: unknown keys are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)


class Population(Section):
    """Refugee arrivals and initial attributes (ODD: Initialization; submodel arrivals)."""

    scale: float = par(
        1.0,
        unit="factor",
        doc="multiplies arrivals, hosts, employers, mentors and capacities",
        low=0.5,
        high=2.0,
        kind=SETTING,
        ge=0.01,
        le=100,
    )
    arrivals_per_month: float = par(
        30.0,
        unit="refugees/month",
        doc="mean new OCMW clients per month at scale 1",
        low=20,
        high=40,
        kind=UNCERTAINTY,
        ge=0,
        le=10_000,
    )
    arrival_months: int = par(
        108, unit="months", doc="months during which new clients arrive", low=60, high=120, kind=SETTING, ge=1, le=600
    )
    share_low: float = share(
        2 / 3,
        "share LOW-qualified (ISCED 0-2)",
        0.0,
        1.0,
        kind=LEVER,
        source="seed note: 2/3 low, 1/3 moderate or high; art60_low_educated_share 0.63",
    )
    share_medium: float = share(
        1 / 6, "share MEDIUM-qualified (ISCED 3-4)", 0.0, 1.0, kind=LEVER, source="seed note (1/3 split evenly: assumption)"
    )
    share_high: float = share(
        1 / 6, "share HIGH-qualified (ISCED 5+)", 0.0, 1.0, kind=LEVER, source="seed note (1/3 split evenly: assumption)"
    )
    skill_low: float = share(0.30, "mean initial job skill, LOW", 0.2, 0.4, unit="index 0-1")
    skill_medium: float = share(0.45, "mean initial job skill, MEDIUM", 0.35, 0.55, unit="index 0-1")
    skill_high: float = share(0.60, "mean initial job skill, HIGH", 0.5, 0.7, unit="index 0-1")
    recognition_low: float = share(0.90, "share of skill employers can see, LOW", 0.8, 1.0, unit="index 0-1")
    recognition_medium: float = share(0.75, "share of skill employers can see, MEDIUM", 0.6, 0.9, unit="index 0-1")
    recognition_high: float = share(
        0.55, "share of skill employers can see, HIGH (diplomas unrecognised)", 0.4, 0.7, unit="index 0-1"
    )
    language_initial: float = share(0.20, "mean initial Dutch proficiency (0.4 = A2)", 0.1, 0.3, unit="index 0-1")
    search_initial: float = share(0.40, "mean initial search effectiveness", 0.25, 0.55, unit="index 0-1")
    commute_tolerance_minutes: float = par(
        60.0, unit="minutes one way", doc="mean maximum acceptable commute", low=45, high=90, ge=5, le=240
    )
    p_tie_fades_per_month: float = share(
        0.03, "monthly probability that a refugee's weak tie to an employer fades", 0.01, 0.06, unit="per month"
    )
    ties_mean: float = par(
        0.3, unit="employer ties", doc="mean weak ties to NEC employers at arrival (isolated: none)", low=0.0, high=1.0, le=3
    )


class Geography(Section):
    """Synthetic city-region and public-transport commute times (ODD: Entities, scales)."""

    n_municipalities: int = par(
        12, unit="municipalities", doc="municipalities in the region", low=6, high=24, kind=SETTING, ge=2, le=400
    )
    radius_km: float = par(
        35.0,
        unit="km",
        doc="municipalities lie within this distance of the centre",
        low=20,
        high=50,
        kind=UNCERTAINTY,
        ge=1,
        le=500,
    )
    centre_weight: float = share(0.30, "share of residents and employers in the central municipality", 0.2, 0.5, kind=UNCERTAINTY)
    intra_municipal_km: float = par(3.0, unit="km", doc="typical distance within one municipality", low=2, high=5, ge=0, le=50)
    access_minutes: float = par(15.0, unit="minutes", doc="public-transport access and waiting time", low=10, high=25, le=120)
    minutes_per_km: float = par(
        2.5,
        unit="minutes/km",
        doc="public-transport travel time per km (30 km = 90 min)",
        low=1.8,
        high=3.2,
        ge=0.1,
        le=20,
    )
    municipalities_csv: str = par(
        "", unit="path", doc="optional CSV of municipalities (name,x_km,y_km,weight); empty = synthetic", kind=SETTING
    )


class Art60(Section):
    """Art. 60 contracts, OCMW placement and hosts (ODD submodels placement, work experience)."""

    share_12m: float = share(
        0.5,
        "share of 12-month contracts",
        0.3,
        0.7,
        source="assumption; length opens benefit rights, 12-24 months (VDAB TWE handbook)",
    )
    share_18m: float = share(0.3, "share of 18-month contracts", 0.1, 0.4)
    share_24m: float = share(
        0.2, "share of 24-month contracts (TWE maximum)", 0.1, 0.4, source="twe_max_months = 24 (VDAB TWE handbook)"
    )
    starts_per_month: float = par(
        34.0,
        unit="contracts/month",
        doc="art. 60 budget: new contracts per month over all OCMWs at scale 1",
        low=25,
        high=45,
        ge=0,
        le=2000,
    )
    n_wise: int = par(20, unit="hosts", doc="WISEs at scale 1", low=10, high=30, kind=UNCERTAINTY, ge=1, le=1000)
    n_other_hosts: int = par(
        15,
        unit="hosts",
        doc="other art. 60 hosts (municipal services, non-profits) at scale 1",
        low=5,
        high=25,
        kind=UNCERTAINTY,
        ge=0,
        le=1000,
    )
    slots_per_host: float = par(24.0, unit="places", doc="mean art. 60 places per host", low=15, high=35, ge=1, le=500)
    wise_slot_share: float = share(0.6, "share of art. 60 places that are in WISEs", 0.4, 0.8)
    ocmw_openness: float = share(0.35, "initial openness of OCMWs to a mentor's advocacy", 0.1, 0.6)
    openness_growth: float = share(
        0.05, "openness gained per advocacy attempt (getting used to mentors)", 0.0, 0.15, unit="per attempt"
    )
    wise_coaching: float = share(0.040, "monthly skill growth rate under WISE coaching", 0.02, 0.06, unit="per month")
    other_coaching: float = share(0.020, "monthly skill growth rate at other hosts", 0.01, 0.03, unit="per month")
    fit_growth_bonus: float = par(
        0.5,
        unit="factor",
        doc="extra relative skill growth when the host's sector is the trade",
        low=0.2,
        high=1.0,
        le=5,
    )
    wise_language_hours: float = par(8.0, unit="hours/month", doc="language support hours at a WISE", low=4, high=16, le=160)
    p_shock_per_month: float = share(0.004, "monthly life-shock dropout probability", 0.002, 0.008, unit="per month")
    p_dropout_per_excess_hour: float = share(
        0.01, "extra monthly dropout per hour of commute above tolerance", 0.005, 0.02, unit="per month per hour"
    )
    throughflow_orientation: float = share(
        0.3, "WISE throughflow orientation (transition support, less retention)", 0.0, 1.0, kind=LEVER
    )
    retention_max: float = share(0.9, "retention probability of a top worker at a WISE with orientation 0", 0.6, 0.95)
    transition_support: float = share(
        0.25,
        "monthly probability of a job-coach referral (warm) at orientation 1, in the search window and for WISE workers; "
        "also the search boost",
        0.1,
        0.4,
    )
    guidance_referral_per_month: float = share(
        0.30,
        "monthly probability of a warm referral by the trajectory guide in the search window (any host)",
        0.15,
        0.35,
        unit="per month",
        source="assumption; TWE subsidy includes EUR 250/month for guidance (VVSG 2019)",
    )
    search_window_months: int = par(
        3, unit="months", doc="art. 60 workers search in the last months of the contract", low=2, high=6, ge=0, le=24
    )
    wise_job_search: float = share(
        0.3,
        "search intensity of a WISE worker looking for an NEC job, relative to a job seeker on benefit",
        0.1,
        0.6,
        unit="factor",
    )
    wise_job_separation_per_month: float = share(
        0.01, "monthly probability that a regular WISE job ends (to benefit)", 0.005, 0.02, unit="per month"
    )


class LabourMarket(Section):
    """NEC employers, vacancies, screening, hiring, separation, benefit (ODD submodels)."""

    n_employers: int = par(
        600, unit="employers", doc="NEC employers at scale 1", low=400, high=900, kind=UNCERTAINTY, ge=1, le=100000
    )
    employer_size_mean: float = par(
        20.0,
        unit="employees",
        doc="mean employer size (lognormal)",
        low=10,
        high=40,
        kind=UNCERTAINTY,
        ge=1,
        le=10000,
    )
    vacancies_per_employee_month: float = par(
        0.010, unit="per employee per month", doc="vacancy inflow", low=0.006, high=0.015, le=1
    )
    vacancy_months: int = par(2, unit="months", doc="months a vacancy stays open", low=1, high=3, ge=1, le=12)
    p_bottleneck: float = share(0.3, "share of vacancies in bottleneck (hard-to-fill) occupations", 0.2, 0.4)
    bias: float = share(
        0.5,
        "employer bias: callback penalty of cold applications with foreign names, non-bottleneck",
        0.3,
        0.6,
        source="Baert, Cockx, Gheyle, Vandamme (2013): callback ratio 0.5 (0.4-0.7)",
    )
    bottleneck_bias_factor: float = share(
        0.05,
        "share of the bias that remains in bottleneck occupations",
        0.0,
        0.15,
        unit="factor",
        source="Baert et al. (2013): no significant gap in bottleneck occupations; size assumption",
    )
    duration_callback_loss: float = share(
        0.3,
        "relative callback loss after duration_callback_months on benefit",
        0.2,
        0.5,
        unit="factor",
        source="Kroft, Lange & Notowidigdo (2013): callbacks fall steeply in the first 8 months of unemployment",
    )
    duration_callback_months: float = par(
        8.0,
        unit="months",
        doc="months on benefit over which the callback loss builds up",
        low=6,
        high=12,
        source="Kroft, Lange & Notowidigdo (2013)",
        ge=1,
        le=120,
    )
    p_callback_native: float = share(0.09, "callback probability of a cold application by a comparable native", 0.06, 0.15)
    skill_requirement: float = share(0.35, "mean skill requirement of a vacancy", 0.3, 0.45, unit="index 0-1")
    language_requirement: float = share(0.30, "mean language requirement of a vacancy (0.4 = A2)", 0.2, 0.4, unit="index 0-1")
    bottleneck_requirement_shift: float = par(
        0.05, unit="index 0-1", doc="extra skill requirement of bottleneck vacancies", low=0.0, high=0.1, le=0.5
    )
    other_applicants: float = par(
        2.5,
        unit="applicants/vacancy-month",
        doc="mean other job seekers (not refugees of the model) applying to a vacancy each month: labour-market slack",
        low=1.0,
        high=6.0,
        le=100,
    )
    other_margin_mean: float = par(
        -0.05,
        unit="index 0-1",
        doc="mean margin of another applicant over a vacancy's requirements",
        low=-0.15,
        high=0.05,
        ge=-1,
        le=1,
    )
    other_margin_sd: float = par(
        0.1, unit="index 0-1", doc="spread of the other applicants' margins", low=0.05, high=0.15, ge=0.001, le=1
    )
    bottleneck_competition: float = share(
        0.3, "other applicants to bottleneck vacancies relative to other vacancies", 0.1, 0.6, unit="factor"
    )
    p_warm_interview: float = share(
        0.5,
        "probability that a warm introduction (a contact's or a referral) leads to a job interview",
        0.3,
        0.7,
        source="assumption; referrals raise the interview chance well above a cold callback, not to certainty",
    )
    warm_lag_months: float = par(
        2.0,
        unit="months",
        doc="mean months from a warm introduction to the interview (geometric, at least 1)",
        low=1.0,
        high=4.0,
        ge=1.0,
        le=24,
    )
    applications_per_month: float = par(
        6.0,
        unit="applications/month",
        doc="cold applications at full search effectiveness",
        low=3,
        high=9,
        le=100,
    )
    benefit_search_start: float = share(
        0.7,
        "search intensity in the first month on benefit, relative to a job seeker whose benefit has fallen "
        "(the intensity rises linearly to full over benefit_search_months)",
        0.4,
        1.0,
        unit="factor",
        source="assumption; the Belgian unemployment benefit is highest at first and falls in phases "
        "(RVA/ONEM degressive benefits since 2012), and search rises as benefits fall (Card, Chetty & Weber 2007)",
    )
    benefit_search_months: float = par(
        12.0,
        unit="months",
        doc="months on benefit over which search intensity rises to full (the first, highest benefit phase)",
        low=6,
        high=18,
        source="RVA/ONEM: the first phase of the degressive unemployment benefit lasts 12 months",
        ge=1,
        le=120,
    )
    sector_experience_bonus: float = par(
        0.08, unit="index 0-1", doc="score bonus for work experience in the vacancy's sector", low=0.03, high=0.15, le=1
    )
    confirmed_trade_bonus: float = par(
        0.05,
        unit="index 0-1",
        doc="extra score when local work experience in the vacancy's sector confirms the trade learnt abroad",
        low=0.0,
        high=0.1,
        le=1,
    )
    separation_per_month: float = share(0.010, "base monthly separation hazard of an NEC job", 0.006, 0.02, unit="per month")
    early_separation_factor: float = par(
        2.0,
        unit="factor",
        doc="hazard multiplier in the first six months",
        low=1.5,
        high=3.0,
        source="Lens, Marx & Vujic (2019): refugees lose first jobs more often; size assumption",
        le=10,
    )
    poor_fit_separation_factor: float = par(
        1.4,
        unit="factor",
        doc="hazard multiplier when job sector differs from the trade",
        low=1.1,
        high=2.0,
        le=10,
    )
    p_inactive_per_month: float = share(
        0.005,
        "monthly probability of leaving benefit for inactivity (sickness or disability benefit, other exits)",
        0.004,
        0.009,
        unit="per month",
        source="calibrated: benefit_exit_year1, benefit_still_5y (RVA via Febio 2024)",
    )
    p_reentry_per_month: float = share(
        0.02,
        "monthly probability that an inactive refugee returns to job search (recovery, end of a care period)",
        0.01,
        0.03,
        unit="per month",
    )
    skill_decay_per_month: float = share(0.001, "relative loss of job skill per month on benefit", 0.0, 0.005, unit="per month")
    search_decay_per_month: float = share(
        0.003, "relative loss of search effectiveness per month on benefit", 0.0, 0.01, unit="per month"
    )
    course_hours_per_month: float = par(
        16.0,
        unit="hours/month",
        doc="Dutch course hours followed while waiting, on art. 60 or on benefit",
        low=8,
        high=24,
        le=160,
    )
    practice_efficiency: float = share(
        0.5,
        "course-hour equivalent of one hour of conversation practice (with a mentor, in a conversation club)",
        0.25,
        0.75,
        unit="factor",
    )
    hours_per_level_low: float = par(
        600.0,
        unit="hours/level",
        doc="course hours per language level, LOW (unschooled/low-literate)",
        low=240,
        high=600,
        source="CBE course structure (600 h); mapping LOW->600: assumption",
        ge=1,
        le=5000,
    )
    hours_per_level_medium: float = par(
        240.0,
        unit="hours/level",
        doc="course hours per language level, MEDIUM (low-schooled)",
        low=120,
        high=400,
        source="CVO course structure (240 h); mapping: assumption",
        ge=1,
        le=5000,
    )
    hours_per_level_high: float = par(
        120.0,
        unit="hours/level",
        doc="course hours per language level, HIGH (higher-schooled)",
        low=80,
        high=240,
        source="CVO course structure (120 h)",
        ge=1,
        le=5000,
    )


Targeting = Literal["all", "low", "medium_high", "random_share"]
Priority = Literal["first_eligible", "contract_end", "random"]
Sector = Literal["mechanics", "construction", "cleaning", "hospitality", "logistics", "care", "retail", "green"]
"""Sector names; must equal :data:`throughflow.enums.SECTORS`."""
Timing = Literal["waiting_list", "placement", "late_contract", "after_contract"]


def per_year_of_arrivals(scenario: ScenarioBase, per_1000: float) -> float:
    """A quantity declared per 1,000 refugees arriving a year, for this scenario's arrivals."""
    p = scenario.population
    return per_1000 * p.arrivals_per_month * 12 * p.scale / 1000


class Costs(Section):
    """Public cost per month of each status (EUR); mechanisms declare the prices of their own activities."""

    leefloon_eur_month: float = par(
        1314.20,
        unit="EUR/month",
        doc="social assistance while waiting (single rate)",
        low=876.13,
        high=1314.20,
        source="federal indexation tables 2025-02 (single 1314.20; cohabiting 876.13)",
        price=True,
        le=10_000,
    )
    twe_subsidy_eur_month: float = par(
        445.0,
        unit="EUR/month",
        doc="Flemish TWE subsidy to the OCMW per art. 60 month",
        low=445,
        high=445,
        source="VVSG 2019; VDAB TWE handbook",
        kind=SETTING,
        price=True,
        le=10_000,
    )
    art60_net_wage_eur_month: float = par(
        700.0,
        unit="EUR/month",
        doc="OCMW net wage cost per art. 60 month beyond the subsidy",
        low=400,
        high=1200,
        price=True,
        le=10_000,
    )
    benefit_eur_month: float = par(
        1250.0, unit="EUR/month", doc="unemployment benefit per month", low=1000, high=1500, price=True, le=10_000
    )
    discount_rate: float = share(
        0.03,
        "annual rate at which costs and employed years are discounted to the month of arrival",
        0.0,
        0.05,
        unit="per year",
        source="European Commission, Better Regulation Toolbox (2023), tool #61: a social discount rate of 3 % a year",
        price=True,
    )


class ScenarioBase(Section):
    """A complete, validated scenario: the world's sections and, added by the mechanisms, their own sections.

    The class of a validated scenario is composed from this base and the parameter sections of
    the registered mechanisms (:func:`throughflow.schema.compose`).
    """

    name: str = par("baseline", unit="text", doc="scenario name", kind=SETTING)
    description: str = par("", unit="text", doc="what the scenario represents", kind=SETTING)
    months: int = par(120, unit="months", doc="simulated horizon", low=60, high=180, kind=SETTING, ge=1, le=600)
    population: Population = Field(default_factory=Population)
    geography: Geography = Field(default_factory=Geography)
    art60: Art60 = Field(default_factory=Art60)
    labour_market: LabourMarket = Field(default_factory=LabourMarket)
    costs: Costs = Field(default_factory=Costs)

    @model_validator(mode="after")
    def _shares_sum_to_one(self) -> ScenarioBase:
        p = self.population
        for label, total in (
            ("population.share_low + share_medium + share_high", p.share_low + p.share_medium + p.share_high),
            ("art60.share_12m + share_18m + share_24m", self.art60.share_12m + self.art60.share_18m + self.art60.share_24m),
        ):
            if abs(total - 1.0) > 1e-6:
                raise ValueError(f"{label} must sum to 1 (got {total:.4f})")
        return self

    def section(self, path: str) -> Any:
        """The section at a dotted path (``"one_on_one.referral"``); ``""`` is the scenario itself."""
        node: Any = self
        for part in path.split(".") if path else ():
            node = getattr(node, part)
        return node
