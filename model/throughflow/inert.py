"""Parameters a scenario's switches make inert, and the canonical form of a scenario.

With a pillar or an activity switched off, the model never reads the parameters that only
that pillar or activity uses (or reads them only where they cannot change anything, such as
a price multiplied by a count that stays zero). Two scenarios that differ only in such
parameters run identically with the same seed and horizon. :func:`inert_parameters` lists
them, :func:`effective_scenario` resets them to their declared defaults, and
:func:`scenario_key` gives one key to all scenarios that run identically; sweeps use it to
run each distinct (scenario, seed, horizon) once (see :mod:`throughflow.experiments.sweep`).

The rules below were derived by reading every use of each parameter in the model
(``model.py``, ``processes/``, ``agents/``, ``recorder.py``, ``outcomes.py``) and must be
kept in step with it: a new use of a listed parameter outside the condition of its rule makes
the rule wrong. ``tests/test_inert.py`` checks every rule against real runs, with each listed
parameter at the ends of its range.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from throughflow.parameters import Scenario
from throughflow.scenario import flatten, parameters, with_values

LABELS = ("name", "description")
"""Scenario labels: the model never reads them, so they are not part of :func:`scenario_key`."""

FADE_LIMIT = 10_000.0
"""Largest ``labs.training_fade_months`` listed as inert (a safety margin).

Employers never trained carry ``trained = -10_000``, so ``month - trained >= 10_001`` and the
training fade ``clip(1 - since / training_fade_months, 0, 1)`` is exactly 0 up to this value,
even where the fade is computed for every employer whether or not training runs.
"""


@dataclass(frozen=True)
class Rule:
    """Parameters that are inert in a scenario where ``applies`` holds.

    Attributes:
        names: Dotted parameter names.
        applies: Whether, in a given scenario, the model never reads them (or reads them
            without effect).
        reason: One line: why.
    """

    names: tuple[str, ...]
    applies: Callable[[Scenario], bool]
    reason: str


def _one_on_one(s: Scenario) -> bool:
    return s.mentoring.one_on_one


def _organisation(s: Scenario) -> bool:
    return s.mentoring.organisation


def _programme(s: Scenario) -> bool:
    return s.mentoring.one_on_one or s.mentoring.organisation


def _labs(s: Scenario) -> bool:
    return s.labs.enabled


def _lab(activity: str) -> Callable[[Scenario], bool]:
    def on(s: Scenario) -> bool:
        return s.labs.enabled and bool(getattr(s.labs, activity))

    return on


def _mentor_does(activity: str) -> Callable[[Scenario], bool]:
    def on(s: Scenario) -> bool:
        return s.mentoring.one_on_one and bool(getattr(s.mentoring.activities, activity))

    return on


def _organisation_does(activity: str) -> Callable[[Scenario], bool]:
    def on(s: Scenario) -> bool:
        return s.mentoring.organisation and bool(getattr(s.mentoring.activities, activity))

    return on


def _unless(condition: Callable[[Scenario], bool]) -> Callable[[Scenario], bool]:
    def applies(s: Scenario) -> bool:
        return not condition(s)

    return applies


PILLAR_1_ACTIVITIES = (
    "search_support",
    "referral",
    "pass_ties",
    "language_practice",
    "placement_advocacy",
    "recognition_advocacy",
    "holistic_support",
    "stay_on",
)
PILLAR_2_ACTIVITIES = ("coaching", "mentee_exchange", "holistic_guidance")
LAB_SWITCHES = (
    "employer_participation",
    "conversation_clubs",
    "workshops",
    "speed_dating",
    "slow_dating",
    "apprenticeships",
    "network_events",
    "job_design",
    "diversity_training",
    "team_support",
)


def _names(section: str, *leaves: str) -> tuple[str, ...]:
    return tuple(f"{section}.{leaf}" for leaf in leaves)


RULES: tuple[Rule, ...] = (
    # pillars 1 and 2 (processes/mentoring.py; organise() and mentor() return at once without both)
    Rule(
        _names("mentoring", "targeting", "timing", "pair_months_min", "pair_months_max", "p_breakdown_per_month"),
        _unless(_programme),
        "eligibility, pair length and breakdown are read only by organise(), which returns at once without pillars 1 and 2",
    ),
    Rule(
        ("mentoring.coverage_share",),
        lambda s: not _programme(s) or s.mentoring.targeting != "random_share",
        "read by eligible() only when targeting is random_share (the draw it is compared with is made for everyone)",
    ),
    Rule(
        ("mentoring.late_contract_months",),
        lambda s: not _programme(s) or s.mentoring.timing != "late_contract",
        "read by eligible() only when timing is late_contract",
    ),
    Rule(
        ("mentoring.capacity_pairs",),
        _unless(_organisation),
        "the organisation's capacity is read only when pillar 2 runs (recruitment cap, enrolment cap)",
    ),
    Rule(
        _names(
            "mentoring",
            "mentors_initial",
            "recruitment_per_month",
            "mentor_capacity",
            "p_mentor_leave_per_month",
            "p_reenrol",
            "advocacy_mean",
            "mentor_ties_mean",
        ),
        _unless(_one_on_one),
        "without pillar 1 no mentor is recruited, matched, leaves or re-enrols",
    ),
    Rule(
        ("mentoring.informal_recruitment_share",),
        lambda s: not s.mentoring.one_on_one or s.mentoring.organisation,
        "scales recruitment only when pillar 1 runs without the organisation",
    ),
    Rule(
        _names("mentoring", *(f"activities.{a}" for a in PILLAR_1_ACTIVITIES)),
        _unless(_one_on_one),
        "every test of a mentor activity switch is behind mentoring.one_on_one",
    ),
    Rule(
        ("mentoring.activities.matching",),
        lambda s: not (s.mentoring.one_on_one and s.mentoring.organisation),
        "organised matching is chosen only when both pillars run",
    ),
    Rule(
        _names("mentoring", *(f"activities.{a}" for a in PILLAR_2_ACTIVITIES)),
        _unless(_organisation),
        "every test of an organisation activity switch is behind mentoring.organisation",
    ),
    Rule(("mentoring.search_support_rate",), _unless(_mentor_does("search_support")), "used only by mentor search support"),
    Rule(("mentoring.p_pass_tie_per_month",), _unless(_mentor_does("pass_ties")), "used only when mentors pass on ties"),
    Rule(
        ("mentoring.practice_hours_per_month",),
        _unless(_mentor_does("language_practice")),
        "used only by the mentor's language practice",
    ),
    Rule(
        ("mentoring.practice_efficiency",),
        lambda s: not _mentor_does("language_practice")(s) and not _lab("conversation_clubs")(s),
        "used by the mentor's language practice and by conversation clubs only",
    ),
    Rule(
        _names("mentoring", "p_recognition_per_month", "recognition_gain"),
        _unless(_mentor_does("recognition_advocacy")),
        "used only by the mentor's advocacy for diploma recognition",
    ),
    Rule(
        ("mentoring.holistic_shock_reduction",),
        lambda s: not _mentor_does("holistic_support")(s) and not _organisation_does("holistic_guidance")(s),
        "shock_factor() applies it only under holistic support (pillar 1) or holistic guidance (pillar 2)",
    ),
    Rule(
        _names("mentoring", "stay_on_months", "stay_on_separation_reduction"),
        _unless(_mentor_does("stay_on")),
        "used only when the mentor stays on after a hire",
    ),
    Rule(
        ("mentoring.coaching_breakdown_reduction",),
        _unless(_organisation_does("coaching")),
        "lowers pair breakdown only under the organisation's coaching",
    ),
    Rule(
        ("mentoring.coaching_advocacy_gain",),
        lambda s: not (s.mentoring.one_on_one and _organisation_does("coaching")(s)),
        "added to recruited mentors' advocacy only under the organisation's coaching (mentors need pillar 1)",
    ),
    Rule(
        ("mentoring.exchange_search_gain",),
        _unless(_organisation_does("mentee_exchange")),
        "used only by the organisation's exchange between mentees",
    ),
    Rule(
        ("mentoring.matching_radius_km",),
        lambda s: not (s.mentoring.one_on_one and _organisation_does("matching")(s)),
        "used only by organised matching of mentees to mentors",
    ),
    # art. 60 advocacy (processes/placement.py): only mentors advocate
    Rule(
        _names("art60", "ocmw_openness", "openness_growth", "advocacy_attempts_max"),
        _unless(_mentor_does("placement_advocacy")),
        "read only for clients whose mentor advocates on placement; _advocates() is all false otherwise",
    ),
    # pillar 3 (processes/learning_labs.py; run_labs() returns at once when labs are off)
    Rule(
        _names("labs", *LAB_SWITCHES),
        _unless(_labs),
        "every test of a lab switch (and employer participation) is behind labs.enabled",
    ),
    Rule(_names("labs", "club_seats", "club_hours_per_month"), _unless(_lab("conversation_clubs")), "conversation clubs only"),
    Rule(
        _names("labs", "workshop_seats", "workshop_every_months", "workshop_skill_gain"),
        _unless(_lab("workshops")),
        "workshops only",
    ),
    Rule(
        _names("labs", "speed_dating_seats", "speed_dating_every_months", "contacts_per_speed_date", "p_contact_tie"),
        _unless(_lab("speed_dating")),
        "speed dating only",
    ),
    Rule(_names("labs", "slow_dating_seats", "slow_dating_every_months"), _unless(_lab("slow_dating")), "slow dating only"),
    Rule(
        _names(
            "labs",
            "apprentice_seats",
            "apprentice_every_months",
            "apprentice_months",
            "apprentice_skill_gain",
            "p_apprentice_hire",
        ),
        _unless(_lab("apprenticeships")),
        "apprenticeships only (no apprenticeship starts, so none ends in a hire decision)",
    ),
    Rule(
        _names("labs", "network_every_months", "network_seats", "p_network_tie"),
        _unless(_lab("network_events")),
        "network events only",
    ),
    Rule(
        ("labs.community_recruitment_gain",),
        lambda s: not (s.mentoring.one_on_one and _lab("network_events")(s)),
        "raises mentor recruitment (pillar 1) only when network events run",
    ),
    Rule(
        ("labs.job_design_requirement_cut",),
        _unless(_lab("job_design")),
        "applied only to redesigned vacancies (none without job design) and, with job design, to apprenticeship posts",
    ),
    Rule(("labs.training_every_months",), _unless(_lab("diversity_training")), "diversity training calendar only"),
    Rule(
        ("labs.training_bias_cut",),
        _unless(_lab("diversity_training")),
        "bias_now() applies it only with diversity training (it would multiply a fade that is 0 for the never trained)",
    ),
    Rule(
        ("labs.training_fade_months",),
        lambda s: not _lab("diversity_training")(s) and s.labs.training_fade_months <= FADE_LIMIT,
        "bias_now() reads it only with diversity training; kept also below FADE_LIMIT, where an untrained fade is exactly 0",
    ),
    Rule(("labs.team_separation_reduction",), _unless(_lab("team_support")), "lowers separation only under team support"),
    # costs (recorder.py, learning_labs.py): prices of quantities that stay zero
    Rule(
        ("costs.pair_month_eur",),
        _unless(_organisation),
        "prices organisation pair-months, which are counted only when pillar 2 runs (0 x price = 0)",
    ),
    Rule(("costs.lab_seat_eur",), _unless(_labs), "prices lab seats, which are filled only when labs run (0 x price = 0)"),
    Rule(
        ("costs.employer_support_eur_month",),
        _unless(_labs),
        "added to the cost only inside run_labs(), which returns at once when labs are off",
    ),
    Rule(("costs.apprentice_eur",), _unless(_lab("apprenticeships")), "added to the cost only when an apprenticeship starts"),
    # the story (processes/story.py, agents/wise.py)
    Rule(
        _names("story", "name", "mentor_name", "trade", "home", "language", "skill", "mentor_advocacy", "host_slots"),
        lambda s: not s.story.enabled,
        "the story's refugee, mentor and host are added only when story.enabled",
    ),
    Rule(
        ("story.mentor_advocacy",),
        lambda s: not s.mentoring.one_on_one,
        "the story's mentor is recruited only with pillar 1",
    ),
)
"""Every inert-parameter rule, with its reason."""

DEFAULTS: dict[str, Any] = {p.name: p.default for p in parameters()}


PRICES = frozenset(name for name in DEFAULTS if name.startswith("costs."))
"""The prices of the cost accounting (section ``costs``).

No process reads them: they only price the run's stocks and activities into costs
(``recorder.py``, ``experiments/run.py``). Two runs that differ only in prices are the same
run but for the cost outputs (:data:`throughflow.outcomes.COST_OUTPUTS`).
"""


def inert_parameters(scenario: Scenario) -> frozenset[str]:
    """The declared parameters that cannot change any output of a run of ``scenario``.

    Args:
        scenario: A validated scenario.

    Returns:
        Dotted parameter names (as in :func:`throughflow.scenario.flatten`) that the model
        never reads with this scenario's switches, or reads without effect.
    """
    return frozenset(name for rule in RULES if rule.applies(scenario) for name in rule.names)


def effective_scenario(scenario: Scenario) -> Scenario:
    """The scenario with every inert parameter reset to its declared default.

    A run of the effective scenario equals a run of ``scenario`` with the same seed and
    horizon.

    Args:
        scenario: A validated scenario.

    Returns:
        The validated effective scenario (``scenario`` itself when nothing is inert).
    """
    inert = inert_parameters(scenario)
    flat = flatten(scenario)
    reset = {name: DEFAULTS[name] for name in sorted(inert) if flat[name] != DEFAULTS[name]}
    return with_values(scenario, reset) if reset else scenario


def scenario_key(scenario: Scenario, months: int | None = None, prices: bool = True) -> str:
    """A key shared by exactly the scenarios that run identically (same seed given).

    The key covers the effective scenario (:func:`effective_scenario`) and the horizon, not
    the labels (:data:`LABELS`).

    Args:
        scenario: A validated scenario.
        months: The run's horizon override (``None``: the scenario's ``months``).
        prices: Whether the outputs kept include costs. Without them the prices
            (:data:`PRICES`) are left out of the key too: they change no decision, only the
            cost outputs.

    Returns:
        A hexadecimal digest.
    """
    inert = inert_parameters(scenario) | (frozenset() if prices else PRICES)
    flat = flatten(scenario)
    values = {name: DEFAULTS[name] if name in inert else value for name, value in flat.items() if name not in LABELS}
    values["months"] = int(months if months is not None else scenario.months)
    # repr keeps every value exact and typed (1 != 1.0 != True); the order is the declaration order
    return hashlib.sha256(repr(list(values.items())).encode()).hexdigest()
