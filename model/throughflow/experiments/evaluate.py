"""A plain callable for samplers and optimisers: ``evaluate(params, seed) -> dict``.

SALib, optuna, the EMA Workbench (:func:`throughflow.ema_model`) or a loop of one's own can
ask the model for named numbers without knowing its internals::

    from throughflow import evaluate

    out = evaluate({"population.share_low": 0.8, "labour_market.other_applicants": 4.0}, seed=1)
    out["effect_throughflow_12m_low"]       # mentoring-to-NEC minus the paired baseline, LOW group

Parameters are dotted names or keywords (``population__share_low``); shares given alone are
completed (:mod:`throughflow.keywords`), and a float given for an integer parameter is
rounded, so samplers can draw every parameter as a real number. The outputs (see
:func:`output_names`) are, for every scalar indicator and group, ``<indicator>_<group>``
and, against the paired baseline (same seed, every pillar off), ``effect_<indicator>_<group>``;
the run's total public cost ``cost_eur_<group>``; ``sustainable_transitions_<group>``; and the
indicators measured against the paired baseline (:data:`~throughflow.outcomes.PAIRED`, as
defined there): ``cost_per_sustainable_transition_<group>`` with its numerator
``extra_cost_5y_<group>`` and denominator ``extra_sustainable_5y_<group>``, and
``displacement_share_all``. With no pillar on the run is its own baseline: effects are 0 and
the paired indicators NaN.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from throughflow.experiments.run import ORDER, baseline_of, mentoring_on
from throughflow.keywords import apply as apply_params
from throughflow.keywords import dotted
from throughflow.model import ThroughflowModel
from throughflow.outcomes import GROUPS, INDICATORS, PAIRED, PER_TRANSITION, compute, paired_indicators, sustainable_count
from throughflow.parameters import ScenarioBase
from throughflow.scenario import load_scenario, parameters

SCALARS: tuple[str, ...] = tuple(
    ind.name for ind in INDICATORS if ind.shape == "scalar" and ind.use != "story" and ind.name not in PAIRED
)
"""Indicators reported as levels and as effects against the paired baseline."""

TOTALS = ("cost_eur", "sustainable_transitions")


def output_names() -> list[str]:
    """Every key of :func:`evaluate`'s result, in a fixed order."""
    names = [f"{ind}_{g}" for ind in SCALARS for g in GROUPS]
    names += [f"effect_{ind}_{g}" for ind in SCALARS for g in GROUPS]
    names += [f"{total}_{g}" for total in TOTALS for g in GROUPS]
    names += [f"{ind}_{g}" for ind in PER_TRANSITION for g in GROUPS]
    names.append("displacement_share_all")
    return names


def typed(params: Mapping[str, Any], scenario: ScenarioBase) -> dict[str, Any]:
    """Dotted names and values, with floats for integer parameters rounded (samplers draw reals)."""
    integers = {p.name for p in parameters(type(scenario)) if p.type_name == "int"}
    out = {}
    for key, value in params.items():
        name = dotted(key)
        is_real = isinstance(value, float | np.floating)
        out[name] = round(float(value)) if name in integers and is_real else value
    return out


def _totals(model: ThroughflowModel) -> tuple[np.ndarray, np.ndarray]:
    cost = model.recorder.total_cost()
    return np.append(cost, cost.sum()), sustainable_count(model)


def evaluate(
    params: Mapping[str, Any] | None,
    seed: int,
    *,
    scenario: ScenarioBase | str | Mapping[str, Any] = "mentoring",
    months: int | None = None,
) -> dict[str, float]:
    """Run the scenario with ``params`` on ``seed`` and its paired baseline; return named outputs.

    Args:
        params: Parameter values by dotted name or keyword (``None``: the scenario as it is).
        seed: Root seed of both runs (common random numbers).
        scenario: The scenario the parameters change (default ``mentoring``: every pillar on).
        months: Horizon (default: the scenario's).

    Returns:
        ``{output: value}`` for every name of :func:`output_names` (NaN where undefined).

    Raises:
        ScenarioError: For an unknown parameter or an invalid value.
    """
    base = scenario if isinstance(scenario, ScenarioBase) else load_scenario(scenario)
    spec = apply_params(base, typed(params or {}, base))
    model = ThroughflowModel(spec, seed=seed, months=months, record_events=False, collect=False).run()
    indicators = compute(model)
    cost, count = _totals(model)
    if mentoring_on(spec):
        paired = ThroughflowModel(baseline_of(spec), seed=seed, months=model.months, record_events=False, collect=False).run()
        reference = compute(paired)
        indicators.update(paired_indicators(model, paired))
    else:
        reference = indicators
    out: dict[str, float] = {}
    for name in SCALARS:
        for g in GROUPS:
            out[f"{name}_{g}"] = float(indicators[name][g])
    for name in SCALARS:
        for g in GROUPS:
            out[f"effect_{name}_{g}"] = float(indicators[name][g]) - float(reference[name][g])
    for total, values in zip(TOTALS, (cost, count), strict=True):
        out.update({f"{total}_{g}": float(v) for g, v in zip(ORDER, values, strict=True)})
    for name in PER_TRANSITION:
        out.update({f"{name}_{g}": float(indicators[name][g]) for g in GROUPS})
    out["displacement_share_all"] = float(indicators["displacement_share"]["all"])
    return {name: out[name] for name in output_names()}
