"""Adding a mechanism takes one new module and its registration (the example in ``tests/examples``)."""

from __future__ import annotations

import numpy as np
import pytest

from examples.driving_licence import DrivingLicence
from throughflow import ThroughflowModel, run
from throughflow.inertness import inert_parameters, reading
from throughflow.odd import mechanism_table, parameter_table, state_table
from throughflow.processes import MECHANISMS
from throughflow.scenario import ScenarioError, load_scenario, parameters
from throughflow.schema import compose
from throughflow.trace import narrate

EXTENDED = compose((*MECHANISMS, DrivingLicence))
SMALL = {"population.scale": 0.3, "months": 48}


def extended(name: str, **overrides: object) -> object:
    return load_scenario(load_scenario(name).model_dump(), schema=EXTENDED, **{**SMALL, **overrides})


def test_the_new_section_is_part_of_the_scenario_schema() -> None:
    names = {p.name for p in parameters(EXTENDED)}
    assert {"one_on_one.driving_licence.enabled", "one_on_one.driving_licence.p_per_month"} <= names
    with pytest.raises(ScenarioError, match=r"one_on_one\.driving_licence\.p_per_month"):
        extended("mentoring", **{"one_on_one.driving_licence.p_per_month": 2.0})
    with pytest.raises(ScenarioError, match="unknown key"):  # the registered schema does not know it
        load_scenario("mentoring", **{"one_on_one.driving_licence.enabled": True})


def test_the_new_mechanism_acts_through_the_agents() -> None:
    spec = extended("mentoring")
    result = run(spec, seed=4, paired_baseline=False, keep_model=True)
    model = result.model
    assert model is not None and model.active("driving_licence")
    r = model.refugees
    holders = np.flatnonzero(r.column("licence"))
    assert holders.size > 10
    assert r.ever_enrolled[holders].all()  # only mentees get help
    licences = result.timeseries.query("qualification == 'all'")["licences"].sum()
    assert licences == holders.size
    assert (result.events["event"] == "licence").sum() == holders.size
    story = narrate(model, int(holders[0]))
    assert any("passes the driving test" in line for line in story)


def test_switched_off_it_changes_nothing_and_its_parameters_are_inert() -> None:
    off = extended("mentoring", **{"one_on_one.driving_licence.enabled": False})
    assert not ThroughflowModel(off, seed=1).active("driving_licence")
    inert = inert_parameters(off)
    assert {"one_on_one.driving_licence.p_per_month", "one_on_one.driving_licence.extra_minutes"} <= inert
    with reading(off) as reads:
        run(off, seed=1, paired_baseline=False)
    assert not reads & inert
    plain = run(load_scenario("mentoring", **SMALL), seed=1, paired_baseline=False)
    same = run(off, seed=1, paired_baseline=False)
    assert plain.indicators == same.indicators or str(plain.indicators) == str(same.indicators)


def test_the_generated_documentation_shows_it() -> None:
    mechanisms = (*MECHANISMS, DrivingLicence)
    assert "`driving_licence`" in mechanism_table(mechanisms)
    assert "`licence`" in state_table(mechanisms)
    assert "`one_on_one.driving_licence.extra_minutes`" in parameter_table(EXTENDED, mechanisms)
