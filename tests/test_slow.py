"""Long runs (deselected by default; run with ``pytest -m slow``)."""

from __future__ import annotations

import numpy as np
import pytest

from support import SCENARIOS_DIR, differences
from test_invariants import check_month
from throughflow import ThroughflowModel, load_scenario, run

pytestmark = pytest.mark.slow

SHIPPED = sorted(p.stem for p in SCENARIOS_DIR.glob("*.yaml"))


@pytest.mark.parametrize("name", SHIPPED)
def test_invariants_hold_over_the_full_horizon_at_default_scale(name: str) -> None:
    model = ThroughflowModel(load_scenario(name), seed=101)
    for month in range(1, model.months + 1):
        model.step()
        check_month(model, month)


def test_invariants_hold_at_ten_times_the_default_scale() -> None:
    model = ThroughflowModel(load_scenario("mentoring", **{"population.scale": 10.0}), seed=5)
    for month in range(1, model.months + 1):
        model.step()
        check_month(model, month)
    assert model.refugees.n > 30_000


def test_full_scale_runs_are_reproducible() -> None:
    a = run("mentoring", seed=77)
    b = run("mentoring", seed=77)
    assert differences(a, b) == []


def test_placement_advocacy_effect_holds_over_many_seeds() -> None:
    effects = []
    for seed in range(10):
        per_arm = []
        for advocacy in (True, False):
            spec = load_scenario("mentoring", **{"one_on_one.placement_advocacy.enabled": advocacy})
            res = run(spec, seed=seed, paired_baseline=False)
            ev = res.events
            matched = ev[ev["event"] == "match"].groupby("agent")["month"].min().rename("matched")
            place = ev[ev["event"] == "place"].set_index("agent").join(matched, how="inner")
            per_arm.append(place[place["matched"] <= place["month"]]["value"].mean())
        effects.append(per_arm[1] - per_arm[0])
    assert np.mean(effects) > 8.0
    assert min(effects) > 0.0
