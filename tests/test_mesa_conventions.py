"""Mesa conventions: rng=, parameters as keyword arguments, the DataCollector, mesa.batch_run."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import mesa
import numpy as np
import pandas as pd
import pytest

from throughflow import ScenarioError, ThroughflowModel
from throughflow.keywords import complete, dotted, keyword, parse_assignments
from throughflow.reporters import REPORTERS
from throughflow.scenario import load_scenario

SMALL = {"population__scale": 0.2}


def frame(model: ThroughflowModel) -> pd.DataFrame:
    return model.datacollector.get_model_vars_dataframe()


def test_rng_int_twice_gives_identical_runs() -> None:
    a = ThroughflowModel(rng=3, months=24, **SMALL).run()
    b = ThroughflowModel(rng=3, months=24, **SMALL).run()
    pd.testing.assert_frame_equal(frame(a), frame(b))
    pd.testing.assert_frame_equal(a.recorder.timeseries(), b.recorder.timeseries())
    assert a.seed == 3


def test_rng_int_is_the_seed_of_existing_callers() -> None:
    a = ThroughflowModel(rng=5, months=12, **SMALL).run()
    b = ThroughflowModel(seed=5, months=12, **SMALL).run()
    pd.testing.assert_frame_equal(frame(a), frame(b))


def test_no_hidden_default_seed() -> None:
    seeds = {ThroughflowModel(months=1, **SMALL).seed for _ in range(3)}
    assert len(seeds) == 3
    model = ThroughflowModel(months=12, **SMALL).run()
    again = ThroughflowModel(rng=model.seed, months=12, **SMALL).run()  # a fresh seed is recorded: the run repeats
    pd.testing.assert_frame_equal(frame(model), frame(again))


def test_rng_accepts_generators_and_seed_sequences() -> None:
    a = ThroughflowModel(rng=np.random.default_rng(1), months=1, **SMALL).seed
    b = ThroughflowModel(rng=np.random.default_rng(1), months=1, **SMALL).seed
    c = ThroughflowModel(rng=np.random.SeedSequence(1), months=1, **SMALL).seed
    assert a == b and c >= 0


@pytest.mark.parametrize("kwargs", [{"rng": 1, "seed": 1}, {"rng": -1}, {"seed": True}])
def test_bad_seeds_are_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        ThroughflowModel(months=1, **SMALL, **kwargs)


def test_parameters_as_keyword_arguments() -> None:
    model = ThroughflowModel("baseline", rng=1, months=1, population__share_low=0.5, labs__enabled=True, **SMALL)
    pop = model.scenario.population
    assert (pop.share_low, pop.share_medium, pop.share_high) == (0.5, 0.25, 0.25)
    assert model.scenario.labs.enabled and model.active("clubs") in (True, False)
    assert model.scenario.population.scale == 0.2


def test_unknown_keyword_names_the_parameter() -> None:
    with pytest.raises(ScenarioError, match=r"population\.share_lo"):
        ThroughflowModel(rng=1, population__share_lo=0.5)
    with pytest.raises(ScenarioError, match=r"population\.share_low"):
        ThroughflowModel(rng=1, population__share_low=1.5)


def test_keyword_names_round_trip() -> None:
    assert dotted("one_on_one__referral__enabled") == "one_on_one.referral.enabled"
    assert keyword("one_on_one.referral.enabled") == "one_on_one__referral__enabled"
    assert dotted("labs.enabled") == "labs.enabled"


def test_compositions_are_completed_in_proportion() -> None:
    base = load_scenario(
        "baseline", **{"population.share_low": 0.6, "population.share_medium": 0.3, "population.share_high": 0.1}
    )
    out = complete({"population.share_low": 0.2}, base)
    assert out["population.share_medium"] == pytest.approx(0.6) and out["population.share_high"] == pytest.approx(0.2)
    assert complete({"population.share_low": 1.0}, base)["population.share_high"] == 0.0
    full = {"population.share_low": 0.2, "population.share_medium": 0.2, "population.share_high": 0.6}
    assert complete(full, base) == full


def test_set_assignments_are_typed() -> None:
    values = parse_assignments(["labs.enabled=true", "population__share_low=0.4", "mentoring.targeting=low"])
    assert values == {"labs.enabled": True, "population.share_low": 0.4, "mentoring.targeting": "low"}
    for bad in ("labs.enabled", "nothing.here=1", "labs.enabled=[1, 2]"):
        with pytest.raises(ScenarioError):
            parse_assignments([bad])


def test_datacollector_reports_every_month() -> None:
    model = ThroughflowModel("mentoring", rng=2, months=24, **SMALL).run()
    data = frame(model)
    assert list(data.columns) == [r.name for r in REPORTERS]
    assert len(data) == 25  # month 0 and every month
    stocks = data[["waiting", "art60", "nec", "wise_job", "unemployed", "inactive"]].sum(axis=1)
    assert stocks.iloc[-1] == model.refugees.n
    ts = model.recorder.timeseries()
    nec = ts[ts["qualification"] == "all"]["stock_nec"].to_numpy()
    np.testing.assert_array_equal(data["nec"].to_numpy()[1:], nec)
    assert data["public_cost_eur"].sum() == pytest.approx(model.recorder.total_cost().sum())
    assert data["reached"].iloc[-1] > 0 and data["mentors"].iloc[-1] > 0
    assert (data["seed"] == 2).all()


def test_without_collecting_the_run_is_the_same_and_the_datacollector_empty() -> None:
    collected = ThroughflowModel("mentoring", rng=2, months=24, **SMALL).run()
    bare = ThroughflowModel("mentoring", rng=2, months=24, collect=False, **SMALL).run()
    assert frame(bare).empty and len(frame(collected)) == 25
    pd.testing.assert_frame_equal(bare.recorder.timeseries(), collected.recorder.timeseries())


def test_batch_run() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # Mesa deprecates iterations= in favour of rng=
        rows = mesa.batch_run(
            ThroughflowModel,
            parameters={"population__share_low": [0.3, 0.9], "labs__enabled": [False, True], "population__scale": 0.2},
            iterations=2,
            max_steps=24,
            display_progress=False,
        )
    table = pd.DataFrame(rows)
    assert len(table) == 8
    assert set(table["Step"]) == {24}
    assert table["seed"].nunique() == 2 * 4  # every run a fresh seed, reported
    seeded = pd.DataFrame(
        mesa.batch_run(ThroughflowModel, parameters=SMALL, rng=[7, 7], max_steps=12, display_progress=False)
    ).drop(columns=["RunId", "iteration"])
    pd.testing.assert_series_equal(seeded.iloc[0], seeded.iloc[1], check_names=False)


def test_reporters_and_batch_run_are_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "design.md").read_text(encoding="utf-8")
    assert "mesa.batch_run(" in text and "ThroughflowModel" in text
    missing = [r.name for r in REPORTERS if f"`{r.name}`" not in text]
    assert not missing, missing


def test_the_package_exports_what_it_lists_and_nothing_loads_before_use() -> None:
    import subprocess
    import sys

    import throughflow

    for name in throughflow.__all__:
        assert getattr(throughflow, name) is not None, name
    code = "import sys, throughflow; print(sorted(m for m in ('throughflow.model', 'pandas', 'mesa') if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]", "import throughflow loads the model"


def test_agents_created_in_a_batch_are_registered_as_mesa_registers_one() -> None:
    from mesa.model import ModelSignals

    from throughflow.agents import Mentor, Refugee
    from throughflow.agents.view import add_views

    one_by_one = ThroughflowModel(rng=2, months=1, **SMALL)
    batch = ThroughflowModel(rng=2, months=1, **SMALL)
    seen: list[int] = []

    def added(signal: object) -> None:  # Mesa keeps a weak reference to the handler: it must stay alive
        seen.append(signal.additional_kwargs["args"][0].row)  # type: ignore[attr-defined]

    batch.observe("agents", ModelSignals.AGENT_ADDED, added)
    first = batch.agent_id_counter
    for cls, rows in ((Refugee, [7, 3, 9]), (Mentor, [0, 1]), (Refugee, [4])):
        made = [cls(one_by_one, row) for row in rows]
        views = add_views(batch, cls, rows)
        assert [type(a) for a in views] == [type(a) for a in made]
        assert [a.row for a in views] == rows and all(a.model is batch and a.pos is None for a in views)
        assert [a.unique_id for a in views] == [a.unique_id for a in made]
    assert batch.agent_id_counter == one_by_one.agent_id_counter == first + 6
    assert [a.unique_id for a in batch.agents] == [a.unique_id for a in one_by_one.agents]
    for cls in (Refugee, Mentor):
        assert [a.unique_id for a in batch.agents_by_type[cls]] == [a.unique_id for a in one_by_one.agents_by_type[cls]]
    assert seen == [7, 3, 9, 0, 1, 4]  # one "agent added" signal per agent, in order
    assert batch.agents_by_type[Refugee][-1].status == one_by_one.agents_by_type[Refugee][-1].status
    views[0].remove()  # removed as any Mesa agent
    assert views[0] not in batch.agents


def test_agents_created_in_a_batch_signal_as_mesa_does_inside_a_signal_batch_and_under_suppression() -> None:
    from mesa.model import ModelSignals

    from throughflow.agents import Refugee
    from throughflow.agents.view import add_views

    def signals_seen(make: Callable[[ThroughflowModel, list[int]], object]) -> list[int]:
        """Signals an observer has received after a signal batch, a suppression and a plain creation."""
        model = ThroughflowModel(rng=2, months=1, **SMALL)
        seen: list[object] = []

        def added(signal: object) -> None:
            seen.append(signal)

        model.observe("agents", ModelSignals.AGENT_ADDED, added)
        counts = []
        with model.batch():
            make(model, [5, 6])
        counts.append(len(seen))
        with model.suppress():
            make(model, [7])
        counts.append(len(seen))
        make(model, [8])
        counts.append(len(seen))
        return counts

    one_by_one = signals_seen(lambda model, rows: [Refugee(model, row) for row in rows])
    assert signals_seen(lambda model, rows: add_views(model, Refugee, rows)) == one_by_one
    assert one_by_one[0] == one_by_one[1] > 0 and one_by_one[2] == one_by_one[1] + 1
