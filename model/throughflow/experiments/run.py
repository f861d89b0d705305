"""The one experiment boundary: ``run(scenario, seed, months) -> RunResult``.

Sweeps, sensitivity analysis, notebooks and the CLI all go through :func:`run`. When the
scenario switches on any pillar of the mentoring-to-NEC model, the paired baseline (same
seed, all pillars off) is run too, for the indicators measured against it
(:data:`~throughflow.outcomes.PAIRED`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from throughflow.model import ThroughflowModel
from throughflow.outcomes import compute, horizon_totals, paired_indicators, sustainable_count
from throughflow.parameters import ScenarioBase as Scenario
from throughflow.processes import PILLARS
from throughflow.scenario import check_horizon, load_scenario, with_values


@dataclass
class RunResult:
    """What one run produces.

    Attributes:
        scenario: The fully resolved scenario.
        seed: The root seed.
        months: The horizon.
        indicators: ``{indicator: {"all"|"low"|"medium"|"high": value}}``.
        timeseries: Monthly stocks, flows, costs and pool figures (tidy DataFrame); empty
            when the run was asked not to build it (``run(..., timeseries=False)``).
        events: The per-agent event log (DataFrame).
        wall_seconds: Wall time of the run (without the paired baseline).
        totals: Per group: the run's total public cost (``cost_eur``) and refugees reaching a
            sustainable NEC spell (``sustainable_transitions``) over the whole run, and at each
            horizon after arrival (:func:`throughflow.outcomes.horizon_totals`: discounted cost,
            discounted employed years, transitions and cohort size) — what paired runs compare.
        model: The finished model (``None`` once dropped to save memory).

    """

    scenario: Scenario
    seed: int
    months: int
    indicators: dict[str, dict[str, Any]]
    timeseries: pd.DataFrame
    events: pd.DataFrame
    wall_seconds: float
    totals: dict[str, dict[str, float]] = field(default_factory=dict)
    model: ThroughflowModel | None = field(default=None, repr=False)

    def headline(self) -> pd.DataFrame:
        """Scalar indicators as a table: one row per indicator, columns all/low/medium/high."""
        rows = {k: v for k, v in self.indicators.items() if not isinstance(v.get("all"), list)}
        return pd.DataFrame.from_dict(rows, orient="index")[["all", "low", "medium", "high"]]


def baseline_of(scenario: Scenario) -> Scenario:
    """The paired baseline of a scenario: the same world with every pillar switched off."""
    return with_values(scenario, {f"{pillar}.enabled": False for pillar in PILLARS})


def mentoring_on(scenario: Scenario) -> bool:
    """Whether any pillar of the mentoring-to-NEC model is switched on."""
    return any(scenario.section(pillar).enabled for pillar in PILLARS)


def run(
    scenario: Scenario | str | dict[str, Any] | None = None,
    *,
    seed: int = 0,
    months: int | None = None,
    paired_baseline: bool = True,
    keep_model: bool = False,
    record_events: bool = True,
    timeseries: bool = True,
) -> RunResult:
    """Run one scenario with one seed.

    Args:
        scenario: Scenario, file, shipped name, mapping or ``None`` (baseline defaults).
        seed: Root seed; the same scenario and seed give identical results.
        months: Horizon; defaults to the scenario's.
        paired_baseline: Also run the paired baseline when mentoring is on (needed for the
            indicators of :data:`~throughflow.outcomes.PAIRED`; otherwise they are NaN).
        keep_model: Keep the finished model on the result (for traces and tests).
        record_events: Keep the per-agent event log (``events`` is empty otherwise).
        timeseries: Build the monthly time series; when false, ``timeseries`` is an empty
            DataFrame (indicators and totals do not depend on it).

    Returns:
        The run's indicators, time series and event log.

    Raises:
        ScenarioError: The scenario is invalid, or its world is too large under ``months``.

    """
    spec = scenario if isinstance(scenario, Scenario) else load_scenario(scenario)
    check_horizon(spec, months, f"<scenario {spec.name}> (months {months})")
    started = time.perf_counter()
    model = ThroughflowModel(spec, seed=seed, months=months, record_events=record_events, collect=keep_model).run()
    wall = time.perf_counter() - started
    indicators = compute(model)
    horizons = horizon_totals(model)
    if paired_baseline and mentoring_on(spec):
        base = ThroughflowModel(baseline_of(spec), seed=seed, months=model.months, record_events=False, collect=False).run()
        indicators.update(paired_indicators(model, base, horizons))
    totals = {
        "cost_eur": dict(zip(ORDER, _costs(model).tolist(), strict=True)),
        "sustainable_transitions": dict(zip(ORDER, sustainable_count(model).tolist(), strict=True)),
        **horizons,
    }
    return RunResult(
        scenario=spec,
        seed=seed,
        months=model.months,
        indicators=indicators,
        timeseries=model.recorder.timeseries() if timeseries else pd.DataFrame(),
        events=model.events.frame(),
        wall_seconds=wall,
        totals=totals,
        model=model if keep_model else None,
    )


ORDER = ("low", "medium", "high", "all")


def _costs(model: ThroughflowModel) -> np.ndarray:
    per_group = model.recorder.total_cost()
    return np.append(per_group, per_group.sum())
