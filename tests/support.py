"""Shared helpers for the test suite: small scenarios, cached runs, output comparison."""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from throughflow import RunResult, Scenario, load_scenario, run
from throughflow.population import RefugeeTable

REPO = Path(__file__).resolve().parents[1]
SCENARIOS_DIR = REPO / "scenarios"
TESTS_DIR = Path(__file__).resolve().parent

SMALL: dict[str, Any] = {"population.scale": 0.3, "months": 60}
"""A small, fast world: enough refugees for every process to act, a fraction of a second per run."""

FULL: dict[str, Any] = {"population.scale": 1.0, "months": 120}
"""The default world (used where a mechanism needs statistical power)."""


def scenario(name: str = "baseline", size: dict[str, Any] | None = None, **overrides: Any) -> Scenario:
    """A shipped scenario at a given size with dotted overrides."""
    return load_scenario(name, **{**(SMALL if size is None else size), **overrides})


def _freeze(overrides: dict[str, Any]) -> tuple[tuple[str, Any], ...]:
    return tuple(sorted(overrides.items()))


@lru_cache(maxsize=128)
def _cached(name: str, seed: int, frozen: tuple[tuple[str, Any], ...]) -> RunResult:
    return run(load_scenario(name, **dict(frozen)), seed=seed, paired_baseline=False, keep_model=True)


def cached_run(name: str, seed: int = 0, size: dict[str, Any] | None = None, **overrides: Any) -> RunResult:
    """Run (once per session) a shipped scenario with overrides; the model is kept on the result.

    Callers must not modify the returned result.
    """
    return _cached(name, seed, _freeze({**(SMALL if size is None else size), **overrides}))


def events_of(result: RunResult, kind: str) -> pd.DataFrame:
    """The event-log rows of one kind."""
    ev = result.events
    return ev[ev["event"] == kind]


def indicators_json(indicators: dict[str, Any]) -> str:
    """A canonical text form of an indicator dict (NaN-aware, for equality checks)."""
    return json.dumps(to_plain(indicators), sort_keys=True)


def to_plain(value: Any) -> Any:
    """Indicators as plain JSON values: NaN becomes ``None``, numpy scalars become floats."""
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [to_plain(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        f = float(value)
        return None if math.isnan(f) else f
    return value


def differences(a: RunResult, b: RunResult) -> list[str]:
    """Which of the outputs (indicators, time series, event log) differ between two runs."""
    out = []
    if indicators_json(a.indicators) != indicators_json(b.indicators):
        out.append("indicators")
    if not a.timeseries.equals(b.timeseries):
        out.append("timeseries")
    if not a.events.equals(b.events):
        out.append("events")
    return out


def columns(table: RefugeeTable) -> dict[str, np.ndarray]:
    """Copies of all the refugee table's own columns (to compare a kernel's writes with the array expressions')."""
    return {name: getattr(table, name).copy() for name in RefugeeTable.COLUMNS}


def assert_same_columns(got: RefugeeTable, expected: dict[str, np.ndarray]) -> None:
    """Every column of ``expected`` equals the table's, exactly."""
    for name, column in expected.items():
        np.testing.assert_array_equal(getattr(got, name), column, err_msg=name)


def assert_all_equal(got: tuple[np.ndarray, ...], expected: tuple[np.ndarray, ...]) -> None:
    """A kernel's results equal the expected arrays, one by one and exactly."""
    assert len(got) == len(expected)
    for k, (g, e) in enumerate(zip(got, expected, strict=True)):
        np.testing.assert_array_equal(g, e, err_msg=f"result {k}")
