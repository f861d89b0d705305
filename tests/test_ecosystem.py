"""Callables for samplers: evaluate(params, seed) and the EMA Workbench model built from the declarations."""

from __future__ import annotations

import math
import warnings

import pytest

from throughflow import ScenarioError
from throughflow.experiments.ema import DEFAULT_OUTCOMES, ema_model
from throughflow.experiments.evaluate import evaluate, output_names
from throughflow.scenario import parameters

TINY = {"population.scale": 0.15}
MONTHS = 36


def test_evaluate_outputs_and_effects() -> None:
    out = evaluate({**TINY, "population__share_low": 0.8}, 4, months=MONTHS)
    assert list(out) == output_names()
    off = {"one_on_one.enabled": False, "organisation.enabled": False, "labs.enabled": False}
    base = evaluate({**TINY, "population__share_low": 0.8, **off}, 4, months=MONTHS)
    assert out["effect_throughflow_6m_all"] == pytest.approx(out["throughflow_6m_all"] - base["throughflow_6m_all"])
    assert out["effect_throughflow_6m_all"] != 0.0
    again = evaluate({**TINY, "population.share_low": 0.8}, 4, months=MONTHS)
    assert again == pytest.approx(out, nan_ok=True)
    other = evaluate({**TINY, "population.share_low": 0.8}, 5, months=MONTHS)
    assert other["throughflow_6m_all"] != out["throughflow_6m_all"]


def test_evaluate_without_pillars_has_no_effect() -> None:
    off = {"one_on_one.enabled": False, "organisation.enabled": False, "labs.enabled": False}
    out = evaluate({**TINY, **off}, 1, months=MONTHS)
    effects = [v for k, v in out.items() if k.startswith("effect_") and math.isfinite(v)]
    assert effects and all(v == 0.0 for v in effects)
    assert math.isnan(out["cost_per_sustainable_transition_all"])


def test_evaluate_rounds_reals_for_integer_parameters() -> None:
    name = next(p.name for p in parameters() if p.type_name == "int" and p.kind == "uncertainty" and p.low is not None)
    evaluate({**TINY, name: 2.6 if name.endswith("months") else 700.4}, 1, months=12)
    with pytest.raises(ScenarioError):
        evaluate({"no.such": 1}, 1, months=12)


def test_ema_model_from_declarations() -> None:
    model = ema_model()
    names = {u.name for u in model.uncertainties}
    declared = {p.name for p in parameters() if p.kind == "uncertainty" and p.low is not None and p.low < p.high and not p.price}
    assert "labour_market__bias" in names and "art60__share_18m" not in names  # a share that follows its group
    assert len(names) == len(declared) - 2
    levers = {lever.name for lever in model.levers}
    assert {"one_on_one__enabled", "mentoring__targeting", "population__share_low"} <= levers
    assert [o.name for o in model.outcomes] == list(DEFAULT_OUTCOMES)
    with pytest.raises(ScenarioError):
        ema_model(outcomes=["nope"])
    with pytest.raises(ScenarioError):
        ema_model(uncertainties={"labour_market.bias": (0.3, 2.0)})


def test_ema_perform_experiments() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import SequentialEvaluator, perform_experiments
    model = ema_model(
        uncertainties={"labour_market.other_applicants": (1.0, 6.0)},
        levers=["mentoring.targeting"],
        outcomes=["effect_throughflow_6m_low", "throughflow_6m_low"],
        fixed=TINY,
        seeds=(1,),
        months=MONTHS,
    )
    experiments, outcomes = perform_experiments(
        model, scenarios=2, policies=1, evaluator=SequentialEvaluator(model), uncertainty_sampling_kwargs={"rng": 1}
    )
    assert len(experiments) == 2 and set(outcomes) == {"effect_throughflow_6m_low", "throughflow_6m_low"}
    row = experiments.iloc[0]
    direct = evaluate(
        {
            "labour_market.other_applicants": row["labour_market__other_applicants"],
            "mentoring.targeting": row["mentoring__targeting"],
            **TINY,
        },
        1,
        months=MONTHS,
    )
    assert outcomes["throughflow_6m_low"][0] == pytest.approx(direct["throughflow_6m_low"], nan_ok=True)
