"""Declared limits: the largest world a scenario may build, and bounds on experiment sizes.

Every parameter has hard bounds of its own, but a product of in-range values can still ask
for more agents than any machine holds (``art60.n_wise: 100000000`` at scale 1, or a million
arrivals a month). :func:`world` estimates, before anything is built, how many of each
kind of entity a run would create, from the same formulas the model uses, and refuses a
scenario above the limits below (:func:`too_large`) with one line naming the largest contributor. The limits
leave room for worlds many times the size of Flanders (the default scale simulates about
3,000 refugees; 100 times that runs in about 1 GB).

The bounds on experiment sizes (horizon, replications, samples, tasks, workers) are checked
by the sweep and declaration readers and by the command line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from throughflow.parameters import ScenarioBase

MAX_MONTHS = 600
"""Longest horizon (50 years), as declared for ``months``."""

MAX_REPLICATIONS = 10_000
"""Most replications per design point of a sweep, comparison or sensitivity analysis."""

MAX_SAMPLES = 100_000
"""Most Latin-hypercube points of a sweep."""

MAX_SENSITIVITY_N = 1 << 16
"""Most Morris trajectories or Sobol base samples."""

MAX_TASKS = 250_000
"""Most runs in one sweep, comparison or sensitivity analysis (the task list is held in memory)."""

MAX_WORKERS = 512
"""Most worker processes."""

MAX_SEED = 2**63 - 1
"""Largest root seed."""

MAX_TEXT = 4096
"""Longest text value in a scenario (names, descriptions, paths)."""

MAX_NAME = 100
"""Longest scenario, sweep or declaration name."""

NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
"""A plain name: letters, digits, ``_`` and ``-`` (it becomes a folder under ``results/``)."""


@dataclass(frozen=True)
class Entity:
    """One kind of entity of the simulated world, its expected number and its limit."""

    name: str
    count: float
    limit: float
    formula: str


LIMITS = {
    "refugees": 1_000_000,
    "art. 60 hosts": 100_000,
    "art. 60 places": 10_000_000,
    "employers": 200_000,
    "mentors": 200_000,
    "vacancies per month": 1_000_000,
    "applications per month": 20_000_000,
    "lab seats per month": 1_000_000,
    "mentor-matching cells": 100_000_000,
}
"""Largest accepted number of each entity (see :func:`world`)."""


def plain_name(value: object) -> str | None:
    """Why ``value`` is not a plain name, or ``None`` if it is one."""
    if not isinstance(value, str):
        return f"must be text (got {value!r})"
    if len(value) > MAX_NAME:
        return f"must be at most {MAX_NAME} characters"
    if not NAME.fullmatch(value):
        return f"must be a plain name of letters, digits, '_' and '-' (got {value!r})"
    return None


def world(scenario: ScenarioBase, months: int | None = None) -> list[Entity]:
    """Expected size of the world a run of ``scenario`` builds, by kind of entity.

    The counts follow the model's own formulas (expected values, before random draws):
    refugees arrive at ``arrivals_per_month x scale`` a month during
    ``min(months, arrival_months)`` months; hosts and employers are scaled counts; each refugee
    sends up to ``applications_per_month`` applications a month. Each active mechanism adds
    the entities it creates (:meth:`~throughflow.mechanism.Mechanism.sizes`: mentors, lab
    seats …); entries of the same kind are added up.

    Args:
        scenario: The scenario.
        months: Horizon (default: the scenario's).

    Returns:
        One entry per kind of entity.
    """
    from throughflow.schema import mechanisms_of
    from throughflow.switches import active_mechanisms

    s = scenario
    horizon = s.months if months is None else months
    scale = s.population.scale
    p, a, lm = s.population, s.art60, s.labour_market
    arrival_months = min(horizon, p.arrival_months)
    refugees = p.arrivals_per_month * scale * arrival_months
    entities = [
        Entity(
            "refugees",
            refugees,
            LIMITS["refugees"],
            f"population.arrivals_per_month {p.arrivals_per_month:g} x population.scale {scale:g} x {arrival_months} months",
        ),
        Entity(
            "art. 60 hosts",
            (a.n_wise + a.n_other_hosts) * scale,
            LIMITS["art. 60 hosts"],
            f"(art60.n_wise {a.n_wise} + art60.n_other_hosts {a.n_other_hosts}) x population.scale {scale:g}",
        ),
        Entity(
            "art. 60 places",
            (a.n_wise + a.n_other_hosts) * a.slots_per_host * scale,
            LIMITS["art. 60 places"],
            f"(art60.n_wise {a.n_wise} + art60.n_other_hosts {a.n_other_hosts}) x art60.slots_per_host "
            f"{a.slots_per_host:g} x population.scale {scale:g}",
        ),
        Entity(
            "employers",
            lm.n_employers * scale,
            LIMITS["employers"],
            f"labour_market.n_employers {lm.n_employers} x population.scale {scale:g}",
        ),
        Entity(
            "vacancies per month",
            lm.n_employers * scale * lm.employer_size_mean * lm.vacancies_per_employee_month,
            LIMITS["vacancies per month"],
            f"labour_market.n_employers {lm.n_employers} x labour_market.employer_size_mean {lm.employer_size_mean:g} "
            f"x labour_market.vacancies_per_employee_month {lm.vacancies_per_employee_month:g} x population.scale {scale:g}",
        ),
        Entity(
            "applications per month",
            refugees * lm.applications_per_month,
            LIMITS["applications per month"],
            f"{refugees:.3g} refugees x labour_market.applications_per_month {lm.applications_per_month:g}",
        ),
    ]
    for mechanism in active_mechanisms(mechanisms_of(s), s):
        entities += mechanism.sizes(s, horizon)
    total: dict[str, Entity] = {}
    for e in entities:
        if e.name in total:
            first = total[e.name]
            total[e.name] = Entity(e.name, first.count + e.count, first.limit, f"{first.formula} + {e.formula}")
        else:
            total[e.name] = e
    return list(total.values())


def too_large(scenario: ScenarioBase, months: int | None = None) -> str | None:
    """Why the world of ``scenario`` is too large to build, or ``None`` if it fits.

    The message names the entity furthest above its limit and the parameters it comes from.
    """
    over = [e for e in world(scenario, months) if not e.count <= e.limit]
    if not over:
        return None
    worst = max(over, key=lambda e: e.count / e.limit)
    return (
        f"the simulated world is too large: about {worst.count:.3g} {worst.name} ({worst.formula}); "
        f"the limit is {worst.limit:,.0f}"
    )
