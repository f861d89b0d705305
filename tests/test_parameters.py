"""Every declared parameter is read: moving it across its range changes some output.

A parameter that is declared (and shown in the ODD table, sweeps and the sensitivity
analysis) but read by nothing is a defect; so is a declaration whose range is inconsistent.
"""

from __future__ import annotations

import hashlib
import itertools
import typing
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pydantic import BaseModel

from support import indicators_json
from throughflow import RunResult, Scenario, ScenarioError, load_scenario, run
from throughflow.enums import SECTORS
from throughflow.scenario import ParameterInfo, flatten, parameters, with_values

PARAMETERS = {p.name: p for p in parameters()}

SIZE = {"population.scale": 0.3, "months": 72}
SEEDS = (1, 2, 3, 4, 5)
"""Some parameters act on few agents (one traced refugee, rare shocks): a difference under any
of these seeds shows the parameter is read; the first seed usually suffices."""

SKIP: dict[str, str] = {
    "name": "a label: names the results folder, not a model input",
    "description": "free text for readers",
    "story.name": "a name printed in the story's trace text only",
    "story.mentor_name": "a name printed in the story's trace text only",
}

# Values to use where the declared range cannot be used as is (no range, or low == high).
MOVES: dict[str, tuple[Any, ...]] = {
    "mentoring.pair_months_min": (3, 12),  # fixed by source (6); must stay <= pair_months_max (12)
    "story.home": (0, 7),  # no range: a municipality index
    "story.years_in_belgium": (0, 30),  # no range: the story's background (logged with it)
    "story.host_slots": (0, 2),  # no range: places at the story's host
    "story.trade": (SECTORS[0], SECTORS[2]),  # a sector name
    "mentoring.trial.first_month": (1, 48),  # a setting: the window must stay within the horizon (72)
    "mentoring.trial.last_month": (24, 60),  # and end after first_month (12)
}

# Settings under which a parameter is read at all (its lever must be set for it to matter).
CONTEXT: dict[str, dict[str, Any]] = {
    "mentoring.coverage_share": {"mentoring.targeting": "random_share"},
    "mentoring.late_contract_months": {"mentoring.timing": "late_contract"},
    # advocacy acts on few placement contests: visible once every volunteer takes a growth path
    "labs.growth_paths.advocacy_gain": {"labs.growth_paths.participation": 1.0, "labs.growth_paths.every_months": 1},
}

MUNICIPALITIES_CSV = "name,x_km,y_km,weight\nCentre,0,0,0.4\nNorth,0,22,0.2\nEast,28,0,0.2\nSouth,0,-35,0.1\nWest,-12,0,0.1\n"


def _annotation(name: str) -> Any:
    model: type[BaseModel] = Scenario
    *parents, leaf = name.split(".")
    for part in parents:
        model = model.model_fields[part].annotation  # type: ignore[assignment]
    return model.model_fields[leaf].annotation


def _base(info: ParameterInfo) -> tuple[str, dict[str, Any]]:
    overrides = {**SIZE, **CONTEXT.get(info.name, {})}
    if info.name.startswith("story."):
        return "juul_kamin", overrides
    if info.name.startswith("mentoring.trial."):
        return "trials/programme", overrides
    return "mentoring", overrides


def _rebalanced(name: str, value: float) -> dict[str, Any]:
    """Set one share of a mix and split the rest over the others in proportion to their defaults."""
    groups = (
        ("population.share_low", "population.share_medium", "population.share_high"),
        ("art60.share_12m", "art60.share_18m", "art60.share_24m"),
    )
    if name == "mentoring.trial.point":  # the programme enrols from the trial's point
        return {name: value, "mentoring.timing": {"placement": "placement", "contract_end": "after_contract"}[value]}
    for group in groups:
        if name in group:
            others = [n for n in group if n != name]
            weight = sum(PARAMETERS[n].default for n in others)
            out = {n: (1.0 - value) * PARAMETERS[n].default / weight for n in others}
            return {name: value, **out}
    return {name: value}


def values_to_try(info: ParameterInfo) -> tuple[Any, ...]:
    """Low and high (or every choice) for one parameter."""
    if info.name in MOVES:
        return MOVES[info.name]
    if info.type_name == "bool":
        return (False, True)
    if typing.get_origin(_annotation(info.name)) is typing.Literal:
        return typing.get_args(_annotation(info.name))
    if info.low is None or info.high is None:
        raise AssertionError(f"{info.name}: no range declared and no explicit values in MOVES")
    if info.low == info.high:  # fixed by its source: move it to its validity bounds instead
        low = info.ge if info.ge is not None else info.default / 2
        high = info.le if info.le is not None else info.default * 2
        return (low, high)
    return (info.low, info.high)


def fingerprint(result: RunResult) -> tuple[str, str, str]:
    """A compact, exact summary of a run's outputs (indicators, time series, event log)."""

    def digest(frame: pd.DataFrame) -> str:
        return hashlib.sha256(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()).hexdigest()

    outputs = indicators_json({**result.indicators, **result.totals})  # the totals: costs and transitions by horizon
    return outputs, digest(result.timeseries), digest(result.events)


@lru_cache(maxsize=1024)
def _cached(resolved: str, seed: int) -> tuple[str, str, str]:
    spec = Scenario.model_validate_json(resolved)
    return fingerprint(run(spec, seed=seed, paired_baseline=False))


def _run(name: str, overrides: dict[str, Any], seed: int = SEEDS[0]) -> tuple[str, str, str]:
    # keyed by the resolved scenario, so a value equal to the default reuses the base run
    return _cached(load_scenario(name, **overrides).model_dump_json(), seed)


def _differ(a: tuple[str, str, str], b: tuple[str, str, str]) -> list[str]:
    return [part for part, x, y in zip(("indicators", "timeseries", "events"), a, b, strict=True) if x != y]


TESTED = [name for name in PARAMETERS if name not in SKIP and name != "geography.municipalities_csv"]


@pytest.mark.parametrize("name", TESTED)
def test_moving_the_parameter_changes_some_output(name: str) -> None:
    info = PARAMETERS[name]
    scenario_name, base = _base(info)
    settings = []
    for value in values_to_try(info):
        try:
            load_scenario(scenario_name, **{**base, **_rebalanced(name, value)})
        except ScenarioError as exc:
            pytest.fail(f"{name}={value!r} should be a valid value but is rejected: {exc}")
        settings.append((value, {**base, **_rebalanced(name, value)}))
    for (va, a), (vb, b) in itertools.combinations(settings, 2):
        differ = any(_differ(_run(scenario_name, a, seed), _run(scenario_name, b, seed)) for seed in SEEDS)
        assert differ, f"{name}: {va!r} and {vb!r} give identical indicators, time series and events (seeds {SEEDS})"


def test_the_municipalities_csv_is_read(tmp_path: Path) -> None:
    path = tmp_path / "region.csv"
    path.write_text(MUNICIPALITIES_CSV, encoding="utf-8")
    synthetic = _run("mentoring", dict(SIZE))
    spec = load_scenario("mentoring", **SIZE, **{"geography.municipalities_csv": str(path)})
    from_file = run(spec, seed=SEEDS[0], keep_model=True)
    assert from_file.model is not None
    assert from_file.model.region.names == ("Centre", "North", "East", "South", "West")
    assert _differ(synthetic, fingerprint(from_file))


def test_every_parameter_is_tested_or_skipped_with_a_reason() -> None:
    assert set(SKIP) <= set(PARAMETERS)
    assert set(MOVES) <= set(PARAMETERS)
    assert set(CONTEXT) <= set(PARAMETERS)
    for name in SKIP:
        assert PARAMETERS[name].type_name == "str", f"{name}: only text labels may be skipped"
    for info in PARAMETERS.values():
        if info.name not in SKIP and info.name != "geography.municipalities_csv":
            assert len(values_to_try(info)) >= 2, info.name


def test_the_declared_values_are_consistent() -> None:
    defaults = flatten(load_scenario(None))
    assert set(defaults) == set(PARAMETERS)
    for info in PARAMETERS.values():
        assert defaults[info.name] == info.default, info.name
        assert info.kind in ("lever", "uncertainty", "setting"), info.name
        assert info.unit and info.doc and info.source, info.name
        if info.type_name in ("float", "int"):
            if info.ge is not None:
                assert info.default >= info.ge, info.name
            if info.le is not None:
                assert info.default <= info.le, info.name
        if info.low is None or info.high is None:
            assert info.kind != "uncertainty", f"{info.name}: an uncertainty needs a range for the sensitivity analysis"
            continue
        assert info.low <= info.default <= info.high, info.name
        if info.ge is not None:
            assert info.low >= info.ge, info.name
        if info.le is not None:
            assert info.high <= info.le, info.name


@pytest.mark.parametrize("name", [n for n, p in PARAMETERS.items() if p.low is not None and p.low != p.high])
def test_both_ends_of_every_range_validate(name: str) -> None:
    info = PARAMETERS[name]
    base = load_scenario("baseline")
    for value in (info.low, info.high):
        assert flatten(with_values(base, _rebalanced(name, value)))[name] == pytest.approx(value)


def test_the_comparison_can_fail() -> None:
    # identical settings must compare equal, otherwise every parameter would look "read"
    spec = load_scenario("mentoring", **SIZE)
    assert not _differ(fingerprint(run(spec, seed=9)), fingerprint(run(spec, seed=9)))
    assert _differ(fingerprint(run(spec, seed=9)), fingerprint(run(spec, seed=10)))
