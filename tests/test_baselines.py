"""Fixed-seed regression baseline: indicators must equal the stored values to 1e-9.

A difference means the model's behaviour changed. If the change is intended (a fix, a
recalibrated default), refresh on purpose with ``python tests/refresh_baselines.py --reason TEXT`` and
commit the new file with the change that caused it.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from refresh_baselines import BASELINE_FILE, CASES, change_section, changes, compute_case

TOLERANCE = 1e-9
HINT = "if this change is intended, run `python tests/refresh_baselines.py --reason TEXT` and commit the result"


def stored() -> dict[str, Any]:
    assert BASELINE_FILE.is_file(), f"{BASELINE_FILE} is missing: {HINT}"
    return json.loads(BASELINE_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def mismatches(expected: Any, actual: Any, path: str = "") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        out = [f"{path}.{k}: missing" for k in expected.keys() - actual.keys()]
        out += [f"{path}.{k}: new" for k in actual.keys() - expected.keys()]
        for key in expected.keys() & actual.keys():
            out += mismatches(expected[key], actual[key], f"{path}.{key}")
        return out
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: length {len(expected)} -> {len(actual)}"]
        return [m for k, (e, a) in enumerate(zip(expected, actual, strict=True)) for m in mismatches(e, a, f"{path}[{k}]")]
    if expected is None or actual is None:
        return [] if expected is actual else [f"{path}: {expected} -> {actual}"]
    if math.isclose(expected, actual, rel_tol=TOLERANCE, abs_tol=TOLERANCE):
        return []
    return [f"{path}: {expected!r} -> {actual!r}"]


def test_the_stored_cases_are_the_declared_cases() -> None:
    assert set(stored()) == set(CASES), HINT


@pytest.mark.parametrize("name", sorted(CASES))
def test_indicators_equal_the_stored_baseline(name: str) -> None:
    record = stored()[name]
    fresh = compute_case(CASES[name])
    assert {k: record[k] for k in ("scenario", "overrides", "seed")} == CASES[name], HINT
    diffs = mismatches(record["indicators"], fresh["indicators"])
    where = "parameter defaults changed" if record["scenario_hash"] != fresh["scenario_hash"] else "model behaviour changed"
    assert not diffs, f"{name}: {where}; {len(diffs)} differences, e.g. {diffs[:5]}; {HINT}"


def test_the_comparison_detects_a_change() -> None:
    record = stored()["baseline"]["indicators"]
    changed = json.loads(json.dumps(record))
    changed["throughflow_12m"]["all"] += 1e-6
    assert mismatches(record, changed)
    assert not mismatches(record, json.loads(json.dumps(record)))


def test_a_refresh_lists_every_changed_headline_number() -> None:
    old = {"baseline": {"indicators": {"a": {"all": 0.5, "low": 0.1}, "b": {"all": 0.2}, "c": {"all": None}, "d": [1, 2]}}}
    new = {"baseline": {"indicators": {"a": {"all": 0.5, "low": 0.3}, "b": {"all": 0.25}, "c": {"all": 0.1}, "e": {"all": 1}}}}
    assert changes(old, new) == [("baseline", "b", 0.2, 0.25), ("baseline", "c", None, 0.1), ("baseline", "e", None, 1)]
    text = change_section("Recalibrated.", changes(old, new), "2026-01-01 00:00 UTC")
    assert "Recalibrated." in text and "| baseline | `b` | 0.2 | 0.25 |" in text and "| baseline | `c` | — | 0.1 |" in text
    assert "No pinned number changed." in change_section("Refactor.", [], "2026-01-01 00:00 UTC")
